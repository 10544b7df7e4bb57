/**
 * `provsim triage` end to end: the bundled exports, every output, `--explain` replayable with `provsim run`, and
 * bad input refused with one clear line (file, line, column, key), exit 2 and nothing written.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../sim/triage/categorize.js';
import { CSV_COLUMNS } from '../../sim/triage/formatTriage.js';
import { cli, tempDir } from './harness.js';

const root = join(import.meta.dirname, '../..');
const dir = join(root, 'scenarios/triage');
const EXPORTS = [
  'cmpivot-registry.csv',
  'cmpivot-service.csv',
  'cmpivot-client-version.csv',
  'get-ccmprovisioningmode.csv',
  'client-health.export.json',
].map((f) => join(dir, f));
const AS_OF = ['--as-of', '2026-03-04T09:00:00Z', '--timezone', 'Europe/Berlin'];

interface ReplayReport {
  scenario: { start: string };
  provisioning: { intervals: { exitedAtMs: number | null }[] };
}

/** The wall-clock time of a replayed scenario's first exit. */
const exitOf = (r: ReplayReport): number =>
  Date.parse(r.scenario.start) + (r.provisioning.intervals[0]?.exitedAtMs ?? NaN);

interface DeviceJson {
  device: string;
  category: string;
  action: string;
  exitAfter: string | null;
  exitBy: string | null;
  reasons: string[];
  defaulted: string[];
}

describe('provsim triage', () => {
  it('prints the summary of the bundled exports: every category, the next exits, the devices to fix', async () => {
    const r = await cli('triage', ...EXPORTS, ...AS_OF);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Triage of 14 devices as of 2026-03-04T09:00:00.000Z/);
    for (const c of CATEGORIES) expect(r.out).toMatch(new RegExp(`^  ${c} +[1-9]`, 'm'));
    expect(r.out).toContain('Next exits (forecast by the model):');
    expect(r.out).toMatch(
      /Fix now: SetClientProvisioningMode\(\$false\) \(3\):\n {2}SRV-0202 .*\n {2}WKS-0002 .*\n {2}WKS-0005 /,
    );
    expect(r.out).toMatch(/Fix after the task-sequence window \(1\):\n {2}WKS-0008 /);
  });

  it('gives JSON with the spec fields, one object per device, the same twice', async () => {
    const a = await cli('triage', ...EXPORTS, ...AS_OF, '--format', 'json');
    const b = await cli('triage', ...EXPORTS, ...AS_OF, '--format', 'json');
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    const report = JSON.parse(a.out) as { devices: DeviceJson[]; counts: Record<string, number> };
    expect(report.devices).toHaveLength(14);
    expect(Object.keys(report.devices[0] ?? {})).toEqual([...CSV_COLUMNS]);
    const legacy = report.devices.find((d) => d.device === 'WKS-0005');
    expect(legacy?.category).toBe('never-exits');
    expect(legacy?.reasons).toContain('release 1810 has no timeout (the timeout exists from release 1902 on)');
    const known = report.devices.find((d) => d.device === 'SRV-0201');
    expect(known?.exitAfter).toBe(known?.exitBy);
    expect(known?.exitBy).toBe('2026-03-05T03:02:00.000Z');
  });

  it('gives CSV with the same columns, every field quoted, one row per device', async () => {
    const r = await cli('triage', ...EXPORTS, ...AS_OF, '--format', 'csv');
    const lines = r.out.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      '"device","category","action","enteredAt","deadline","exitAfter","exitBy","reasons","defaulted"',
    );
    expect(lines).toHaveLength(15);
    expect(lines.find((l) => l.startsWith('"WKS-0004"'))).toMatch(/^"WKS-0004","overdue","investigate",/);
  });

  it('writes the whole set with --out, fix-now.ps1 listing only the fix-now devices', async () => {
    const out = tempDir();
    const r = await cli('triage', ...EXPORTS, ...AS_OF, '--out', out);
    expect(r.code).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['fix-now.ps1', 'triage.csv', 'triage.html', 'triage.json', 'triage.txt']);
    const ps1 = readFileSync(join(out, 'fix-now.ps1'), 'utf8');
    expect(ps1.match(/^ {4}'[^']+',?\r?$/gm)?.map((l) => l.trim().replace(/[',]/g, ''))).toEqual([
      'SRV-0202',
      'WKS-0002',
      'WKS-0005',
    ]);
  });

  it('prints a device scenario with --explain that provsim run replays to the forecast exit', async () => {
    const r = await cli('triage', ...EXPORTS, ...AS_OF, '--explain', 'srv-0201');
    expect(r.code).toBe(0);
    const file = join(tempDir(), 'srv-0201.yaml');
    writeFileSync(file, r.out);
    const run = await cli('run', file, '--format', 'json', '--out', tempDir());
    expect(run.code).toBe(0);
    expect(new Date(exitOf(JSON.parse(run.out) as ReplayReport)).toISOString()).toBe('2026-03-05T03:02:00.000Z');
  });

  it('writes one scenario per phase run with --explain --out; provsim run replays the window ends', async () => {
    const json = await cli('triage', ...EXPORTS, ...AS_OF, '--format', 'json');
    const device = (JSON.parse(json.out) as { devices: DeviceJson[] }).devices.find((d) => d.device === 'WKS-0003');
    const dir = tempDir();
    const r = await cli('triage', ...EXPORTS, ...AS_OF, '--explain', 'WKS-0003', '--out', dir);
    expect(r.code).toBe(0);
    const files = readdirSync(dir).sort();
    expect(files.length).toBeGreaterThanOrEqual(2);
    expect(files[0]).toBe('triage-wks-0003-phase-1.yaml');
    const run = await cli('run', dir, '--format', 'json', '--out', tempDir());
    expect(run.code).toBe(0);
    const exits = (JSON.parse(run.out) as ReplayReport[]).map(exitOf);
    expect(new Date(Math.min(...exits)).toISOString()).toBe(device?.exitAfter);
    expect(new Date(Math.max(...exits)).toISOString()).toBe(device?.exitBy);
  });
});

const UNKNOWN_DATE =
  '"ComputerName","ProvisioningMode","ProvisioningEnabledTime"\n"PC1","true","18.10.2019 14:20:57"\n';

describe('provsim triage refuses bad input', () => {
  async function refused(text: string, ...extra: string[]) {
    const d = tempDir();
    const file = join(d, 'export.csv');
    writeFileSync(file, text);
    const out = join(d, 'out');
    const r = await cli('triage', file, '--as-of', '2026-03-04T09:00:00Z', '--out', out, ...extra);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).not.toMatch(/\n.+\n/); // one line
    expect(r.err).not.toMatch(/ at .*\.js:\d+/); // no stack trace
    expect(existsSync(out)).toBe(false);
    return r.err.replaceAll(d, 'DIR');
  }

  it.each([
    [
      'a missing device column',
      'Name,ProvisioningMode\r\nPC1,true\r\n',
      'DIR/export.csv:1:1: no device column: expected one of Device, ComputerName, Hostname; the header has Name, ProvisioningMode',
    ],
    [
      'a value the registry cannot hold',
      'Device,Property,Value\nPC1,ProvisioningMode,true\nPC1,ProvisioningMaxMinutes,-5\n',
      'DIR/export.csv:3:28: ProvisioningMaxMinutes: "-5" cannot be a REG_DWORD: expected a whole number of minutes from 0 to 4294967295',
    ],
    [
      'a date in an unknown format, and the option that reads it',
      UNKNOWN_DATE,
      'DIR/export.csv:2:14: ProvisioningEnabledTime: cannot read "18.10.2019 14:20:57" as a date-time in en-US (M/d/yyyy h:mm:ss tt); name the export\'s culture or pattern with --date-format (for example de-DE or "dd.MM.yyyy HH:mm:ss"), or give Unix seconds or ISO 8601',
    ],
    [
      'a device given twice with different values, and both places',
      'Device,Property,Value\nPC1,ProvisioningMode,true\npc1,ProvisioningMode,false\n',
      'DIR/export.csv:3:22: ProvisioningMode: device pc1 has "false" here but "true" at DIR/export.csv:2:22; one device, one value (remove one of the rows)',
    ],
    [
      'an empty file',
      '',
      'DIR/export.csv:1:1: the file is empty: expected a header line such as Device,Property,Value',
    ],
  ])('names %s', async (_, text, message) => {
    expect(await refused(text)).toBe(`provsim: ${message}\n`);
  });

  it('reads that date with --date-format de-DE', async () => {
    const d = tempDir();
    const file = join(d, 'export.csv');
    writeFileSync(file, UNKNOWN_DATE);
    const r = await cli(
      'triage',
      file,
      '--as-of',
      '2019-10-19T09:00:00Z',
      '--date-format',
      'de-DE',
      '--timezone',
      'Europe/Berlin',
      '--format',
      'json',
    );
    expect(r.code).toBe(0);
    expect((JSON.parse(r.out) as { devices: { enteredAt: string }[] }).devices[0]?.enteredAt).toBe(
      '2019-10-18T12:20:57.000Z',
    );
  });

  it('names an empty JSON export', async () => {
    const d = tempDir();
    const file = join(d, 'x.export.json');
    writeFileSync(file, '[]');
    const r = await cli('triage', file, '--as-of', '2026-03-04T09:00:00Z');
    expect(r.code).toBe(2);
    expect(r.err.replace(d, 'DIR')).toBe(
      'provsim: DIR/x.export.json:1:1: expected an array of objects, one per device\n',
    );
  });

  it('refuses an unknown --date-format and a bad --as-of', async () => {
    const d = tempDir();
    const file = join(d, 'export.csv');
    writeFileSync(file, 'Device,Property,Value\nPC1,ProvisioningMode,true\n');
    const a = await cli('triage', file, '--as-of', '2026-03-04T09:00:00Z', '--date-format', 'xx-YY');
    expect(a.code).toBe(2);
    expect(a.err).toMatch(/^provsim: --date-format xx-YY: expected a culture/);
    const b = await cli('triage', file, '--as-of', 'yesterday');
    expect(b.code).toBe(2);
    expect(b.err).toMatch(/^provsim: --as-of yesterday: expected an ISO 8601 date-time/);
  });

  it('refuses a check interval under a minute (the week-long forecast ran away), and --explain in CSV or HTML', async () => {
    const asOf = ['--as-of', '2026-03-04T09:00:00Z'];
    const short = await cli('triage', 'scenarios/triage', ...asOf, '--check-interval', '1ms');
    expect(short.code).toBe(2);
    expect(short.err).toMatch(
      /^provsim: --check-interval 1ms: at least 1m \(the client checks every 60m; default 60m\)\n/,
    );
    expect((await cli('triage', 'scenarios/triage', ...asOf, '--check-interval', '1m')).code).toBe(0);
    for (const format of ['csv', 'html']) {
      const r = await cli('triage', 'scenarios/triage', ...asOf, '--explain', 'WKS-0003', '--format', format);
      expect(r.code).toBe(2);
      expect(r.out).toBe('');
      expect(r.err).toMatch(
        new RegExp(
          `^provsim: --explain prints the device's scenarios, as YAML \\(--format text\\) or JSON \\(--format json\\); --format ${format} prints the triage of every device\n`,
        ),
      );
    }
  });
});
