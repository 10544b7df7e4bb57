/**
 * The command line end to end: exit codes, the bad inputs of the issue (each a clear message naming file, line,
 * column and key, exit 2, no stack trace, no report written), report files, determinism.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, reportSetFiles, scenarioFile, tempDir } from './harness.js';

const VALID = `name: tiny
horizon: 3h
taskSequence:
  startAt: 10m
  steps:
    - { name: Upgrade, duration: 1h }
events:
  - { at: 2h, type: deployment, name: App }
expect:
  exitReason: ts-success
  exitedBy: 1h10m
  hazards: []
`;

/** Runs `provsim run` on a bad file and checks the common promises: exit 2, no stack, no report. */
async function rejects(text: string, ...needles: (string | RegExp)[]): Promise<string> {
  const file = scenarioFile(text);
  const out = join(tempDir(), 'reports');
  const r = await cli('run', file, '--out', out);
  expect(r.code).toBe(2);
  expect(r.err).toContain(file);
  expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(existsSync(out)).toBe(false);
  for (const n of needles) expect(r.err).toMatch(n);
  return r.err;
}

describe('provsim run', () => {
  it('prints a summary with the timeline and writes the JSON, Markdown and HTML reports', async () => {
    const out = join(tempDir(), 'reports');
    const r = await cli('run', scenarioFile(VALID), '--out', out);
    expect(r.code).toBe(0);
    expect(r.out).toContain('ENTER provisioning mode (task sequence start)');
    expect(r.out).toContain('EXIT provisioning mode: ts-success');
    expect(r.out).toContain('assumptions: setRestartsService=true checkLoop=flow');
    expect(readdirSync(out).sort()).toEqual(reportSetFiles('tiny'));
    const report = JSON.parse(readFileSync(join(out, 'tiny.json'), 'utf8'));
    expect(report.provisioning.intervals).toEqual([
      { enteredAtMs: 600000, exitedAtMs: 4200000, exitReason: 'ts-success', enteredBy: 'task-sequence' },
    ]);
    expect(readFileSync(join(out, 'tiny.md'), 'utf8')).toMatch(/^# tiny/);
  });

  it('prints the JSON report with --format json, the same bytes on every run', async () => {
    const file = scenarioFile(VALID);
    const a = await cli('run', file, '--format', 'json', '--out', join(tempDir(), 'r'));
    const b = await cli('run', file, '--format', 'json', '--out', join(tempDir(), 'r'));
    expect(a.code).toBe(0);
    expect(a.out).toBe(b.out);
    expect(JSON.parse(a.out)).toMatchObject({ schemaVersion: 1, scenario: { name: 'tiny', seed: 1 } });
  });

  it('overrides the seed and assumptions from the command line', async () => {
    const r = await cli(
      'run',
      scenarioFile(VALID),
      '--format',
      'json',
      '--seed',
      '9',
      '--assume',
      'checkLoop=continuous',
      '--assume',
      'setRestartsService=false',
      '--out',
      join(tempDir(), 'r'),
    );
    const report = JSON.parse(r.out);
    expect(report.scenario.seed).toBe(9);
    expect(report.assumptions).toMatchObject({ checkLoop: 'continuous', setRestartsService: false });
  });

  it('prints an array for several scenarios', async () => {
    const dir = tempDir();
    scenarioFile(VALID, 'a.yaml', dir);
    scenarioFile(VALID.replace('name: tiny', 'name: tiny-two'), 'b.yml', dir);
    const r = await cli('run', dir, '--format', 'json', '--out', join(tempDir(), 'r'));
    expect(JSON.parse(r.out).map((x: { scenario: { name: string } }) => x.scenario.name)).toEqual(['tiny', 'tiny-two']);
  });
});

describe('provsim check and validate', () => {
  it('passes a scenario whose expectations hold', async () => {
    const r = await cli('check', scenarioFile(VALID));
    expect(r.code).toBe(0);
    expect(r.out).toContain('1 passed, 0 failed');
  });

  it('fails with exit 1 and names the expectation that does not hold', async () => {
    const r = await cli('check', scenarioFile(VALID.replace('exitReason: ts-success', 'exitReason: timeout')));
    expect(r.code).toBe(1);
    expect(r.out).toContain('exitReason: expected "timeout", got "ts-success"');
  });

  it('validates without running', async () => {
    const file = scenarioFile(VALID);
    const r = await cli('validate', file);
    expect(r).toMatchObject({ code: 0, out: `ok ${file} (tiny)\n` });
  });
});

describe('bad input', () => {
  it('reports a YAML syntax error with file, line and column', async () => {
    const err = await rejects('name: x\nhorizon: [3h\n');
    expect(err).toMatch(/scenario\.yaml:\d+:\d+/);
  });

  it('reports an unknown key with the closest valid one', async () => {
    await rejects('name: x\nhorizn: 3h\n', /:2:1/, /horizn/, /did you mean "horizon"/);
  });

  it('reports a wrong type', async () => {
    await rejects('name: x\nseed: abc\n', /:2:7/, /seed/, /integer|whole number/i);
  });

  it('reports a duration that does not parse, with the forms allowed', async () => {
    await rejects('name: x\nhorizon: 90 minutes\n', /:2:10/, /horizon/, /90 minutes/, /1h30m/);
  });

  it.each([['-5'], ['1.5'], ['4294967296']])('refuses ProvisioningMaxMinutes %s', async (value) => {
    await rejects(
      `name: x\nclient:\n  registry:\n    ProvisioningMaxMinutes: ${value}\n`,
      /:4:29/,
      /ProvisioningMaxMinutes/,
      /4294967295/,
    );
  });

  it('reports an unknown event type with the allowed ones', async () => {
    await rejects('name: x\nevents:\n  - { at: 1h, type: power-lost }\n', /:3/, /power-lost/, /power-loss/);
  });

  it('reports an unknown assumption value with the allowed ones', async () => {
    await rejects('name: x\nassumptions:\n  checkLoop: sometimes\n', /:3:14/, /checkLoop/, /flow/, /continuous/);
  });

  it('refuses an unknown --assume key or value', async () => {
    const file = scenarioFile(VALID);
    const key = await cli('run', file, '--assume', 'checkloop=flow', '--out', join(tempDir(), 'r'));
    expect(key.code).toBe(2);
    expect(key.err).toContain('did you mean "checkLoop"');
    const value = await cli('run', file, '--assume', 'checkLoop=often', '--out', join(tempDir(), 'r'));
    expect(value.code).toBe(2);
    expect(value.err).toContain('allowed: flow, continuous');
  });

  it('reports an event outside the horizon', async () => {
    await rejects('name: x\nhorizon: 3h\nevents:\n  - { at: 5h, type: ts-crash }\n', /:4/, /horizon/);
  });

  it('reports a task sequence with no steps', async () => {
    await rejects('name: x\ntaskSequence:\n  steps: []\n', /:3/, /at least one step/);
  });

  it('reports a missing file', async () => {
    const r = await cli('run', '/nonexistent/scenario.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toContain('/nonexistent/scenario.yaml: no such file or folder');
  });

  it('refuses the name "index", which the run\'s index page takes', async () => {
    await rejects(
      VALID.replace('name: tiny', 'name: index'),
      /name "index" is taken by the run's index page \(index\.html\); give the scenario another name/,
    );
  });

  it('refuses two scenarios of one name in a run, naming both files', async () => {
    const a = scenarioFile(VALID);
    const b = scenarioFile(VALID);
    const out = join(tempDir(), 'reports');
    const r = await cli('run', a, b, '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toBe(`provsim: ${b}: name "tiny" is already used by ${a}; scenario names must be unique in a run\n`);
    expect(existsSync(out)).toBe(false);
  });

  it('reports an empty file', async () => {
    await rejects('', /empty/);
  });

  it('reports a folder with no scenarios', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    const r = await cli('run', dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('holds no scenario files');
  });

  it('writes no report at all when one of several files is bad', async () => {
    const dir = tempDir();
    scenarioFile(VALID, 'a.yaml', dir);
    scenarioFile('name: y\nhorizon: soon\n', 'b.yaml', dir);
    const out = join(tempDir(), 'reports');
    const r = await cli('run', dir, '--out', out);
    expect(r.code).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses two scenarios with the same name in one run', async () => {
    const dir = tempDir();
    scenarioFile(VALID, 'a.yaml', dir);
    scenarioFile(VALID, 'b.yaml', dir);
    const r = await cli('run', dir, '--out', join(tempDir(), 'r'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('already used');
  });

  it('stops a runaway run at the event limit with exit 2', async () => {
    const r = await cli('run', scenarioFile(VALID), '--max-events', '5', '--out', join(tempDir(), 'r'));
    expect(r.code).toBe(2);
    expect(r.err).toContain('Aborting after 5 events');
  });

  it('rejects an unknown command as usage', async () => {
    const r = await cli('rnu', 'x');
    expect(r.code).toBe(2);
  });
});

describe('the provsim executable', () => {
  const bin = join(import.meta.dirname, '../../bin/provsim.js');
  const built = existsSync(join(import.meta.dirname, '../../dist/cli/main.js'));

  it('is built (npm test builds it first)', () => {
    expect(built).toBe(true);
  });

  it.runIf(built)('prints help and exits 0', () => {
    const r = spawnSync(process.execPath, [bin, '--help'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/run <paths\.\.>/);
    expect(r.stdout).toMatch(/check <paths\.\.>/);
    expect(r.stdout).toMatch(/validate <paths\.\.>/);
  });

  it.runIf(built)('exits 2 on bad input with a message and no stack trace', () => {
    const r = spawnSync(process.execPath, [bin, 'validate', scenarioFile('name: Bad Name\n')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/scenario\.yaml:1:7: name/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
