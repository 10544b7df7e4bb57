/**
 * The run in the Chrome Trace Event format (the JSON object form, `{ traceEvents: [...] }`), which Perfetto and
 * `chrome://tracing` open: one process for the scenario, one thread (track) per component, durations as complete
 * events (`ph: "X"`) and moments as thread-scoped instants (`ph: "i"`, `s: "t"`); times in microseconds of
 * simulation time. Derived from the Report's timeline alone; deterministic (same report, same bytes).
 *
 * Guarantees the viewers rely on: complete events on one track never overlap partially (each track holds one
 * state machine, and the task-sequence track nests the steps inside the sequence), every `dur` is >= 0, and each
 * track is named by `thread_name` metadata and ordered by `thread_sort_index`.
 */
import { formatClock } from '../time/Duration.js';
import type { Report } from './Report.js';
import { type Component, COMPONENTS, MARK_TEXT, STATE_TEXT, timelineOf } from './timelineOf.js';

export type TraceEventPhase = 'X' | 'i' | 'M';

export interface TraceEvent {
  readonly name: string;
  readonly cat?: string;
  readonly ph: TraceEventPhase;
  readonly ts: number;
  readonly dur?: number;
  readonly pid: number;
  readonly tid: number;
  readonly s?: 'g' | 'p' | 't';
  readonly args?: Readonly<Record<string, string | number | boolean | null>>;
}

export interface ChromeTrace {
  readonly traceEvents: TraceEvent[];
  readonly displayTimeUnit: 'ms';
  readonly otherData: Readonly<Record<string, string | number>>;
}

const PID = 1;
const US_PER_MS = 1000;

/** The track of each component; deployments get one track each from DEPLOYMENT_TID up. */
export const TRACK_IDS: Readonly<Record<Component, number>> = {
  device: 1,
  ccmexec: 2,
  provisioning: 3,
  'task-sequence': 4,
  'check-loop': 5,
  policy: 6,
  deployments: 7,
  ccmeval: 8,
  admin: 9,
  clock: 10,
  hazards: 11,
};
const DEPLOYMENT_TID = 100;

export function toChromeTrace(report: Report): ChromeTrace {
  const t = timelineOf(report);
  const events: TraceEvent[] = [];
  const meta = (tid: number, name: string, args: Record<string, string | number>) =>
    events.push({ name, ph: 'M', ts: 0, pid: PID, tid, args });

  meta(0, 'process_name', { name: `provsim: ${report.scenario.name}` });
  const deploymentRows = t.rows.filter((r) => r.component === 'deployments').map((r) => r.row);
  const tidOf = (component: Component, row: string) =>
    component === 'deployments' ? DEPLOYMENT_TID + Math.max(0, deploymentRows.indexOf(row)) : TRACK_IDS[component];
  for (const c of COMPONENTS) {
    if (c.id === 'deployments') continue;
    meta(TRACK_IDS[c.id], 'thread_name', { name: c.title });
    meta(TRACK_IDS[c.id], 'thread_sort_index', { sort_index: TRACK_IDS[c.id] });
  }
  deploymentRows.forEach((row, i) => {
    meta(DEPLOYMENT_TID + i, 'thread_name', { name: `Deployment ${row}` });
    meta(DEPLOYMENT_TID + i, 'thread_sort_index', { sort_index: TRACK_IDS.deployments * 10 + i });
  });

  // The task sequence as a whole, enclosing its steps on the same track.
  const ts = report.taskSequence;
  if (ts.startedAtMs !== null) {
    const endMs = ts.endedAtMs ?? ts.abandonedAtMs ?? report.scenario.horizonMs;
    events.push({
      name: `Task sequence: ${ts.name ?? ''}`,
      cat: 'task-sequence',
      ph: 'X',
      ts: ts.startedAtMs * US_PER_MS,
      dur: (endMs - ts.startedAtMs) * US_PER_MS,
      pid: PID,
      tid: TRACK_IDS['task-sequence'],
      args: { outcome: ts.outcome, from: formatClock(ts.startedAtMs), to: formatClock(endMs) },
    });
  }
  for (const s of t.spans) {
    events.push({
      name: s.component === 'task-sequence' || s.component === 'deployments' ? s.label : STATE_TEXT[s.state],
      cat: s.component,
      ph: 'X',
      ts: s.startMs * US_PER_MS,
      dur: (s.endMs - s.startMs) * US_PER_MS,
      pid: PID,
      tid: tidOf(s.component, s.row),
      args: { state: s.state, detail: s.detail, openAtEnd: s.openAtEnd },
    });
  }
  for (const m of t.marks) {
    events.push({
      name: m.label === '' ? MARK_TEXT[m.kind] : `${MARK_TEXT[m.kind]}: ${m.label}`,
      cat: m.component,
      ph: 'i',
      s: 't',
      ts: m.atMs * US_PER_MS,
      pid: PID,
      tid: TRACK_IDS[m.component],
      args: { kind: m.kind, detail: m.detail, wallClock: new Date(m.wallMs).toISOString() },
    });
  }
  for (const d of t.deadlines) {
    events.push({
      name: d.superseded ? 'deadline (superseded)' : 'deadline: ProvisioningEnabledTime + max',
      cat: 'provisioning',
      ph: 'i',
      s: 't',
      ts: d.atMs * US_PER_MS,
      pid: PID,
      tid: TRACK_IDS.provisioning,
      args: {
        timestampSeconds: d.timestampSeconds,
        maxMinutes: d.maxMinutes,
        wallClock: new Date(d.wallMs).toISOString(),
        afterHorizon: d.atMs > report.scenario.horizonMs,
      },
    });
  }
  return {
    traceEvents: events,
    displayTimeUnit: 'ms',
    otherData: {
      scenario: report.scenario.name,
      start: report.scenario.start,
      seed: report.scenario.seed,
      timeBase: 'ts is simulation time in microseconds since the start',
    },
  };
}

export function formatChromeTrace(report: Report): string {
  return `${JSON.stringify(toChromeTrace(report))}\n`;
}
