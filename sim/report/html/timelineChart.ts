/**
 * The timeline chart as a Vega-Lite specification: one row per component (device, CcmExec, provisioning mode,
 * task-sequence steps, check loop, policy, each deployment, ccmeval, admin, clock, hazards), provisioning mode
 * shaded across all rows, the deadline `ProvisioningEnabledTime + max` as a vertical line, and under it a panel of
 * each check's elapsed time against its max. Pure: the same timeline and options give the same specification.
 *
 * Marks carry stable names (`<name>_marks` in the SVG's class attribute) so tests can count them:
 * `step_bars`, `check_ticks`, `check_points`, `policy_ticks`, `hazard_points`, `deadline_rules`, ...
 * Every mark has a `description` (it becomes the SVG element's aria-label and, via `renderSvg`, its tooltip).
 */
import type { TopLevelSpec } from 'vega-lite';
import { formatClock, formatHours } from '../../time/Duration.js';
import {
  type MarkKind,
  MARK_TEXT,
  type SpanState,
  type Timeline,
  type TimelineMark,
  type TimelineSpan,
} from '../timelineOf.js';
import {
  DEADLINE_COLOR,
  labelColorOn,
  MARK_COLORS,
  MARK_SHAPES,
  PARTING_COLOR,
  PROVISIONING_SHADE,
  STATE_COLORS,
} from './palette.js';

const HOUR = 3_600_000;
const ROW_HEIGHT = 24;
/** Approximate width of one character of the 10 px label font, for fitting labels on bars. */
const CHAR_PX = 5.8;
const MAX_LABELS_PER_ROW = 6;

export interface ChartOptions {
  /** Plot width in pixels. */
  readonly width: number;
  /** The simulation-time window shown; default the whole run. */
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly title?: string;
  /** Draw the elapsed-versus-max panel under the rows (when there are checks). */
  readonly checksPanel?: boolean;
  /** Extra vertical lines, e.g. where two compared timelines part. */
  readonly markers?: readonly { readonly atMs: number; readonly label: string }[];
}

type Datum = Record<string, string | number | boolean | null>;
type Layer = Record<string, unknown>;

const STATES = Object.keys(STATE_COLORS) as SpanState[];
const KINDS = Object.keys(MARK_COLORS) as MarkKind[];
const COLORS: Readonly<Record<string, string>> = { ...STATE_COLORS, ...MARK_COLORS };

function hours(ms: number): number {
  return ms / HOUR;
}

/**
 * [provsim] Marks of one kind in one row closer than this many pixels to the previous one are drawn as one mark
 * spanning them, with their count, first and last in its tooltip: a reader cannot tell them apart, and a year of
 * hourly checks would otherwise be 8,760 marks. The JSON report keeps every check.
 */
const MERGE_PX = 3;

/** `marks` (in time order) cut into runs: each next mark of the same kind within `gapMs` of the previous joins it. */
export function mergeRuns(marks: readonly TimelineMark[], gapMs: number): TimelineMark[][] {
  const runs: TimelineMark[][] = [];
  let run: TimelineMark[] | null = null;
  let prev: TimelineMark | null = null;
  for (const m of marks) {
    if (run !== null && prev !== null && m.kind === prev.kind && m.atMs - prev.atMs < gapMs) run.push(m);
    else {
      run = [m];
      runs.push(run);
    }
    prev = m;
  }
  return runs;
}

/** `[layer]`, or `[]` when it has no data. */
function optionalLayer<L extends { data: { values: readonly Datum[] } }>(layer: L): L[] {
  return layer.data.values.length > 0 ? [layer] : [];
}

/** Axis labels: whole hours as `49h`, fractions as `0:30`. */
const HOUR_LABELS =
  "datum.value == floor(datum.value) ? datum.value + 'h' : floor(datum.value) + ':' + " +
  "(round((datum.value - floor(datum.value)) * 60) < 10 ? '0' : '') + round((datum.value - floor(datum.value)) * 60)";

/** What every layer of one chart shares: the timeline, the window shown and its encodings. */
interface Frame {
  readonly t: Timeline;
  readonly fromMs: number;
  readonly toMs: number;
  readonly pxPerMs: number;
  /** The whole run is shown (not a close-up). */
  readonly whole: boolean;
  /** The rows shown, top to bottom. */
  readonly rows: readonly string[];
  readonly x: Layer;
  readonly y: Layer;
  /** One colour scale for every layer: states, mark kinds and rule kinds. */
  readonly color: Layer;
  /** The check loop's and the policy row's marks in the window, in runs too dense to tell apart (`mergeRuns`). */
  readonly checkRuns: TimelineMark[][];
  readonly policyRuns: TimelineMark[][];
}

function xEncoding(fromMs: number, toMs: number, title: string | null): Layer {
  return {
    field: 'x',
    type: 'quantitative',
    scale: { domain: [hours(fromMs), hours(toMs)], nice: false, zero: false },
    axis: { title, labelExpr: HOUR_LABELS, grid: true, tickCount: 12 },
  };
}

function axisTitleOf(t: Timeline): string {
  return `time since the start (${new Date(t.startMs).toISOString().replace('T', ' ').slice(0, 16)}Z, before clock changes)`;
}

function isInWindow(f: { fromMs: number; toMs: number }, a: number, b: number): boolean {
  return b >= f.fromMs && a <= f.toMs;
}

/** The marks matching `pred` inside the window. */
function marksIn(f: Pick<Frame, 't' | 'fromMs' | 'toMs'>, pred: (m: TimelineMark) => boolean): TimelineMark[] {
  return f.t.marks.filter((m) => pred(m) && m.atMs >= f.fromMs && m.atMs <= f.toMs);
}

function frameOf(t: Timeline, options: ChartOptions, hasPanel: boolean): Frame {
  const fromMs = options.fromMs ?? 0;
  const toMs = Math.max(options.toMs ?? t.horizonMs, fromMs + 1);
  const window = { fromMs, toMs };
  // A close-up shows only the rows with something in its window; the whole run shows every row.
  const whole = fromMs <= 0 && toMs >= t.horizonMs;
  const rows = t.rows
    .filter(
      (r) =>
        whole ||
        t.spans.some((s) => s.row === r.row && isInWindow(window, s.startMs, s.endMs)) ||
        t.marks.some((m) => m.component === r.component && m.atMs >= fromMs && m.atMs <= toMs),
    )
    .map((r) => r.row);
  const colorKeys = [...STATES, ...KINDS];
  const partial = {
    t,
    fromMs,
    toMs,
    pxPerMs: options.width / (toMs - fromMs),
    whole,
    rows,
    // With the checks panel below, only the panel's axis carries the title.
    x: xEncoding(fromMs, toMs, hasPanel ? null : axisTitleOf(t)),
    y: {
      field: 'row',
      type: 'nominal',
      scale: { domain: rows, paddingInner: 0.25, paddingOuter: 0.15 },
      axis: { title: null, labelLimit: 170, labelFontSize: 11, labelFontWeight: 'bold', ticks: false, domain: false },
    },
    color: {
      field: 'c',
      type: 'nominal',
      scale: { domain: colorKeys, range: colorKeys.map((k) => COLORS[k]) },
      legend: null,
    },
    checkRuns: [],
    policyRuns: [],
  };
  // Rows of periodic marks (checks, policy cycles) drawn as a reader can see them: runs too dense to tell apart are
  // one mark each (see `mergeRuns`).
  const merged = (pred: (m: TimelineMark) => boolean) => mergeRuns(marksIn(partial, pred), MERGE_PX / partial.pxPerMs);
  return {
    ...partial,
    checkRuns: merged((m) => m.component === 'check-loop'),
    policyRuns: merged((m) => m.component === 'policy'),
  };
}

function spanDatum(f: Frame, s: TimelineSpan): Datum {
  return {
    row: s.row,
    c: s.state,
    x: hours(Math.max(s.startMs, f.fromMs)),
    x2: hours(Math.min(s.endMs, f.toMs)),
    tip: `${s.detail}`,
  };
}

/** The spans matching `pred` inside the window, as data. */
function spans(f: Frame, pred: (s: TimelineSpan) => boolean): Datum[] {
  return f.t.spans.filter((s) => pred(s) && isInWindow(f, s.startMs, s.endMs)).map((s) => spanDatum(f, s));
}

function markDatum(f: Frame, m: TimelineMark): Datum {
  return {
    row: f.t.rows.find((r) => r.component === m.component)?.row ?? m.component,
    c: m.kind,
    x: hours(m.atMs),
    shp: MARK_SHAPES[m.kind] ?? 'circle',
    sz: m.kind === 'policy-skipped' ? 7 : m.kind === 'policy-processed' ? 19 : 13,
    label: m.label,
    tip: `${MARK_TEXT[m.kind]}: ${m.detail}`,
    elapsed: m.elapsedHours ?? (m.elapsedHours === null ? 0 : null),
    max: m.maxHours ?? null,
  };
}

/** The marks matching `pred` inside the window, as data. */
function marks(f: Frame, pred: (m: TimelineMark) => boolean): Datum[] {
  return marksIn(f, pred).map((m) => markDatum(f, m));
}

/** One merged run as one datum spanning its first to its last mark. */
function runDatum(f: Frame, run: readonly TimelineMark[]): Datum {
  const first = markDatum(f, run[0] as TimelineMark);
  const last = markDatum(f, run[run.length - 1] as TimelineMark);
  const m = run[0] as TimelineMark;
  return {
    ...first,
    x2: last.x ?? null,
    n: run.length,
    elapsed2: last.elapsed ?? null,
    tip:
      `${run.length} x ${MARK_TEXT[m.kind]}, ${formatHours(m.atMs)} to ` +
      `${formatHours((run[run.length - 1] as TimelineMark).atMs)}; first: ${m.detail}; last: ` +
      `${(run[run.length - 1] as TimelineMark).detail}`,
  };
}

/** The runs of more than one mark, as data. */
function runData(f: Frame, runs: readonly TimelineMark[][]): Datum[] {
  return runs.filter((r) => r.length > 1).map((r) => runDatum(f, r));
}

/** The runs of one mark, as data. */
function singles(f: Frame, runs: readonly TimelineMark[][]): Datum[] {
  return runs.filter((r) => r.length === 1).map((r) => markDatum(f, r[0] as TimelineMark));
}

function runLayer(f: Frame, name: string, runs: readonly TimelineMark[][]): Layer {
  return {
    name,
    data: { values: runData(f, runs) },
    mark: { type: 'rect', clip: true, height: 10 },
    encoding: { x: f.x, x2: { field: 'x2' }, y: f.y, color: f.color, description: { field: 'tip' } },
  };
}

function bars(f: Frame, name: string, pred: (s: TimelineSpan) => boolean, extra: Layer = {}): Layer {
  return {
    name,
    data: { values: spans(f, pred) },
    mark: { type: 'rect', clip: true, ...extra },
    encoding: {
      x: f.x,
      x2: { field: 'x2' },
      y: f.y,
      color: f.color,
      description: { field: 'tip' },
    },
  };
}

/** Labels on bars where they fit (truncated to the bar's width). */
function barLabels(f: Frame): Datum[] {
  const labelOf = (s: TimelineSpan): Datum | null => {
    const a = Math.max(s.startMs, f.fromMs);
    const b = Math.min(s.endMs, f.toMs);
    const room = Math.floor(((b - a) * f.pxPerMs - 8) / CHAR_PX);
    if (room < 4 || s.label === '') return null;
    const text = s.label.length <= room ? s.label : `${s.label.slice(0, room - 1)}…`;
    return { row: s.row, x: hours(a), label: text, ink: labelColorOn(s.state) };
  };
  return f.t.spans
    .filter((s) => isInWindow(f, s.startMs, s.endMs) && s.component !== 'check-loop')
    .map(labelOf)
    .filter((d): d is Datum => d !== null);
}

/**
 * Labels of marks, in rows with few of them (a restart storm's eighty power losses stay unlabelled). A close-up
 * labels the device's bars instead of its outages.
 */
function sparseLabels(f: Frame): Datum[] {
  const labelled = marks(
    f,
    (m) =>
      (f.whole ? ['device'] : [])
        .concat(['task-sequence', 'hazards', 'admin', 'clock', 'ccmeval'])
        .includes(m.component) && m.label !== '',
  );
  // Within a row, a label that would run into the one before it is left out (its tooltip still tells).
  const lastEnd = new Map<unknown, number>();
  return labelled.filter((d) => {
    if (labelled.filter((o) => o.row === d.row).length > MAX_LABELS_PER_ROW) return false;
    const px = (Number(d.x) - hours(f.fromMs)) * HOUR * f.pxPerMs;
    if (px < (lastEnd.get(d.row) ?? Number.NEGATIVE_INFINITY)) return false;
    lastEnd.set(d.row, px + 12 + String(d.label).length * CHAR_PX);
    return true;
  });
}

/** The provisioning shade and the state bars of each row, with the bars' labels. */
function spanLayers(f: Frame): Layer[] {
  const { x, y } = f;
  return [
    {
      name: 'provisioning_shade',
      data: { values: spans(f, (s) => s.component === 'provisioning') },
      mark: { type: 'rect', clip: true, color: PROVISIONING_SHADE, opacity: 0.13 },
      encoding: { x, x2: { field: 'x2' }, description: { field: 'tip' } },
    },
    bars(f, 'device_bars', (s) => s.component === 'device'),
    bars(f, 'ccmexec_bars', (s) => s.component === 'ccmexec'),
    bars(f, 'provisioning_bars', (s) => s.component === 'provisioning'),
    bars(f, 'step_bars', (s) => s.component === 'task-sequence', { stroke: '#ffffff', strokeWidth: 0.5 }),
    bars(f, 'loop_bars', (s) => s.component === 'check-loop'),
    bars(f, 'deployment_bars', (s) => s.component === 'deployments'),
    {
      name: 'deployment_starts',
      data: { values: spans(f, (s) => s.component === 'deployments') },
      mark: { type: 'tick', clip: true, color: '#7a5a00', thickness: 2 },
      encoding: { x, y, description: { field: 'tip' } },
    },
    {
      name: 'bar_labels',
      data: { values: barLabels(f) },
      mark: { type: 'text', aria: false, clip: true, align: 'left', baseline: 'middle', dx: 4, fontSize: 10 },
      encoding: { x, y, text: { field: 'label' }, color: { field: 'ink', type: 'nominal', scale: null } },
    },
  ];
}

/** The checks, policy cycles, events and hazards of each row, with the marks' labels. */
function markLayers(f: Frame): Layer[] {
  const { x, y, color } = f;
  return [
    {
      name: 'check_ticks',
      data: { values: singles(f, f.checkRuns) },
      mark: { type: 'tick', clip: true, thickness: 1.5 },
      encoding: { x, y, color, description: { field: 'tip' } },
    },
    {
      name: 'policy_ticks',
      data: { values: singles(f, f.policyRuns) },
      mark: { type: 'tick', clip: true, thickness: 1.5 },
      encoding: {
        x,
        y,
        color,
        size: { field: 'sz', type: 'quantitative', scale: null },
        description: { field: 'tip' },
      },
    },
    runLayer(f, 'check_runs', f.checkRuns),
    runLayer(f, 'policy_runs', f.policyRuns),
    {
      name: 'event_points',
      data: {
        values: marks(f, (m) =>
          ['device', 'task-sequence', 'provisioning', 'ccmeval', 'admin', 'clock'].includes(m.component),
        ),
      },
      mark: { type: 'point', clip: true, filled: true, size: 70, opacity: 1, stroke: '#ffffff', strokeWidth: 0.7 },
      encoding: { x, y, color, shape: { field: 'shp', type: 'nominal', scale: null }, description: { field: 'tip' } },
    },
    {
      name: 'hazard_points',
      data: { values: marks(f, (m) => m.component === 'hazards') },
      mark: { type: 'point', clip: true, filled: true, shape: 'diamond', size: 110, color: MARK_COLORS.hazard },
      encoding: { x, y, description: { field: 'tip' } },
    },
    {
      name: 'none_labels',
      data: {
        values:
          f.t.marks.some((m) => m.component === 'hazards') || !f.rows.includes('Hazards')
            ? []
            : [
                {
                  row: f.t.rows.find((r) => r.component === 'hazards')?.row ?? 'Hazards',
                  x: hours(f.fromMs),
                  label: 'none',
                },
              ],
      },
      mark: { type: 'text', aria: false, align: 'left', baseline: 'middle', dx: 4, fontSize: 10, color: '#888888' },
      encoding: { x, y, text: { field: 'label' } },
    },
    {
      name: 'mark_labels',
      data: { values: sparseLabels(f) },
      mark: {
        type: 'text',
        aria: false,
        clip: true,
        align: 'left',
        baseline: 'middle',
        dx: 7,
        fontSize: 10,
        color: '#1a1a1a',
      },
      encoding: { x, y, text: { field: 'label' } },
    },
  ];
}

/** The deadline(s) and extra markers: vertical rules over all rows, labelled above the plot. */
function ruleLayers(f: Frame, options: ChartOptions): Layer[] {
  const { x } = f;
  const deadlines = f.t.deadlines
    .filter((d) => d.atMs >= f.fromMs && d.atMs <= f.toMs)
    .map((d) => ({
      x: hours(d.atMs),
      kind: d.superseded ? 'superseded' : 'deadline',
      label: d.superseded ? 'earlier deadline' : `deadline ${wallText(d.wallMs)}`,
      tip: `${d.superseded ? 'Superseded deadline' : 'Deadline'}: ProvisioningEnabledTime ${d.timestampSeconds} + max ${d.maxMinutes} min = ${wallText(d.wallMs)} (wall clock), reached at ${formatClock(d.atMs)}`,
    }));
  const markers = (options.markers ?? [])
    .filter((m) => m.atMs >= f.fromMs && m.atMs <= f.toMs)
    .map((m) => ({ x: hours(m.atMs), label: m.label, tip: `${m.label} at ${formatClock(m.atMs)}` }));
  return [
    {
      name: 'deadline_rules',
      data: { values: deadlines.filter((d) => d.kind === 'deadline') },
      mark: { type: 'rule', strokeWidth: 2, color: DEADLINE_COLOR, strokeDash: [6, 3] },
      encoding: { x, description: { field: 'tip' } },
    },
    {
      name: 'superseded_rules',
      data: { values: deadlines.filter((d) => d.kind === 'superseded') },
      mark: { type: 'rule', strokeWidth: 1.5, color: '#999999', strokeDash: [2, 3] },
      encoding: { x, description: { field: 'tip' } },
    },
    {
      name: 'deadline_labels',
      data: { values: deadlines.filter((d) => d.kind === 'deadline') },
      mark: {
        type: 'text',
        aria: false,
        align: 'center',
        baseline: 'bottom',
        dy: -3,
        fontSize: 10,
        fontWeight: 'bold',
        color: DEADLINE_COLOR,
      },
      encoding: { x, y: { value: 0 }, text: { field: 'label' } },
    },
    {
      name: 'marker_rules',
      data: { values: markers },
      mark: { type: 'rule', strokeWidth: 2, color: PARTING_COLOR },
      encoding: { x, description: { field: 'tip' } },
    },
    {
      name: 'marker_labels',
      data: { values: markers },
      mark: {
        type: 'text',
        aria: false,
        align: 'left',
        baseline: 'top',
        dx: 3,
        dy: 2,
        fontSize: 10,
        fontWeight: 'bold',
        color: PARTING_COLOR,
      },
      encoding: { x, y: { value: 0 }, text: { field: 'label' } },
    },
  ];
}

/** The panel under the rows: each check's elapsed time against the max in force. */
function checksPanel(f: Frame, checks: readonly TimelineMark[], width: number) {
  const xPanel = xEncoding(f.fromMs, f.toMs, axisTitleOf(f.t));
  return {
    width,
    height: 90,
    layer: [
      {
        name: 'panel_shade',
        data: { values: spans(f, (s) => s.component === 'provisioning') },
        mark: { type: 'rect', clip: true, color: PROVISIONING_SHADE, opacity: 0.13 },
        encoding: { x: xPanel, x2: { field: 'x2' } },
      },
      {
        name: 'max_line',
        // A step line needs only the checks where the max changes (and the last one).
        data: {
          values: checks
            .filter((m, i) => i === 0 || i === checks.length - 1 || m.maxHours !== checks[i - 1]?.maxHours)
            .map((m) => markDatum(f, m)),
        },
        mark: { type: 'line', clip: true, interpolate: 'step-after', color: DEADLINE_COLOR, strokeDash: [6, 3] },
        encoding: {
          x: xPanel,
          y: {
            field: 'max',
            type: 'quantitative',
            axis: { title: 'elapsed vs max (h)', titleFontSize: 10, tickCount: 4 },
          },
        },
      },
      {
        name: 'max_label',
        data: {
          values: checks.slice(-1).map((m) => ({
            x: hours(m.atMs),
            max: m.maxHours ?? 0,
            label: `max ${formatHours((m.maxHours ?? 0) * HOUR)}`,
          })),
        },
        mark: {
          type: 'text',
          aria: false,
          align: 'left',
          baseline: 'middle',
          dx: 6,
          fontSize: 10,
          color: DEADLINE_COLOR,
        },
        encoding: { x: xPanel, y: { field: 'max', type: 'quantitative' }, text: { field: 'label' } },
      },
      // Each layer only with data (an empty one has no extent to scale).
      ...optionalLayer({
        name: 'check_points',
        data: { values: singles(f, f.checkRuns) },
        mark: { type: 'point', clip: true, filled: true, size: 26 },
        encoding: {
          x: xPanel,
          y: { field: 'elapsed', type: 'quantitative' },
          color: f.color,
          description: { field: 'tip' },
        },
      }),
      ...optionalLayer({
        name: 'check_segments',
        data: { values: runData(f, f.checkRuns) },
        mark: { type: 'rule', clip: true, strokeWidth: 3 },
        encoding: {
          x: xPanel,
          x2: { field: 'x2' },
          y: { field: 'elapsed', type: 'quantitative' },
          y2: { field: 'elapsed2' },
          color: f.color,
          description: { field: 'tip' },
        },
      }),
    ],
  };
}

export function timelineChartSpec(t: Timeline, options: ChartOptions): TopLevelSpec {
  const fromMs = options.fromMs ?? 0;
  const toMs = Math.max(options.toMs ?? t.horizonMs, fromMs + 1);
  const checks = marksIn({ t, fromMs, toMs }, (m) => m.component === 'check-loop');
  const hasPanel = options.checksPanel === true && checks.length > 0;
  const f = frameOf(t, options, hasPanel);
  const lanes = {
    width: options.width,
    height: f.rows.length * ROW_HEIGHT,
    layer: [...spanLayers(f), ...markLayers(f), ...ruleLayers(f, options)],
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title === undefined ? {} : { title: { text: options.title, anchor: 'start', fontSize: 13 } }),
    config: {
      font: 'Segoe UI, Helvetica, Arial, sans-serif',
      view: { stroke: '#cccccc' },
      axis: { labelFontSize: 10, titleFontSize: 11, titleFontWeight: 'normal' },
      legend: { disable: true },
    },
    padding: { left: 5, right: 24, top: 18, bottom: 5 },
    ...(hasPanel
      ? {
          vconcat: [lanes, checksPanel(f, checks, options.width)],
          spacing: 8,
          resolve: { scale: { x: 'shared', color: 'shared' } },
        }
      : lanes),
  } as TopLevelSpec;
}

function wallText(ms: number): string {
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ') + 'Z';
}

/** For the caption: the window a detail chart shows. */
export function windowText(fromMs: number, toMs: number): string {
  return `${formatClock(fromMs)} to ${formatClock(toMs)} (${formatHours(toMs - fromMs)})`;
}
