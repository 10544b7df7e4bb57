/**
 * Drives the pure model on the kernel: schedules the scripted events (expanding `repeat` lazily, one occurrence
 * at a time), applies the model's timer effects, and collects the trace. Deterministic: the same scenario gives
 * the same trace, entry for entry.
 *
 * `runModel` runs a scenario to its horizon; `ModelRunner` is the same loop, steppable: events can be injected at
 * the current instant and time advanced piecewise (for model-based tests and interactive drivers).
 */
import { RunawayError, Simulator, type SimulatorOptions, type TimerHandle } from '../kernel/index.js';
import type { Scenario, ScenarioEvent } from '../scenario/Scenario.js';
import { finish, initialState, type ModelConfig, transition } from './transition.js';
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

/** Called after every transition with the event, its time, the state it produced and the trace length then. */
export type TransitionObserver = (event: ModelEvent, nowMs: number, state: ClientState, traceLength: number) => void;

/**
 * Stops a run whose trace (or, in `verifyScenario`, whose state snapshots) outgrows `maxTraceEntries`: the memory
 * half of the runaway budget, beside the kernel's event limit.
 */
export class TraceLimitError extends RunawayError {
  constructor(limit: number, atMs: number, what = 'trace entries') {
    super(
      `Aborting at simulation time ${atMs} ms after keeping ${limit} ${what} in memory, assuming a runaway scenario ` +
        '(an interval too short for the horizon, or a repeat storm); raise the limit with --max-trace.',
      limit,
      atMs,
    );
    this.name = 'TraceLimitError';
  }
}

/** 250,000 trace entries (with their state snapshots, under 1 KB each): see `DEFAULT_MAX_EVENTS`. */
export const DEFAULT_MAX_TRACE_ENTRIES = 250_000;

export interface RunOptions extends SimulatorOptions {
  /** Stop with `TraceLimitError` when the trace holds more entries than this (default 250,000). */
  readonly maxTraceEntries?: number;
  readonly observe?: TransitionObserver;
  /** Deliberate faults, for tests that show the invariants catch a broken rule. Never set in normal runs. */
  readonly faults?: ModelConfig['faults'];
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A scripted event without its time (it happens now). */
export type ScenarioEventBody = DistributiveOmit<ScenarioEvent, 'atMs' | 'repeat'>;

type Payload =
  | { readonly kind: 'model'; readonly key: TimerKey | null; readonly event: ModelEvent }
  | { readonly kind: 'scripted'; readonly event: ScenarioEvent; readonly index: number; readonly occurrence: number };

/** Scripted events injected after the start sort after every file event of their band. */
const INJECTED_INDEX_BASE = 500_000;

export class ModelRunner {
  private readonly sim: Simulator<Payload>;
  private readonly timers = new Map<TimerKey, TimerHandle<Payload>>();
  private readonly config: ModelConfig;
  private readonly traceEntries: TraceEntry[] = [];
  private current: ClientState;
  private injected = 0;
  private readonly maxTraceEntries: number;

  constructor(
    readonly scenario: Scenario,
    private readonly options: RunOptions = {},
  ) {
    this.sim = new Simulator<Payload>(options);
    this.maxTraceEntries = options.maxTraceEntries ?? DEFAULT_MAX_TRACE_ENTRIES;
    this.config = options.faults === undefined ? scenario : { ...scenario, faults: options.faults };
    this.current = initialState(this.config);
    this.sim.schedule(0, Priority.first, { kind: 'model', key: null, event: { type: 'init' } });
    scenario.events.forEach((event, index) => this.scheduleScripted(event, index, 0));
  }

  get now(): number {
    return this.sim.now;
  }

  get state(): ClientState {
    return this.current;
  }

  get trace(): readonly TraceEntry[] {
    return this.traceEntries;
  }

  get eventCount(): number {
    return this.sim.eventCount;
  }

  /** Schedules a scripted event at the current instant (after everything of its band already due now). */
  inject(event: ScenarioEventBody): void {
    const full = { ...event, atMs: this.sim.now } as ScenarioEvent;
    this.scheduleScripted(full, INJECTED_INDEX_BASE + this.injected++, 0);
  }

  /** Starts the scenario's task sequence now (instead of at its `startAt`), for interactive drivers. */
  startTaskSequence(): void {
    this.sim.schedule(this.sim.now, Priority.taskSequence, { kind: 'model', key: null, event: { type: 'ts-start' } });
  }

  /** Fires every event at or before `untilMs` (never beyond it). */
  runUntil(untilMs: number): void {
    this.sim.runUntil(untilMs, (payload, nowMs) => this.fire(payload, nowMs));
  }

  /** Runs to the horizon and returns the result, with the `stuck-at-horizon` hazard if it applies. */
  finish(): RunResult {
    this.runUntil(this.scenario.horizonMs);
    for (const entry of finish(this.current, this.scenario.horizonMs)) this.traceEntries.push(entry);
    return { scenario: this.scenario, trace: this.traceEntries, state: this.current, eventCount: this.sim.eventCount };
  }

  private scheduleScripted(event: ScenarioEvent, index: number, occurrence: number): void {
    const atMs = event.atMs + occurrence * (event.repeat?.everyMs ?? 0);
    if (atMs > this.scenario.horizonMs) return;
    this.sim.schedule(atMs, scriptedPriority(event.type) + index, { kind: 'scripted', event, index, occurrence });
  }

  private fire(payload: Payload, nowMs: number): void {
    if (payload.kind === 'scripted') {
      const { event, index, occurrence } = payload;
      // [provsim] (choice 14) `repeat.count` is the total number of occurrences, the first included.
      if (event.repeat !== undefined && occurrence + 1 < event.repeat.count) {
        this.scheduleScripted(event, index, occurrence + 1);
      }
      this.apply({ type: 'scripted', event }, nowMs);
    } else {
      if (payload.key !== null) this.timers.delete(payload.key);
      this.apply(payload.event, nowMs);
    }
  }

  private apply(event: ModelEvent, nowMs: number): void {
    const next = transition(this.config, this.current, event, nowMs);
    this.current = next.state;
    for (const entry of next.trace) this.traceEntries.push(entry);
    if (this.traceEntries.length > this.maxTraceEntries) throw new TraceLimitError(this.maxTraceEntries, nowMs);
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
    this.options.observe?.(event, nowMs, this.current, this.traceEntries.length);
  }
}

/** Runs a scenario to its horizon. Throws a `RunawayError` when a run exceeds its event or trace budget. */
export function runModel(scenario: Scenario, options: RunOptions = {}): RunResult {
  return new ModelRunner(scenario, options).finish();
}
