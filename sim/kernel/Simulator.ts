/**
 * The discrete-event loop: virtual time in integer milliseconds, one EventQueue, and an event-count limit that
 * stops runaway runs. It knows nothing of the client model; a handler receives each event in order.
 *
 * Guarantees: events fire in (time, priority, insertion) order; `runUntil(t)` fires every event at or before `t`
 * and none after it, then leaves `now` at `t`; time never goes backwards. No horizon limit of its own: times are
 * safe integers, so years of simulated time work.
 */
import { EventQueue, NOTHING_DUE, type QueueHandle } from './EventQueue.js';

export interface SimulatorOptions {
  /** Stop with `EventLimitError` after firing this many events (default 5,000,000). */
  readonly maxEvents?: number;
}

export type TimerHandle<T> = QueueHandle<T>;

/** A run stopped by one of its budgets (events fired, or records kept in memory): bad input, not a crash. */
export class RunawayError extends Error {
  constructor(
    message: string,
    readonly limit: number,
    readonly atMs: number,
  ) {
    super(message);
    this.name = 'RunawayError';
  }
}

export class EventLimitError extends RunawayError {
  constructor(limit: number, atMs: number) {
    super(
      `Aborting after ${limit} events at simulation time ${atMs} ms, assuming a runaway scenario ` +
        '(an interval too short for the horizon, or a repeat storm); raise the limit with --max-events.',
      limit,
      atMs,
    );
    this.name = 'EventLimitError';
  }
}

/**
 * 500,000 events: a year of hourly checks and policy cycles is about 18,000, so only a runaway scenario (a
 * millisecond interval, a horizon of centuries) reaches it; it stops in seconds, well under 1 GiB (docs/model.md,
 * "Runaway budget").
 */
export const DEFAULT_MAX_EVENTS = 500_000;

export class Simulator<T> {
  private readonly queue = new EventQueue<T>();
  private nowMs = 0;
  private fired = 0;
  private readonly maxEvents: number;

  constructor(options: SimulatorOptions = {}) {
    this.maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
  }

  get now(): number {
    return this.nowMs;
  }

  /** How many events a run may fire (`maxEvents`, else `DEFAULT_MAX_EVENTS`). */
  get eventLimit(): number {
    return this.maxEvents;
  }

  /** How many events have fired so far. */
  get eventCount(): number {
    return this.fired;
  }

  get pending(): number {
    return this.queue.size;
  }

  /** Schedules `payload` at absolute time `atMs` (not before now). */
  schedule(atMs: number, priority: number, payload: T): TimerHandle<T> {
    if (atMs < this.nowMs) {
      throw new RangeError(`cannot schedule at ${atMs} ms: the simulation is already at ${this.nowMs} ms`);
    }
    return this.queue.push(atMs, priority, payload);
  }

  cancel(handle: TimerHandle<T>): boolean {
    return this.queue.cancel(handle);
  }

  /** When a pending timer fires (NaN once it has fired or been cancelled). */
  timeOf(handle: TimerHandle<T>): number {
    return this.queue.timeOf(handle);
  }

  /** A pending timer's priority (NaN once it has fired or been cancelled). */
  priorityOf(handle: TimerHandle<T>): number {
    return this.queue.priorityOf(handle);
  }

  /** A pending timer's payload (undefined once it has fired or been cancelled). */
  payloadOf(handle: TimerHandle<T>): T | undefined {
    return this.queue.payloadOf(handle);
  }

  /** Fires the next event, if any; returns false when the queue is empty. Allocates nothing. */
  step(handler: (payload: T, nowMs: number) => void): boolean {
    const queue = this.queue;
    const payload = queue.popPayloadUntil(Number.POSITIVE_INFINITY);
    if (payload === NOTHING_DUE) return false;
    this.fire(queue.lastTimeMs, payload, handler);
    return true;
  }

  /** Fires every event at or before `untilMs`, in order, then sets the clock to `untilMs`. */
  runUntil(untilMs: number, handler: (payload: T, nowMs: number) => void): void {
    const queue = this.queue;
    for (
      let payload = queue.popPayloadUntil(untilMs);
      payload !== NOTHING_DUE;
      payload = queue.popPayloadUntil(untilMs)
    ) {
      this.fire(queue.lastTimeMs, payload, handler);
    }
    this.nowMs = Math.max(this.nowMs, untilMs);
  }

  private fire(atMs: number, payload: T, handler: (payload: T, nowMs: number) => void): void {
    if (this.fired >= this.maxEvents) throw new EventLimitError(this.maxEvents, atMs);
    this.fired++;
    this.nowMs = atMs;
    handler(payload, atMs);
  }
}
