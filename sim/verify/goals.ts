/**
 * Reachability goals: named situations that a good exploration reaches at least once (Stateright's `sometimes`,
 * Antithesis's `reachable`). Each is a predicate over one run's report; `GoalTally` counts the runs that reached
 * each goal. A required goal that no run reached makes `provsim explore` exit 1: the search was too weak (or the
 * situation cannot happen under the assumptions in force) to say anything about it.
 */
import type { Report } from '../report/Report.js';
import type { HazardKind } from '../scenario/Scenario.js';

export interface Goal {
  readonly name: string;
  readonly description: string;
  readonly reached: (report: Report) => boolean;
}

const hazard = (kind: HazardKind) => (r: Report) => r.hazards.some((h) => h.kind === kind);
const exitBy = (reason: string) => (r: Report) => r.provisioning.intervals.some((i) => i.exitReason === reason);

export const GOALS: readonly Goal[] = [
  {
    name: 'timeout-exit',
    description: 'the timeout takes the client out of provisioning mode',
    reached: exitBy('timeout'),
  },
  {
    name: 'premature-exit',
    description: 'the timeout ends provisioning mode while the task sequence still runs',
    reached: hazard('premature-exit'),
  },
  {
    name: 'ccmeval-rescue',
    description: 'ccmeval finds CcmExec disabled, enables and starts it',
    reached: (r) => r.trace.some((e) => e.type === 'ccmeval' && e.action === 'enabled-and-started'),
  },
  {
    name: 'inconsistent-registry',
    description: 'a CcmExec start finds ProvisioningMode not "true" with tasks still excluded',
    reached: hazard('inconsistent-registry'),
  },
  {
    name: 'stuck-at-horizon',
    description: 'still in provisioning mode when the run ends',
    reached: hazard('stuck-at-horizon'),
  },
  {
    name: 'exceeded-timeout',
    description: 'in provisioning mode longer than max + checkInterval since the last entry',
    reached: hazard('exceeded-timeout'),
  },
  {
    name: 'client-disabled',
    description: 'CcmExec disabled with no task-sequence step holding it so',
    reached: hazard('client-disabled'),
  },
  {
    name: 'no-timestamp',
    description: 'in provisioning mode with no ProvisioningEnabledTime',
    reached: hazard('no-timestamp'),
  },
  {
    name: 'manual-exit',
    description: 'SetClientProvisioningMode($false) takes the client out',
    reached: exitBy('manual'),
  },
  {
    name: 'registry-edit-exit',
    description: 'a registry-only edit takes the client out at a CcmExec start',
    reached: exitBy('registry-edit'),
  },
  {
    name: 'timestamp-reset',
    description: 'an entry while already in provisioning mode moves the timestamp',
    reached: (r) => r.trace.some((e) => e.type === 'provisioning-enter' && !e.newInterval),
  },
  {
    name: 'ts-success',
    description: 'the task sequence ends with success',
    reached: (r) => r.taskSequence.outcome === 'success',
  },
  {
    name: 'ts-failure',
    description: 'the task sequence ends with a handled failure',
    reached: (r) => r.taskSequence.outcome === 'failed',
  },
  {
    name: 'ts-abandoned',
    description: 'the task sequence is abandoned (unrecoverable interruption or crash)',
    reached: (r) => r.taskSequence.outcome === 'abandoned',
  },
  {
    name: 'deployment-waits',
    description: 'a deployment published in provisioning mode is processed after the exit',
    reached: (r) =>
      r.deployments.some(
        (d) =>
          d.processedAtMs !== null &&
          r.provisioning.intervals.some(
            (i) => i.enteredAtMs <= d.publishedAtMs && i.exitedAtMs !== null && i.exitedAtMs > d.publishedAtMs,
          ),
      ),
  },
];

export const GOAL_NAMES: readonly string[] = GOALS.map((g) => g.name);

/** How many runs reached each goal, in the order of `GOALS`. */
export class GoalTally {
  private readonly counts = new Map<string, number>(GOAL_NAMES.map((n) => [n, 0]));

  add(report: Report): void {
    for (const goal of GOALS)
      if (goal.reached(report)) this.counts.set(goal.name, (this.counts.get(goal.name) ?? 0) + 1);
  }

  /** Adds the counts of another tally's `summary` (a worker thread's, for instance). */
  addSummary(summary: readonly GoalResult[]): void {
    for (const g of summary) this.counts.set(g.name, (this.counts.get(g.name) ?? 0) + g.reached);
  }

  merge(other: GoalTally): void {
    for (const [name, n] of other.counts) this.counts.set(name, (this.counts.get(name) ?? 0) + n);
  }

  /** Each goal with the number of runs that reached it; `required` marks the goals given with `--goal`. */
  summary(required: readonly string[]): GoalResult[] {
    return GOALS.map((g) => ({
      name: g.name,
      reached: this.counts.get(g.name) ?? 0,
      required: required.includes(g.name),
    }));
  }
}

export interface GoalResult {
  readonly name: string;
  /** Runs that reached it. */
  readonly reached: number;
  readonly required: boolean;
}

/** The required goals that no run reached. */
export function missedGoals(results: readonly GoalResult[]): string[] {
  return results.filter((g) => g.required && g.reached === 0).map((g) => g.name);
}
