/**
 * The one-phrase outcome of a run, as every summary (HTML, index, Markdown, JUnit) states it. Pure.
 */
import { formatHours } from '../time/Duration.js';
import type { Report } from './Report.js';

export interface Outcome {
  /** `out at 49h`, `STUCK in provisioning mode`, `never in provisioning mode`. */
  readonly text: string;
  /** The last exit's reason, `still in` or `never entered`. */
  readonly exit: string;
  /** ok: out and nothing flagged; warn: out, with hazards; bad: stuck, or an expectation failed. */
  readonly level: 'ok' | 'warn' | 'bad';
  readonly failedExpectations: number;
}

export function outcomeOf(report: Report): Outcome {
  const intervals = report.provisioning.intervals;
  const last = intervals[intervals.length - 1];
  const failedExpectations = report.expectations.filter((x) => !x.passed).length;
  const stuck = last !== undefined && last.exitedAtMs === null;
  const text =
    last === undefined
      ? 'never in provisioning mode'
      : stuck
        ? 'STUCK in provisioning mode'
        : `out at ${formatHours(last.exitedAtMs ?? 0)}`;
  const exit = last === undefined ? 'never entered' : stuck ? 'still in' : (last.exitReason ?? '');
  const level = stuck || failedExpectations > 0 ? 'bad' : report.hazards.length > 0 ? 'warn' : 'ok';
  return { text, exit, level, failedExpectations };
}

/** `5/5 pass`, `1 of 5 FAILED`, or `none` without an expect block. */
export function expectationsText(report: Report): string {
  const n = report.expectations.length;
  const failed = report.expectations.filter((x) => !x.passed).length;
  if (n === 0) return 'none';
  return failed === 0 ? `${n}/${n} pass` : `${failed} of ${n} FAILED`;
}

export function hazardKindsOf(report: Report): string[] {
  return [...new Set(report.hazards.map((h) => h.kind))];
}
