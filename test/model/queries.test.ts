/**
 * The driver's questions about the model (`sim/model/queries.ts`), with times computed by hand, and held to what
 * `transition` does: a tick the queries call routine changes no state, and the check `nextExpiringCheck` names is
 * the first that expires. Also the scripted-event expansion the driver and the fleet's closed form share.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelDriver, scriptedOccurrences } from '../../sim/model/driver.js';
import {
  isPeriodic,
  isRoutineTick,
  nextExpiringCheck,
  type PeriodicKey,
  periodicPriority,
  periodOf,
} from '../../sim/model/queries.js';
import { ModelRunner, runModel } from '../../sim/model/runModel.js';
import { firstExpiredWallMs } from '../../sim/model/timeout.js';
import { finish, initialState } from '../../sim/model/transition.js';
import { type ClientState, Priority, type TraceEntry } from '../../sim/model/types.js';
import { createScenario } from '../../sim/scenario/createScenario.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';
import type { Scenario } from '../../sim/scenario/Scenario.js';

const S = 1000;
const H = 3_600_000;
const D = 24 * H;

/** In provisioning mode since wall second 1,000,000; the run starts at that second; max 60 minutes. */
function inMode(options: Parameters<typeof createScenario>[0] = {}): Scenario {
  return createScenario({
    startMs: 1_000_000 * S,
    horizonMs: 5 * H,
    ...options,
    client: {
      registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: 1_000_000, ProvisioningMaxMinutes: 60 },
      ...options.client,
    },
  });
}

describe('firstExpiredWallMs', () => {
  it('is a full second after the deadline (strictly more, in whole seconds), at it under the fault', () => {
    expect(firstExpiredWallMs(1_000_000, 60)).toBe(1_003_601 * S);
    expect(firstExpiredWallMs(1_000_000, 60, true)).toBe(1_003_600 * S);
  });
});

describe('nextExpiringCheck', () => {
  const scenario = inMode();
  const state = initialState(scenario);

  it('skips the check at exactly max (3,600 s elapsed) and names the next hourly one', () => {
    // Expired from wall 1,003,601 s, simulation time 3,601,000 ms; checks every hour from 0: 0, H, 2H.
    expect(nextExpiringCheck(scenario, state, 0)).toBe(2 * H);
    expect(nextExpiringCheck(scenario, state, H)).toBe(2 * H);
    expect(nextExpiringCheck(scenario, state, 1000)).toBe(3_601_000);
    expect(nextExpiringCheck(scenario, state, 3_601_000)).toBe(3_601_000);
    expect(nextExpiringCheck(scenario, state, 9 * H)).toBe(9 * H);
  });

  it('honours faults.checkAtOrAfterMax (expired at exactly max)', () => {
    expect(nextExpiringCheck({ ...scenario, faults: { checkAtOrAfterMax: true } }, state, 0)).toBe(H);
  });

  it('reads the wall clock with its jumps', () => {
    // 1,000 s ahead: expired from simulation time 2,601,000 ms.
    expect(nextExpiringCheck(scenario, { ...state, clockOffsetMs: 1000 * S }, 0)).toBe(H);
    // 2 hours behind: from 10,801,000 ms.
    expect(nextExpiringCheck(scenario, { ...state, clockOffsetMs: -2 * H }, 0)).toBe(4 * H);
  });

  it('uses the max in force: as read at the last start under service-start', () => {
    const edited: ClientState = { ...state, registry: { ...state.registry, ProvisioningMaxMinutes: 180 } };
    // each-check: 180 min -> expired from 10,801,000 ms -> the check at 4H.
    expect(nextExpiringCheck(scenario, edited, 0)).toBe(4 * H);
    const atStart = inMode({ assumptions: { maxMinutesRead: 'service-start' } });
    expect(nextExpiringCheck(atStart, edited, 0)).toBe(2 * H);
  });

  it('without a timestamp: at once under missingTimestamp expired, never otherwise', () => {
    const noStamp: ClientState = { ...state, registry: { ProvisioningMode: 'true', ProvisioningMaxMinutes: 60 } };
    expect(nextExpiringCheck(scenario, noStamp, 5 * S)).toBe(Number.POSITIVE_INFINITY);
    const expired = inMode({ assumptions: { missingTimestamp: 'expired' } });
    expect(nextExpiringCheck(expired, noStamp, 5 * S)).toBe(5 * S);
  });

  it('names the check at which the model exits by timeout', () => {
    const run = runModel(scenario);
    const first = run.trace.find((e) => e.type === 'check' && e.expired);
    expect(first?.atMs).toBe(nextExpiringCheck(scenario, state, 0));
    const faulty = runModel(scenario, { faults: { checkAtOrAfterMax: true } });
    expect(faulty.trace.find((e) => e.type === 'check' && e.expired)?.atMs).toBe(H);
  });
});

/** A state with CcmExec running (the initial state has it stopped until `init`). */
function running(state: ClientState): ClientState {
  return { ...state, service: { ...state.service, status: 'running' } };
}

describe('isRoutineTick', () => {
  const out = running(initialState(createScenario()));
  const scenario = inMode();
  const mode = running(initialState(scenario));

  it('policy: routine while CcmExec runs, unless a published deployment waits out of provisioning mode', () => {
    const waiting = { name: 'app', publishedAtMs: 5 * S, processedAtMs: null };
    expect(isRoutineTick(scenario, out, 'policy', H)).toBe(true);
    expect(isRoutineTick(scenario, { ...out, deployments: [waiting] }, 'policy', H)).toBe(false);
    expect(isRoutineTick(scenario, { ...out, deployments: [waiting] }, 'policy', 4 * S)).toBe(true);
    // Published at the tick's instant: that tick processes it.
    expect(isRoutineTick(scenario, { ...out, deployments: [waiting] }, 'policy', 5 * S)).toBe(false);
    expect(isRoutineTick(scenario, { ...out, deployments: [{ ...waiting, processedAtMs: 6 * S }] }, 'policy', H)).toBe(
      true,
    );
    expect(isRoutineTick(scenario, { ...mode, deployments: [waiting] }, 'policy', H)).toBe(true);
    const stopped = { ...out, service: { ...out.service, status: 'stopped' as const } };
    expect(isRoutineTick(scenario, stopped, 'policy', H)).toBe(false);
  });

  it('ccmeval: routine when off, in Windows PE, or healthy; not when CcmExec is stopped or disabled', () => {
    expect(isRoutineTick(scenario, out, 'ccmeval', D)).toBe(true);
    const stopped = { ...out, service: { ...out.service, status: 'stopped' as const } };
    expect(isRoutineTick(scenario, stopped, 'ccmeval', D)).toBe(false);
    expect(isRoutineTick(scenario, { ...stopped, device: 'off' }, 'ccmeval', D)).toBe(true);
    expect(isRoutineTick(scenario, { ...stopped, environment: 'winpe' }, 'ccmeval', D)).toBe(true);
    const disabled = { ...out, service: { ...out.service, startup: 'disabled' as const } };
    expect(isRoutineTick(scenario, disabled, 'ccmeval', D)).toBe(false);
  });

  it('check: routine in provisioning mode until it can expire, never out of it', () => {
    expect(isRoutineTick(scenario, mode, 'check', H)).toBe(true);
    expect(isRoutineTick(scenario, mode, 'check', 2 * H)).toBe(false);
    expect(isRoutineTick(scenario, out, 'check', H)).toBe(false);
  });

  it('is held to the model: a routine tick changes no state but its own next tick', () => {
    const folder = join(import.meta.dirname, '../../scenarios');
    const scenarios = readdirSync(folder)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => parseScenario(readFileSync(join(folder, f), 'utf8'), f));
    scenarios.push(scenario, inMode({ assumptions: { missingTimestamp: 'expired' } }));
    let routine = 0;
    for (const s of scenarios) {
      let before = initialState(s);
      const keyOf = { 'policy-tick': 'policy', check: 'check', 'ccmeval-tick': 'ccmeval' } as const;
      let traceLength = 0;
      const runner: ModelRunner = new ModelRunner(s, {
        observe: (event, nowMs, state, length) => {
          const key: PeriodicKey | undefined = keyOf[event.type as keyof typeof keyOf];
          if (key !== undefined && isRoutineTick(s, before, key, nowMs)) {
            routine++;
            expect(state, `${s.name} ${key} at ${nowMs}`).toEqual(before);
            const entries = runner.trace.slice(traceLength, length);
            for (const e of entries) {
              expect(['policy-skipped', 'policy-retrieval', 'ccmeval', 'check']).toContain(e.type);
              if (e.type === 'policy-retrieval') expect(e.processed).toEqual([]);
              if (e.type === 'check') expect(e.expired).toBe(false);
            }
          }
          before = state;
          traceLength = length;
        },
      });
      expect(runner.finish().eventCount).toBeGreaterThan(0);
    }
    expect(routine).toBeGreaterThan(100);
  });
});

describe('periodOf', () => {
  it('is the client interval of each periodic timer', () => {
    const client = createScenario({ client: { checkIntervalMs: 2 * H, policyIntervalMs: 3 * H } }).client;
    expect(periodOf(client, 'check')).toBe(2 * H);
    expect(periodOf(client, 'policy')).toBe(3 * H);
    expect(periodOf(client, 'ccmeval')).toBe(D);
  });
});

describe('isPeriodic and periodicPriority', () => {
  it('name the three timers that tick, with the priority the model gives each', () => {
    const keys = ['boot', 'service-start', 'ts', 'policy', 'check', 'ccmeval', 'watchdog'] as const;
    expect(keys.filter((k) => isPeriodic(k))).toEqual(['policy', 'check', 'ccmeval']);
    expect((['policy', 'check', 'ccmeval'] as const).map((k) => periodicPriority(k))).toEqual([
      Priority.policy,
      Priority.check,
      Priority.ccmeval,
    ]);
  });
});

describe('scriptedOccurrences', () => {
  it('keeps an occurrence at the horizon, and sorts occurrences given in reverse time order', () => {
    const s = createScenario({
      horizonMs: 4 * H,
      events: [
        { type: 'reboot', atMs: 2 * H, downtimeMs: 0, recoverable: true, repeat: { everyMs: 2 * H, count: 3 } },
        { type: 'deployment', atMs: H, name: 'app' },
      ],
    });
    expect(scriptedOccurrences(s.events, s.horizonMs).map((o) => o.atMs / H)).toEqual([1, 2, 4]);
    expect(scriptedOccurrences(s.events.slice(0, 1), s.horizonMs).map((o) => o.atMs / H)).toEqual([2, 4]);
    // Every adjacent pair out of order (no pair in order to set the sort off by mistake).
    const reversed = createScenario({
      horizonMs: 4 * H,
      events: [
        { type: 'deployment', atMs: 3 * H, name: 'c' },
        { type: 'deployment', atMs: 2 * H, name: 'b' },
        { type: 'deployment', atMs: H, name: 'a' },
      ],
    });
    expect(scriptedOccurrences(reversed.events, reversed.horizonMs).map((o) => o.atMs / H)).toEqual([1, 2, 3]);
  });

  it('expands repeat up to the horizon, in time then priority (band, then file order)', () => {
    const s = createScenario({
      horizonMs: 10 * H,
      events: [
        { type: 'reboot', atMs: 2 * H, downtimeMs: 0, recoverable: true, repeat: { everyMs: 3 * H, count: 5 } },
        { type: 'registry-set', atMs: 5 * H, name: 'ProvisioningMaxMinutes', value: 60 },
        { type: 'deployment', atMs: 0, name: 'app' },
      ],
    });
    const all = scriptedOccurrences(s.events, s.horizonMs);
    expect(all.map((o) => [o.atMs / H, o.priority])).toEqual([
      [0, Priority.deployment + 2],
      [2, Priority.action],
      [5, Priority.registry + 1],
      [5, Priority.action],
      [8, Priority.action],
    ]);
    const noDeployments = scriptedOccurrences(s.events, s.horizonMs, (e) => e.type !== 'deployment');
    expect(noDeployments.map((o) => o.atMs / H)).toEqual([2, 5, 5, 8]);
  });
});

describe('ModelDriver', () => {
  it("gives runModel's trace and state with transitions in place, on every bundled scenario", () => {
    const folder = join(import.meta.dirname, '../../scenarios');
    for (const f of readdirSync(folder).filter((name) => name.endsWith('.yaml'))) {
      const s = parseScenario(readFileSync(join(folder, f), 'utf8'), f);
      const trace: TraceEntry[] = [];
      const driver = new ModelDriver(s, s.horizonMs, { onTransition: (t) => trace.push(...t) }, { inPlace: true });
      s.events.forEach((event, index) => driver.scheduleScripted(event, index));
      const first = driver.state;
      driver.runUntil(s.horizonMs);
      expect(driver.state).toBe(first);
      const reference = runModel(s);
      expect(trace.length, f).toBe(reference.trace.length - finish(reference.state, s.horizonMs).length);
      expect(trace, f).toEqual(reference.trace.slice(0, trace.length));
      expect(driver.state, f).toEqual(reference.state);
    }
  });
});
