import { describe, expect, it } from 'vitest';
import { CoverageTally } from '../../sim/verify/coverage.js';
import { explore } from '../../sim/verify/explore.js';
import { GoalTally } from '../../sim/verify/goals.js';
import { searchOnThreads } from '../../sim/cli/exploreThreads.js';

/** The serial search, with its goal and coverage tallies. */
function serial(seed: number, runs: number, faults = {}) {
  const goals = new GoalTally();
  const coverage = new CoverageTally();
  const result = explore({ seed, runs, faults, onReport: (r) => (goals.add(r), coverage.add(r.trace)) });
  return { result, goals: goals.summary([]), coverage: coverage.summary() };
}

describe('searchOnThreads', () => {
  it.each([
    ['a search that holds', 11, 60, {}],
    ['a search that fails past its first chunks', 5, 120, { checkAtOrAfterMax: true }],
  ])('joins its chunks into the serial search: %s', async (_, seed, runs, faults) => {
    const s = serial(seed, runs, faults);
    const t = await searchOnThreads({ seed, faults }, { from: 0, runs, threads: 2, chunkSize: 7 });
    expect(t.found.checked).toBe(s.result.runs);
    expect(t.found.failure === null ? null : String(t.found.failure.index)).toBe(s.result.path);
    expect(t.goals).toEqual(s.goals);
    expect(t.coverage).toEqual(s.coverage);
  });

  it('checks the same scenarios cut into slices as in one search', async () => {
    const whole = await searchOnThreads({ seed: 3 }, { from: 0, runs: 40, threads: 1, chunkSize: 9 });
    const a = await searchOnThreads({ seed: 3 }, { from: 0, runs: 17, start: 0, threads: 1 });
    const b = await searchOnThreads({ seed: 3 }, { from: 17, runs: 23, start: 0, threads: 1 });
    const sum = (x: typeof a, y: typeof b) => x.coverage.map((c, i) => c.fired + (y.coverage[i]?.fired ?? 0));
    expect(a.found.checked + b.found.checked).toBe(whole.found.checked);
    expect(sum(a, b)).toEqual(whole.coverage.map((c) => c.fired));
  });
});
