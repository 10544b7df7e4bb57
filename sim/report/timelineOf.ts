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
import type { DeviceDownCause, TraceEntry } from '../model/types.js';
import { formatClock, formatHours } from '../scenario/Duration.js';
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

const DEFAULT_MAX_MINUTES = 2880;

const DOWN_LABEL: Readonly<Record<DeviceDownCause, string>> = {
  'power-loss': 'power loss',
  reboot: 'reboot',
  'planned-restart': 'restart',
  'powered-off': 'powered on',
};

function wallText(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.000Z$/, 'Z');
}

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

export function timelineOf(report: Report): Timeline {
  const horizonMs = report.scenario.horizonMs;
  const startMs = Date.parse(report.scenario.start);
  const clock = wallClockOf(report);
  const spans: TimelineSpan[] = [];
  const marks: TimelineMark[] = [];
  const when = (a: number, b: number) => `${formatClock(a)} to ${formatClock(b)} (${formatHours(b - a)})`;

  // -- spans of one component as a state machine: `set` closes the current span and opens the next ------------
  const lane = (component: Component, row: string, initial: SpanState | null, labelOf: (s: SpanState) => string) => {
    let current: { state: SpanState; fromMs: number } | null = initial === null ? null : { state: initial, fromMs: 0 };
    const close = (atMs: number, openAtEnd: boolean) => {
      if (current !== null && atMs > current.fromMs) {
        spans.push({
          component,
          row,
          state: current.state,
          startMs: current.fromMs,
          endMs: atMs,
          openAtEnd,
          label: labelOf(current.state),
          detail: `${row}: ${STATE_TEXT[current.state]}, ${when(current.fromMs, atMs)}${openAtEnd ? ', still at the horizon' : ''}`,
        });
      }
    };
    return {
      set(state: SpanState | null, atMs: number) {
        if (current !== null && current.state === state) return;
        close(atMs, false);
        current = state === null ? null : { state, fromMs: atMs };
      },
      end() {
        close(horizonMs, true);
        current = null;
      },
    };
  };

  // -- device: on, off for the downtime, booting until device-up ------------------------------------------------
  // The label of an `off` span names the cause of the outage it belongs to.
  let downCause: DeviceDownCause = 'power-loss';
  const device = lane('device', 'Device', 'on', (s) =>
    s === 'on' ? '' : s === 'off' ? `off: ${DOWN_LABEL[downCause]}` : STATE_TEXT[s],
  );
  let bootAt: number | null = null;
  // -- CcmExec: status x startup type ------------------------------------------------------------------------
  const firstStartup = report.trace.find((e) => e.type === 'startup-type');
  let startup: 'auto' | 'disabled' =
    firstStartup?.type === 'startup-type'
      ? firstStartup.startup === 'auto'
        ? 'disabled'
        : 'auto'
      : report.final.service.startup;
  let status: 'running' | 'stopped' = 'stopped';
  let restarting = false;
  const ccmState = (): SpanState =>
    status === 'running'
      ? startup === 'auto'
        ? 'running'
        : 'running-disabled'
      : startup === 'disabled'
        ? 'disabled'
        : restarting
          ? 'restarting'
          : 'stopped';
  const ccm = lane('ccmexec', 'CcmExec', ccmState(), (s) => STATE_TEXT[s]);
  // -- check loop ----------------------------------------------------------------------------------------------
  const loop = lane('check-loop', 'Check loop', null, () => '');
  // -- task-sequence steps -------------------------------------------------------------------------------------
  let step: { index: number; name: string; fromMs: number; resumed: boolean } | null = null;
  const closeStep = (atMs: number, state: SpanState, how: string) => {
    if (step === null) return;
    spans.push({
      component: 'task-sequence',
      row: 'Task sequence',
      state,
      startMs: step.fromMs,
      endMs: atMs,
      openAtEnd: state === 'step-running',
      label: `${step.index + 1}. ${step.name}`,
      detail: `step ${step.index + 1} "${step.name}"${step.resumed ? ' (resumed)' : ''}: ${when(step.fromMs, atMs)}, ${how}`,
    });
    step = null;
  };

  const mark = (
    e: TraceEntry,
    component: Component,
    kind: MarkKind,
    label: string,
    extra: Partial<TimelineMark> = {},
  ) => {
    const wallMs = clock.at(e.atMs);
    marks.push({
      component,
      kind,
      atMs: e.atMs,
      wallMs,
      label,
      detail: `${formatClock(e.atMs)} (${wallText(wallMs)}): ${describeEntry(e).trim()}`,
      ...extra,
    });
  };

  for (const e of report.trace) {
    const t = e.atMs;
    // The boot after a downtime begins when the downtime ends (no trace entry marks that instant).
    if (bootAt !== null && bootAt <= t) {
      device.set('booting', bootAt);
      bootAt = null;
    }
    switch (e.type) {
      case 'device-down':
        mark(e, 'device', 'device-down', DOWN_LABEL[e.cause]);
        bootAt = e.downtimeMs > 0 ? t + e.downtimeMs : null;
        device.set(e.downtimeMs > 0 ? 'off' : 'booting', t);
        downCause = e.cause;
        if (step !== null) closeStep(t, 'step-interrupted', `interrupted by ${e.cause}`);
        break;
      case 'device-up':
        device.set('on', t);
        bootAt = null;
        break;
      case 'service-start':
        status = 'running';
        restarting = false;
        ccm.set(ccmState(), t);
        break;
      case 'service-stop':
        status = 'stopped';
        restarting = e.restartAtMs !== null;
        ccm.set(ccmState(), t);
        loop.set(null, t);
        break;
      case 'startup-type':
        startup = e.startup;
        ccm.set(ccmState(), t);
        break;
      case 'check-loop':
        loop.set(e.action === 'start' ? 'loop-active' : null, t);
        break;
      case 'check': {
        const kind = e.elapsedSeconds === null ? 'check-no-timestamp' : e.expired ? 'check-expired' : 'check-wait';
        mark(e, 'check-loop', kind, e.expired ? 'expired' : '', {
          elapsedHours: e.elapsedSeconds === null ? null : e.elapsedSeconds / 3600,
          maxHours: e.maxMinutes / 60,
        });
        break;
      }
      case 'policy-retrieval':
        mark(
          e,
          'policy',
          e.processed.length > 0 ? 'policy-processed' : 'policy-retrieved',
          e.processed.length > 0 ? e.processed.join(', ') : '',
        );
        break;
      case 'policy-skipped':
        mark(e, 'policy', 'policy-skipped', '');
        break;
      case 'ts-start':
        mark(e, 'task-sequence', 'ts-start', '');
        break;
      case 'ts-wait-boot':
        mark(e, 'task-sequence', 'ts-wait-boot', '');
        break;
      case 'ts-step-start':
        closeStep(t, 'step-interrupted', 'interrupted');
        step = { index: e.index, name: e.name, fromMs: t, resumed: e.resumed };
        break;
      case 'ts-step-end':
        closeStep(
          t,
          e.failed ? (e.continued ? 'step-continued' : 'step-failed') : 'step-done',
          e.failed ? (e.continued ? 'failed, continue on error' : 'FAILED') : 'done',
        );
        break;
      case 'ts-end':
        mark(e, 'task-sequence', e.outcome === 'success' ? 'ts-success' : 'ts-failed', `ends: ${e.outcome}`);
        break;
      case 'ts-abandoned': {
        if (step !== null) closeStep(t, 'step-abandoned', `abandoned (${e.cause})`);
        else {
          // The interruption that abandons the sequence closed the step a moment ago (same instant): relabel it.
          const last = spans.findLastIndex((s) => s.component === 'task-sequence');
          const s = spans[last];
          if (s !== undefined && s.endMs === t && s.state === 'step-interrupted') {
            spans[last] = {
              ...s,
              state: 'step-abandoned',
              detail: s.detail.replace(/interrupted by .*$/, `abandoned (${e.cause})`),
            };
          }
        }
        mark(e, 'task-sequence', 'ts-abandoned', `abandoned (${e.cause})`);
        break;
      }
      case 'provisioning-enter':
        if (!e.newInterval) mark(e, 'provisioning', 'reentry', 're-entry');
        break;
      case 'provisioning-exit':
        if (!e.closedInterval) mark(e, 'provisioning', 'exit-call', `exit call (${e.reason})`);
        break;
      case 'ccmeval':
        mark(e, 'ccmeval', 'ccmeval', e.action === 'healthy' ? '' : e.action.replaceAll('-', ' '));
        break;
      case 'admin-wmi':
        mark(e, 'admin', 'admin-wmi', `SetClientProvisioningMode($${e.enable})`);
        break;
      case 'health-script':
        if (e.acted) mark(e, 'admin', 'admin-wmi', `health script (${e.action})`);
        break;
      case 'registry-edit':
        mark(e, 'admin', 'registry-edit', e.value === null ? `${e.name} deleted` : `${e.name}=${e.value}`);
        break;
      case 'ignored':
        mark(e, 'admin', 'ignored', `${e.what} ignored`);
        break;
      case 'clock-jump':
        mark(e, 'clock', 'clock-jump', `${e.byMs < 0 ? '-' : '+'}${formatHours(Math.abs(e.byMs))}`);
        break;
      case 'hazard':
        mark(e, 'hazards', 'hazard', e.kind);
        break;
      case 'deployment-published':
        break;
    }
  }
  if (bootAt !== null && bootAt <= horizonMs) device.set('booting', bootAt);
  device.end();
  ccm.end();
  loop.end();
  if (step !== null) closeStep(horizonMs, 'step-running', 'still running at the horizon');

  // -- provisioning intervals ------------------------------------------------------------------------------------
  for (const i of report.provisioning.intervals) {
    const endMs = i.exitedAtMs ?? horizonMs;
    const exit = i.exitedAtMs === null ? 'still in at the horizon' : `exit: ${i.exitReason}`;
    spans.push({
      component: 'provisioning',
      row: 'Provisioning mode',
      state: 'provisioning',
      startMs: i.enteredAtMs,
      endMs,
      openAtEnd: i.exitedAtMs === null,
      label: `entered by ${i.enteredBy} · ${exit} · ${formatHours(endMs - i.enteredAtMs)}`,
      detail: `In provisioning mode ${when(i.enteredAtMs, endMs)}; entered by ${i.enteredBy}; ${exit}`,
    });
  }

  // -- deployments: one row each, from publication to processing --------------------------------------------------
  report.deployments.forEach((d, index) => {
    const endMs = d.processedAtMs ?? horizonMs;
    spans.push({
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
    });
  });

  const deadlines = report.client.timeoutApplies ? deadlinesOf(report, clock) : [];

  spans.sort((a, b) => a.startMs - b.startMs || componentIndex(a.component) - componentIndex(b.component));
  const rows: { component: Component; row: string }[] = [];
  const always: Component[] = ['device', 'ccmexec', 'provisioning', 'task-sequence', 'check-loop', 'policy', 'hazards'];
  for (const c of COMPONENTS) {
    if (c.id === 'deployments') {
      report.deployments.forEach((d, i) => rows.push({ component: 'deployments', row: deploymentRow(d.name, i) }));
    } else if (always.includes(c.id) || marks.some((m) => m.component === c.id)) {
      rows.push({ component: c.id, row: c.title });
    }
  }
  return { startMs, horizonMs, spans, marks, deadlines, rows };
}

/** The row of the `index`th deployment; the index keeps two deployments of the same name apart. */
export function deploymentRow(name: string, index: number): string {
  return `${index + 1}. ${name}`;
}

function componentIndex(c: Component): number {
  return COMPONENTS.findIndex((x) => x.id === c);
}

/**
 * `ProvisioningEnabledTime + max` for each (timestamp, max) pair in force while in provisioning mode, in order.
 * The timestamp comes from entries and registry edits (or the final registry when the trace never sets it); max
 * from registry edits of `ProvisioningMaxMinutes` (or the report's max when the trace never edits it).
 */
function deadlinesOf(report: Report, clock: WallClock): Deadline[] {
  const trace = report.trace;
  const setsStamp = trace.some(
    (e) =>
      (e.type === 'provisioning-enter' && e.timestampSeconds !== null) ||
      (e.type === 'registry-edit' && e.name === 'ProvisioningEnabledTime'),
  );
  const editsMax = trace.some((e) => e.type === 'registry-edit' && e.name === 'ProvisioningMaxMinutes');
  let stamp: number | undefined = setsStamp ? undefined : report.final.registry.ProvisioningEnabledTime;
  let max: number = editsMax ? (firstCheckMaxBeforeEdit(trace) ?? DEFAULT_MAX_MINUTES) : report.client.maxMinutes;
  let inMode = false;
  const out: { fromMs: number; stamp: number; max: number; interval: number }[] = [];
  let interval = -1;
  const note = (atMs: number) => {
    if (!inMode || stamp === undefined) return;
    const last = out[out.length - 1];
    if (last !== undefined && last.interval === interval && last.stamp === stamp && last.max === max) return;
    out.push({ fromMs: atMs, stamp, max, interval });
  };
  const intervals = report.provisioning.intervals;
  if (intervals[0]?.enteredAtMs === 0 && intervals[0].enteredBy === 'initial') {
    inMode = true;
    interval = 0;
    note(0);
  }
  for (const e of trace) {
    if (e.type === 'provisioning-enter') {
      if (e.newInterval) {
        inMode = true;
        interval++;
      }
      if (e.timestampSeconds !== null) stamp = e.timestampSeconds;
    } else if (e.type === 'provisioning-exit' && e.closedInterval) {
      inMode = false;
    } else if (e.type === 'registry-edit' && e.name === 'ProvisioningEnabledTime') {
      stamp = typeof e.value === 'number' ? e.value : undefined;
    } else if (e.type === 'registry-edit' && e.name === 'ProvisioningMaxMinutes') {
      max = typeof e.value === 'number' && e.value > 0 ? e.value : DEFAULT_MAX_MINUTES;
    } else {
      continue;
    }
    note(e.atMs);
  }
  return out.map((d, i) => {
    const wallMs = (d.stamp + d.max * 60) * 1000;
    const next = out[i + 1];
    return {
      atMs: clock.reaches(wallMs, d.fromMs),
      wallMs,
      timestampSeconds: d.stamp,
      maxMinutes: d.max,
      superseded: next !== undefined && next.interval === d.interval,
    };
  });
}

function firstCheckMaxBeforeEdit(trace: readonly TraceEntry[]): number | null {
  for (const e of trace) {
    if (e.type === 'registry-edit' && e.name === 'ProvisioningMaxMinutes') return null;
    if (e.type === 'check') return e.maxMinutes;
  }
  return null;
}
