/**
 * What a fleet keeps of one client's run: the record the fleet aggregates, and the record the `--explain`
 * equivalence test compares. `outcomeFromReport` reads it from a scenario's ordinary JSON report, so the fleet's
 * fast path (`simulateClient`) can be checked against `buildReport(runModel(scenario))`. Times are the scenario's
 * simulation milliseconds. Pure.
 */
import type { ProvisioningInterval } from '../../model/intervals.js';
import type { Report } from '../../report/Report.js';
import type { HazardKind, TaskSequenceOutcome } from '../../scenario/Scenario.js';

export type HazardCounts = { [K in HazardKind]: number };

export interface ClientOutcome {
  /** Every provisioning-mode interval, in order (`exitedAtMs: null`: still in at the horizon). */
  readonly intervals: readonly ProvisioningInterval[];
  /** Time in provisioning mode up to the horizon. */
  readonly totalMs: number;
  /** Time in provisioning mode while no task sequence was running (before it, after it ended or was abandoned). */
  readonly stuckMs: number;
  readonly policyCyclesSkipped: number;
  /** How many times each hazard was reported. */
  readonly hazards: HazardCounts;
  readonly taskSequence: {
    readonly outcome: TaskSequenceOutcome;
    readonly startedAtMs: number | null;
    readonly endedAtMs: number | null;
    readonly abandonedAtMs: number | null;
  };
  /** Each deployment's wait from publication to processing, in publication order; `null`: not processed. */
  readonly deploymentWaits: readonly (number | null)[];
  /** How many events the event-by-event model fires for this client. */
  readonly eventCount: number;
}

export function emptyHazardCounts(): HazardCounts {
  return {
    'stuck-at-horizon': 0,
    'exceeded-timeout': 0,
    'premature-exit': 0,
    'inconsistent-registry': 0,
    'client-disabled': 0,
    'ended-in-winpe': 0,
    'no-timestamp': 0,
  };
}

/**
 * Time in provisioning mode within `[fromMs, toMs]` outside the task sequence's run `[startedAt, endedAt or
 * abandonedAt)` (a sequence still running at `toMs` runs to it; an interval still open at `toMs` lasts to it).
 */
export function stuckTime(
  intervals: readonly ProvisioningInterval[],
  ts: ClientOutcome['taskSequence'],
  fromMs: number,
  toMs: number,
): number {
  let stuck = 0;
  const runFrom = ts.startedAtMs;
  const runTo = ts.endedAtMs ?? ts.abandonedAtMs ?? toMs;
  for (const i of intervals) {
    const from = Math.max(fromMs, i.enteredAtMs);
    const to = Math.min(toMs, i.exitedAtMs ?? toMs);
    if (to <= from) continue;
    let overlap = 0;
    if (runFrom !== null) overlap = Math.max(0, Math.min(to, runTo) - Math.max(from, runFrom));
    stuck += to - from - overlap;
  }
  return stuck;
}

/** Time in provisioning mode within `[fromMs, toMs]` (an interval still open lasts to `toMs`). */
export function timeInMode(intervals: readonly ProvisioningInterval[], fromMs: number, toMs: number): number {
  let total = 0;
  for (const i of intervals)
    total += Math.max(0, Math.min(toMs, i.exitedAtMs ?? toMs) - Math.max(fromMs, i.enteredAtMs));
  return total;
}

/** The outcome as read from a scenario's JSON report (the reference the fast path must equal). */
export function outcomeFromReport(report: Report): ClientOutcome {
  const hazards = emptyHazardCounts();
  for (const h of report.hazards) hazards[h.kind]++;
  const taskSequence = {
    outcome: report.taskSequence.outcome,
    startedAtMs: report.taskSequence.startedAtMs,
    endedAtMs: report.taskSequence.endedAtMs,
    abandonedAtMs: report.taskSequence.abandonedAtMs,
  };
  const intervals = report.provisioning.intervals.map((i) => ({ ...i }));
  return {
    intervals,
    totalMs: report.provisioning.totalMs,
    stuckMs: stuckTime(intervals, taskSequence, 0, report.scenario.horizonMs),
    policyCyclesSkipped: report.provisioning.policyCyclesSkipped,
    hazards,
    taskSequence,
    deploymentWaits: report.deployments.map((d) => d.waitMs),
    eventCount: report.eventCount,
  };
}
