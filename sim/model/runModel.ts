/**
 * Runs a scenario through the model on the one driver loop (`driver.ts`: the scripted events, `repeat` expanded
 * lazily, the model's timer effects) and collects the trace. Deterministic: the same scenario gives
 * the same trace, entry for entry.
 *
 * `runModel` runs a scenario to its horizon; `ModelRunner` is the same loop, steppable: events can be injected at
 * the current instant and time advanced piecewise (for model-based tests and interactive drivers).
 */
import { RunawayError, type SimulatorOptions } from '../kernel/index.js';
import type { Scenario, ScenarioEvent } from '../scenario/Scenario.js';
import { ModelDriver } from './driver.js';
import { finish, type ModelConfig } from './transition.js';
import { type ClientState, type ModelEvent, Priority, type TraceEntry } from './types.js';

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

/** Scripted events injected after the start sort after every file event of their band. */
const INJECTED_INDEX_BASE = 500_000;

export class ModelRunner {
  private readonly driver: ModelDriver;
  private readonly traceEntries: TraceEntry[] = [];
  private injected = 0;
  private readonly maxTraceEntries: number;

  constructor(
    readonly scenario: Scenario,
    options: RunOptions = {},
  ) {
    this.maxTraceEntries = options.maxTraceEntries ?? DEFAULT_MAX_TRACE_ENTRIES;
    const config = options.faults === undefined ? scenario : { ...scenario, faults: options.faults };
    const observe = options.observe;
    this.driver = new ModelDriver(
      config,
      scenario.horizonMs,
      {
        onTransition: (trace, event, nowMs, state) => {
          for (const entry of trace) this.traceEntries.push(entry);
          if (this.traceEntries.length > this.maxTraceEntries) throw new TraceLimitError(this.maxTraceEntries, nowMs);
          observe?.(event, nowMs, state, this.traceEntries.length);
        },
      },
      options,
    );
    scenario.events.forEach((event, index) => this.driver.scheduleScripted(event, index));
  }

  get now(): number {
    return this.driver.now;
  }

  get state(): ClientState {
    return this.driver.state;
  }

  get trace(): readonly TraceEntry[] {
    return this.traceEntries;
  }

  get eventCount(): number {
    return this.driver.eventCount;
  }

  /** Schedules a scripted event at the current instant (after everything of its band already due now). */
  inject(event: ScenarioEventBody): void {
    const full = { ...event, atMs: this.driver.now } as ScenarioEvent;
    this.driver.scheduleScripted(full, INJECTED_INDEX_BASE + this.injected++);
  }

  /** Starts the scenario's task sequence now (instead of at its `startAt`), for interactive drivers. */
  startTaskSequence(): void {
    this.driver.scheduleModel(this.driver.now, Priority.taskSequence, { type: 'ts-start' });
  }

  /** Fires every event at or before `untilMs` (never beyond it). */
  runUntil(untilMs: number): void {
    this.driver.runUntil(untilMs);
  }

  /** Runs to the horizon and returns the result, with the `stuck-at-horizon` hazard if it applies. */
  finish(): RunResult {
    this.runUntil(this.scenario.horizonMs);
    for (const entry of finish(this.driver.state, this.scenario.horizonMs)) this.traceEntries.push(entry);
    return {
      scenario: this.scenario,
      trace: this.traceEntries,
      state: this.driver.state,
      eventCount: this.driver.eventCount,
    };
  }
}

/** Runs a scenario to its horizon. Throws a `RunawayError` when a run exceeds its event or trace budget. */
export function runModel(scenario: Scenario, options: RunOptions = {}): RunResult {
  return new ModelRunner(scenario, options).finish();
}
