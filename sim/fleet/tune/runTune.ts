/**
 * `provsim tune`: the same fleet run once per `ProvisioningMaxMinutes` value, every client with that value and
 * otherwise the very same draws (its release, task sequence, faults; see `clientScenario`), so that the rows differ
 * by the timeout alone. It shows the trade-off: a short timeout cuts running task sequences (premature exits, when
 * other deployments may start beside the sequence), a long one leaves clients stuck longer and delays deployments.
 */
import { formatDuration, formatHours } from '../../time/Duration.js';
import type { Fleet } from '../load/Fleet.js';
import { buildFleetReport, formatPercentile } from '../report/FleetReport.js';
import type { Percentile } from '../summary/Histogram.js';
import { runFleet } from '../run/runFleet.js';

export interface TuneRow {
  readonly maxMinutes: number;
  readonly clients: number;
  readonly taskSequences: number;
  /** Clients whose task sequence the timeout cut. */
  readonly prematureExits: number;
  /** `prematureExits` over the task sequences started. */
  readonly prematureShare: number;
  readonly stuckClientHours: number;
  readonly stuckBeyondTimeout: number;
  readonly stuckAtEnd: number;
  readonly timeoutExits: number;
  readonly timeInModeP99: Percentile | null;
  readonly latencyP50: Percentile | null;
  readonly latencyP99: Percentile | null;
  readonly latencyMeanMs: number | null;
  readonly unprocessed: number;
}

export interface TuneReport {
  readonly schemaVersion: 1;
  readonly kind: 'provsim-tune-report';
  /** The fleet as given (its own ProvisioningMaxMinutes mix is replaced in each run). */
  readonly fleet: Fleet;
  readonly values: readonly number[];
  /** The largest acceptable share of premature exits, or `null` when none was given. */
  readonly maxPremature: number | null;
  readonly rows: readonly TuneRow[];
  /** The smallest value whose premature-exit share is at most `maxPremature` (`null`: none, or no limit given). */
  readonly recommended: number | null;
}

/** The fleet with every client's `ProvisioningMaxMinutes` set to `value` (one draw still taken, so all else holds). */
export function withMaxMinutes(fleet: Fleet, value: number): Fleet {
  return { ...fleet, maxMinutes: [{ value, share: 1 }] };
}

export interface RunTuneOptions {
  readonly workers: number;
  readonly onProgress?: (done: number, total: number) => void;
}

export async function runTune(
  fleet: Fleet,
  values: readonly number[],
  maxPremature: number | null,
  options: RunTuneOptions,
): Promise<TuneReport> {
  const rows: TuneRow[] = [];
  const total = fleet.clients * values.length;
  for (const [i, value] of values.entries()) {
    const variant = withMaxMinutes(fleet, value);
    const summary = await runFleet(variant, {
      range: { from: 0, to: fleet.clients },
      workers: options.workers,
      onProgress: (done) => options.onProgress?.(i * fleet.clients + done, total),
    });
    const r = buildFleetReport(variant, summary, null);
    rows.push({
      maxMinutes: value,
      clients: r.clients,
      taskSequences: r.taskSequences.started,
      prematureExits: r.provisioning.prematureExits.clients,
      prematureShare: r.provisioning.prematureExits.shareOfTaskSequences,
      stuckClientHours: r.provisioning.stuckClientHours,
      stuckBeyondTimeout: r.provisioning.stuckBeyondTimeout,
      stuckAtEnd: r.provisioning.stuckAtEnd,
      timeoutExits: r.provisioning.exits.timeout,
      timeInModeP99: r.provisioning.timeInMode.p99,
      latencyP50: r.deployments.latency.p50,
      latencyP99: r.deployments.latency.p99,
      latencyMeanMs: r.deployments.latency.meanMs,
      unprocessed: r.deployments.unprocessed,
    });
  }
  return buildTuneReport(fleet, values, maxPremature, rows);
}

export function buildTuneReport(
  fleet: Fleet,
  values: readonly number[],
  maxPremature: number | null,
  rows: readonly TuneRow[],
): TuneReport {
  let recommended: number | null = null;
  if (maxPremature !== null) {
    for (const row of [...rows].sort((a, b) => a.maxMinutes - b.maxMinutes)) {
      if (row.prematureShare <= maxPremature) {
        recommended = row.maxMinutes;
        break;
      }
    }
  }
  return { schemaVersion: 1, kind: 'provsim-tune-report', fleet, values: [...values], maxPremature, rows, recommended };
}

const int = (n: number): string => n.toLocaleString('en-US');
export const formatShare = (x: number): string => `${(x * 100).toFixed(x !== 0 && x < 0.001 ? 4 : 2)}%`;

/** `240 (4h)`: minutes and what they mean. */
export function minutesLabel(minutes: number): string {
  return `${minutes} (${minutes === 0 ? '48h' : formatHours(minutes * 60_000)})`;
}

/** The verdict line: which value to choose and why (or why none fits). */
export function recommendationText(t: TuneReport): string {
  if (t.maxPremature === null) {
    return 'Give --max-premature (such as 0.1%) to have the smallest value that keeps premature exits under it.';
  }
  if (t.recommended === null) {
    return `No value tried keeps premature exits at or under ${formatShare(t.maxPremature)} of task sequences; try larger values.`;
  }
  const row = t.rows.find((r) => r.maxMinutes === t.recommended);
  return (
    `Recommended ProvisioningMaxMinutes = ${minutesLabel(t.recommended)}: the smallest value tried with premature exits ` +
    `at or under ${formatShare(t.maxPremature)} of task sequences (${row === undefined ? '' : formatShare(row.prematureShare)}).`
  );
}

/** The columns of the trade-off table, text and HTML alike: the ProvisioningMaxMinutes label, then `tuneRowCells`. */
export const TUNE_COLUMNS: readonly string[] = [
  'ProvisioningMaxMinutes',
  'premature exits',
  'of task sequences',
  'stuck client-h',
  'beyond timeout',
  'stuck at end',
  'timeout exits',
  'time in mode p99',
  'latency p50',
  'latency p99',
];

/** The figures of one row of the trade-off table, after its ProvisioningMaxMinutes label (text and HTML alike). */
export function tuneRowCells(r: TuneReport['rows'][number]): string[] {
  return [
    int(r.prematureExits),
    formatShare(r.prematureShare),
    r.stuckClientHours.toFixed(1),
    int(r.stuckBeyondTimeout),
    int(r.stuckAtEnd),
    int(r.timeoutExits),
    formatPercentile(r.timeInModeP99),
    formatPercentile(r.latencyP50),
    formatPercentile(r.latencyP99),
  ];
}

export function formatTuneText(t: TuneReport): string {
  const header = TUNE_COLUMNS;
  const rows = t.rows.map((r) => [minutesLabel(r.maxMinutes), ...tuneRowCells(r)]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`.trimEnd();
  const f = t.fleet;
  return [
    `Tuning ProvisioningMaxMinutes for fleet ${f.name}: ${int(f.clients)} clients over ${formatDuration(f.horizonMs)} (seed ${f.seed}), the same clients in every row`,
    '',
    line(header),
    ...rows.map(line),
    '',
    recommendationText(t),
    '',
  ].join('\n');
}
