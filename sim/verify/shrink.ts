/**
 * Shrinking a failing scenario to what its failure needs: greedy passes that each try one simpler scenario — an
 * event removed or its repeat dropped, the task sequence or one of its steps removed, a step flag cleared, an
 * interval, a registry preset or another client setting back to its default, a shorter horizon — and keep it when
 * it still fails. Every move makes the scenario strictly simpler, so the loop ends; a time limit can cut it
 * earlier (the result then says so). Deterministic: the same scenario and predicate give the same result.
 *
 * Why not fast-check's own shrinking: it shrinks the random draws, not the scenario, so flags and intervals drawn
 * inside a `chain` are rarely simplified, and it cannot know the defaults that make a scenario file short.
 */
import { parseScenario } from '../scenario/loadScenario.js';
import type { ClientConfig, Scenario, ScenarioEvent, TaskSequence, TaskSequenceStep } from '../scenario/Scenario.js';

export interface ShrinkOptions {
  /** Whether a candidate still shows the failure. */
  readonly stillFails: (scenario: Scenario) => boolean;
  /** Stop after this much wall time, in milliseconds (default: no limit). */
  readonly timeMs?: number;
  /** Called after each candidate tried. */
  readonly onProgress?: (progress: ShrinkProgress) => void;
}

export interface ShrinkProgress {
  /** Candidates tried. */
  readonly tried: number;
  /** Candidates kept (each smaller than the one before). */
  readonly smaller: number;
}

export interface ShrinkResult extends ShrinkProgress {
  readonly scenario: Scenario;
  /** The time limit stopped the shrinking before no simpler candidate failed. */
  readonly cut: boolean;
}

const HOUR = 3_600_000;

/** What a scenario file gets when it says nothing: the loader's own defaults. */
const DEFAULTS: Scenario = parseScenario('name: defaults\n', 'defaults.yaml');
const DEFAULT_CLIENT: ClientConfig = DEFAULTS.client;

export function shrinkScenario(scenario: Scenario, options: ShrinkOptions): ShrinkResult {
  const started = performance.now();
  let current = scenario;
  let tried = 0;
  let smaller = 0;
  for (;;) {
    let progress = false;
    for (const candidate of candidates(current)) {
      if (options.timeMs !== undefined && performance.now() - started > options.timeMs) {
        return { scenario: current, tried, smaller, cut: true };
      }
      tried++;
      const fails = options.stillFails(candidate);
      if (fails) smaller++;
      options.onProgress?.({ tried, smaller });
      if (fails) {
        current = candidate;
        progress = true;
        break;
      }
    }
    if (!progress) return { scenario: current, tried, smaller, cut: false };
  }
}

/** Simpler scenarios than `s`, the biggest cuts first. */
function* candidates(s: Scenario): Generator<Scenario> {
  // Events: all, then each one; then each repeat and downtime.
  if (s.events.length > 1) yield { ...s, events: [] };
  for (let i = 0; i < s.events.length; i++) yield { ...s, events: s.events.filter((_, j) => j !== i) };
  for (let i = 0; i < s.events.length; i++) {
    const e = s.events[i] as ScenarioEvent;
    if (e.repeat !== undefined) yield withEvent(s, i, once(e));
    if ('downtimeMs' in e && e.downtimeMs > 0) yield withEvent(s, i, { ...e, downtimeMs: 0 });
    // Earlier: at the start, then half-way there (whole seconds), so that a shorter horizon can follow.
    for (const atMs of [0, Math.floor(e.atMs / 2000) * 1000]) {
      if (atMs < e.atMs && lastOccurrence({ ...e, atMs }) <= s.horizonMs) yield withEvent(s, i, { ...e, atMs });
    }
  }
  // The task sequence: none, then each step, each flag, the entry step, the start.
  const ts = s.taskSequence;
  if (ts !== null) {
    yield { ...s, taskSequence: null };
    if (ts.steps.length > 1) {
      for (let i = 0; i < ts.steps.length; i++) yield withSequence(s, removeStep(ts, i));
    }
    for (let i = 0; i < ts.steps.length; i++) {
      const step = ts.steps[i] as TaskSequenceStep;
      for (const flag of ['restart', 'disablesClient', 'fails', 'continueOnError'] as const) {
        if (step[flag]) yield withSequence(s, { ...ts, steps: replace(ts.steps, i, { ...step, [flag]: false }) });
      }
    }
    if (ts.provisioningAtStep !== null) yield withSequence(s, { ...ts, provisioningAtStep: null });
    if (ts.startAtMs > 0) yield withSequence(s, { ...ts, startAtMs: 0 });
  }
  // The client: registry presets, then each setting back to its default.
  const c = s.client;
  for (const key of Object.keys(c.registry) as (keyof ClientConfig['registry'])[]) {
    const rest = { ...c.registry };
    delete rest[key];
    yield { ...s, client: { ...c, registry: rest } };
  }
  for (const key of Object.keys(DEFAULT_CLIENT) as (keyof ClientConfig)[]) {
    if (key === 'registry' || JSON.stringify(c[key]) === JSON.stringify(DEFAULT_CLIENT[key])) continue;
    yield { ...s, client: { ...c, [key]: DEFAULT_CLIENT[key] } };
  }
  if (s.seed !== DEFAULTS.seed) yield { ...s, seed: DEFAULTS.seed };
  if (s.startMs !== DEFAULTS.startMs) yield { ...s, startMs: DEFAULTS.startMs };
  // The horizon: a half, then three quarters (whole minutes, at least an hour).
  for (const f of [0.5, 0.75]) {
    const horizonMs = Math.max(HOUR, Math.floor((s.horizonMs * f) / 60_000) * 60_000);
    if (horizonMs < s.horizonMs) yield withHorizon(s, horizonMs);
  }
}

/** The event without its repeat. */
function once(e: ScenarioEvent): ScenarioEvent {
  const copy = { ...e };
  delete copy.repeat;
  return copy;
}

function lastOccurrence(e: ScenarioEvent): number {
  return e.atMs + (e.repeat === undefined ? 0 : (e.repeat.count - 1) * e.repeat.everyMs);
}

function replace<T>(list: readonly T[], i: number, value: T): T[] {
  return list.map((x, j) => (j === i ? value : x));
}

function withEvent(s: Scenario, i: number, e: ScenarioEvent): Scenario {
  return { ...s, events: replace(s.events, i, e) };
}

function withSequence(s: Scenario, ts: TaskSequence): Scenario {
  return { ...s, taskSequence: ts };
}

/** The sequence without step `i`; the entry step moves with the steps after it (removed with it: the start). */
function removeStep(ts: TaskSequence, i: number): TaskSequence {
  const at = ts.provisioningAtStep;
  return {
    ...ts,
    steps: ts.steps.filter((_, j) => j !== i),
    provisioningAtStep: at === null || at === i ? null : at > i ? at - 1 : at,
  };
}

/** The scenario cut at `horizonMs`: events and repeats past it dropped, a later task-sequence start with them. */
function withHorizon(s: Scenario, horizonMs: number): Scenario {
  const events = s.events
    .filter((e) => e.atMs <= horizonMs)
    .map((e): ScenarioEvent => {
      if (e.repeat === undefined) return e;
      const count = Math.min(e.repeat.count, Math.floor((horizonMs - e.atMs) / e.repeat.everyMs) + 1);
      if (count >= 2) return { ...e, repeat: { ...e.repeat, count } };
      return once(e);
    });
  const ts = s.taskSequence;
  return {
    ...s,
    horizonMs,
    events,
    taskSequence: ts !== null && ts.startAtMs > horizonMs ? null : ts,
  };
}
