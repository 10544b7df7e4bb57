/**
 * The run as lanes: what each component was doing over time (spans) and what happened at an instant (marks), plus
 * the timeout's deadlines, all derived from a Report alone (its trace, intervals and final state). Pure and
 * deterministic: the same report gives the same timeline, in the same order. Shared by the HTML timeline and the
 * trace-viewer export.
 *
 * Gotchas: spans never have zero length (an instantaneous state is dropped); a span still open at the horizon ends
 * there with `openAtEnd: true`; deadlines are simulation times, found by walking the clock jumps, so a clock set
 * back a day moves the deadline a day later on the simulation axis.
 */
import { formatWall } from '../time/formatWall.js';
import type { DeviceDownCause, TraceEntry } from '../model/types.js';
import { formatClock, formatHours } from '../time/Duration.js';
import { describeEntry } from './formatText.js';
import type { Report } from './Report.js';

export type Component =
  | 'device'
  | 'ccmexec'
  | 'provisioning'
  | 'task-sequence'
  | 'check-loop'
  | 'policy'
  | 'deployments'
  | 'ccmeval'
  | 'admin'
  | 'clock'
  | 'hazards';

/** Every component with its display name, in lane order (top to bottom). */
export const COMPONENTS: readonly { readonly id: Component; readonly title: string }[] = [
  { id: 'device', title: 'Device' },
  { id: 'ccmexec', title: 'CcmExec' },
  { id: 'provisioning', title: 'Provisioning mode' },
  { id: 'task-sequence', title: 'Task sequence' },
  { id: 'check-loop', title: 'Check loop' },
  { id: 'policy', title: 'Policy' },
  { id: 'deployments', title: 'Deployments' },
  { id: 'ccmeval', title: 'ccmeval' },
  { id: 'admin', title: 'Admin & registry' },
  { id: 'clock', title: 'Clock' },
  { id: 'hazards', title: 'Hazards' },
];

export type SpanState =
  | 'on'
  | 'off'
  | 'booting'
  | 'running'
  | 'running-disabled'
  | 'stopped'
  | 'restarting'
  | 'disabled'
  | 'provisioning'
  | 'step-done'
  | 'step-failed'
  | 'step-continued'
  | 'step-interrupted'
  | 'step-abandoned'
  | 'step-running'
  | 'loop-active'
  | 'deploy-waiting'
  | 'deploy-unprocessed';

export type MarkKind =
  | 'device-down'
  | 'check-wait'
  | 'check-expired'
  | 'check-no-timestamp'
  | 'policy-retrieved'
  | 'policy-processed'
  | 'policy-skipped'
  | 'ccmeval'
  | 'admin-wmi'
  | 'registry-edit'
  | 'ignored'
  | 'clock-jump'
  | 'hazard'
  | 'ts-start'
  | 'ts-success'
  | 'ts-failed'
  | 'ts-abandoned'
  | 'ts-wait-boot'
  | 'reentry'
  | 'exit-call';

/** What a state or mark means, in words, for legends and tooltips. */
export const STATE_TEXT: Readonly<Record<SpanState, string>> = {
  on: 'on',
  off: 'off',
  booting: 'booting',
  running: 'running',
  'running-disabled': 'running, startup disabled',
  stopped: 'stopped',
  restarting: 'restarting',
  disabled: 'disabled (stopped)',
  provisioning: 'in provisioning mode',
  'step-done': 'step done',
  'step-failed': 'step failed',
  'step-continued': 'step failed, continued',
  'step-interrupted': 'step interrupted',
  'step-abandoned': 'step abandoned',
  'step-running': 'step running at the horizon',
  'loop-active': 'check loop active',
  'deploy-waiting': 'deployment waiting',
  'deploy-unprocessed': 'deployment never processed',
};

export const MARK_TEXT: Readonly<Record<MarkKind, string>> = {
  'device-down': 'device goes down',
  'check-wait': 'check: wait',
  'check-expired': 'check: expired',
  'check-no-timestamp': 'check: no timestamp',
  'policy-retrieved': 'policy retrieved',
  'policy-processed': 'policy retrieved, deployment processed',
  'policy-skipped': 'policy cycle skipped',
  ccmeval: 'ccmeval run',
  'admin-wmi': 'SetClientProvisioningMode',
  'registry-edit': 'registry edit',
  ignored: 'ignored',
  'clock-jump': 'clock change',
  hazard: 'hazard',
  'ts-start': 'task sequence starts',
  'ts-success': 'task sequence succeeds',
  'ts-failed': 'task sequence fails',
  'ts-abandoned': 'task sequence abandoned',
  'ts-wait-boot': 'task sequence waits for boot',
  reentry: 're-entry (timestamp reset)',
  'exit-call': 'exit call while out',
};

export interface TimelineSpan {
  readonly component: Component;
  /** The lane row: the component's title, or one row per deployment (`Deployment "name"`). */
  readonly row: string;
  readonly state: SpanState;
  readonly startMs: number;
  readonly endMs: number;
  /** Still in this state at the horizon. */
  readonly openAtEnd: boolean;
  /** A short label that fits on the bar (step name, interval reasons, deployment name). */
  readonly label: string;
  /** One sentence with times, for tooltips. */
  readonly detail: string;
}

export interface TimelineMark {
  readonly component: Component;
  readonly kind: MarkKind;
  readonly atMs: number;
  /** Wall clock (UTC, epoch ms) at the mark, clock jumps included. */
  readonly wallMs: number;
  readonly label: string;
  readonly detail: string;
  /** For checks: elapsed and max in hours (elapsed null without timestamp). */
  readonly elapsedHours?: number | null;
  readonly maxHours?: number;
}

export interface Deadline {
  /** Simulation time at which the wall clock reaches `ProvisioningEnabledTime + max` (may lie past the horizon). */
  readonly atMs: number;
  readonly wallMs: number;
  readonly timestampSeconds: number;
  readonly maxMinutes: number;
  /** A later timestamp or max replaced it within the same provisioning interval. */
  readonly superseded: boolean;
}

export interface Timeline {
  readonly startMs: number;
  readonly horizonMs: number;
  readonly spans: readonly TimelineSpan[];
  readonly marks: readonly TimelineMark[];
  readonly deadlines: readonly Deadline[];
  /** The rows in display order (deployment rows after `Deployments`' place; empty components are left out). */
  readonly rows: readonly { readonly component: Component; readonly row: string }[];
}

const DOWN_LABEL: Readonly<Record<DeviceDownCause, string>> = {
  'power-loss': 'power loss',
  reboot: 'reboot',
  'planned-restart': 'restart',
  'powered-off': 'powered on',
};

/** The wall clock over simulation time: piecewise `start + t + offset`, the offset changing at each clock jump. */
export interface WallClock {
  at(atMs: number): number;
  /** The first simulation time at or after `fromMs` at which the wall clock reads `wallMs` or later. */
  reaches(wallMs: number, fromMs: number): number;
}

export function wallClockOf(report: Report): WallClock {
  const startMs = Date.parse(report.scenario.start);
  const segments: { fromMs: number; offsetMs: number }[] = [{ fromMs: 0, offsetMs: 0 }];
  for (const e of report.trace) {
    if (e.type === 'clock-jump') segments.push({ fromMs: e.atMs, offsetMs: e.wallMs - startMs - e.atMs });
  }
  return {
    at(atMs) {
      let offset = 0;
      for (const s of segments) if (s.fromMs <= atMs) offset = s.offsetMs;
      return startMs + atMs + offset;
    },
    reaches(wallMs, fromMs) {
      for (let i = 0; i < segments.length; i++) {
        const seg = segments[i] as (typeof segments)[number];
        const end = segments[i + 1]?.fromMs ?? Number.POSITIVE_INFINITY;
        const a = Math.max(seg.fromMs, fromMs);
        if (a >= end) continue;
        if (startMs + a + seg.offsetMs >= wallMs) return a;
        const t = wallMs - startMs - seg.offsetMs;
        if (t < end) return t;
      }
      // Unreachable: the last segment extends forever.
      return wallMs - startMs;
    },
  };
}

function when(a: number, b: number): string {
  return `${formatClock(a)} to ${formatClock(b)} (${formatHours(b - a)})`;
}

/** The spans of one component as a state machine: `set` closes the current span and opens the next. */
class Lane {
  private current: { state: SpanState; fromMs: number } | null;
  private readonly out: TimelineSpan[];
  private readonly component: Component;
  private readonly row: string;
  private readonly labelOf: (s: SpanState) => string;

  constructor(
    out: TimelineSpan[],
    component: Component,
    row: string,
    initial: SpanState | null,
    labelOf: (s: SpanState) => string,
  ) {
    this.out = out;
    this.component = component;
    this.row = row;
    this.labelOf = labelOf;
    this.current = initial === null ? null : { state: initial, fromMs: 0 };
  }

  set(state: SpanState | null, atMs: number): void {
    if (this.current !== null && this.current.state === state) return;
    this.close(atMs, false);
    this.current = state === null ? null : { state, fromMs: atMs };
  }

  end(horizonMs: number): void {
    this.close(horizonMs, true);
    this.current = null;
  }

  private close(atMs: number, openAtEnd: boolean): void {
    const current = this.current;
    if (current !== null && atMs > current.fromMs) {
      this.out.push({
        component: this.component,
        row: this.row,
        state: current.state,
        startMs: current.fromMs,
        endMs: atMs,
        openAtEnd,
        label: this.labelOf(current.state),
        detail: `${this.row}: ${STATE_TEXT[current.state]}, ${when(current.fromMs, atMs)}${openAtEnd ? ', still at the horizon' : ''}`,
      });
    }
  }
}

/**
 * One walk over the trace, in order: the device, CcmExec and check-loop lanes, the task-sequence steps, and the
 * marks. Spans and marks come out in the order their entries close or happen.
 */
class TraceWalk {
  readonly spans: TimelineSpan[] = [];
  readonly marks: TimelineMark[] = [];
  private readonly clock: WallClock;
  // -- device: on, off for the downtime, booting until device-up ------------------------------------------------
  // The label of an `off` span names the cause of the outage it belongs to.
  private downCause: DeviceDownCause = 'power-loss';
  private bootAt: number | null = null;
  private readonly device: Lane;
  // -- CcmExec: status x startup type ------------------------------------------------------------------------
  private startup: 'auto' | 'disabled';
  private status: 'running' | 'stopped' = 'stopped';
  private restarting = false;
  private readonly ccm: Lane;
  private readonly loop: Lane;
  private step: { index: number; name: string; fromMs: number; resumed: boolean } | null = null;

  constructor(report: Report, clock: WallClock) {
    this.clock = clock;
    this.device = new Lane(this.spans, 'device', 'Device', 'on', (s) =>
      s === 'on' ? '' : s === 'off' ? `off: ${DOWN_LABEL[this.downCause]}` : STATE_TEXT[s],
    );
    const firstStartup = report.trace.find((e) => e.type === 'startup-type');
    this.startup =
      firstStartup?.type === 'startup-type'
        ? firstStartup.startup === 'auto'
          ? 'disabled'
          : 'auto'
        : report.final.service.startup;
    this.ccm = new Lane(this.spans, 'ccmexec', 'CcmExec', this.ccmState(), (s) => STATE_TEXT[s]);
    this.loop = new Lane(this.spans, 'check-loop', 'Check loop', null, () => '');
  }

  visit(e: TraceEntry): void {
    // The boot after a downtime begins when the downtime ends (no trace entry marks that instant).
    if (this.bootAt !== null && this.bootAt <= e.atMs) {
      this.device.set('booting', this.bootAt);
      this.bootAt = null;
    }
    if (!this.serviceEntry(e) && !this.taskSequenceEntry(e)) this.markEntry(e);
  }

  /** Closes every lane (and a running step) at the horizon. */
  end(horizonMs: number): void {
    if (this.bootAt !== null && this.bootAt <= horizonMs) this.device.set('booting', this.bootAt);
    this.device.end(horizonMs);
    this.ccm.end(horizonMs);
    this.loop.end(horizonMs);
    if (this.step !== null) this.closeStep(horizonMs, 'step-running', 'still running at the horizon');
  }

  private ccmState(): SpanState {
    return this.status === 'running'
      ? this.startup === 'auto'
        ? 'running'
        : 'running-disabled'
      : this.startup === 'disabled'
        ? 'disabled'
        : this.restarting
          ? 'restarting'
          : 'stopped';
  }

  /** The device, CcmExec and check-loop lanes; false when `e` is none of theirs. */
  private serviceEntry(e: TraceEntry): boolean {
    const t = e.atMs;
    switch (e.type) {
      case 'device-down':
        this.mark(e, 'device', 'device-down', DOWN_LABEL[e.cause]);
        this.bootAt = e.downtimeMs > 0 ? t + e.downtimeMs : null;
        this.device.set(e.downtimeMs > 0 ? 'off' : 'booting', t);
        this.downCause = e.cause;
        if (this.step !== null) this.closeStep(t, 'step-interrupted', `interrupted by ${e.cause}`);
        return true;
      case 'device-up':
        this.device.set('on', t);
        this.bootAt = null;
        return true;
      case 'service-start':
        this.status = 'running';
        this.restarting = false;
        this.ccm.set(this.ccmState(), t);
        return true;
      case 'service-stop':
        this.status = 'stopped';
        this.restarting = e.restartAtMs !== null;
        this.ccm.set(this.ccmState(), t);
        this.loop.set(null, t);
        return true;
      case 'startup-type':
        this.startup = e.startup;
        this.ccm.set(this.ccmState(), t);
        return true;
      case 'check-loop':
        this.loop.set(e.action === 'start' ? 'loop-active' : null, t);
        return true;
      default:
        return false;
    }
  }

  /** The task sequence's steps and marks; false when `e` is not the task sequence's. */
  private taskSequenceEntry(e: TraceEntry): boolean {
    const t = e.atMs;
    switch (e.type) {
      case 'ts-start':
        this.mark(e, 'task-sequence', 'ts-start', '');
        return true;
      case 'ts-wait-boot':
        this.mark(e, 'task-sequence', 'ts-wait-boot', '');
        return true;
      case 'ts-step-start':
        this.closeStep(t, 'step-interrupted', 'interrupted');
        this.step = { index: e.index, name: e.name, fromMs: t, resumed: e.resumed };
        return true;
      case 'ts-step-end':
        this.closeStep(
          t,
          e.failed ? (e.continued ? 'step-continued' : 'step-failed') : 'step-done',
          e.failed ? (e.continued ? 'failed, continue on error' : 'FAILED') : 'done',
        );
        return true;
      case 'ts-end':
        this.mark(e, 'task-sequence', e.outcome === 'success' ? 'ts-success' : 'ts-failed', `ends: ${e.outcome}`);
        return true;
      case 'ts-abandoned':
        if (this.step !== null) this.closeStep(t, 'step-abandoned', `abandoned (${e.cause})`);
        else this.relabelAbandoned(t, e.cause);
        this.mark(e, 'task-sequence', 'ts-abandoned', `abandoned (${e.cause})`);
        return true;
      default:
        return false;
    }
  }

  /** The interruption that abandons the sequence closed the step a moment ago (same instant): relabel it. */
  private relabelAbandoned(t: number, cause: string): void {
    const last = this.spans.findLastIndex((s) => s.component === 'task-sequence');
    const s = this.spans[last];
    if (s !== undefined && s.endMs === t && s.state === 'step-interrupted') {
      this.spans[last] = {
        ...s,
        state: 'step-abandoned',
        detail: s.detail.replace(/interrupted by .*$/, `abandoned (${cause})`),
      };
    }
  }

  private closeStep(atMs: number, state: SpanState, how: string): void {
    const step = this.step;
    if (step === null) return;
    this.spans.push({
      component: 'task-sequence',
      row: 'Task sequence',
      state,
      startMs: step.fromMs,
      endMs: atMs,
      openAtEnd: state === 'step-running',
      label: `${step.index + 1}. ${step.name}`,
      detail: `step ${step.index + 1} "${step.name}"${step.resumed ? ' (resumed)' : ''}: ${when(step.fromMs, atMs)}, ${how}`,
    });
    this.step = null;
  }

  /** The marks of checks, policy, provisioning, ccmeval, admin, clock and hazards. */
  private markEntry(e: TraceEntry): void {
    switch (e.type) {
      case 'check': {
        const kind = e.elapsedSeconds === null ? 'check-no-timestamp' : e.expired ? 'check-expired' : 'check-wait';
        this.mark(e, 'check-loop', kind, e.expired ? 'expired' : '', {
          elapsedHours: e.elapsedSeconds === null ? null : e.elapsedSeconds / 3600,
          maxHours: e.maxMinutes / 60,
        });
        break;
      }
      case 'policy-retrieval':
        this.mark(
          e,
          'policy',
          e.processed.length > 0 ? 'policy-processed' : 'policy-retrieved',
          e.processed.length > 0 ? e.processed.join(', ') : '',
        );
        break;
      case 'policy-skipped':
        this.mark(e, 'policy', 'policy-skipped', '');
        break;
      case 'provisioning-enter':
        if (!e.newInterval) this.mark(e, 'provisioning', 'reentry', 're-entry');
        break;
      case 'provisioning-exit':
        if (!e.closedInterval) this.mark(e, 'provisioning', 'exit-call', `exit call (${e.reason})`);
        break;
      case 'ccmeval':
        this.mark(e, 'ccmeval', 'ccmeval', e.action === 'healthy' ? '' : e.action.replaceAll('-', ' '));
        break;
      case 'admin-wmi':
        this.mark(e, 'admin', 'admin-wmi', `SetClientProvisioningMode($${e.enable})`);
        break;
      case 'health-script':
        if (e.acted) this.mark(e, 'admin', 'admin-wmi', `health script (${e.action})`);
        break;
      case 'registry-edit':
        this.mark(e, 'admin', 'registry-edit', e.value === null ? `${e.name} deleted` : `${e.name}=${e.value}`);
        break;
      case 'ignored':
        this.mark(e, 'admin', 'ignored', `${e.what} ignored`);
        break;
      case 'clock-jump':
        this.mark(e, 'clock', 'clock-jump', `${e.byMs < 0 ? '-' : '+'}${formatHours(Math.abs(e.byMs))}`);
        break;
      case 'hazard':
        this.mark(e, 'hazards', 'hazard', e.kind);
        break;
      default:
        break;
    }
  }

  private mark(
    e: TraceEntry,
    component: Component,
    kind: MarkKind,
    label: string,
    extra: Partial<TimelineMark> = {},
  ): void {
    const wallMs = this.clock.at(e.atMs);
    this.marks.push({
      component,
      kind,
      atMs: e.atMs,
      wallMs,
      label,
      detail: `${formatClock(e.atMs)} (${formatWall(wallMs)}): ${describeEntry(e).trim()}`,
      ...extra,
    });
  }
}

/** The provisioning intervals as spans. */
function intervalSpans(report: Report): TimelineSpan[] {
  const horizonMs = report.scenario.horizonMs;
  return report.provisioning.intervals.map((i) => {
    const endMs = i.exitedAtMs ?? horizonMs;
    const exit = i.exitedAtMs === null ? 'still in at the horizon' : `exit: ${i.exitReason}`;
    return {
      component: 'provisioning',
      row: 'Provisioning mode',
      state: 'provisioning',
      startMs: i.enteredAtMs,
      endMs,
      openAtEnd: i.exitedAtMs === null,
      label: `entered by ${i.enteredBy} · ${exit} · ${formatHours(endMs - i.enteredAtMs)}`,
      detail: `In provisioning mode ${when(i.enteredAtMs, endMs)}; entered by ${i.enteredBy}; ${exit}`,
    };
  });
}

/** The deployments: one row each, from publication to processing. */
function deploymentSpans(report: Report): TimelineSpan[] {
  const horizonMs = report.scenario.horizonMs;
  return report.deployments.map((d, index) => {
    const endMs = d.processedAtMs ?? horizonMs;
    return {
      component: 'deployments',
      row: deploymentRow(d.name, index),
      state: d.processedAtMs === null ? 'deploy-unprocessed' : 'deploy-waiting',
      startMs: d.publishedAtMs,
      endMs,
      openAtEnd: d.processedAtMs === null,
      label:
        d.processedAtMs === null ? `${d.name}: never processed` : `${d.name}: waited ${formatHours(d.waitMs ?? 0)}`,
      detail:
        d.processedAtMs === null
          ? `Deployment "${d.name}" published at ${formatClock(d.publishedAtMs)}, NOT processed by the horizon`
          : `Deployment "${d.name}" published at ${formatClock(d.publishedAtMs)}, processed at ${formatClock(d.processedAtMs)} (waited ${formatHours(d.waitMs ?? 0)})`,
    };
  });
}

/** The rows in display order: every deployment in `Deployments`' place, components without marks left out. */
function rowsOf(report: Report, marks: readonly TimelineMark[]): { component: Component; row: string }[] {
  const rows: { component: Component; row: string }[] = [];
  const always: Component[] = ['device', 'ccmexec', 'provisioning', 'task-sequence', 'check-loop', 'policy', 'hazards'];
  for (const c of COMPONENTS) {
    if (c.id === 'deployments') {
      report.deployments.forEach((d, i) => rows.push({ component: 'deployments', row: deploymentRow(d.name, i) }));
    } else if (always.includes(c.id) || marks.some((m) => m.component === c.id)) {
      rows.push({ component: c.id, row: c.title });
    }
  }
  return rows;
}

export function timelineOf(report: Report): Timeline {
  const horizonMs = report.scenario.horizonMs;
  const startMs = Date.parse(report.scenario.start);
  const clock = wallClockOf(report);
  const walk = new TraceWalk(report, clock);
  for (const e of report.trace) walk.visit(e);
  walk.end(horizonMs);
  const spans = [...walk.spans, ...intervalSpans(report), ...deploymentSpans(report)];
  const marks = walk.marks;
  const deadlines = report.client.timeoutApplies ? deadlinesOf(report, clock) : [];
  spans.sort((a, b) => a.startMs - b.startMs || componentIndex(a.component) - componentIndex(b.component));
  return { startMs, horizonMs, spans, marks, deadlines, rows: rowsOf(report, marks) };
}

/** The row of the `index`th deployment; the index keeps two deployments of the same name apart. */
export function deploymentRow(name: string, index: number): string {
  return `${index + 1}. ${name}`;
}

function componentIndex(c: Component): number {
  return COMPONENTS.findIndex((x) => x.id === c);
}

/**
 * The deadlines the model wrote into the trace (`deadline` entries: each (timestamp, max) pair the client came
 * under while in provisioning mode), placed on the simulation axis where the wall clock reaches them. A deadline
 * is superseded when a later one replaced it within the same provisioning interval.
 */
function deadlinesOf(report: Report, clock: WallClock): Deadline[] {
  const found: { entry: Extract<TraceEntry, { type: 'deadline' }>; interval: number }[] = [];
  let interval = -1;
  for (const e of report.trace) {
    if (e.type === 'provisioning-enter' && e.newInterval) interval++;
    else if (e.type === 'deadline') found.push({ entry: e, interval });
  }
  return found.map(({ entry, interval }, i) => ({
    atMs: clock.reaches(entry.wallMs, entry.atMs),
    wallMs: entry.wallMs,
    timestampSeconds: entry.timestampSeconds,
    maxMinutes: entry.maxMinutes,
    superseded: found[i + 1]?.interval === interval,
  }));
}
