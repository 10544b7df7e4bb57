/**
 * Triage predicts the simulator, as a property: a client is generated in provisioning mode (any release, timestamp
 * before or after T or none, any maximum, CcmExec running or disabled, ccmeval at any phase, T at any millisecond),
 * under any assumptions, simulated to T, exported as JSON (with or without CcmExec's start time) and triaged as of T; the full simulation
 * after T must then exit inside the forecast window (exactly at `exitBy` where the window is one instant), never
 * where the triage says `never-exits`, and the triage must call `overdue` only a client past its documented bound.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ModelRunner } from '../../sim/model/runModel.js';
import { PROVISIONING_EXCLUDES } from '../../sim/model/transition.js';
import { createScenario } from '../../sim/scenario/createScenario.js';
import { triage } from '../../sim/triage/triage.js';

const H = 3_600_000;
const START_MS = Date.UTC(2026, 2, 1, 8, 0, 0);

const clientArb = fc.record({
  version: fc.constantFrom('1810', '1902', '2403'),
  asOfOffsetMs: fc.integer({ min: 1, max: 40 * H }),
  enteredAgoMs: fc.option(fc.integer({ min: -10 * H, max: 120 * H }), { nil: null, freq: 6 }),
  maxMinutes: fc.option(fc.constantFrom(0, 60, 61, 240, 1440, 2880, 4000), { nil: null }),
  disabled: fc.boolean(),
  ccmevalFirstMs: fc.integer({ min: 1000, max: 24 * H }),
  exportStart: fc.boolean(),
  assumptions: fc.record({
    setRestartsService: fc.boolean(),
    checkLoop: fc.constantFrom('flow' as const, 'continuous' as const),
    maxMinutesRead: fc.constantFrom('each-check' as const, 'service-start' as const),
    missingTimestamp: fc.constantFrom('never-expires' as const, 'expired' as const),
  }),
});

type Client = typeof clientArb extends fc.Arbitrary<infer T> ? T : never;

function check(c: Client): void {
  const asOfMs = START_MS + c.asOfOffsetMs;
  const registry = {
    ProvisioningMode: 'true',
    SystemTaskExcludes: PROVISIONING_EXCLUDES,
    ...(c.enteredAgoMs === null ? {} : { ProvisioningEnabledTime: Math.floor((asOfMs - c.enteredAgoMs) / 1000) }),
    ...(c.maxMinutes === null ? {} : { ProvisioningMaxMinutes: c.maxMinutes }),
  };
  const scenario = createScenario({
    name: 'generated',
    startMs: START_MS,
    horizonMs: 30 * 24 * H,
    client: {
      version: c.version,
      startup: c.disabled ? 'disabled' : 'auto',
      registry,
      ccmeval: { firstMs: c.ccmevalFirstMs },
    },
    assumptions: c.assumptions,
  });
  const runner = new ModelRunner(scenario);
  runner.runUntil(c.asOfOffsetMs);
  const s = structuredClone(runner.state);
  const lastStart = runner.trace.filter((e) => e.type === 'service-start').at(-1);
  const trace = runner.finish().trace;
  const device = {
    Device: 'PC1',
    ProvisioningMode: s.registry.ProvisioningMode ?? null,
    SystemTaskExcludes: s.registry.SystemTaskExcludes ?? null,
    ProvisioningEnabledTime: s.registry.ProvisioningEnabledTime ?? null,
    ProvisioningMaxMinutes: s.registry.ProvisioningMaxMinutes ?? null,
    ClientVersion: c.version,
    CcmExecStartMode: s.service.startup === 'auto' ? 'Auto' : 'Disabled',
    CcmExecState: s.service.status === 'running' ? 'Running' : 'Stopped',
    CcmExecStartTime:
      c.exportStart && lastStart !== undefined && s.service.status === 'running'
        ? new Date(START_MS + lastStart.atMs).toISOString()
        : null,
  };
  const [d] = triage([{ file: 'x.json', text: JSON.stringify([device]) }], { asOfMs, assumptions: c.assumptions })
    .report.devices;
  if (d === undefined) throw new Error('no device');
  const exit = trace.find((e) => e.type === 'provisioning-exit' && e.atMs > c.asOfOffsetMs);
  const actual = exit === undefined ? null : START_MS + exit.atMs;
  const fail = (what: string) => {
    throw new Error(
      `${what}: triage ${JSON.stringify({ ...d, actual: actual === null ? null : new Date(actual).toISOString() })}`,
    );
  };
  if (d.exitAfter !== null && d.exitBy !== null) {
    if (actual === null || actual < d.exitAfter || actual > d.exitBy) fail('the exit is outside the forecast window');
    if (d.exitAfter === d.exitBy && actual !== d.exitBy) fail('the exit is not at the exact forecast');
  }
  if (d.category === 'never-exits' && actual !== null) fail('a never-exits client exits');
  if (d.category === 'overdue') {
    const stamp = s.registry.ProvisioningEnabledTime;
    if (stamp === undefined) fail('overdue without a timestamp');
    const max = (s.registry.ProvisioningMaxMinutes ?? 0) > 0 ? (s.registry.ProvisioningMaxMinutes as number) : 2880;
    if (asOfMs <= ((stamp as number) + max * 60) * 1000) fail('overdue before the deadline');
  }
  if (d.category === 'will-exit' || d.category === 'rescued-by-ccmeval' || d.category === 'future-timestamp') {
    if (d.exitBy === null) fail('a forecast category without a forecast');
  }
}

describe('triage predicts the simulator (property)', () => {
  it('holds for generated clients', () => {
    fc.assert(fc.property(clientArb, check), { numRuns: 150 });
  });
});
