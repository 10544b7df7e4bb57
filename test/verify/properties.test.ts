/**
 * Property-based verification under vitest, with a fixed budget for CI. PROVSIM_SEED and PROVSIM_RUNS reproduce
 * a run or go deeper (the seed in force is printed; a failing property prints its seed and path).
 */
import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario, scenarioToYaml } from '../../sim/scenario/loadScenario.js';
import { scenarioArbitrary } from '../../sim/verify/arbitraries.js';
import { explore } from '../../sim/verify/explore.js';
import { verifyScenario } from '../../sim/verify/verifyScenario.js';

const seed = Number(process.env.PROVSIM_SEED ?? 20261122);
const runs = Number(process.env.PROVSIM_RUNS ?? 200);
console.log(`property tests: seed ${seed}, ${runs} runs (PROVSIM_SEED / PROVSIM_RUNS to change)`);

describe('generated scenarios', () => {
  fcTest.prop([scenarioArbitrary({ assumptions: 'any' })], { numRuns: runs, seed })(
    'serialise to YAML that loads back unchanged',
    (scenario) => {
      expect(parseScenario(scenarioToYaml(scenario), 'generated.yaml')).toEqual({
        ...scenario,
        file: 'generated.yaml',
      });
    },
  );

  fcTest.prop([scenarioArbitrary({ assumptions: 'any' })], { numRuns: runs, seed })(
    'satisfy every invariant under every assumption combination, but for the documented gap',
    (scenario) => {
      const { assumptions } = scenario;
      // The gap of spec/model.md: no restart and a flow loop leave an entry unchecked (tested on its own below).
      const gap = !assumptions.setRestartsService && assumptions.checkLoop === 'flow';
      const violations = verifyScenario(scenario).violations.filter(
        (v) => !(gap && v.invariant === 'exit-within-timeout'),
      );
      expect(violations).toEqual([]);
    },
  );

  it('are long enough to matter (many events and steps, not five commands)', () => {
    const sample = fc.sample(scenarioArbitrary(), { numRuns: 200, seed });
    const events = sample.map((s) => s.events.length);
    const steps = sample.map((s) => s.taskSequence?.steps.length ?? 0);
    expect(Math.max(...events)).toBeGreaterThanOrEqual(20);
    expect(events.reduce((a, b) => a + b, 0) / sample.length).toBeGreaterThan(8);
    expect(Math.max(...steps)).toBeGreaterThanOrEqual(15);
  });

  it('include Windows PE: devices that start there and restarts into it', () => {
    const sample = fc.sample(scenarioArbitrary(), { numRuns: 200, seed });
    expect(sample.filter((s) => s.client.startsIn === 'winpe').length).toBeGreaterThan(10);
    const toWinpe = sample.filter((s) => s.taskSequence?.steps.some((st) => st.restart === 'winpe'));
    expect(toWinpe.length).toBeGreaterThan(20);
  });
});

describe('swarm scenarios', () => {
  it('use only the kinds given, and fewer kinds per scenario than uniform mixes', () => {
    const only = fc.sample(scenarioArbitrary({ kinds: ['ccmeval', 'reboot'], swarm: true }), { numRuns: 50, seed });
    expect(only.flatMap((s) => s.events.map((e) => e.type)).every((t) => t === 'ccmeval' || t === 'reboot')).toBe(true);
    const kindsPer = (swarm: boolean) => {
      const sample = fc.sample(scenarioArbitrary({ swarm }), { numRuns: 200, seed });
      const full = sample.filter((s) => s.events.length >= 10);
      return full.reduce((n, s) => n + new Set(s.events.map((e) => e.type)).size, 0) / full.length;
    };
    expect(kindsPer(true)).toBeLessThan(kindsPer(false) - 1);
  });
});

describe('the explorer', () => {
  it('finds nothing with the default assumptions', () => {
    expect(explore({ runs, seed }).failed).toBe(false);
  });

  it('finds the exit-within-timeout gap with setRestartsService=false within 1,000 runs, shrunk to at most three events', () => {
    const r = explore({ runs: 1000, seed, assumptions: { setRestartsService: false } });
    expect(r.counterexample?.violations.map((v) => v.invariant)).toContain('exit-within-timeout');
    const occurrences = r.counterexample?.scenario.events.reduce((n, e) => n + (e.repeat?.count ?? 1), 0);
    expect(occurrences).toBeLessThanOrEqual(3);
  });

  it('catches an injected fault: a check that expires at max instead of after it', () => {
    const r = explore({ runs: 1000, seed, faults: { checkAtOrAfterMax: true } });
    expect(r.counterexample?.violations.map((v) => v.invariant)).toContain('no-early-timeout');
  });

  it('catches an injected fault: a CcmExec start that skips its check', () => {
    const r = explore({ runs: 1000, seed, faults: { skipCheckAtStart: true } });
    expect(r.counterexample?.violations.map((v) => v.invariant)).toContain('exit-within-timeout');
  });
});
