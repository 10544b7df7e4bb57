import { describe, expect, it } from 'vitest';
import { parseScenario, scenarioToYaml } from '../../sim/scenario/loadScenario.js';
import type { Scenario } from '../../sim/scenario/Scenario.js';
import { shrinkScenario } from '../../sim/verify/shrink.js';

const big = parseScenario(
  `name: big
horizon: 10d
start: 2026-03-02T08:00:00Z
seed: 99
client:
  version: "2010"
  policyInterval: 1m
  checkInterval: 7m
  startup: disabled
  registry: { ProvisioningMaxMinutes: 61, SystemTaskExcludes: "" }
taskSequence:
  name: TS
  startAt: 3h
  provisioningAt: B
  steps:
    - { name: A, duration: 10m, restart: true, disablesClient: true, fails: true, continueOnError: true }
    - { name: B, duration: 20m, restart: true, disablesClient: true, fails: true, continueOnError: true }
    - { name: C, duration: 30m, restart: true, disablesClient: true, fails: true }
events:
  - { at: 5h, type: power-loss, downtime: 5m, repeat: { every: 1h, count: 5 } }
  - { at: 2d, type: admin-wmi, enable: true }
  - { at: 3d, type: ccmeval }
`,
  'big.yaml',
);

describe('shrinkScenario', () => {
  it('keeps only what the failure needs: one step, one flag, defaults elsewhere', () => {
    // The "failure": a step that fails and stops the sequence.
    const stillFails = (s: Scenario) => s.taskSequence?.steps.some((x) => x.fails && !x.continueOnError) ?? false;
    const result = shrinkScenario(big, { stillFails });
    const s = result.scenario;
    expect(result.cut).toBe(false);
    expect(s.events).toEqual([]);
    expect(s.taskSequence?.steps).toEqual([
      {
        name: 'C',
        durationMs: 30 * 60_000,
        restart: false,
        disablesClient: false,
        fails: true,
        continueOnError: false,
      },
    ]);
    expect(s.taskSequence?.provisioningAtStep).toBeNull();
    const defaults = parseScenario('name: d\n', 'd.yaml');
    expect(s.client).toEqual(defaults.client);
    expect(s.seed).toBe(defaults.seed);
    expect(s.horizonMs).toBeLessThan(big.horizonMs);
    expect(result.smaller).toBeGreaterThan(10);
    expect(result.tried).toBeGreaterThan(result.smaller);
  });

  it('keeps the scenario valid: a shrunk scenario serialises and loads back', () => {
    const stillFails = (s: Scenario) => s.events.some((e) => e.type === 'power-loss' && e.repeat !== undefined);
    const s = shrinkScenario(big, { stillFails }).scenario;
    expect(s.events).toHaveLength(1);
    expect(s.events[0]?.repeat?.count).toBeGreaterThanOrEqual(2);
    expect(s.events[0]?.atMs).toBe(0);
    expect(parseScenario(scenarioToYaml(s), 'big.yaml')).toEqual(s);
  });

  it('stops at the time limit and says so', () => {
    const result = shrinkScenario(big, { stillFails: () => true, timeMs: 0 });
    expect(result.cut).toBe(true);
    expect(result.scenario).toBe(big);
  });
});
