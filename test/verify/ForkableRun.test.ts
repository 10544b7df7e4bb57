import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runModel } from '../../sim/model/runModel.js';
import type { ScenarioEvent } from '../../sim/scenario/Scenario.js';
import { scenarioArbitrary } from '../../sim/verify/arbitraries.js';
import { ForkableRun } from '../../sim/verify/ForkableRun.js';
import { bundledScenarios } from '../report/bundledReports.js';

describe('ForkableRun', () => {
  it("gives runModel's trace and final state for every bundled scenario", () => {
    for (const scenario of bundledScenarios()) {
      const run = ForkableRun.start(scenario);
      run.runToHorizon();
      const reference = runModel(scenario);
      expect(run.trace, scenario.name).toEqual(reference.trace);
      expect(run.state, scenario.name).toEqual(reference.state);
      expect(run.eventCount, scenario.name).toBe(reference.eventCount);
    }
  });

  it("gives runModel's trace for generated scenarios", () => {
    fc.assert(
      fc.property(scenarioArbitrary({ assumptions: 'any' }), (scenario) => {
        const run = ForkableRun.start(scenario);
        run.runToHorizon();
        expect(run.trace).toEqual(runModel(scenario).trace);
      }),
      { numRuns: 100, seed: 20261130 },
    );
  });

  it('forks into runs that replay as scenarios with the inserted events appended', () => {
    const scenario = bundledScenarios().find((s) => s.name === 'power-loss-unrecoverable-timeout');
    if (scenario === undefined) throw new Error('bundled scenario missing');
    const run = ForkableRun.start(scenario);
    run.runBefore(3_600_000);
    const inserted: ScenarioEvent[] = [
      { type: 'service-restart', atMs: 3_600_000 },
      { type: 'admin-wmi', enable: true, atMs: 3_600_000 },
    ];
    const a = run.fork();
    inserted.forEach((e, i) => a.insert(e, scenario.events.length + i));
    a.runToHorizon();
    const b = run.fork();
    b.runToHorizon();
    expect(a.trace).toEqual(runModel({ ...scenario, events: [...scenario.events, ...inserted] }).trace);
    expect(b.trace).toEqual(runModel(scenario).trace);
  });
});
