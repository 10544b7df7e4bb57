/**
 * `provsim import` and `provsim replay` end to end through `main`: the files written, what is printed, and every
 * bad input of the issue (a message naming the file and line; exit 2 only when nothing usable remains).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from './harness.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';

const fixtures = 'test/import/fixtures';
const cut = join(fixtures, 'cut-mid-step-smsts.log');

describe('provsim import', () => {
  it('writes the scenario to --out, which run and check then read', async () => {
    const out = join(tempDir(), 'stuck.yaml');
    const r = await cli('import', cut, '--out', out, '--client-version', '2203', '--max-minutes', '1440');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Imported .*cut-mid-step-smsts\.log: 4 steps, outcome abandoned/);
    expect(r.out).toContain('cut-mid-step-smsts.log:16: a truncated CMTrace record');
    const scenario = parseScenario(readFileSync(out, 'utf8'), out);
    expect(scenario.client.version).toBe('2203');
    expect(scenario.client.registry.ProvisioningMaxMinutes).toBe(1440);
    const check = await cli('check', out);
    expect(check.code).toBe(0);
    expect(check.out).toContain('pass');
  });

  it('prints the scenario on standard output and the notes on standard error without --out', async () => {
    const r = await cli('import', join(fixtures, 'inplace-upgrade-smsts.log'));
    expect(r.code).toBe(0);
    expect(parseScenario(r.out, 'stdout').taskSequence?.steps.length).toBe(6);
    expect(r.out).toMatch(/^# provsim import of /);
    expect(r.err).toMatch(/^Imported .*: 6 steps, outcome success/);
  });

  it('gives the same bytes for the same logs', async () => {
    const a = await cli('import', join(fixtures, 'failure-clipboard.txt'), '--timezone', 'America/New_York');
    const b = await cli('import', join(fixtures, 'failure-clipboard.txt'), '--timezone', 'America/New_York');
    expect(a.out).toBe(b.out);
  });

  it('exits 2 with the file and line when nothing usable remains, and writes nothing', async () => {
    const dir = tempDir();
    const empty = join(dir, 'smsts.log');
    writeFileSync(empty, '');
    const binary = join(dir, 'smsts-1.log');
    writeFileSync(binary, Buffer.from([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0, 4, 0]));
    const notTs = join(dir, 'CcmExec.log');
    writeFileSync(
      notTs,
      '<![LOG[Service startup]LOG]!><time="10:00:00.000+000" date="01-01-2026" component="CcmExec" context="" type="1" thread="1" file="">\r\n',
    );
    const out = join(dir, 'out.yaml');
    const r = await cli('import', empty, binary, notTs, join(dir, 'missing.log'), '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`provsim: ${join(dir, 'missing.log')}: no such file`);
    expect(r.err).toContain(`${empty}: the file is empty`);
    expect(r.err).toContain(`${binary}: a binary file, not a text log`);
    expect(r.err).toContain(`${notTs}: not a task-sequence log`);
    expect(r.err).toContain('nothing usable remains');
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('imports what it can when some lines and files are bad', async () => {
    const dir = tempDir();
    const broken = join(dir, 'smsts.log');
    const lines = readFileSync(join(fixtures, 'wipe-and-load/smsts.log'), 'utf8').split('\r\n');
    lines.splice(
      2,
      0,
      '<![LOG[x]LOG]!><time="25:61:00.000+000" date="10-18-2019" component="TSManager" context="" type="1" thread="1" file="">',
    );
    writeFileSync(broken, lines.join('\r\n'));
    const empty = join(dir, 'smsts-empty.log');
    writeFileSync(empty, '');
    const r = await cli('import', broken, empty, '--out', join(dir, 'out.yaml'));
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${broken}:3: unknown date "10-18-2019" with time "25:61:00.000+000"`);
    expect(r.out).toContain(`${empty}: the file is empty`);
  });

  it('refuses bad options before reading anything', async () => {
    expect((await cli('import', cut, '--client-version', '19')).err).toMatch(
      /--client-version 19: expected a ConfigMgr release YYMM/,
    );
    expect((await cli('import', cut, '--max-minutes', '-5')).err).toMatch(
      /--max-minutes -5: expected a whole number from 0/,
    );
    const tz = await cli('import', cut, '--timezone', 'Moon/Base');
    expect(tz.code).toBe(2);
    expect(tz.err).toMatch(/--timezone Moon\/Base: not a time zone/);
  });
});

describe('provsim replay', () => {
  it('answers first: in provisioning mode, since when, and when it leaves', async () => {
    const r = await cli('replay', cut);
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines[0]).toMatch(/^In provisioning mode now\? YES, at the end of the log \(2025-06-03 08:20:12\.250Z/);
    expect(lines[1]).toMatch(/^Since: 2025-06-03 07:09:02\.500Z \(2025-06-03 09:09:02\.500 log time, UTC\+02:00\)/);
    expect(lines[2]).toMatch(
      /^Leaves: 2025-06-05 07:14:45\.700Z \(2025-06-05 09:14:45\.700 log time, UTC\+02:00\), 46h54m33s450ms after the end of the log, by the timeout/,
    );
    expect(lines[3]).toMatch(/^Deciding assumptions: client 2403 /);
    expect(r.out).toContain('== imported-windows-11-upgrade-sales-laptops ==');
  });

  it('says never for a release before 1902, and follows --assume and --max-minutes', async () => {
    expect((await cli('replay', cut, '--client-version', '1810')).out.split('\n')[2]).toMatch(
      /^Leaves: NEVER by itself; release 1810/,
    );
    const short = await cli('replay', cut, '--max-minutes', '120', '--assume', 'checkLoop=continuous');
    expect(short.out.split('\n')[2]).toMatch(
      /^Leaves: 2025-06-03 09:14:45\.700Z .*ProvisioningMaxMinutes \(120 min = 2h\)/,
    );
    expect(short.out).toContain('checkLoop=continuous');
  });
});
