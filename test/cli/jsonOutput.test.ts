/**
 * `--format json` on every command that prints a result, through the real command line: standard output is one
 * JSON document and nothing else, and it matches the command's schema in `docs/schemas/` (validated by Ajv, draft
 * 2020-12). A schema without a command here, or a command without a schema, fails the last test.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { reportSetFiles, scenarioFile, tempDir } from './harness.js';

const ROOT = join(import.meta.dirname, '../..');
const SCHEMAS = join(ROOT, 'docs/schemas');
const BIN = join(ROOT, 'bin/provsim.js');

const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
for (const f of readdirSync(SCHEMAS)) ajv.addSchema(JSON.parse(readFileSync(join(SCHEMAS, f), 'utf8')), f);

const used = new Set<string>();

/** Runs provsim with `--format json`; checks the exit code, parses standard output whole and validates it. */
function json(schema: string, code: number, ...args: string[]): Record<string, unknown> & unknown[] {
  const r = spawnSync(process.execPath, [BIN, ...args, '--format', 'json'], { encoding: 'utf8', cwd: ROOT });
  expect(r.status, r.stderr).toBe(code);
  const value = JSON.parse(r.stdout) as Record<string, unknown> & unknown[];
  const validate = ajv.getSchema(`${schema}.schema.json`);
  if (validate === undefined) throw new Error(`no schema docs/schemas/${schema}.schema.json`);
  used.add(`${schema}.schema.json`);
  expect(validate(value) ? [] : validate.errors).toEqual([]);
  return value;
}

const SCENARIO = 'scenarios/disabled-client-ccmeval-rescue.yaml';
const FLEET = 'scenarios/fleets/upgrade-wave.fleet.yaml';
const SMALL = ['--clients', '40', '--days', '3', '--workers', '1'];

describe('--format json', () => {
  it('run: a report, an array of reports, a comparison', () => {
    const out = tempDir();
    expect(json('run', 0, 'run', SCENARIO, '--out', out).scenario).toMatchObject({
      name: 'disabled-client-ccmeval-rescue',
    });
    expect(json('run', 0, 'run', SCENARIO, 'scenarios/handled-failure.yaml', '--out', out)).toHaveLength(2);
    expect(json('run', 0, 'run', SCENARIO, '--compare', 'checkLoop', '--out', out).labels).toHaveLength(2);
    json('report', 0, 'run', SCENARIO, '--out', out);
  });

  it('check: passing, failing and skipped scenarios with the counts', () => {
    expect(json('check', 0, 'check', 'scenarios')).toMatchObject({ passed: 17, failed: 0, skipped: 0 });
    const quiet = scenarioFile('name: quiet\nhorizon: 3h\n');
    expect(json('check', 0, 'check', quiet)).toMatchObject({ passed: 0, failed: 0, skipped: 1 });
  });

  it('validate: the files read, scenarios and fleets, or the problems (exit 2)', () => {
    const ok = json('validate', 0, 'validate', 'scenarios');
    expect(ok.valid).toBe(true);
    expect((ok.files as { kind: string }[]).filter((f) => f.kind === 'fleet')).toHaveLength(4);
    const bad = json('validate', 2, 'validate', scenarioFile('name: Bad Name\n'));
    expect(bad).toMatchObject({ valid: false, files: [] });
    expect((bad.problems as string[])[0]).toMatch(/scenario\.yaml:1:7: name/);
  });

  it('explore: a search that holds, and a replay that finds the violation (exit 1)', () => {
    const held = json('explore', 0, 'explore', '--runs', '20', '--seed', '7', '--out', tempDir());
    expect(held).toMatchObject({ mode: 'random', verdict: 'holds', runs: 20, seed: 7, counterexample: null });
    const file = 'scenarios/counterexamples/no-restart-flow-never-checked.yaml';
    const replayed = json('explore', 1, 'explore', '--replay', file);
    expect(replayed).toMatchObject({ mode: 'replay', verdict: 'violated', counterexample: file });
    const exhaustive = json(
      'explore',
      0,
      ...['explore', '--exhaustive', '--depth', '1', '--base', 'scenarios/handled-failure.yaml', '--out', tempDir()],
    );
    expect(exhaustive).toMatchObject({ mode: 'exhaustive', verdict: 'holds', depth: 1, counterexample: null });
    const goals = json('goals', 0, 'explore', '--list-goals');
    expect((goals.goals as { name: string }[]).map((g) => g.name)).toContain('premature-exit');
  });

  it('import: the scenario as YAML and a summary; with --out the file, which reads back as the same YAML', () => {
    const log = 'test/import/fixtures/inplace-upgrade-smsts.log';
    const printed = json('import', 0, 'import', log);
    expect(printed).toMatchObject({ scenario: { steps: 6, outcome: 'success' }, written: null });
    expect(printed.yaml).toMatch(/^name: imported-windows-11-24h2-in-place-upgrade$/m);
    const out = join(tempDir(), 'upgrade.yaml');
    const written = json('import', 0, 'import', log, '--out', out);
    expect(written.written).toBe(out);
    expect(readFileSync(out, 'utf8')).toBe(printed.yaml);
  });

  it('replay: the answer and the report, and with --out the report set of run', () => {
    const out = tempDir();
    const r = json('replay', 0, 'replay', 'test/import/fixtures/cut-mid-step-smsts.log', '--out', out);
    expect(r.answer).toMatchObject({ inProvisioningMode: true, leaveReason: 'timeout' });
    const name = (r.report as { scenario: { name: string } }).scenario.name;
    expect(readdirSync(out).sort()).toEqual(reportSetFiles(name));
    expect(JSON.parse(readFileSync(join(out, `${name}.json`), 'utf8'))).toEqual(r.report);
  });

  it('fleet, tune and merge', () => {
    const out = tempDir();
    const whole = json('fleet', 0, 'fleet', FLEET, ...SMALL, '--out', out);
    expect(whole.clients).toBe(40);
    json('fleet', 0, 'fleet', FLEET, ...SMALL, '--shard', '1/2', '--out', out);
    json('fleet', 0, 'fleet', FLEET, ...SMALL, '--shard', '2/2', '--out', out);
    const shards = readdirSync(out)
      .filter((f) => f.includes('.shard-') && f.endsWith('.json'))
      .map((f) => join(out, f));
    expect(json('fleet', 0, 'merge', ...shards, '--out', tempDir())).toEqual(whole);
    const tune = json('tune', 0, 'tune', FLEET, ...SMALL, '--max-minutes', '60,2880', '--out', out);
    expect(tune.values).toEqual([60, 2880]);
  });

  it('remediate', () => {
    const r = json(
      'remediate',
      0,
      'remediate',
      'scenarios/fleets/remediation.fleet.yaml',
      '--clients',
      '40',
      '--days',
      '3',
      '--strategy',
      'wait',
      '--strategy',
      'force-daily@02:00',
      '--out',
      tempDir(),
    );
    expect((r.rows as { strategy: string }[]).map((x) => x.strategy)).toEqual(['wait', 'force-daily@02:00']);
  });

  it('triage: the forecast per device, and one device explained', () => {
    const args = ['triage', 'scenarios/triage', '--as-of', '2026-03-04T09:00:00Z', '--timezone', 'Europe/Berlin'];
    const r = json('triage', 0, ...args, '--out', tempDir());
    expect((r.devices as unknown[]).length).toBe(14);
    expect(json('triage', 0, ...args, '--explain', 'WKS-0003')).toMatchObject({ kind: 'provsim-triage-explain' });
  });

  afterAll(() => {
    // Every schema is exercised by a command above (when all of them ran).
    if (used.size > 0) expect([...used].sort()).toEqual(readdirSync(SCHEMAS).sort());
  });
});
