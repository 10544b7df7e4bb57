/** Comparing variants: the parting point is the first differing trace entry; facts say which differ. */
import { describe, expect, it } from 'vitest';
import { compareReports, formatComparison } from '../../sim/report/compare.js';
import { createScenario } from '../../sim/scenario/createScenario.js';
import type { Scenario } from '../../sim/scenario/Scenario.js';
import { bundledReport, reportOf } from './bundledReports.js';

const H = 3_600_000;
/** A running client put in provisioning mode by SetClientProvisioningMode($true), with no CcmExec restart. */
const base: Scenario = createScenario({
  name: 'wmi-enable',
  horizonMs: 60 * H,
  assumptions: { setRestartsService: false },
  events: [{ atMs: H, type: 'admin-wmi', enable: true }],
});
const variant = (checkLoop: 'flow' | 'continuous') =>
  reportOf({ ...base, assumptions: { ...base.assumptions, checkLoop } });

describe('compareReports', () => {
  it('finds the first trace entry where the variants differ', () => {
    const flow = variant('flow');
    const continuous = variant('continuous');
    const c = compareReports([
      { label: 'checkLoop=flow', report: flow },
      { label: 'checkLoop=continuous', report: continuous },
    ]);
    const i = c.partingIndex ?? -1;
    expect(i).toBeGreaterThan(0);
    expect(flow.trace.slice(0, i)).toEqual(continuous.trace.slice(0, i));
    expect(flow.trace[i]).not.toEqual(continuous.trace[i]);
    expect(c.partingAtMs).toBe(Math.min(flow.trace[i]?.atMs ?? Infinity, continuous.trace[i]?.atMs ?? Infinity));
    expect(c.after[1]?.[0]).toContain('Check loop begins');
    const fact = (name: string) => c.facts.find((f) => f.name === name);
    expect(fact('last exit reason')).toEqual({
      name: 'last exit reason',
      values: ['still in', 'timeout'],
      differ: true,
    });
    expect(fact('assumptions')?.values).toEqual(['checkLoop=flow', 'checkLoop=continuous']);
    expect(fact('task sequence')?.differ).toBe(false);
  });

  it('says when the timelines are identical', () => {
    const r = bundledReport('inplace-upgrade-success');
    const c = compareReports([
      { label: 'a', report: r },
      { label: 'b', report: r },
    ]);
    expect(c.partingIndex).toBeNull();
    expect(c.facts.every((f) => !f.differ)).toBe(true);
    expect(formatComparison(c, 'x')).toContain('The timelines are identical');
  });

  it('prints the parting point and marks the facts that differ', () => {
    const c = compareReports([
      { label: 'checkLoop=flow', report: variant('flow') },
      { label: 'checkLoop=continuous', report: variant('continuous') },
    ]);
    const text = formatComparison(c, 'wmi-enable');
    expect(text).toContain(`The timelines part at trace entry #${(c.partingIndex ?? 0) + 1}, at 01:00:00`);
    expect(text).toMatch(/^\* last exit reason +still in +timeout$/m);
    expect(text).toMatch(/^ {2}task sequence +none +none$/m);
  });
});
