/**
 * Drives the pure model on the kernel: schedules the scripted events (expanding `repeat` lazily, one occurrence
 * at a time), applies the model's timer effects, and collects the trace. Deterministic: the same scenario gives
 * the same trace, entry for entry.
 */
import { Simulator, type SimulatorOptions, type TimerHandle } from '../kernel/index.js';
import type { Scenario, ScenarioEvent } from '../scenario/Scenario.js';
import { finish, initialState, transition } from './transition.js';
import {
  type ClientState,
  type ModelEvent,
  Priority,
  scriptedPriority,
  type TimerKey,
  type TraceEntry,
} from './types.js';

export interface RunResult {
  readonly scenario: Scenario;
  readonly trace: readonly TraceEntry[];
  /** The state at the horizon. */
  readonly state: ClientState;
  /** How many events the kernel fired. */
  readonly eventCount: number;
}

type Payload =
  | { readonly kind: 'model'; readonly key: TimerKey | null; readonly event: ModelEvent }
  | { readonly kind: 'scripted'; readonly index: number; readonly occurrence: number };

/** Runs a scenario to its horizon. Throws `EventLimitError` when a run exceeds the event limit. */
export function runModel(scenario: Scenario, options: SimulatorOptions = {}): RunResult {
  const sim = new Simulator<Payload>(options);
  const timers = new Map<TimerKey, TimerHandle<Payload>>();
  const trace: TraceEntry[] = [];
  let state = initialState(scenario);

  const scheduleScripted = (index: number, occurrence: number) => {
    const event = scenario.events[index] as ScenarioEvent;
    const atMs = event.atMs + occurrence * (event.repeat?.everyMs ?? 0);
    if (atMs > scenario.horizonMs) return;
    sim.schedule(atMs, scriptedPriority(event.type) + index, { kind: 'scripted', index, occurrence });
  };

  const apply = (event: ModelEvent, nowMs: number) => {
    const next = transition(scenario, state, event, nowMs);
    state = next.state;
    for (const entry of next.trace) trace.push(entry);
    for (const effect of next.effects) {
      const pending = timers.get(effect.key);
      if (pending !== undefined) {
        sim.cancel(pending);
        timers.delete(effect.key);
      }
      if (effect.type === 'schedule') {
        timers.set(
          effect.key,
          sim.schedule(effect.atMs, effect.priority, { kind: 'model', key: effect.key, event: effect.event }),
        );
      }
    }
  };

  sim.schedule(0, Priority.first, { kind: 'model', key: null, event: { type: 'init' } });
  for (let index = 0; index < scenario.events.length; index++) scheduleScripted(index, 0);

  sim.runUntil(scenario.horizonMs, (payload, nowMs) => {
    if (payload.kind === 'scripted') {
      const event = scenario.events[payload.index] as ScenarioEvent;
      if (event.repeat !== undefined && payload.occurrence + 1 < event.repeat.count) {
        scheduleScripted(payload.index, payload.occurrence + 1);
      }
      apply({ type: 'scripted', event }, nowMs);
    } else {
      if (payload.key !== null) timers.delete(payload.key);
      apply(payload.event, nowMs);
    }
  });
  for (const entry of finish(state, scenario.horizonMs)) trace.push(entry);
  return { scenario, trace, state, eventCount: sim.eventCount };
}
