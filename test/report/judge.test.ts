/**
 * How `run` and `check` judge a scenario: an expectation failed or an invariant violated is a failure, with or
 * without an `expect` block; `expect.violations` pins a known gap; no expectation and nothing violated is skipped.
 */
import { describe, expect, it } from 'vitest';
import { failingViolations, verdictOf } from '../../sim/report/judge.js';
import type { Report } from '../../sim/report/Report.js';
import { INVARIANT_NAMES } from '../../sim/scenario/Scenario.js';
import { INVARIANTS } from '../../sim/verify/invariants.js';
import { bundledReport } from './bundledReports.js';

type Judged = Pick<Report, 'expectations' | 'invariants'>;
const pass = { name: 'exitReason', passed: true, expected: 'timeout', actual: 'timeout' };
const fail = { ...pass, passed: false, actual: 'manual' };
const violation = { invariant: 'exit-within-timeout' as const, atMs: 1, message: 'late' };
const pinned = { name: 'violations', passed: true, expected: ['exit-within-timeout'], actual: ['exit-within-timeout'] };

describe('verdictOf', () => {
  it.each<[string, Judged, string]>([
    ['no expectation, nothing violated', { expectations: [], invariants: [] }, 'skipped'],
    ['expectations that hold', { expectations: [pass], invariants: [] }, 'passed'],
    ['a failed expectation', { expectations: [pass, fail], invariants: [] }, 'failed'],
    ['a violation without expect', { expectations: [], invariants: [violation] }, 'failed'],
    ['a violation beside expectations that hold', { expectations: [pass], invariants: [violation] }, 'failed'],
    ['a violation pinned by expect.violations', { expectations: [pass, pinned], invariants: [violation] }, 'passed'],
  ])('%s: %s', (_, report, verdict) => {
    expect(verdictOf(report)).toBe(verdict);
  });

  it('leaves pinned violations to their expectation', () => {
    expect(failingViolations({ expectations: [pinned], invariants: [violation] })).toEqual([]);
    expect(failingViolations({ expectations: [pass], invariants: [violation] })).toEqual([violation]);
  });

  it('judges expect.violations against the violations found', () => {
    const r = bundledReport('cx-no-restart-flow-never-checked');
    expect(r.invariants.map((v) => v.invariant)).toEqual(['exit-within-timeout']);
    expect(r.expectations.find((x) => x.name === 'violations')).toMatchObject({ passed: true });
  });

  it('names the invariants in the order of their definitions', () => {
    expect(INVARIANTS.map((i) => i.name)).toEqual([...INVARIANT_NAMES]);
  });
});
