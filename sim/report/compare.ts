/**
 * Compares the runs of variants of a scenario (another assumption, or another file, with the same seed): where
 * their traces part (the first trace entry at which they differ), what each did from there, and a side-by-side
 * of the key facts (intervals, exit reasons, checks, deployments, hazards, final state). Pure; deterministic.
 */
import type { TraceEntry } from '../model/types.js';
import { formatClock, formatHours } from '../time/Duration.js';
import { describeEntry } from './formatText.js';
import { expectationsText, hazardKindsOf } from './outcome.js';
import type { Report } from './Report.js';

export interface Variant {
  /** `checkLoop=flow`, or a scenario name. */
  readonly label: string;
  readonly report: Report;
}

export interface Fact {
  readonly name: string;
  readonly values: readonly string[];
  readonly differ: boolean;
}

export interface Comparison {
  readonly labels: readonly string[];
  /** Index of the first trace entry that differs; null when the traces are the same. */
  readonly partingIndex: number | null;
  /** The earliest time among the differing entries (or the end of the shorter trace); null when the same. */
  readonly partingAtMs: number | null;
  /** Per variant: the entries from the parting point on (a few), described; `(trace ends)` past the end. */
  readonly after: readonly (readonly string[])[];
  /** The last entries all variants share before they part (a few), described. */
  readonly before: readonly string[];
  readonly facts: readonly Fact[];
}

const CONTEXT = 4;

function sameEntry(a: TraceEntry | undefined, b: TraceEntry | undefined): boolean {
  return a !== undefined && b !== undefined && JSON.stringify(a) === JSON.stringify(b);
}

function line(e: TraceEntry): string {
  return `${formatClock(e.atMs)}  ${describeEntry(e).trim()}`;
}

export function compareReports(variants: readonly Variant[]): Comparison {
  if (variants.length < 2) throw new RangeError('compareReports needs at least two variants');
  const traces = variants.map((v) => v.report.trace);
  const longest = Math.max(...traces.map((t) => t.length));
  let partingIndex: number | null = null;
  for (let i = 0; i < longest; i++) {
    const first = traces[0]?.[i];
    if (!traces.every((t) => sameEntry(t[i], first))) {
      partingIndex = i;
      break;
    }
  }
  let partingAtMs: number | null = null;
  let before: string[] = [];
  let after: string[][] = variants.map(() => []);
  if (partingIndex !== null) {
    const p = partingIndex;
    const times = traces.map((t) => t[p]?.atMs ?? t[t.length - 1]?.atMs ?? 0);
    partingAtMs = Math.min(...times);
    before = (traces[0] ?? []).slice(Math.max(0, p - 2), p).map(line);
    after = traces.map((t) => {
      const next = t.slice(p, p + CONTEXT).map(line);
      return p >= t.length ? ['(trace ends)'] : next;
    });
  }
  return {
    labels: variants.map((v) => v.label),
    partingIndex,
    partingAtMs,
    after,
    before,
    facts: factsOf(variants.map((v) => v.report)),
  };
}

function factsOf(reports: readonly Report[]): Fact[] {
  // Only the assumptions that differ between the variants (all of them: "same").
  const keys = (Object.keys(reports[0]?.assumptions ?? {}) as (keyof Report['assumptions'])[]).filter((k) =>
    reports.some((r) => r.assumptions[k] !== reports[0]?.assumptions[k]),
  );
  const rows: [string, (r: Report) => string][] = [
    ['assumptions', (r) => (keys.length === 0 ? 'same' : keys.map((k) => `${k}=${r.assumptions[k]}`).join(' '))],
    [
      'provisioning intervals',
      (r) =>
        r.provisioning.intervals
          .map(
            (i) =>
              `${formatHours(i.enteredAtMs)} (${i.enteredBy}) -> ${i.exitedAtMs === null ? 'still in' : `${formatHours(i.exitedAtMs)} (${i.exitReason})`}`,
          )
          .join('; ') || 'none',
    ],
    ['time in provisioning mode', (r) => formatHours(r.provisioning.totalMs)],
    [
      'last exit reason',
      (r) => {
        const last = r.provisioning.intervals[r.provisioning.intervals.length - 1];
        return last === undefined ? 'never entered' : (last.exitReason ?? 'still in');
      },
    ],
    ['checks (expired)', (r) => `${r.checks.length} (${r.checks.filter((c) => c.expired).length})`],
    ['policy cycles skipped', (r) => String(r.provisioning.policyCyclesSkipped)],
    ['task sequence', (r) => r.taskSequence.outcome],
    [
      'deployments',
      (r) =>
        r.deployments
          .map((d) =>
            d.processedAtMs === null ? `${d.name}: not processed` : `${d.name}: waited ${formatHours(d.waitMs ?? 0)}`,
          )
          .join('; ') || 'none',
    ],
    ['hazards', (r) => hazardKindsOf(r).join(', ') || 'none'],
    [
      'final state',
      (r) =>
        `provisioning mode ${r.final.provisioningMode ? 'ON' : 'off'}; CcmExec ${r.final.service.status} (${r.final.service.startup}); ${r.final.consistent ? 'consistent' : 'INCONSISTENT'}`,
    ],
    ['expectations', (r) => expectationsText(r)],
    ['events', (r) => String(r.eventCount)],
  ];
  return rows.map(([name, f]) => {
    const values = reports.map(f);
    return { name, values, differ: values.some((v) => v !== values[0]) };
  });
}

/** The comparison as terminal text: the parting point with context, then the facts side by side. */
export function formatComparison(c: Comparison, title: string): string {
  const out = [`== compare ${title}: ${c.labels.join(' | ')} ==`, ''];
  if (c.partingIndex === null) {
    out.push('The timelines are identical: every trace entry is the same.');
  } else {
    out.push(`The timelines part at trace entry #${c.partingIndex + 1}, at ${formatClock(c.partingAtMs ?? 0)}:`);
    for (const b of c.before) out.push(`  (all)  ${b}`);
    const width = Math.max(...c.labels.map((l) => l.length));
    c.labels.forEach((label, i) => {
      const lines = c.after[i] ?? [];
      lines.forEach((l, j) => out.push(`  ${(j === 0 ? label : '').padEnd(width)}  ${l}`));
    });
  }
  out.push('');
  const head = ['', ...c.labels];
  const rows = c.facts.map((f) => [`${f.differ ? '* ' : '  '}${f.name}`, ...f.values]);
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length))));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((cellText, i) => cellText.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  out.push(fmt(head), ...rows.map(fmt), '', '* the variants differ');
  return `${out.join('\n')}\n`;
}
