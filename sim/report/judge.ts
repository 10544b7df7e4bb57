/**
 * Judges a scenario's `expect` block against its report. Pure; one result per expectation, in the order of the
 * interface's list.
 */

import { formatHours } from '../time/Duration.js';
import type { ExitReason, Expect, HazardKind, TaskSequenceOutcome } from '../scenario/Scenario.js';

export interface ExpectationResult {
  name: string;
  passed: boolean;
  expected: unknown;
  actual: unknown;
}

/** What `judge` reads of a report (a `Report` is one; named here so that `Report.ts` and this file need no circle). */
export interface JudgedReport {
  readonly provisioning: {
    readonly intervals: readonly { readonly exitedAtMs: number | null; readonly exitReason: ExitReason | null }[];
  };
  readonly final: { readonly provisioningMode: boolean };
  readonly taskSequence: { readonly outcome: TaskSequenceOutcome };
  readonly deployments: readonly { readonly name: string; readonly processedAtMs: number | null }[];
  readonly hazards: readonly { readonly kind: HazardKind }[];
}

/** [provsim] (choice 17) How each expectation is judged: the comment on each one below. */
export function judge(expect: Expect, report: JudgedReport): ExpectationResult[] {
  const results: ExpectationResult[] = [];
  const add = (name: string, expected: unknown, actual: unknown, passed = expected === actual) =>
    results.push({ name, passed, expected, actual });
  const closed = report.provisioning.intervals.filter((i) => i.exitedAtMs !== null);
  const lastExit = closed[closed.length - 1];

  if (expect.finalProvisioningMode !== undefined) {
    add('finalProvisioningMode', expect.finalProvisioningMode, report.final.provisioningMode);
  }
  if (expect.exitReason !== undefined) {
    // The reason of the last exit, or null when the client never left provisioning mode.
    add('exitReason', expect.exitReason, lastExit?.exitReason ?? null);
  }
  if (expect.exitedByMs !== undefined) {
    // Out of provisioning mode for good by this time: out at the end, and the last exit no later than the bound.
    const by = expect.exitedByMs;
    const exitedAt = lastExit?.exitedAtMs ?? null;
    const passed = !report.final.provisioningMode && (exitedAt === null || exitedAt <= by);
    const actual = report.final.provisioningMode
      ? 'still in provisioning mode'
      : exitedAt === null
        ? 'never in provisioning mode'
        : formatHours(exitedAt);
    add('exitedBy', formatHours(by), actual, passed);
  }
  if (expect.taskSequence !== undefined) add('taskSequence', expect.taskSequence, report.taskSequence.outcome);
  if (expect.deploymentsProcessedByMs !== undefined) {
    const by = expect.deploymentsProcessedByMs;
    const unprocessed = report.deployments.filter((d) => d.processedAtMs === null).map((d) => d.name);
    const latest = Math.max(0, ...report.deployments.map((d) => d.processedAtMs ?? 0));
    const passed = unprocessed.length === 0 && latest <= by;
    const actual = unprocessed.length > 0 ? `not processed: ${unprocessed.join(', ')}` : formatHours(latest);
    add('deploymentsProcessedBy', formatHours(by), actual, passed);
  }
  if (expect.hazards !== undefined) {
    const expected = [...new Set(expect.hazards)].sort();
    const actual = [...new Set(report.hazards.map((h) => h.kind))].sort();
    add('hazards', expected, actual, expected.join(',') === actual.join(','));
  }
  return results;
}
