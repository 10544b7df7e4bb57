import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../sim/scenario/loadScenario.js';
import { SCENARIOS_DIR } from '../report/bundledReports.js';
import { provsim } from './edges/builtCli.js';
import { cli, tempDir } from './harness.js';

const bundled = (name: string) => join(SCENARIOS_DIR, `${name}.yaml`);

describe('provsim explore --exhaustive', () => {
  it('says holds with its counts, the same on every run', async () => {
    const args = ['explore', '--exhaustive', '--depth', '2', '--base', bundled('handled-failure'), '--format', 'json'];
    const a = await cli(...args);
    expect(a.code).toBe(0);
    const json = JSON.parse(a.out);
    expect(json).toMatchObject({ mode: 'exhaustive', verdict: 'holds', depth: 2, counterexample: null });
    expect(json.scenarios).toBeGreaterThan(json.runs);
    const b = JSON.parse((await cli(...args)).out);
    expect(b.distinctStates).toBe(json.distinctStates);
    expect(b.runs).toBe(json.runs);
  });

  it('prints a replayable counterexample of at most 2 events under setRestartsService=false', async () => {
    const out = tempDir();
    const r = await cli(
      ...['explore', '--exhaustive', '--depth', '2', '--assume', 'setRestartsService=false', '--out', out],
      ...['--base', bundled('admin-enable-resets-timestamp'), '--format', 'json'],
    );
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.verdict).toBe('violated');
    expect(json.counterexampleEvents).toBeLessThanOrEqual(2);
    expect(existsSync(json.counterexample)).toBe(true);
    const replayed = await cli('explore', '--replay', json.counterexample, '--format', 'json');
    expect(replayed.code).toBe(1);
    expect(JSON.parse(replayed.out)).toMatchObject({ verdict: 'violated', violations: json.violations });
  });

  it('says incomplete, exit 1, when --max-states stops it', async () => {
    const r = await cli('explore', '--exhaustive', '--base', bundled('restart-storm'), '--max-states', '20');
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/INCOMPLETE: stopped at \d+ distinct states \(--max-states 20\)/);
    expect(r.out).not.toMatch(/Holds/);
  });

  it('rejects an unknown event kind with the closest one', async () => {
    const r = await cli('explore', '--exhaustive', '--events', 'power-los');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--events power-los: unknown; did you mean "power-loss"\?/);
  });
});

describe('provsim explore goals', () => {
  it('lists the built-in goals', async () => {
    const r = await cli('explore', '--list-goals', '--format', 'json');
    expect(r.code).toBe(0);
    const names = JSON.parse(r.out).goals.map((g: { name: string }) => g.name);
    for (const n of ['timeout-exit', 'premature-exit', 'ccmeval-rescue', 'inconsistent-registry', 'stuck-at-horizon'])
      expect(names).toContain(n);
  });

  it('passes --goal premature-exit where a premature exit happens, and fails where it cannot', async () => {
    const reached = await cli(
      ...['explore', '--exhaustive', '--depth', '0', '--goal', 'premature-exit', '--format', 'json'],
      ...['--base', bundled('max-minutes-premature-exit')],
    );
    expect(reached.code).toBe(0);
    expect(JSON.parse(reached.out).goals).toContainEqual({ name: 'premature-exit', reached: 1, required: true });
    // A two-hour sequence, a 48-hour timeout, one day simulated: interruptions and ccmeval cannot make it time out.
    const missed = await cli(
      ...['explore', '--exhaustive', '--depth', '2', '--goal', 'premature-exit', '--format', 'json'],
      ...['--base', bundled('inplace-upgrade-success'), '--events', 'power-loss,reboot,ccmeval'],
    );
    expect(missed.code).toBe(1);
    const json = JSON.parse(missed.out);
    expect(json.verdict).toBe('holds');
    expect(json.missedGoals).toEqual(['premature-exit']);
  });

  it('counts goals in random runs and fails on a missed one', async () => {
    const r = await cli('explore', '--runs', '200', '--seed', '7', '--goal', 'timeout-exit', '--format', 'json');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.goals.find((g: { name: string }) => g.name === 'timeout-exit').reached).toBeGreaterThan(0);
    // Only deployments: nothing can abandon a task sequence.
    const missed = await cli(
      'explore',
      '--runs',
      '50',
      '--seed',
      '7',
      '--events',
      'deployment',
      '--goal',
      'ts-abandoned',
    );
    expect(missed.code).toBe(1);
    expect(missed.out).toMatch(/Required goal\(s\) never reached: ts-abandoned\./);
    const typo = await cli('explore', '--runs', '50', '--goal', 'ts-abandond');
    expect(typo.code).toBe(2);
    expect(typo.err).toMatch(/--goal ts-abandond: unknown; did you mean "ts-abandoned"\?/);
  });
});

describe('provsim explore shrinking', () => {
  it('shrinks the setRestartsService=false gap to one event and at most one plain step', async () => {
    const out = tempDir();
    const r = await cli(
      ...['explore', '--runs', '1000', '--seed', '42', '--assume', 'setRestartsService=false'],
      ...['--out', out, '--format', 'json'],
    );
    expect(r.code).toBe(1);
    const json = JSON.parse(r.out);
    expect(json.shrinkCut).toBe(false);
    const s = parseScenario(readFileSync(json.counterexample, 'utf8'), json.counterexample);
    expect(s.events.length).toBeLessThanOrEqual(1);
    const steps = s.taskSequence?.steps ?? [];
    expect(steps.length).toBeLessThanOrEqual(1);
    for (const step of steps) expect([step.restart, step.disablesClient, step.fails]).toEqual([false, false, false]);
  });
});

describe('provsim explore coverage', () => {
  it('counts rule firings by name in JSON, and --require-coverage fails on a rule that never fired', async () => {
    const r = await cli('explore', '--runs', '200', '--seed', '3', '--require-coverage', '--format', 'json');
    const json = JSON.parse(r.out);
    expect(json.coverage.find((c: { rule: string }) => c.rule === 'boot-starts-ccmexec').fired).toBeGreaterThan(0);
    // Under the default setRestartsService=true, every proper exit of a running client restarts CcmExec, so policy
    // is never retrieved by the exit itself.
    expect(json.neverFired).toContain('exit-retrieves-policy');
    expect(r.code).toBe(1);
  });

  it('prints the coverage table after an exhaustive run', async () => {
    const r = await cli('explore', '--exhaustive', '--depth', '1', '--base', bundled('handled-failure'));
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Rule coverage \(docs\/model.md names; firings, runs\): \d+ of \d+ rules fired/);
    expect(r.out).toMatch(/ts-failure-exits +\d+ +\d+\n/);
  });
});

describe('provsim explore --invariant', () => {
  it('checks only the invariants named', async () => {
    const args = [
      'explore',
      '--runs',
      '300',
      '--seed',
      '42',
      '--assume',
      'setRestartsService=false',
      '--format',
      'json',
    ];
    const all = await cli(...args, '--out', tempDir());
    expect(all.code).toBe(1);
    const only = await cli(...args, '--invariant', 'no-early-timeout', '--out', tempDir());
    expect(JSON.parse(only.out).verdict).toBe('holds');
    expect(only.code).toBe(0);
  });
});

describe('provsim explore --shard', () => {
  const runs = (...extra: string[]) => cli('explore', '--runs', '30', '--seed', '4', '--format', 'json', ...extra);

  it('checks its slice of the runs; the slices add up to the whole search', async () => {
    const whole = JSON.parse((await runs('--out', tempDir())).out);
    const shards = await Promise.all(
      ['1/3', '2/3', '3/3'].map(async (s) => JSON.parse((await runs('--shard', s, '--out', tempDir())).out)),
    );
    expect(shards.map((s) => s.shard)).toEqual([
      { index: 1, count: 3, fromRun: 0, toRun: 10 },
      { index: 2, count: 3, fromRun: 10, toRun: 20 },
      { index: 3, count: 3, fromRun: 20, toRun: 30 },
    ]);
    expect(shards.reduce((n, s) => n + s.runs, 0)).toBe(whole.runs);
    const fired = (doc: { coverage: { fired: number }[] }) => doc.coverage.map((c) => c.fired);
    expect(fired(whole)).toEqual(shards.map(fired).reduce((x, y) => x.map((v, i) => v + (y[i] ?? 0))));
  });

  it('takes the slice from the job engine with --shard auto, and refuses a shard of the exhaustive search', async () => {
    process.env.JOB_COMPLETION_INDEX = '1';
    try {
      const auto = JSON.parse((await runs('--shard', 'auto', '--shards', '3', '--out', tempDir())).out);
      expect(auto.shard).toEqual({ index: 2, count: 3, fromRun: 10, toRun: 20 });
    } finally {
      delete process.env.JOB_COMPLETION_INDEX;
    }
    const exhaustive = await cli('explore', '--exhaustive', '--shard', '1/2');
    expect(exhaustive.code).toBe(2);
    expect(exhaustive.err).toMatch(/--shard cuts the random search/);
    const path = await cli('explore', '--runs', '5', '--path', '3:1');
    expect(path.code).toBe(2);
    expect(path.err).toMatch(/--path 3:1: expected the run number/);
  });
});

describe('provsim explore --workers', () => {
  it('gives the same document with worker threads as in one thread (the built command)', () => {
    const run = (workers: string) => {
      const args = ['explore', '--runs', '450', '--seed', '8', '--format', 'json', '--workers', workers];
      const r = provsim(args, { timeoutMs: 300_000 });
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.out);
      delete doc.searchSeconds;
      delete doc.elapsedSeconds;
      return doc;
    };
    expect(run('2')).toEqual(run('1'));
  }, 300_000);
});
