/**
 * The model's event loop (sim/model/driver.ts) as the fleet's skipping path uses it: scripted occurrences up to the
 * horizon, the pending timers, a hook that takes periodic ticks, and timers moved or scheduled from outside. Times
 * by hand; defaults as in transition.test.ts (CcmExec starts at 0, policy every hour, ccmeval every 24h).
 */
import { describe, expect, it } from 'vitest';
import { ModelDriver } from '../../sim/model/driver.js';
import type { TraceEntry } from '../../sim/model/types.js';
import { createScenario } from '../../sim/scenario/createScenario.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

function driverOf(horizonMs: number, onPeriodic?: (driver: ModelDriver, key: string, nowMs: number) => boolean) {
  const scenario = createScenario({
    horizonMs,
    events: [
      { type: 'deployment', atMs: 30 * M, name: 'App' },
      { type: 'service-restart', atMs: 2 * H, repeat: { everyMs: 3 * H, count: 3 } },
    ],
  });
  const trace: TraceEntry[] = [];
  let transitions = 0;
  const driver: ModelDriver = new ModelDriver(scenario, horizonMs, {
    onTransition: (entries) => {
      transitions++;
      trace.push(...entries);
    },
    ...(onPeriodic === undefined ? {} : { onPeriodic: (key, nowMs) => onPeriodic(driver, key, nowMs) }),
  });
  scenario.events.forEach((event, index) => driver.scheduleScripted(event, index));
  return { driver, trace, transitions: () => transitions };
}

describe('ModelDriver', () => {
  it('schedules scripted occurrences up to its horizon and tells when the next one is due', () => {
    // Restarts at 2h and 5h (the third, at 8h, is past the 6h horizon).
    const { driver, trace, transitions } = driverOf(6 * H);
    expect(driver.nextScriptedMs()).toBe(30 * M);
    driver.runUntil(0);
    expect(driver.timerMs('policy')).toBe(H);
    expect(driver.timerMs('check')).toBeUndefined();
    expect(driver.timerMs('ccmeval')).toBe(D);
    driver.runUntil(H);
    expect(driver.nextScriptedMs()).toBe(2 * H);
    driver.runUntil(3 * H);
    expect(driver.nextScriptedMs()).toBe(5 * H);
    driver.runUntil(6 * H);
    expect(driver.nextScriptedMs()).toBe(Number.POSITIVE_INFINITY);
    expect(trace.filter((e) => e.type === 'service-stop').map((e) => e.atMs)).toEqual([2 * H, 5 * H]);
    expect(driver.eventCount).toBe(transitions());
    expect(driver.now).toBe(6 * H);
  });

  it('lets a hook take periodic ticks and reschedule them, and counts the ticks it took', () => {
    // The hook takes each policy tick and puts the next one 2h later: it takes the tick at 1h (next at 3h); the
    // restart at 2h stops CcmExec (cancelling it), whose start at 2h0m10s puts a tick at 3h0m10s, taken too.
    const taken: number[] = [];
    const { driver, trace, transitions } = driverOf(4 * H, (d, key, nowMs) => {
      if (key !== 'policy') return false;
      taken.push(nowMs);
      d.scheduleTimer('policy', nowMs + 2 * H);
      return true;
    });
    driver.runUntil(4 * H);
    expect(taken).toEqual([H, 3 * H + 10_000]);
    expect(driver.timerMs('policy')).toBe(5 * H + 10_000);
    // The model saw no tick: its only retrievals are at the starts of CcmExec.
    expect(trace.filter((e) => e.type === 'policy-retrieval').map((e) => [e.atMs, e.cause])).toEqual([
      [0, 'service-start'],
      [2 * H + 10_000, 'service-start'],
    ]);
    expect(driver.eventCount).toBe(transitions() + taken.length);
  });

  it('replaces a pending tick when it schedules one', () => {
    // The policy tick due at 1h is replaced by one at 2h: the model retrieves at 0 and 2h only (the restart at
    // 2h comes after the tick at the same instant).
    const { driver, trace } = driverOf(2 * H);
    driver.runUntil(0);
    driver.scheduleTimer('policy', 2 * H);
    driver.runUntil(2 * H);
    expect(trace.filter((e) => e.type === 'policy-retrieval').map((e) => e.atMs)).toEqual([0, 2 * H]);
  });

  it('moves a pending periodic timer, and schedules one as the model does', () => {
    const { driver, trace } = driverOf(10 * H);
    driver.runUntil(0);
    driver.moveTimer('policy', 90 * M);
    expect(driver.timerMs('policy')).toBe(90 * M);
    driver.moveTimer('check', H); // none pending: nothing to move
    expect(driver.timerMs('check')).toBeUndefined();
    driver.scheduleTimer('ccmeval', 100 * M);
    driver.scheduleTimer('check', 110 * M);
    driver.runUntil(110 * M);
    expect(trace.filter((e) => e.atMs > 0).map((e) => [e.atMs, e.type])).toEqual([
      [30 * M, 'deployment-published'],
      [90 * M, 'policy-retrieval'],
      [100 * M, 'ccmeval'],
      [110 * M, 'check-loop'],
    ]);
    expect(driver.timerMs('policy')).toBe(150 * M);
    expect(driver.timerMs('ccmeval')).toBe(100 * M + D);
  });
});
