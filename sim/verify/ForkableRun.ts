/**
 * A run of the model that can be copied mid-way: the exhaustive explorer forks one prefix into many continuations.
 * It drives the same pure `transition` as `runModel` with the same event order (time, then priority, then the
 * order of scheduling), expands `repeat` the same way and takes the `stuck-at-horizon` hazard at the end, so a
 * scenario's trace here equals `runModel`'s, entry for entry (a test holds it to that).
 *
 * The pending events are a short array (the model keeps at most one timer per key, and scripted events are few),
 * scanned for the next one: a fork copies that array and shares every state object, which the model never mutates.
 *
 * Gotchas: events inserted with `insert` take the priority `runModel` gives a file event of the same band and index,
 * so a scenario written with the inserted events appended (in insertion order) replays identically; `runBefore(t)`
 * fires everything strictly before `t`, so an event inserted at `t` still meets the internal timers due at `t` in
 * band order.
 */
import { occurrenceMs, priorityOfScripted } from '../model/driver.js';
import { finish, initialState, type ModelConfig, type ModelFaults, transition } from '../model/transition.js';
import { type ClientState, type ModelEvent, Priority, type TimerKey, type TraceEntry } from '../model/types.js';
import type { Scenario, ScenarioEvent } from '../scenario/Scenario.js';
import type { Snapshot } from './invariants.js';

interface ModelItem {
  readonly kind: 'model';
  readonly atMs: number;
  readonly priority: number;
  readonly seq: number;
  readonly key: TimerKey | null;
  readonly event: ModelEvent;
}

interface ScriptedItem {
  readonly kind: 'scripted';
  readonly atMs: number;
  readonly priority: number;
  readonly seq: number;
  readonly event: ScenarioEvent;
  readonly index: number;
  readonly occurrence: number;
}

type Item = ModelItem | ScriptedItem;

export class ForkableRun {
  private constructor(
    readonly scenario: Scenario,
    private readonly config: ModelConfig,
    private nowMs: number,
    private current: ClientState,
    private items: Item[],
    private seq: number,
    private eventsFired: number,
    private readonly traceEntries: TraceEntry[],
    private readonly snapshotList: Snapshot[],
  ) {}

  /** A run of `scenario` at time 0, nothing fired yet (its scripted events are scheduled, as `runModel` does). */
  static start(scenario: Scenario, faults?: ModelFaults): ForkableRun {
    const config: ModelConfig = faults === undefined ? scenario : { ...scenario, faults };
    const run = new ForkableRun(scenario, config, 0, initialState(config), [], 0, 0, [], []);
    run.push({ kind: 'model', atMs: 0, priority: Priority.first, seq: 0, key: null, event: { type: 'init' } });
    scenario.events.forEach((event, index) => run.scheduleScripted(event, index, 0));
    return run;
  }

  get now(): number {
    return this.nowMs;
  }

  get state(): ClientState {
    return this.current;
  }

  get trace(): readonly TraceEntry[] {
    return this.traceEntries;
  }

  get snapshots(): readonly Snapshot[] {
    return this.snapshotList;
  }

  get eventCount(): number {
    return this.eventsFired;
  }

  /** An independent copy: what either does next does not affect the other. */
  fork(): ForkableRun {
    return new ForkableRun(
      this.scenario,
      this.config,
      this.nowMs,
      this.current,
      this.items.slice(),
      this.seq,
      this.eventsFired,
      this.traceEntries.slice(),
      this.snapshotList.slice(),
    );
  }

  /**
   * Schedules a scripted event as the file event number `index` would be (not before now). The scenario of a
   * forked run keeps its own event list; the caller builds the replayable scenario (see `withEvents`).
   */
  insert(event: ScenarioEvent, index: number): void {
    if (event.atMs < this.nowMs) throw new RangeError(`cannot insert at ${event.atMs} ms: the run is at ${this.nowMs}`);
    this.scheduleScripted(event, index, 0);
  }

  /** Fires every pending event strictly before `cutMs` (and within the horizon). */
  runBefore(cutMs: number): void {
    const limit = Math.min(cutMs - 1, this.scenario.horizonMs);
    for (let next = this.nextIndex(limit); next >= 0; next = this.nextIndex(limit)) this.fire(next);
    if (cutMs > this.nowMs) this.nowMs = Math.min(cutMs, this.scenario.horizonMs);
  }

  /** Fires everything up to the horizon and appends the end-of-run hazard, as `runModel` does. */
  runToHorizon(): void {
    const horizon = this.scenario.horizonMs;
    for (let next = this.nextIndex(horizon); next >= 0; next = this.nextIndex(horizon)) this.fire(next);
    this.nowMs = horizon;
    for (const entry of finish(this.current, horizon)) this.traceEntries.push(entry);
  }

  /**
   * The pending events, time relative to now, in firing order: with the state, everything the future of the run
   * depends on (the scenario's configuration apart). Items are plain data, so `JSON.stringify` reads them fully.
   * `extra`: as if that event had been inserted (without forking).
   */
  pending(extra?: { readonly event: ScenarioEvent; readonly index: number }): readonly unknown[] {
    const sorted = this.items.slice();
    if (extra !== undefined) {
      const { event, index } = extra;
      sorted.push({
        kind: 'scripted',
        atMs: event.atMs,
        priority: priorityOfScripted(event, index),
        seq: this.seq + 1,
        event,
        index,
        occurrence: 0,
      });
    }
    sorted.sort(compareItems);
    return sorted.map((item) =>
      item.kind === 'model'
        ? [item.atMs - this.nowMs, item.priority, item.key, item.event]
        : [item.atMs - this.nowMs, item.priority, item.event, item.occurrence],
    );
  }

  private push(item: Item): void {
    this.items.push(item);
  }

  private scheduleScripted(event: ScenarioEvent, index: number, occurrence: number): void {
    const atMs = occurrenceMs(event, occurrence);
    if (atMs > this.scenario.horizonMs) return;
    const priority = priorityOfScripted(event, index);
    this.push({ kind: 'scripted', atMs, priority, seq: ++this.seq, event, index, occurrence });
  }

  /** The index of the next item due at or before `limitMs`, or -1. */
  private nextIndex(limitMs: number): number {
    let best = -1;
    let bestItem: Item | undefined;
    for (let i = 0; i < this.items.length; i++) {
      const item = this.items[i] as Item;
      if (item.atMs > limitMs) continue;
      if (bestItem === undefined || compareItems(item, bestItem) < 0) {
        best = i;
        bestItem = item;
      }
    }
    return best;
  }

  private fire(index: number): void {
    const item = this.items[index] as Item;
    this.items.splice(index, 1);
    this.nowMs = item.atMs;
    this.eventsFired++;
    if (item.kind === 'scripted') {
      const { event, occurrence } = item;
      if (event.repeat !== undefined && occurrence + 1 < event.repeat.count) {
        this.scheduleScripted(event, item.index, occurrence + 1);
      }
      this.apply({ type: 'scripted', event });
    } else {
      this.apply(item.event);
    }
  }

  private apply(event: ModelEvent): void {
    const next = transition(this.config, this.current, event, this.nowMs);
    this.current = next.state;
    for (const entry of next.trace) this.traceEntries.push(entry);
    for (const effect of next.effects) {
      const pending = this.items.findIndex((item) => item.kind === 'model' && item.key === effect.key);
      if (pending >= 0) this.items.splice(pending, 1);
      if (effect.type === 'schedule') {
        if (effect.atMs < this.nowMs) throw new RangeError(`the model scheduled ${effect.key} in the past`);
        this.push({
          kind: 'model',
          atMs: effect.atMs,
          priority: effect.priority,
          seq: ++this.seq,
          key: effect.key,
          event: effect.event,
        });
      }
    }
    this.snapshotList.push({
      event,
      atMs: this.nowMs,
      state: this.current,
      traceLength: this.traceEntries.length,
    });
  }
}

/** The kernel's order: time, then priority, then scheduling order. */
function compareItems(a: Item, b: Item): number {
  return a.atMs - b.atMs || a.priority - b.priority || a.seq - b.seq;
}
