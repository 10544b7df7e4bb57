/**
 * The one loop that drives the pure model on the kernel: it schedules the scripted events (expanding `repeat`
 * lazily, one occurrence at a time, each at the priority of its band plus its index in the file), applies the
 * model's timer effects (at most one pending timer per key) and hands each transition's trace to its owner.
 * `runModel` (`ModelRunner`) and the fleet's skipping path both run on it; the fake-timers driver in `sim/verify`
 * stays separate on purpose, as the cross-check.
 *
 * A hook (`onPeriodic`) may take a periodic tick instead of the model: the fleet counts the routine ones
 * (`isRoutineTick`) and moves the timers past them (`moveTimer`, bounded by `nextScriptedMs` and the other timers).
 *
 * Determinism: events that share a time and priority never exist (each timer key and scripted event has its own
 * priority), so the order of events is the kernel's (time, priority) order.
 */
import { Simulator, type SimulatorOptions, type TimerHandle } from '../kernel/index.js';
import type { ScenarioEvent } from '../scenario/Scenario.js';
import { isPeriodic, type PeriodicKey, periodicPriority } from './queries.js';
import { initialState, type ModelConfig, transition, transitionInPlace } from './transition.js';
import {
  type ClientState,
  type ModelEvent,
  Priority,
  scriptedPriority,
  type TimerKey,
  type TraceEntry,
} from './types.js';

type Payload =
  | { readonly kind: 'model'; readonly key: TimerKey | null; readonly event: ModelEvent }
  | { readonly kind: 'scripted'; readonly event: ScenarioEvent; readonly index: number; readonly occurrence: number };

/** One occurrence of a scripted event: when, at which priority. */
export interface Occurrence {
  readonly atMs: number;
  readonly priority: number;
  readonly event: ScenarioEvent;
}

/** When occurrence `k` (0 the first) of a scripted event happens. */
export function occurrenceMs(event: ScenarioEvent, k: number): number {
  return event.atMs + k * (event.repeat?.everyMs ?? 0);
}

/** A scripted event's priority: its band, plus its place in the file so that ties within a band keep file order. */
export function priorityOfScripted(event: ScenarioEvent, index: number): number {
  return scriptedPriority(event.type) + index;
}

/**
 * Every occurrence at or before `horizonMs` of the scripted events `include` accepts, in the order the driver fires
 * them (time, then priority): the same expansion the driver makes lazily, for code that reads the script whole
 * (the fleet's closed form).
 */
export function scriptedOccurrences(
  events: readonly ScenarioEvent[],
  horizonMs: number,
  include: (event: ScenarioEvent) => boolean = () => true,
): Occurrence[] {
  const out: Occurrence[] = [];
  events.forEach((event, index) => {
    if (!include(event)) return;
    const priority = priorityOfScripted(event, index);
    // [provsim] (choice 14) `repeat.count` is the total number of occurrences, the first included.
    const count = event.repeat?.count ?? 1;
    for (let k = 0; k < count; k++) {
      const atMs = occurrenceMs(event, k);
      if (atMs > horizonMs) break;
      out.push({ atMs, priority, event });
    }
  });
  const later = (a: Occurrence, b: Occurrence) => a.atMs - b.atMs || a.priority - b.priority;
  for (let i = 1; i < out.length; i++) {
    if (later(out[i - 1] as Occurrence, out[i] as Occurrence) > 0) return out.sort(later);
  }
  return out;
}

export interface DriverHooks {
  /** Called after every transition with its trace entries (in order), the event, its time and the new state. */
  readonly onTransition: (trace: readonly TraceEntry[], event: ModelEvent, nowMs: number, state: ClientState) => void;
  /**
   * Called when a periodic timer is due, before the model sees it; returning true takes the tick (the hook then
   * reschedules the timer with `moveTimer` or `scheduleTimer`), false lets the model run it.
   */
  readonly onPeriodic?: (key: PeriodicKey, nowMs: number) => boolean;
}

export interface DriverOptions extends SimulatorOptions {
  /**
   * Transitions change the state object itself (`transitionInPlace`) instead of a copy: for an owner that keeps no
   * earlier state (the fleet's skipping path). `state` is then the same object throughout the run.
   */
  readonly inPlace?: boolean;
}

/** Every timer key, in a fixed order. */
export const TIMER_KEYS: readonly TimerKey[] = [
  'boot',
  'service-start',
  'ts',
  'policy',
  'check',
  'ccmeval',
  'watchdog',
];

export class ModelDriver {
  private readonly sim: Simulator<Payload>;
  private readonly timers = new Map<TimerKey, TimerHandle<Payload>>();
  /** The pending occurrence of each scripted event, by its index. */
  private readonly scripted = new Map<number, TimerHandle<Payload>>();
  private current: ClientState;
  private readonly step: typeof transition;

  constructor(
    readonly config: ModelConfig,
    /** Scripted occurrences after this instant are not scheduled. */
    private readonly horizonMs: number,
    private readonly hooks: DriverHooks,
    options: DriverOptions = {},
  ) {
    this.sim = new Simulator<Payload>(options);
    this.step = options.inPlace === true ? transitionInPlace : transition;
    this.current = initialState(config);
    this.sim.schedule(0, Priority.first, { kind: 'model', key: null, event: { type: 'init' } });
  }

  get now(): number {
    return this.sim.now;
  }

  get state(): ClientState {
    return this.current;
  }

  /** How many events the kernel fired (ticks a hook took included, ticks it moved past not). */
  get eventCount(): number {
    return this.sim.eventCount;
  }

  /**
   * Schedules occurrence `occurrence` of a scripted event (at `atMs + occurrence * repeat.everyMs`), at its band's
   * priority plus `index` (its place in the file), unless it falls after the horizon.
   */
  scheduleScripted(event: ScenarioEvent, index: number, occurrence = 0): void {
    const atMs = occurrenceMs(event, occurrence);
    if (atMs > this.horizonMs) return;
    const handle = this.sim.schedule(atMs, priorityOfScripted(event, index), {
      kind: 'scripted',
      event,
      index,
      occurrence,
    });
    this.scripted.set(index, handle);
  }

  /** Schedules a model event that no timer key tracks (such as the start of a task sequence). */
  scheduleModel(atMs: number, priority: number, event: ModelEvent): void {
    this.sim.schedule(atMs, priority, { kind: 'model', key: null, event });
  }

  /** When the earliest pending scripted occurrence is due (Infinity: none). */
  nextScriptedMs(): number {
    let next = Number.POSITIVE_INFINITY;
    for (const handle of this.scripted.values()) next = Math.min(next, this.sim.timeOf(handle));
    return next;
  }

  /** When timer `key` is due (undefined: not pending). */
  timerMs(key: TimerKey): number | undefined {
    const handle = this.timers.get(key);
    return handle === undefined ? undefined : this.sim.timeOf(handle);
  }

  /** Moves pending periodic timer `key` to `atMs`, with its priority and event. */
  moveTimer(key: PeriodicKey, atMs: number): void {
    const handle = this.timers.get(key);
    if (handle === undefined) return;
    this.sim.cancel(handle);
    this.scheduleTimer(key, atMs);
  }

  /** Schedules periodic timer `key`'s tick at `atMs`, as the model does (replacing a pending one). */
  scheduleTimer(key: PeriodicKey, atMs: number): void {
    const pending = this.timers.get(key);
    if (pending !== undefined) this.sim.cancel(pending);
    const event: ModelEvent =
      key === 'policy' ? { type: 'policy-tick' } : key === 'check' ? { type: 'check' } : { type: 'ccmeval-tick' };
    this.timers.set(key, this.sim.schedule(atMs, periodicPriority(key), { kind: 'model', key, event }));
  }

  /** Fires every event at or before `untilMs` (never beyond it). */
  runUntil(untilMs: number): void {
    this.sim.runUntil(untilMs, (payload, nowMs) => this.fire(payload, nowMs));
  }

  private fire(payload: Payload, nowMs: number): void {
    if (payload.kind === 'scripted') {
      const { event, index, occurrence } = payload;
      this.scripted.delete(index);
      // [provsim] (choice 14) `repeat.count` is the total number of occurrences, the first included.
      if (event.repeat !== undefined && occurrence + 1 < event.repeat.count) {
        this.scheduleScripted(event, index, occurrence + 1);
      }
      this.apply({ type: 'scripted', event }, nowMs);
      return;
    }
    const key = payload.key;
    if (key !== null) {
      this.timers.delete(key);
      if (this.hooks.onPeriodic !== undefined && isPeriodic(key) && this.hooks.onPeriodic(key, nowMs)) return;
    }
    this.apply(payload.event, nowMs);
  }

  private apply(event: ModelEvent, nowMs: number): void {
    const next = this.step(this.config, this.current, event, nowMs);
    this.current = next.state;
    for (const effect of next.effects) {
      const pending = this.timers.get(effect.key);
      if (pending !== undefined) {
        this.sim.cancel(pending);
        this.timers.delete(effect.key);
      }
      if (effect.type === 'schedule') {
        const handle = this.sim.schedule(effect.atMs, effect.priority, {
          kind: 'model',
          key: effect.key,
          event: effect.event,
        });
        this.timers.set(effect.key, handle);
      }
    }
    this.hooks.onTransition(next.trace, event, nowMs, this.current);
  }
}
