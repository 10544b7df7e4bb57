import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../sim/scenario/Scenario.js';
import { assumptionCombinations, exploreExhaustive, variantsOf } from '../../sim/verify/exhaustive.js';
import { verifyScenario } from '../../sim/verify/verifyScenario.js';
import { bundledScenarios } from '../report/bundledReports.js';

const H = 3_600_000;

function base(name: string): Scenario {
  const s = bundledScenarios().find((x) => x.name === name);
  if (s === undefined) throw new Error(`no bundled scenario ${name}`);
  return s;
}

/** Event lists of up to `depth` events on `points` grid times with `v` variants (times nondecreasing). */
function lists(points: number, v: number, depth: number): number {
  let total = 1;
  let ways = 1;
  for (let j = 1; j <= depth; j++) {
    ways = (ways * (points + j - 1)) / j;
    total += ways * v ** j;
  }
  return total;
}

describe('exploreExhaustive', () => {
  it('holds at depth 2 and counts every event list, run or merged', () => {
    const b = base('inplace-upgrade-success');
    const result = exploreExhaustive({ bases: [b], depth: 2, gridMs: 6 * H });
    expect(result.verdict).toBe('holds');
    expect(result.stoppedAt).toBeNull();
    const points = Math.floor(b.horizonMs / (6 * H)) + 1;
    expect(result.scenarios).toBe(lists(points, variantsOf(undefined).length, 2));
    expect(result.runs).toBeLessThan(result.scenarios);
  });

  it('visits the same number of states on every run', () => {
    const options = { bases: [base('handled-failure'), base('registry-only-fix')], depth: 2, gridMs: 12 * H };
    const a = exploreExhaustive(options);
    const b = exploreExhaustive(options);
    expect(a.distinctStates).toBe(b.distinctStates);
    expect(a.runs).toBe(b.runs);
  });

  it('finds the documented gap of setRestartsService=false with at most two events, replayable', () => {
    const result = exploreExhaustive({
      bases: [base('inplace-upgrade-success'), base('admin-enable-resets-timestamp')],
      depth: 2,
      assumptions: { setRestartsService: false },
    });
    expect(result.verdict).toBe('violated');
    const found = result.counterexample;
    expect(found?.depth).toBeLessThanOrEqual(2);
    expect(found?.violations.map((v) => v.invariant)).toContain('exit-within-timeout');
    if (found === null || found === undefined) return;
    expect(verifyScenario(found.scenario).violations.map((v) => v.invariant)).toContain('exit-within-timeout');
  });

  it('gives a shortest counterexample: one event fewer holds everywhere', () => {
    const options = {
      bases: [base('inplace-upgrade-success'), base('power-loss-unrecoverable-timeout')],
      gridMs: 12 * H,
      faults: { checkAtOrAfterMax: true },
    };
    const result = exploreExhaustive({ ...options, depth: 3 });
    expect(result.verdict).toBe('violated');
    const depth = result.counterexample?.depth ?? 0;
    expect(depth).toBeGreaterThan(0);
    expect(exploreExhaustive({ ...options, depth: depth - 1 }).verdict).toBe('holds');
    const found = result.counterexample;
    if (found === null) return;
    expect(verifyScenario(found.scenario, { faults: options.faults }).violations).not.toEqual([]);
  });

  it('says incomplete, never holds, when the state budget runs out', () => {
    const result = exploreExhaustive({ bases: [base('restart-storm')], depth: 2, gridMs: 6 * H, maxStates: 50 });
    expect(result.verdict).toBe('incomplete');
    expect(result.stoppedAt).toMatch(/--max-states 50/);
  });

  it('enumerates the assumption combinations not fixed', () => {
    expect(assumptionCombinations({}, false)).toEqual([{}]);
    expect(assumptionCombinations({}, true)).toHaveLength(16);
    const fixed = assumptionCombinations({ checkLoop: 'continuous' }, true);
    expect(fixed).toHaveLength(8);
    expect(fixed.every((c) => c.checkLoop === 'continuous')).toBe(true);
  });
});
