/** The timeout rule's queries: the release gate, the max in force, the strict comparison, the deadline. */
import { describe, expect, it } from 'vitest';
import { runModel } from '../../sim/model/runModel.js';
import {
  DEFAULT_MAX_MINUTES,
  deadlineInForce,
  deadlineWallMs,
  hasTimeout,
  isExpired,
  maxMinutesInForce,
  maxMinutesOf,
} from '../../sim/model/timeout.js';
import { initialState } from '../../sim/model/transition.js';
import { createScenario } from '../../sim/scenario/createScenario.js';

const H = 3_600_000;

describe('the timeout rule', () => {
  it('exists from release 1902 on', () => {
    expect(['1810', '1806'].map(hasTimeout)).toEqual([false, false]);
    expect(['1902', '1906', '2403'].map(hasTimeout)).toEqual([true, true, true]);
  });

  it('reads 0 or absent as 48 hours', () => {
    expect(DEFAULT_MAX_MINUTES).toBe(48 * 60);
    expect(maxMinutesOf({})).toBe(2880);
    expect(maxMinutesOf({ ProvisioningMaxMinutes: 0 })).toBe(2880);
    expect(maxMinutesOf({ ProvisioningMaxMinutes: 1 })).toBe(1);
  });

  it('expires strictly after max', () => {
    expect(isExpired(3600, 60)).toBe(false);
    expect(isExpired(3601, 60)).toBe(true);
    expect(deadlineWallMs(1000, 60)).toBe((1000 + 3600) * 1000);
  });

  it('takes max from the registry at each check, or as read at the last CcmExec start', () => {
    const state = initialState(createScenario({ client: { registry: { ProvisioningMaxMinutes: 60 } } }));
    const edited = { ...state, registry: { ...state.registry, ProvisioningMaxMinutes: 600 } };
    expect(maxMinutesInForce(edited, { maxMinutesRead: 'each-check' })).toBe(600);
    expect(maxMinutesInForce(edited, { maxMinutesRead: 'service-start' })).toBe(60);
  });

  it('has no deadline out of provisioning mode, before 1902 or without a timestamp', () => {
    const base = initialState(
      createScenario({ client: { registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: 1000 } } }),
    );
    const each = { maxMinutesRead: 'each-check' } as const;
    expect(deadlineInForce(base, '2403', each)).toEqual({ timestampSeconds: 1000, maxMinutes: 2880 });
    expect(deadlineInForce(base, '1810', each)).toBeNull();
    expect(deadlineInForce({ ...base, effectiveMode: false }, '2403', each)).toBeNull();
    expect(deadlineInForce({ ...base, registry: {} }, '2403', each)).toBeNull();
  });
});

describe('the deadline in the trace', () => {
  it('is written at each entry, before the check that uses it, and again when max changes', () => {
    const run = runModel(
      createScenario({
        horizonMs: 3 * H,
        taskSequence: { startAtMs: 0, steps: [{ name: 'Long', durationMs: 5 * H }] },
        events: [{ type: 'registry-set', atMs: H / 2, name: 'ProvisioningMaxMinutes', value: 60 }],
      }),
    );
    const deadlines = run.trace.filter((e) => e.type === 'deadline');
    expect(deadlines.map((d) => [d.atMs, d.maxMinutes])).toEqual([
      [0, 2880],
      [H / 2, 60],
    ]);
    const stamp = run.state.registry.ProvisioningEnabledTime ?? 0;
    expect(deadlines[1]?.type === 'deadline' && deadlines[1].wallMs).toBe((stamp + 3600) * 1000);
  });

  it('is written for a client preset in provisioning mode even when its first check expires it', () => {
    const run = runModel(
      createScenario({
        horizonMs: H,
        client: { registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: 1000 } },
      }),
    );
    const types = run.trace.filter((e) => e.atMs === 0).map((e) => e.type);
    expect(types.indexOf('deadline')).toBeGreaterThan(-1);
    expect(types.indexOf('deadline')).toBeLessThan(types.indexOf('check'));
    expect(run.trace.some((e) => e.type === 'provisioning-exit' && e.reason === 'timeout')).toBe(true);
  });
});

describe('exceeded-timeout', () => {
  // Entered at 0 by the task sequence, whose step disables CcmExec for 5h (no check can run). max 60 is read at
  // CcmExec's start at 0; the edit to 600 at 30m is obeyed at once under each-check, never under service-start
  // (CcmExec does not start again before the horizon).
  const run = (maxMinutesRead: 'each-check' | 'service-start') =>
    runModel(
      createScenario({
        horizonMs: 4 * H,
        client: { registry: { ProvisioningMaxMinutes: 60 } },
        assumptions: { maxMinutesRead },
        taskSequence: { startAtMs: 0, steps: [{ name: 'Setup', durationMs: 5 * H, disablesClient: true }] },
        events: [{ type: 'registry-set', atMs: H / 2, name: 'ProvisioningMaxMinutes', value: 600 }],
      }),
    ).trace.filter((e) => e.type === 'hazard' && e.kind === 'exceeded-timeout');

  it('uses the max the client obeys: the one read at the last CcmExec start under service-start', () => {
    expect(run('service-start').map((e) => e.atMs)).toEqual([2 * H + 1]);
  });

  it('uses the registry max at once under each-check', () => {
    expect(run('each-check')).toEqual([]);
  });
});
