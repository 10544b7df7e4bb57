/**
 * The fleet report: the JSON a fleet run writes, computed from the fleet and its summary alone (so a merged summary
 * gives the same bytes as one run), and its text form. Pure.
 *
 * Percentiles come from exact histograms with fixed bucket edges: each is the bucket `[lowMs, highMs)` that holds
 * the value of rank `ceil(p * n)`; below 34 minutes a bucket is one second wide, above it at most 0.1% of its values.
 */
import { DEFAULT_MAX_MINUTES } from '../../model/timeout.js';
import { formatDuration, formatHours } from '../../time/Duration.js';
import type { ExitReason, HazardKind, TaskSequenceOutcome } from '../../scenario/Scenario.js';
import type { Fleet } from '../load/Fleet.js';
import {
  EXAMPLE_KINDS,
  publicationEntries,
  type ExampleKind,
  type FleetSummary,
  type GroupCounts,
  type SummaryJson,
} from '../summary/FleetSummary.js';
import type { Histogram, Percentile } from '../summary/Histogram.js';

const HOUR = 3_600_000;

export interface ShardInfo {
  /** 1-based, as in `--shard 2/4`. */
  readonly index: number;
  readonly count: number;
  readonly fromClient: number;
  readonly toClient: number;
}

export interface Distribution {
  readonly p50: Percentile | null;
  readonly p90: Percentile | null;
  readonly p99: Percentile | null;
  readonly maxMs: number | null;
  /** The exact mean, rounded to the millisecond. */
  readonly meanMs: number | null;
}

export interface GroupRow {
  readonly clients: number;
  readonly entered: number;
  readonly timeoutExits: number;
  readonly prematureExit: number;
  readonly exceededTimeout: number;
  readonly stuckAtEnd: number;
  readonly stuckClientHours: number;
}

export interface FleetReport {
  readonly schemaVersion: 1;
  readonly kind: 'provsim-fleet-report';
  /** The fleet as simulated (after `--clients`, `--days`, `--seed`); times in ms. */
  readonly fleet: Fleet;
  /** `null` for a whole run (or a merge of every shard). */
  readonly shard: ShardInfo | null;
  /** Clients in this report. */
  readonly clients: number;
  readonly provisioning: {
    readonly entered: number;
    readonly enteredShare: number;
    readonly intervals: number;
    /** Per client that entered: its total time in provisioning mode within the run. */
    readonly timeInMode: Distribution;
    readonly exits: Record<ExitReason, number>;
    /** Clients still in provisioning mode more than max + checkInterval after their last entry. */
    readonly stuckBeyondTimeout: number;
    /** Timeout exits while the task sequence was still running. */
    readonly prematureExits: {
      readonly clients: number;
      readonly exits: number;
      readonly shareOfTaskSequences: number;
    };
    readonly stuckAtEnd: number;
    /** Client-hours in provisioning mode while no task sequence ran (stuck, waiting for a way out). */
    readonly stuckClientHours: number;
    readonly inMode: {
      readonly stepMs: number;
      readonly peak: number;
      readonly peakAtMs: number;
      readonly counts: readonly number[];
    };
  };
  readonly taskSequences: Record<TaskSequenceOutcome, number> & { readonly started: number };
  readonly deployments: {
    /** Publications each client sees. */
    readonly publications: number;
    readonly processed: number;
    readonly unprocessed: number;
    readonly latency: Distribution;
    readonly byDeployment: readonly ({
      readonly name: string;
      readonly atMs: number;
      readonly everyMs: number | null;
      readonly processed: number;
      readonly unprocessed: number;
    } & Distribution)[];
  };
  /** Clients with at least one report of each hazard. */
  readonly hazards: Record<HazardKind, number>;
  readonly byRelease: readonly ({ readonly version: string } & GroupRow)[];
  readonly byMaxMinutes: readonly ({ readonly maxMinutes: number | null } & GroupRow)[];
  /** The smallest client indices of each kind, for `provsim fleet FILE --explain N`. */
  readonly examples: Record<ExampleKind, readonly number[]>;
  /** Events the event-by-event model fires for these clients (the fast path counts them exactly). */
  readonly modelEvents: number | string;
  readonly fastPath: { readonly closedForm: number; readonly skipping: number };
  /** The mergeable summary (`provsim merge` adds these up). */
  readonly summary: SummaryJson;
}

const share = (n: number, of: number): number => (of === 0 ? 0 : n / of);
const hours = (ms: bigint): number => Number((ms * 100n) / BigInt(HOUR)) / 100;

function distribution(h: Histogram, maxMs: number, sumMs: bigint): Distribution {
  const n = h.count;
  return {
    p50: h.percentile(0.5),
    p90: h.percentile(0.9),
    p99: h.percentile(0.99),
    maxMs: n === 0 ? null : maxMs,
    meanMs: n === 0 ? null : Number((sumMs + BigInt(Math.floor(n / 2))) / BigInt(n)),
  };
}

function groupRow(g: GroupCounts): GroupRow {
  return {
    clients: g.clients,
    entered: g.entered,
    timeoutExits: g.timeoutExits,
    prematureExit: g.prematureExit,
    exceededTimeout: g.exceededTimeout,
    stuckAtEnd: g.stuckAtEnd,
    stuckClientHours: hours(g.stuckMs.value),
  };
}

export function buildFleetReport(fleet: Fleet, summary: FleetSummary, shard: ShardInfo | null): FleetReport {
  const s = summary;
  const counts = s.inModeCounts();
  let peak = 0;
  let peakAt = 0;
  counts.forEach((c, j) => {
    if (c > peak) {
      peak = c;
      peakAt = j;
    }
  });
  const started = s.clients - s.taskSequences.none - s.taskSequences['not-started'];
  const latency = s.latency();
  return {
    schemaVersion: 1,
    kind: 'provsim-fleet-report',
    fleet,
    shard,
    clients: s.clients,
    provisioning: {
      entered: s.entered,
      enteredShare: share(s.entered, s.clients),
      intervals: s.intervals,
      timeInMode: distribution(s.timeInMode, s.maxTimeInModeMs, s.totalMs.value),
      exits: { ...s.exits },
      stuckBeyondTimeout: s.hazards['exceeded-timeout'],
      prematureExits: {
        clients: s.hazards['premature-exit'],
        exits: s.prematureExits,
        shareOfTaskSequences: share(s.hazards['premature-exit'], started),
      },
      stuckAtEnd: s.hazards['stuck-at-horizon'],
      stuckClientHours: hours(s.stuckMs.value),
      inMode: { stepMs: s.stepMs, peak, peakAtMs: peakAt * s.stepMs, counts },
    },
    taskSequences: { started, ...s.taskSequences },
    deployments: {
      publications: publicationEntries(fleet).length,
      processed: latency.histogram.count,
      unprocessed: latency.unprocessed,
      latency: distribution(latency.histogram, latency.maxMs, latency.sumMs.value),
      byDeployment: fleet.deployments.map((d, i) => {
        const l = s.latencyByDeployment[i];
        return {
          name: d.name,
          atMs: d.atMs,
          everyMs: d.everyMs,
          processed: l?.histogram.count ?? 0,
          unprocessed: l?.unprocessed ?? 0,
          ...(l === undefined
            ? { p50: null, p90: null, p99: null, maxMs: null, meanMs: null }
            : distribution(l.histogram, l.maxMs, l.sumMs.value)),
        };
      }),
    },
    hazards: { ...s.hazards },
    byRelease: [...s.byRelease].map(([version, g]) => ({ version, ...groupRow(g) })),
    byMaxMinutes: [...s.byMaxMinutes].map(([key, g]) => ({
      maxMinutes: key === 'absent' ? null : Number(key),
      ...groupRow(g),
    })),
    examples: Object.fromEntries(EXAMPLE_KINDS.map((k) => [k, [...s.examples[k]]])) as Record<ExampleKind, number[]>,
    modelEvents: s.modelEvents.toJSON(),
    fastPath: { closedForm: s.fastPath['closed-form'], skipping: s.fastPath.skipping },
    summary: s.toJSON(),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Text

const int = (n: number): string => n.toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(x !== 0 && x < 0.001 ? 4 : 2)}%`;

/**
 * A percentile as text: one figure, the lower bound of the bucket that holds it (a bucket is one second wide below
 * 34 minutes and at most 0.1% of its values wide above, so the figure is within 0.1% of the exact value; the JSON
 * gives both bounds).
 */
export function formatPercentile(p: Percentile | null): string {
  return p === null ? '-' : formatHours(p.lowMs);
}

export function formatDistribution(d: Distribution): string {
  if (d.maxMs === null) return 'none';
  return `p50 ${formatPercentile(d.p50)}  p90 ${formatPercentile(d.p90)}  p99 ${formatPercentile(d.p99)}  max ${formatHours(d.maxMs)}`;
}

function wall(fleet: Fleet, ms: number): string {
  return new Date(fleet.startMs + ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/:00\.000Z$/, 'Z');
}

function mixText<T>(mix: readonly { value: T; share: number }[], show: (v: T) => string): string {
  return mix.map((m) => `${show(m.value)} ${pct(m.share)}`).join(', ');
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    `  ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function groupRows(rows: readonly (GroupRow & { label: string })[]): string {
  return table(
    ['', 'clients', 'entered', 'timeout exits', 'premature', 'beyond timeout', 'stuck at end', 'stuck client-h'],
    rows.map((r) => [
      r.label,
      int(r.clients),
      int(r.entered),
      int(r.timeoutExits),
      int(r.prematureExit),
      int(r.exceededTimeout),
      int(r.stuckAtEnd),
      r.stuckClientHours.toFixed(1),
    ]),
  );
}

/** The terminal summary of a fleet report. */
export function formatFleetText(r: FleetReport): string {
  const f = r.fleet;
  const p = r.provisioning;
  const lines: string[] = [];
  const shard =
    r.shard === null
      ? ''
      : ` (shard ${r.shard.index}/${r.shard.count}: clients ${r.shard.fromClient}..${r.shard.toClient - 1})`;
  lines.push(
    `Fleet ${f.name}: ${int(r.clients)} clients${shard} over ${formatDuration(f.horizonMs)} from ${wall(f, 0)} (seed ${f.seed})`,
  );
  lines.push(
    `  releases ${mixText(f.releases, (v) => v)}; ProvisioningMaxMinutes ${mixText(f.maxMinutes, (v) => (v === null ? 'absent' : String(v)))}`,
  );
  lines.push('');
  lines.push('Provisioning mode');
  const ts = r.taskSequences;
  const rows: [string, string][] = [
    ['entered', `${int(p.entered)} clients (${pct(p.enteredShare)}), ${int(p.intervals)} intervals`],
    ['time in it, per client', formatDistribution(p.timeInMode)],
    [
      'exits by reason',
      (Object.entries(p.exits) as [ExitReason, number][]).map(([k, v]) => `${k} ${int(v)}`).join(', '),
    ],
    [
      'premature exits',
      `${int(p.prematureExits.clients)} clients (${pct(p.prematureExits.shareOfTaskSequences)} of ${int(ts.started)} task sequences): the timeout cut a running sequence`,
    ],
    [
      'stuck beyond max + check',
      `${int(p.stuckBeyondTimeout)} clients (in provisioning mode longer than the timeout allows)`,
    ],
    ['stuck at the end', `${int(p.stuckAtEnd)} clients`],
    ['stuck client-hours', `${p.stuckClientHours.toFixed(1)} (in provisioning mode with no task sequence running)`],
    [
      'in provisioning mode',
      `peak ${int(p.inMode.peak)} at ${wall(f, p.inMode.peakAtMs)}; ${int(p.inMode.counts[p.inMode.counts.length - 1] ?? 0)} at the end`,
    ],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) lines.push(`  ${k.padEnd(w)}  ${v}`);
  lines.push(
    `Task sequences: ${int(ts.started)} started: ${int(ts.success)} succeeded, ${int(ts.failed)} failed (handled), ${int(ts.abandoned)} abandoned, ${int(ts.running)} still running; ${int(ts['not-started'])} waiting to start`,
  );
  lines.push('');
  const d = r.deployments;
  lines.push(`Deployments (${d.publications} publications per client; latency = publication to processing)`);
  const drows: [string, string][] = [
    ['all', `${formatDistribution(d.latency)}; ${int(d.unprocessed)} not processed by the end`],
    ...d.byDeployment.map((b): [string, string] => [
      b.name,
      `${formatDistribution(b)}; ${int(b.unprocessed)} not processed`,
    ]),
  ];
  const dw = Math.max(...drows.map(([k]) => k.length));
  for (const [k, v] of drows) lines.push(`  ${k.padEnd(dw)}  ${v}`);
  lines.push('');
  lines.push('By release');
  lines.push(groupRows(r.byRelease.map((g) => ({ ...g, label: g.version }))));
  lines.push('By ProvisioningMaxMinutes');
  lines.push(
    groupRows(
      r.byMaxMinutes.map((g) => ({
        ...g,
        label: g.maxMinutes === null ? `absent (${DEFAULT_MAX_MINUTES})` : String(g.maxMinutes),
      })),
    ),
  );
  lines.push('');
  const examples = EXAMPLE_KINDS.filter((k) => r.examples[k].length > 0).map((k) => `${k} ${r.examples[k].join(', ')}`);
  if (examples.length > 0) lines.push(`Examples (provsim fleet FILE --explain N): ${examples.join('; ')}`);
  const fastShare = share(r.fastPath.closedForm, r.clients);
  lines.push(
    `Model events: ${typeof r.modelEvents === 'number' ? int(r.modelEvents) : r.modelEvents} (${pct(fastShare)} of the clients computed in closed form, the rest event by event with idle stretches skipped)`,
  );
  return `${lines.join('\n')}\n`;
}
