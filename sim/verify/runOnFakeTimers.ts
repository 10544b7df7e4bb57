/**
 * A second driver for the same pure model, on an `@sinonjs/fake-timers` clock instead of the kernel: every timer
 * is a fake `setTimeout`, time moves only by `clock.next()`, and simulation time is read from the fake clock. If
 * both drivers give the same trace, the kernel's ordering and the model's effects agree with an independent,
 * widely used clock. For tests (fake-timers is a development dependency).
 *
 * Gotchas handled here: fake-timers orders timers due at the same instant by creation only, so the timers due at
 * one instant are collected first (`next()` then `tick(0)`) and applied in (priority, creation) order, and
 * timers the model schedules for the current instant join that batch directly; delays above 2^31-1 ms (about
 * 24.8 days), which fake-timers would clamp to 1 ms, are relayed in steps.
 */
import FakeTimers from '@sinonjs/fake-timers';
import type { RunResult } from '../model/runModel.js';
import { finish, initialState, transition } from '../model/transition.js';
import { type ModelEvent, Priority, scriptedPriority, type TimerKey, type TraceEntry } from '../model/types.js';
import type { Scenario, ScenarioEvent } from '../scenario/Scenario.js';

const MAX_DELAY = 2 ** 31 - 1;

interface Due {
  readonly priority: number;
  readonly seq: number;
  readonly key: TimerKey | null;
  readonly fire: () => void;
}

export function runOnFakeTimers(scenario: Scenario): RunResult {
  const clock = FakeTimers.createClock(0);
  const trace: TraceEntry[] = [];
  let state = initialState(scenario);
  let seq = 0;
  let eventCount = 0;
  let batch: Due[] = [];
  /** True while the batch of the current instant is being applied (same-instant timers then join it). */
  let inBatch = false;
  const pending = new Map<TimerKey, { cancel: () => void }>();

  /** Arms a fake timer for absolute time `atMs`; when it fires, the entry joins the batch of that instant. */
  const arm = (atMs: number, due: Due): { cancel: () => void } => {
    let id: ReturnType<typeof clock.setTimeout>;
    const set = () => {
      const delay = atMs - clock.now;
      id = delay > MAX_DELAY ? clock.setTimeout(set, MAX_DELAY) : clock.setTimeout(() => batch.push(due), delay);
    };
    set();
    // A timer already collected into this instant's batch is cancelled there.
    return {
      cancel: () => {
        clock.clearTimeout(id);
        batch = batch.filter((d) => d !== due);
      },
    };
  };

  const schedule = (atMs: number, priority: number, key: TimerKey | null, fire: () => void) => {
    const due: Due = { priority, seq: seq++, key, fire };
    if (inBatch && atMs === clock.now) {
      batch.push(due);
      if (key !== null) pending.set(key, { cancel: () => (batch = batch.filter((d) => d !== due)) });
    } else {
      const handle = arm(atMs, due);
      if (key !== null) pending.set(key, handle);
    }
  };

  const apply = (event: ModelEvent) => {
    eventCount++;
    const next = transition(scenario, state, event, clock.now);
    state = next.state;
    trace.push(...next.trace);
    for (const effect of next.effects) {
      pending.get(effect.key)?.cancel();
      pending.delete(effect.key);
      if (effect.type === 'schedule') {
        const key = effect.key;
        schedule(effect.atMs, effect.priority, key, () => {
          pending.delete(key);
          apply(effect.event);
        });
      }
    }
  };

  const scheduleScripted = (event: ScenarioEvent, index: number, occurrence: number) => {
    const atMs = event.atMs + occurrence * (event.repeat?.everyMs ?? 0);
    if (atMs > scenario.horizonMs) return;
    schedule(atMs, scriptedPriority(event.type) + index, null, () => {
      if (event.repeat !== undefined && occurrence + 1 < event.repeat.count)
        scheduleScripted(event, index, occurrence + 1);
      apply({ type: 'scripted', event });
    });
  };

  schedule(0, Priority.first, null, () => apply({ type: 'init' }));
  scenario.events.forEach((event, index) => scheduleScripted(event, index, 0));
  let done = false;
  arm(scenario.horizonMs + 1, { priority: 0, seq: -1, key: null, fire: () => (done = true) });

  while (!done && clock.countTimers() > 0) {
    clock.next();
    clock.tick(0);
    // Apply the instant's batch in (priority, creation) order; entries scheduled for this instant join it.
    inBatch = true;
    while (batch.length > 0 && !done) {
      batch.sort((a, b) => a.priority - b.priority || a.seq - b.seq);
      const first = batch.shift() as Due;
      first.fire();
    }
    inBatch = false;
  }
  trace.push(...finish(state, scenario.horizonMs));
  return { scenario, trace, state, eventCount };
}
