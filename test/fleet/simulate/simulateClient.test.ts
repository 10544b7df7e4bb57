/**
 * The fleet's fast path against the event-by-event model (`buildReport(runModel(...))`, what `provsim run` does):
 * random clients of every bundled fleet, drawn from both branches (closed form and skipping), have the outcome the
 * fleet computed, and the `--explain` YAML of a sample of them reads back to the very same scenario. Generated
 * scenarios (the verification generators: clock jumps, registry edits, administrator calls, every assumption) and
 * the bundled scenarios agree too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { type ClientOutcome, outcomeFromReport } from '../../../sim/fleet/simulate/ClientOutcome.js';
import { clientScenario } from '../../../sim/fleet/simulate/clientScenario.js';
import type { Fleet } from '../../../sim/fleet/load/Fleet.js';
import { parseFleet } from '../../../sim/fleet/load/loadFleet.js';
import { type FastPath, fastPathOf, simulateClient } from '../../../sim/fleet/simulate/simulateClient.js';
import { createRandom } from '../../../sim/kernel/Random.js';
import { runModel } from '../../../sim/model/runModel.js';
import { buildReport } from '../../../sim/report/Report.js';
import { parseScenario, scenarioToYaml } from '../../../sim/scenario/loadScenario.js';
import type { Scenario } from '../../../sim/scenario/Scenario.js';
import { scenarioArbitrary } from '../../../sim/verify/arbitraries.js';

const fleets = join(import.meta.dirname, '../../../scenarios/fleets');
const scenarios = join(import.meta.dirname, '../../../scenarios');

/** What `buildReport(runModel(...))` says of the scenario. */
function reference(s: Scenario): ClientOutcome {
  return outcomeFromReport(buildReport(runModel(s)));
}

/**
 * A fleet that exercises every branch: every release side of 1902, short timeouts, faults of every kind, sequences
 * that run in Windows PE and end there.
 */
function stressFleet(assumptions: string): Fleet {
  return parseFleet(
    `name: stress
clients: 100000
horizon: 5d
seed: 7
releases: [{ version: "2403", share: 60% }, { version: "1810", share: 20% }, { version: "1902", share: 20% }]
maxMinutes: [{ value: absent, share: 40% }, { value: 60, share: 20% }, { value: 0, share: 10% }, { value: 1, share: 10% }, { value: 240, share: 20% }]
client: { bootTime: 3m, serviceRestart: 30s, checkInterval: 45m, policyInterval: 37m, ccmeval: { every: 7h } }
assumptions: { ${assumptions} }
taskSequences:
  - name: A
    share: 40%
    startWindow: { from: 0s, to: 4d }
    provisioningAt: Up
    crash: 10%
    steps:
      - { name: Pre, duration: { uniform: { min: 0s, max: 30m } }, fails: 5%, continueOnError: true }
      - { name: Up, duration: { lognormal: { median: 75m, p95: 6h } }, restart: true, disablesClient: 50%, fails: 5% }
      - { name: Post, duration: { lognormal: { median: 20m, p95: 3h } }, fails: 10%, restart: true, disablesClient: 20% }
  - name: B
    share: 20%
    crash: 5%
    steps:
      - { name: One, duration: 45m, restart: true }
      - { name: Two, duration: { lognormal: { median: 1h, p95: 2d } }, disablesClient: 30% }
  - name: C (wipe-and-load, its last restart into Windows PE)
    share: 15%
    provisioningAt: Setup
    crash: 5%
    steps:
      - { name: To PE, duration: 1m, restart: winpe }
      - { name: Apply, duration: { lognormal: { median: 20m, p95: 2h } }, disablesClient: 30% }
      - { name: Setup, duration: 15m, restart: os }
      - { name: Apps, duration: { lognormal: { median: 40m, p95: 3h } }, fails: 10%, restart: winpe }
      - { name: Last, duration: 10m, fails: 10%, restart: os }
interruptions:
  powerLoss: { perHour: 0.02, downtime: { lognormal: { median: 10m, p95: 8h } }, unrecoverable: 50% }
  reboot: { perDay: 0.5, downtime: { uniform: { min: 0s, max: 5m } }, unrecoverable: 20% }
initiallyStuck: { share: 5%, enteredAgo: { uniform: { min: 0s, max: 3d } } }
deployments:
  - { name: P, at: 0s, every: 1d }
  - { name: Q, at: 1h, every: 3h }
  - { name: R, at: 5d }
`,
    'stress.fleet.yaml',
  );
}

/** Random client indices of `fleet`, the first `perPath` found of each branch. */
function sample(fleet: Fleet, perPath: Record<FastPath, number>, seed: number): [number, Scenario, FastPath][] {
  const rng = createRandom(seed);
  const left = { ...perPath };
  const out: [number, Scenario, FastPath][] = [];
  for (let tries = 0; tries < 200_000 && (left['closed-form'] > 0 || left.skipping > 0); tries++) {
    const index = rng.nextInt(0, fleet.clients - 1);
    const s = clientScenario(fleet, index);
    const path = fastPathOf(s);
    if (left[path] > 0) {
      left[path]--;
      out.push([index, s, path]);
    }
  }
  return out;
}

const DAY = 86_400_000;
const days = (fleet: Fleet, n: number): Fleet => ({ ...fleet, horizonMs: n * DAY });
const bundled = (file: string): Fleet => parseFleet(readFileSync(join(fleets, file), 'utf8'), file);

describe('a fleet client', () => {
  it('has the outcome of the event-by-event model, for 1,160 random clients of both branches', () => {
    const cases: [string, Fleet, Record<FastPath, number>][] = [
      ['default', bundled('default.fleet.yaml'), { 'closed-form': 120, skipping: 120 }],
      // The same fleets over a week (as --days 7 runs them): cheaper reference runs, so more clients.
      ...readdirSync(fleets)
        .filter((f) => f.endsWith('.fleet.yaml'))
        .map((f): [string, Fleet, Record<FastPath, number>] => [
          `${f} --days 7`,
          days(bundled(f), 7),
          { 'closed-form': 60, skipping: f === 'default.fleet.yaml' ? 60 : 100 },
        ]),
      ...[
        'setRestartsService: true',
        'setRestartsService: false, checkLoop: continuous',
        'setRestartsService: false, checkLoop: flow, maxMinutesRead: service-start',
        'maxMinutesRead: service-start, missingTimestamp: expired, checkLoop: continuous',
      ].map((a): [string, Fleet, Record<FastPath, number>] => [
        `stress { ${a} }`,
        stressFleet(a),
        { 'closed-form': 20, skipping: 100 },
      ]),
    ];
    const seen = {
      closedForm: 0,
      skipping: 0,
      premature: 0,
      exceeded: 0,
      stuckAtEnd: 0,
      disabled: 0,
      timeouts: 0,
      endedInWinpe: 0,
    };
    const outcomes = new Set<string>();
    let explained = 0;
    for (const [label, fleet, perPath] of cases) {
      for (const [index, s, path] of sample(fleet, perPath, 42)) {
        const fast = simulateClient(s);
        expect(fast, `${label} client ${index} (${path})`).toEqual(reference(s));
        if ((seen.closedForm + seen.skipping) % 8 === 0) {
          // What --explain prints reads back to the very scenario the fleet simulated.
          const yaml = parseScenario(scenarioToYaml(s), 'client.yaml');
          expect({ ...yaml, file: null }, `${label} client ${index}: --explain YAML`).toEqual(s);
          explained++;
        }
        if (path === 'closed-form') seen.closedForm++;
        else seen.skipping++;
        if (fast.hazards['premature-exit'] > 0) seen.premature++;
        if (fast.hazards['exceeded-timeout'] > 0) seen.exceeded++;
        if (fast.hazards['stuck-at-horizon'] > 0) seen.stuckAtEnd++;
        if (fast.hazards['client-disabled'] > 0) seen.disabled++;
        if (fast.hazards['ended-in-winpe'] > 0) seen.endedInWinpe++;
        if (fast.intervals.some((i) => i.exitReason === 'timeout')) seen.timeouts++;
        outcomes.add(fast.taskSequence.outcome);
      }
    }
    expect(seen.closedForm + seen.skipping).toBeGreaterThanOrEqual(1160);
    expect(seen.closedForm).toBeGreaterThanOrEqual(380);
    expect(seen.skipping).toBeGreaterThanOrEqual(760);
    expect(explained).toBeGreaterThanOrEqual(140);
    // The sample reaches the interesting branches of the model, not only healthy clients.
    for (const [k, n] of Object.entries(seen)) expect(n, k).toBeGreaterThan(5);
    expect([...outcomes].sort()).toEqual(['abandoned', 'failed', 'none', 'running', 'success']);
  });
});

describe('simulateClient', () => {
  fcTest.prop([scenarioArbitrary({ assumptions: 'any', maxEvents: 15 })], { numRuns: 250 })(
    'equals the event-by-event model on generated scenarios',
    (s) => {
      expect(simulateClient(s)).toEqual(reference(s));
    },
  );

  /** Generated scenarios cut down to what the closed form takes: no task sequence, outages and deployments only. */
  const quiet = scenarioArbitrary({ maxEvents: 25 }).map((s): Scenario => ({
    ...s,
    taskSequence: null,
    client: {
      ...s.client,
      startup: 'auto',
      poweredOn: true,
      startsIn: 'os',
      registry:
        s.client.registry.ProvisioningMaxMinutes === undefined
          ? {}
          : { ProvisioningMaxMinutes: s.client.registry.ProvisioningMaxMinutes },
    },
    events: s.events.filter((e) => e.type === 'deployment' || e.type === 'power-loss' || e.type === 'reboot'),
  }));

  fcTest.prop([quiet], { numRuns: 250 })('computes quiet clients in closed form, equal to the model', (s) => {
    expect(fastPathOf(s)).toBe('closed-form');
    expect(simulateClient(s)).toEqual(reference(s));
  });

  it('equals the event-by-event model on every bundled scenario', () => {
    const files = readdirSync(scenarios).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const f of files) {
      const s = parseScenario(readFileSync(join(scenarios, f), 'utf8'), f);
      expect(simulateClient(s), f).toEqual(reference(s));
    }
  });

  it('counts the events it skips: a client stuck for a year fires a handful but reports every one', () => {
    const s = parseScenario(
      `name: stuck
horizon: 365d
client:
  registry: { ProvisioningMode: "true", ProvisioningEnabledTime: 1767225600, ProvisioningMaxMinutes: 4294967295 }
`,
      'stuck.yaml',
    );
    const fast = simulateClient(s);
    expect(fast).toEqual(reference(s));
    expect(fast.eventCount).toBeGreaterThan(17_000);
    expect(fast.policyCyclesSkipped).toBe(365 * 24);
  });
});
