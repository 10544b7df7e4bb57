/**
 * Judges a scenario's `expect` block against its report. Pure; one result per expectation, in the order of the
 * interface's list.
 */

import { formatHours } from '../scenario/Duration.js';
import type { Expect } from '../scenario/Scenario.js';
import type { Report } from './Report.js';

export interface ExpectationResult {
  name: string;
  passed: boolean;
  expected: unknown;
  actual: unknown;
}

export function judge(expect: Expect, report: Report): ExpectationResult[] {
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
  if (expect.violations !== undefined) {
    const expected = [...new Set(expect.violations)].sort();
    const actual = [...new Set(report.invariants.map((v) => v.invariant))].sort();
    add('violations', expected, actual, expected.join(',') === actual.join(','));
  }
  return results;
}

/** How `run` and `check` judge a scenario: `check` counts each verdict; either exits 1 when one has failed. */
export type Verdict = 'passed' | 'failed' | 'skipped';

/**
 * A scenario fails when an expectation fails or an invariant is violated (with or without an `expect` block),
 * unless its `expect.violations` names exactly the violations found (a pinned gap: that expectation judges them);
 * it is skipped when it has no expectation and nothing is violated; it passes otherwise.
 */
export function verdictOf(report: Pick<Report, 'expectations' | 'invariants'>): Verdict {
  if (report.expectations.some((x) => !x.passed) || failingViolations(report).length > 0) return 'failed';
  return report.expectations.length === 0 ? 'skipped' : 'passed';
}

/** The violations that fail the scenario by themselves: all of them, unless `expect.violations` judges them. */
export function failingViolations(report: Pick<Report, 'expectations' | 'invariants'>): Report['invariants'] {
  return report.expectations.some((x) => x.name === 'violations') ? [] : report.invariants;
}
