import { describe, expect, it } from 'vitest';
import { countRuleFirings, RULE_NAMES } from '../../sim/model/rules.js';
import { CoverageTally, neverFired } from '../../sim/verify/coverage.js';
import { bundledReports } from '../report/bundledReports.js';

describe('CoverageTally', () => {
  it("sums the rule tracker's firings over runs and counts the runs each rule fired in", () => {
    const reports = bundledReports();
    const tally = new CoverageTally();
    for (const r of reports) tally.add(r.trace);
    const summary = tally.summary();
    expect(summary.map((c) => c.rule)).toEqual(RULE_NAMES);
    for (const c of summary) {
      const perRun = reports.map((r) => countRuleFirings(r.trace)[c.rule]);
      expect(c.fired, c.rule).toBe(perRun.reduce((a, b) => a + b, 0));
      expect(c.runs, c.rule).toBe(perRun.filter((n) => n > 0).length);
    }
    expect(neverFired(summary)).toEqual(summary.filter((c) => c.fired === 0).map((c) => c.rule));
  });
});
