/**
 * Every exit code of the interface ("Exit codes, for every command"), through the real command line: the built
 * `bin/provsim.js` in a child process, as a CI job runs it. 0 all good; 1 the simulation says something is wrong
 * (a failed expectation, a violated invariant with or without `expect`, a violation found by explore); 2 bad input,
 * bad usage or an output that cannot be written (one line, no stack trace, nothing written). A closed standard
 * output ends quietly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scenarioFile, tempDir } from './harness.js';
import { oneLine } from '../../sim/cli/main.js';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/provsim.js');

function provsim(...args: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const noStack = /\n\s+at .+:\d+:\d+/;

/** The bundled gap of setRestartsService=false (it violates exit-within-timeout), without its expect block. */
function violatingWithoutExpect(): string {
  const text = readFileSync(join(ROOT, 'scenarios/counterexamples/no-restart-flow-never-checked.yaml'), 'utf8');
  return scenarioFile(text.slice(0, text.indexOf('\nexpect:') + 1), 'violating.yaml');
}

const QUIET = `name: quiet
horizon: 3h
`;

const PASSING = `name: passing
horizon: 3h
taskSequence:
  startAt: 10m
  steps:
    - { name: Upgrade, duration: 1h }
expect:
  exitReason: ts-success
  hazards: []
`;

describe('exit 0: all good', () => {
  it('passes check on scenarios whose expectations hold, and counts a quiet one without expect as skipped', () => {
    const dir = tempDir();
    scenarioFile(PASSING, 'a.yaml', dir);
    scenarioFile(QUIET, 'b.yaml', dir);
    const r = provsim('check', dir);
    expect(r.code).toBe(0);
    expect(r.out).toContain('skip ');
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('1 passed, 0 failed, 1 skipped');
  });

  it('passes check on every bundled scenario, the pinned gap included', () => {
    const r = provsim('check', 'scenarios');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/\n17 passed, 0 failed, 0 skipped\n$/);
  });
});

describe('exit 1: the simulation says something is wrong', () => {
  it('fails check on a violated invariant without an expect block', () => {
    const r = provsim('check', violatingWithoutExpect());
    expect(r.code).toBe(1);
    expect(r.out).toContain('invariant exit-within-timeout violated at 49h1s');
    expect(r.out.trimEnd().split('\n').at(-1)).toBe('0 passed, 1 failed, 0 skipped');
  });

  it('fails run on a violated invariant', () => {
    const r = provsim('run', violatingWithoutExpect(), '--out', tempDir());
    expect(r.code).toBe(1);
    expect(r.out).toContain('exit-within-timeout');
  });

  it('fails run and check on a failed expectation', () => {
    const file = scenarioFile(PASSING.replace('exitReason: ts-success', 'exitReason: timeout'));
    const run = provsim('run', file, '--out', tempDir());
    expect(run.code).toBe(1);
    expect(run.out).toContain('EXPECT FAILED');
    const check = provsim('check', file);
    expect(check.code).toBe(1);
    expect(check.out).toContain('exitReason: expected "timeout", got "ts-success"');
  });

  it('fails explore when it finds a violation', () => {
    const out = tempDir();
    const r = provsim('explore', '--runs', '200', '--seed', '3', '--assume', 'setRestartsService=false', '--out', out);
    expect(r.code).toBe(1);
    expect(r.out).toContain('VIOLATION');
    expect(readdirSync(out)).toHaveLength(1);
  });
});

describe('exit 2: bad input, bad usage, an output that cannot be written', () => {
  it('refuses a bad scenario with one line naming file, line and column', () => {
    const file = scenarioFile('name: Bad Name\n');
    const r = provsim('check', file);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/scenario\.yaml:1:7: name/);
    expect(r.err).not.toMatch(noStack);
  });

  it('refuses an unknown option', () => {
    const r = provsim('run', 'scenarios', '--no-such-option');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Unknown argument/);
    expect(r.err).not.toMatch(noStack);
  });

  it("names a value outside an option's choices in one line, with the choices", () => {
    const r = provsim('run', 'scenarios', '--format', 'xml');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'provsim: --format xml: expected one of text, json, html, markdown\nRun provsim --help for usage.\n',
    );
  });

  it("joins every invalid value of yargs' message, and any other message's lines, into one line", () => {
    const message =
      'Invalid values:\n  Argument: format, Given: "x\\"y", Choices: "text", "json"\n  Argument: mode, Given: "b", Choices: "a"';
    expect(oneLine(message)).toBe('--format x"y: expected one of text, json; --mode b: expected one of a');
    expect(oneLine('Not enough non-option arguments:\n  got 0, need at least 1\n')).toBe(
      'Not enough non-option arguments: got 0, need at least 1',
    );
  });

  it('refuses an assumption given twice', () => {
    const r = provsim('run', 'scenarios', '--assume', 'checkLoop=flow', '--assume', 'checkLoop=continuous');
    expect(r.code).toBe(2);
    expect(r.err).toBe(
      'provsim: --assume checkLoop is given twice (flow, then continuous); give each assumption once\n',
    );
  });

  it('refuses a truncated shard in merge', () => {
    const out = tempDir();
    const fleet = 'scenarios/fleets/upgrade-wave.fleet.yaml';
    for (const i of [1, 2])
      expect(provsim('fleet', fleet, '--clients', '20', '--days', '2', '--shard', `${i}/2`, '--out', out).code).toBe(0);
    const files = [1, 2].map((i) => join(out, `upgrade-wave.shard-${i}-of-2.fleet.json`));
    const text = readFileSync(files[1] as string, 'utf8');
    writeFileSync(files[1] as string, text.slice(0, text.length / 2));
    const r = provsim('merge', ...files, '--out', join(out, 'merged'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/shard-2-of-2\.fleet\.json: not a shard report \(invalid JSON/);
    expect(r.err).not.toMatch(noStack);
    expect(existsSync(join(out, 'merged'))).toBe(false);
  });

  it('refuses an --out where a file is in the way, and writes nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'taken'), '');
    const r = provsim('run', 'scenarios/handled-failure.yaml', '--out', join(dir, 'taken', 'reports'));
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/--out .*taken\/reports: .*taken is a file, where a folder is needed/);
    expect(readdirSync(dir)).toEqual(['taken']);
  });

  it('leaves no report of the set behind when one file cannot be written', () => {
    const out = tempDir();
    // handled-failure.json is written first; index.html, a folder here, fails last.
    const index = join(out, 'index.html');
    spawnSync('mkdir', [index]);
    const r = provsim('run', 'scenarios/handled-failure.yaml', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('index.html');
    expect(readdirSync(out)).toEqual(['index.html']);
    expect(existsSync(join(out, 'handled-failure.json'))).toBe(false);
  });
});

describe('a closed standard output', () => {
  it('ends quietly', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${BIN}" run scenarios --out "${tempDir()}" | head -1`], {
      encoding: 'utf8',
      cwd: ROOT,
    });
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')).toHaveLength(2);
    expect(r.stderr).toBe('');
  });
});
