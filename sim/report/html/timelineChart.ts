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

export function timelineChartSpec(t: Timeline, options: ChartOptions): TopLevelSpec {
  const fromMs = options.fromMs ?? 0;
  const toMs = Math.max(options.toMs ?? t.horizonMs, fromMs + 1);
  const pxPerMs = options.width / (toMs - fromMs);
  const inWindow = (a: number, b: number) => b >= fromMs && a <= toMs;
  // A close-up shows only the rows with something in its window; the whole run shows every row.
  const whole = fromMs <= 0 && toMs >= t.horizonMs;
  const rows = t.rows
    .filter(
      (r) =>
        whole ||
        t.spans.some((s) => s.row === r.row && inWindow(s.startMs, s.endMs)) ||
        t.marks.some((m) => m.component === r.component && m.atMs >= fromMs && m.atMs <= toMs),
    )
    .map((r) => r.row);
  const checks = t.marks.filter((m) => m.component === 'check-loop' && m.atMs >= fromMs && m.atMs <= toMs);
  const hasPanel = options.checksPanel === true && checks.length > 0;
  const axisTitle = `time since the start (${new Date(t.startMs).toISOString().replace('T', ' ').slice(0, 16)}Z, before clock changes)`;
  const xWith = (title: string | null) => ({
    field: 'x',
    type: 'quantitative',
    scale: { domain: [hours(fromMs), hours(toMs)], nice: false, zero: false },
    axis: { title, labelExpr: HOUR_LABELS, grid: true, tickCount: 12 },
  });
  // With the checks panel below, only the panel's axis carries the title.
  const x = xWith(hasPanel ? null : axisTitle);
  const y = {
    field: 'row',
    type: 'nominal',
    scale: { domain: rows, paddingInner: 0.25, paddingOuter: 0.15 },
    axis: { title: null, labelLimit: 170, labelFontSize: 11, labelFontWeight: 'bold', ticks: false, domain: false },
  };
  // One colour scale for every layer (Vega-Lite shares it across a layer): states, mark kinds and rule kinds.
  const colorKeys = [...STATES, ...KINDS];
  const colorScale = {
    field: 'c',
    type: 'nominal',
    scale: { domain: colorKeys, range: colorKeys.map((k) => COLORS[k]) },
    legend: null,
  };
  const stateColor = colorScale;
  const kindColor = colorScale;

  const spanDatum = (s: TimelineSpan): Datum => ({
    row: s.row,
    c: s.state,
    x: hours(Math.max(s.startMs, fromMs)),
    x2: hours(Math.min(s.endMs, toMs)),
    tip: `${s.detail}`,
  });
  const spans = (pred: (s: TimelineSpan) => boolean) =>
    t.spans.filter((s) => pred(s) && inWindow(s.startMs, s.endMs)).map(spanDatum);
  const markDatum = (m: TimelineMark): Datum => ({
    row: t.rows.find((r) => r.component === m.component)?.row ?? m.component,
    c: m.kind,
    x: hours(m.atMs),
    shp: MARK_SHAPES[m.kind] ?? 'circle',
    sz: m.kind === 'policy-skipped' ? 7 : m.kind === 'policy-processed' ? 19 : 13,
    label: m.label,
    tip: `${MARK_TEXT[m.kind]}: ${m.detail}`,
    elapsed: m.elapsedHours ?? (m.elapsedHours === null ? 0 : null),
    max: m.maxHours ?? null,
  });
  const marks = (pred: (m: TimelineMark) => boolean) =>
    t.marks.filter((m) => pred(m) && m.atMs >= fromMs && m.atMs <= toMs).map(markDatum);
  // Rows of periodic marks (checks, policy cycles) drawn as a reader can see them: runs too dense to tell apart are
  // one mark each (see `mergeRuns`).
  const merged = (pred: (m: TimelineMark) => boolean) =>
    mergeRuns(
      t.marks.filter((m) => pred(m) && m.atMs >= fromMs && m.atMs <= toMs),
      MERGE_PX / pxPerMs,
    );
  const checkRuns = merged((m) => m.component === 'check-loop');
  const policyRuns = merged((m) => m.component === 'policy');
  const runLayer = (name: string, runs: readonly TimelineMark[][]): Layer => ({
    name,
    data: { values: runs.filter((r) => r.length > 1).map(runDatum) },
    mark: { type: 'rect', clip: true, height: 10 },
    encoding: { x, x2: { field: 'x2' }, y, color: kindColor, description: { field: 'tip' } },
  });
  const singles = (runs: readonly TimelineMark[][]) =>
    runs.filter((r) => r.length === 1).map((r) => markDatum(r[0] as TimelineMark));
  const runDatum = (run: readonly TimelineMark[]): Datum => {
    const first = markDatum(run[0] as TimelineMark);
    const last = markDatum(run[run.length - 1] as TimelineMark);
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
  };

  const bars = (name: string, pred: (s: TimelineSpan) => boolean, extra: Layer = {}): Layer => ({
    name,
    data: { values: spans(pred) },
    mark: { type: 'rect', clip: true, ...extra },
    encoding: {
      x,
      x2: { field: 'x2' },
      y,
      color: stateColor,
      description: { field: 'tip' },
    },
  });

  // Labels on bars where they fit (truncated to the bar's width).
  const labelOf = (s: TimelineSpan): Datum | null => {
    const a = Math.max(s.startMs, fromMs);
    const b = Math.min(s.endMs, toMs);
    const room = Math.floor(((b - a) * pxPerMs - 8) / CHAR_PX);
    if (room < 4 || s.label === '') return null;
    const text = s.label.length <= room ? s.label : `${s.label.slice(0, room - 1)}…`;
    return { row: s.row, x: hours(a), label: text, ink: labelColorOn(s.state) };
  };
  const barLabels = t.spans
    .filter((s) => inWindow(s.startMs, s.endMs) && s.component !== 'check-loop')
    .map(labelOf)
    .filter((d): d is Datum => d !== null);

  // Labels of marks, in rows with few of them (a restart storm's eighty power losses stay unlabelled).
  // (A close-up labels the device's bars instead of its outages.)
  const labelled = marks(
    (m) =>
      (whole ? ['device'] : [])
        .concat(['task-sequence', 'hazards', 'admin', 'clock', 'ccmeval'])
        .includes(m.component) && m.label !== '',
  );
  // Within a row, a label that would run into the one before it is left out (its tooltip still tells).
  const lastEnd = new Map<unknown, number>();
  const sparseLabels = labelled.filter((d) => {
    if (labelled.filter((o) => o.row === d.row).length > MAX_LABELS_PER_ROW) return false;
    const px = (Number(d.x) - hours(fromMs)) * HOUR * pxPerMs;
    if (px < (lastEnd.get(d.row) ?? Number.NEGATIVE_INFINITY)) return false;
    lastEnd.set(d.row, px + 12 + String(d.label).length * CHAR_PX);
    return true;
  });

  const layers: Layer[] = [
    {
      name: 'provisioning_shade',
      data: { values: spans((s) => s.component === 'provisioning') },
      mark: { type: 'rect', clip: true, color: PROVISIONING_SHADE, opacity: 0.13 },
      encoding: { x, x2: { field: 'x2' }, description: { field: 'tip' } },
    },
    bars('device_bars', (s) => s.component === 'device'),
    bars('ccmexec_bars', (s) => s.component === 'ccmexec'),
    bars('provisioning_bars', (s) => s.component === 'provisioning'),
    bars('step_bars', (s) => s.component === 'task-sequence', { stroke: '#ffffff', strokeWidth: 0.5 }),
    bars('loop_bars', (s) => s.component === 'check-loop'),
    bars('deployment_bars', (s) => s.component === 'deployments'),
    {
      name: 'deployment_starts',
      data: { values: spans((s) => s.component === 'deployments') },
      mark: { type: 'tick', clip: true, color: '#7a5a00', thickness: 2 },
      encoding: { x, y, description: { field: 'tip' } },
    },
    {
      name: 'bar_labels',
      data: { values: barLabels },
      mark: { type: 'text', aria: false, clip: true, align: 'left', baseline: 'middle', dx: 4, fontSize: 10 },
      encoding: { x, y, text: { field: 'label' }, color: { field: 'ink', type: 'nominal', scale: null } },
    },
    {
      name: 'check_ticks',
      data: { values: singles(checkRuns) },
      mark: { type: 'tick', clip: true, thickness: 1.5 },
      encoding: { x, y, color: kindColor, description: { field: 'tip' } },
    },
    {
      name: 'policy_ticks',
      data: { values: singles(policyRuns) },
      mark: { type: 'tick', clip: true, thickness: 1.5 },
      encoding: {
        x,
        y,
        color: kindColor,
        size: { field: 'sz', type: 'quantitative', scale: null },
        description: { field: 'tip' },
      },
    },
    runLayer('check_runs', checkRuns),
    runLayer('policy_runs', policyRuns),
    {
      name: 'event_points',
      data: {
        values: marks((m) =>
          ['device', 'task-sequence', 'provisioning', 'ccmeval', 'admin', 'clock'].includes(m.component),
        ),
      },
      mark: { type: 'point', clip: true, filled: true, size: 70, opacity: 1, stroke: '#ffffff', strokeWidth: 0.7 },
      encoding: {
        x,
        y,
        color: kindColor,
        shape: { field: 'shp', type: 'nominal', scale: null },
        description: { field: 'tip' },
      },
    },
    {
      name: 'hazard_points',
      data: { values: marks((m) => m.component === 'hazards') },
      mark: { type: 'point', clip: true, filled: true, shape: 'diamond', size: 110, color: MARK_COLORS.hazard },
      encoding: { x, y, description: { field: 'tip' } },
    },
    {
      name: 'none_labels',
      data: {
        values:
          t.marks.some((m) => m.component === 'hazards') || !rows.includes('Hazards')
            ? []
            : [
                {
                  row: t.rows.find((r) => r.component === 'hazards')?.row ?? 'Hazards',
                  x: hours(fromMs),
                  label: 'none',
                },
              ],
      },
      mark: { type: 'text', aria: false, align: 'left', baseline: 'middle', dx: 4, fontSize: 10, color: '#888888' },
      encoding: { x, y, text: { field: 'label' } },
    },
    {
      name: 'mark_labels',
      data: { values: sparseLabels },
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

  // The deadline(s) and extra markers: vertical rules over all rows, labelled above the plot.
  const deadlines = t.deadlines
    .filter((d) => d.atMs >= fromMs && d.atMs <= toMs)
    .map((d) => ({
      x: hours(d.atMs),
      kind: d.superseded ? 'superseded' : 'deadline',
      label: d.superseded ? 'earlier deadline' : `deadline ${wallText(d.wallMs)}`,
      tip: `${d.superseded ? 'Superseded deadline' : 'Deadline'}: ProvisioningEnabledTime ${d.timestampSeconds} + max ${d.maxMinutes} min = ${wallText(d.wallMs)} (wall clock), reached at ${formatClock(d.atMs)}`,
    }));
  const markers = (options.markers ?? [])
    .filter((m) => m.atMs >= fromMs && m.atMs <= toMs)
    .map((m) => ({ x: hours(m.atMs), label: m.label, tip: `${m.label} at ${formatClock(m.atMs)}` }));
  layers.push(
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
  );

  const lanes = {
    width: options.width,
    height: rows.length * ROW_HEIGHT,
    layer: layers,
  };
  const xPanel = xWith(axisTitle);
  const panel = hasPanel
    ? {
        width: options.width,
        height: 90,
        layer: [
          {
            name: 'panel_shade',
            data: { values: spans((s) => s.component === 'provisioning') },
            mark: { type: 'rect', clip: true, color: PROVISIONING_SHADE, opacity: 0.13 },
            encoding: { x: xPanel, x2: { field: 'x2' } },
          },
          {
            name: 'max_line',
            // A step line needs only the checks where the max changes (and the last one).
            data: {
              values: checks
                .filter((m, i) => i === 0 || i === checks.length - 1 || m.maxHours !== checks[i - 1]?.maxHours)
                .map(markDatum),
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
            data: { values: singles(checkRuns) },
            mark: { type: 'point', clip: true, filled: true, size: 26 },
            encoding: {
              x: xPanel,
              y: { field: 'elapsed', type: 'quantitative' },
              color: kindColor,
              description: { field: 'tip' },
            },
          }),
          ...optionalLayer({
            name: 'check_segments',
            data: { values: checkRuns.filter((r) => r.length > 1).map(runDatum) },
            mark: { type: 'rule', clip: true, strokeWidth: 3 },
            encoding: {
              x: xPanel,
              x2: { field: 'x2' },
              y: { field: 'elapsed', type: 'quantitative' },
              y2: { field: 'elapsed2' },
              color: kindColor,
              description: { field: 'tip' },
            },
          }),
        ],
      }
    : null;

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
    ...(panel === null
      ? lanes
      : { vconcat: [lanes, panel], spacing: 8, resolve: { scale: { x: 'shared', color: 'shared' } } }),
  } as TopLevelSpec;
}

function wallText(ms: number): string {
  return new Date(ms).toISOString().slice(5, 16).replace('T', ' ') + 'Z';
}

/** For the caption: the window a detail chart shows. */
export function windowText(fromMs: number, toMs: number): string {
  return `${formatClock(fromMs)} to ${formatClock(toMs)} (${formatHours(toMs - fromMs)})`;
}
