/**
 * The HTML report of one run: a self-contained page (inline SVG and CSS, no script, nothing fetched) with the
 * outcome, the timeline chart (and a close-up of the task sequence when it is short next to the run), a legend,
 * the summary tables, the assumptions, the expectations and the folded text timeline. Derived from the Report
 * alone; deterministic (the same report gives the same bytes).
 */
import { formatWall } from '../../time/formatWall.js';
import { deadlineWallMs, TIMEOUT_RELEASE } from '../../model/timeout.js';
import { formatClock, formatHours } from '../../time/Duration.js';
import { DEFAULT_ASSUMPTIONS } from '../../scenario/Scenario.js';
import { timeline } from '../formatText.js';
import { expectationsText, hazardKindsOf, outcomeOf } from '../outcome.js';
import type { Report } from '../Report.js';
import {
  type Deadline,
  MARK_TEXT,
  type MarkKind,
  type SpanState,
  STATE_TEXT,
  type Timeline,
  timelineOf,
} from '../timelineOf.js';
import { escapeHtml, htmlPage, table } from '../../html/page.js';
import { DEADLINE_COLOR, MARK_COLORS, PROVISIONING_SHADE, STATE_COLORS } from './palette.js';
import { renderSvg } from './renderSvg.js';
import { type ChartOptions, timelineChartSpec, windowText } from './timelineChart.js';

export const CHART_WIDTH = 1080;

const ASSUMPTION_MEANING: Record<string, string> = {
  setRestartsService: 'entering or leaving provisioning mode restarts a running CcmExec',
  checkLoop: 'flow: a check loop begins only when CcmExec starts; continuous: entering while running also begins one',
  maxMinutesRead: 'when ProvisioningMaxMinutes is read: at each check, or once at CcmExec start',
  missingTimestamp: 'what a missing ProvisioningEnabledTime means: wait forever, or already expired',
  wmiWhileStopped: 'SetClientProvisioningMode while CcmExec is stopped: takes effect, or fails and changes nothing',
};

const h = escapeHtml;

/** The window of a close-up on the task sequence, when it occupies less than a fifth of the run; else null. */
export function detailWindow(report: Report, t: Timeline): { fromMs: number; toMs: number } | null {
  const steps = t.spans.filter((s) => s.component === 'task-sequence');
  const first = steps[0];
  if (first === undefined) return null;
  const a = first.startMs;
  const b = Math.max(...steps.map((s) => s.endMs));
  const w = Math.max(b - a, 60_000);
  if (w >= 0.2 * report.scenario.horizonMs) return null;
  // A margin of about an eighth on each side, on whole minutes.
  const margin = w * 0.12;
  const minute = 60_000;
  return {
    fromMs: Math.max(0, Math.floor((a - margin) / minute) * minute),
    toMs: Math.min(report.scenario.horizonMs, Math.ceil((b + margin) / minute) * minute),
  };
}

export interface Charts {
  readonly overview: string;
  readonly detail: string | null;
  readonly window: { readonly fromMs: number; readonly toMs: number } | null;
  /** Warnings of the chart compiler (none for a sound chart; tests hold it to that). */
  readonly warnings: readonly string[];
}

/** The chart(s) of a report as SVG strings: the whole run, and the close-up when there is one. */
export async function renderCharts(report: Report, extra: Pick<ChartOptions, 'markers'> = {}): Promise<Charts> {
  const t = timelineOf(report);
  const overview = await renderSvg(
    timelineChartSpec(t, { width: CHART_WIDTH, checksPanel: true, ...extra }),
    'overview',
  );
  const window = detailWindow(report, t);
  const detail =
    window === null
      ? null
      : await renderSvg(timelineChartSpec(t, { width: CHART_WIDTH, ...window, ...extra }), 'detail');
  return {
    overview: overview.svg,
    detail: detail?.svg ?? null,
    window,
    warnings: [...overview.warnings, ...(detail?.warnings ?? [])],
  };
}

export async function formatHtml(report: Report): Promise<string> {
  return (await formatHtmlChecked(report)).html;
}

/** The page and the chart compiler's warnings. */
export async function formatHtmlChecked(report: Report): Promise<{ html: string; warnings: readonly string[] }> {
  const t = timelineOf(report);
  const charts = await renderCharts(report);
  const s = report.scenario;
  const body = [
    `<h1>${h(s.name)}</h1>`,
    s.description === '' ? '' : `<p>${h(s.description)}</p>`,
    `<p class="meta">${h(metaLine(report))}</p>`,
    banner(report),
    `<h2>Timeline</h2>`,
    `<figure id="overview">${charts.overview}<figcaption>The whole run. Hover a mark for its details. ${h(deadlineCaption(report, t.deadlines))}</figcaption></figure>`,
    charts.detail === null || charts.window === null
      ? ''
      : `<figure id="detail"><figcaption>Close-up of the task sequence: ${h(windowText(charts.window.fromMs, charts.window.toMs))}</figcaption>${charts.detail}</figure>`,
    legend(t),
    `<h2>Summary</h2>`,
    summaryTable(report),
    intervalsTable(report),
    deploymentsTable(report),
    hazardsTable(report),
    `<h2>Assumptions</h2>`,
    table(
      ['assumption', 'in force', 'default', 'meaning'],
      Object.entries(report.assumptions).map(([k, v]) => [
        `<code>${h(k)}</code>`,
        `<b>${h(String(v))}</b>`,
        h(String(DEFAULT_ASSUMPTIONS[k as keyof typeof DEFAULT_ASSUMPTIONS])),
        h(ASSUMPTION_MEANING[k] ?? ''),
      ]),
      'assumptions',
    ),
    `<h2>Expectations</h2>`,
    report.expectations.length === 0
      ? '<p class="note">The scenario has no <code>expect</code> block.</p>'
      : table(
          ['expectation', 'expected', 'actual', 'result'],
          report.expectations.map((x) => [
            `<code>${h(x.name)}</code>`,
            h(JSON.stringify(x.expected)),
            h(JSON.stringify(x.actual)),
            x.passed ? '<span class="pass">pass</span>' : '<span class="fail">FAIL</span>',
          ]),
          'expectations',
        ),
    `<h2>Events</h2>`,
    `<details open><summary>${timeline(report).length} lines (routine checks and policy cycles folded); the JSON report has every trace entry</summary>`,
    table(
      ['simulation time', 'wall clock (UTC)', 'what happened'],
      timeline(report).map((l) => [h(formatClock(l.atMs)), h(formatWall(l.wallMs)), h(l.text.trim())]),
      'timeline',
    ),
    `</details>`,
    `<p class="note">Written by provsim from the report of seed ${s.seed}; the same scenario and seed give this same page.</p>`,
  ]
    .filter((x) => x !== '')
    .join('\n');
  return { html: htmlPage(`${s.name} - provsim`, body), warnings: charts.warnings };
}

function metaLine(report: Report): string {
  const s = report.scenario;
  return [
    s.file === null ? null : `file ${s.file}`,
    `client ${report.client.version}`,
    `start ${formatWall(Date.parse(s.start))}`,
    `horizon ${formatHours(s.horizonMs)}`,
    `seed ${s.seed}`,
    `${report.eventCount} events`,
  ]
    .filter((x) => x !== null)
    .join(' · ');
}

function banner(report: Report): string {
  const o = outcomeOf(report);
  const intervals = report.provisioning.intervals;
  const last = intervals[intervals.length - 1];
  const parts: string[] = [];
  if (last === undefined) parts.push('<b>Never in provisioning mode.</b>');
  else if (last.exitedAtMs === null)
    parts.push(
      `<b>Still in provisioning mode at the horizon</b> (since ${h(formatClock(last.enteredAtMs))}, entered by ${h(last.enteredBy)}).`,
    );
  else
    parts.push(
      `<b>Left provisioning mode at ${h(formatHours(last.exitedAtMs))}: ${h(last.exitReason ?? '')}</b> (entered at ${h(formatHours(last.enteredAtMs))} by ${h(last.enteredBy)}; ${h(formatHours(report.provisioning.totalMs))} in provisioning mode${intervals.length > 1 ? ` over ${intervals.length} intervals` : ''}).`,
    );
  parts.push(`Task sequence: <b>${h(report.taskSequence.outcome)}</b>.`);
  const waits = report.deployments.map((d) =>
    d.processedAtMs === null ? `"${d.name}" never processed` : `"${d.name}" waited ${formatHours(d.waitMs ?? 0)}`,
  );
  if (waits.length > 0) parts.push(`Deployments: ${h(waits.join(', '))}.`);
  const hazards = hazardKindsOf(report);
  parts.push(hazards.length === 0 ? 'No hazards.' : `Hazards: <b>${h(hazards.join(', '))}</b>.`);
  parts.push(`Expectations: ${h(expectationsText(report))}.`);
  return `<div class="banner ${o.level}" id="outcome" data-level="${o.level}">${parts.join(' ')}</div>`;
}

function deadlineCaption(report: Report, deadlines: readonly Deadline[]): string {
  if (!report.client.timeoutApplies)
    return `No timeout: release ${report.client.version} is before ${TIMEOUT_RELEASE}.`;
  const current = deadlines.filter((d) => !d.superseded);
  if (current.length === 0) return 'No deadline: no ProvisioningEnabledTime while in provisioning mode.';
  return `Red dashed line: the deadline ProvisioningEnabledTime + max = ${current
    .map(
      (d) =>
        `${formatWall(d.wallMs)} (reached at ${formatClock(d.atMs)}${d.atMs > report.scenario.horizonMs ? ', after the horizon' : ''})`,
    )
    .join('; ')}; the client leaves at the first check after it.`;
}

function legend(t: Timeline): string {
  const states = [...new Set(t.spans.map((s) => s.state))].sort(
    (a, b) => Object.keys(STATE_COLORS).indexOf(a) - Object.keys(STATE_COLORS).indexOf(b),
  ) as SpanState[];
  const kinds = [...new Set(t.marks.map((m) => m.kind))].sort(
    (a, b) => Object.keys(MARK_COLORS).indexOf(a) - Object.keys(MARK_COLORS).indexOf(b),
  ) as MarkKind[];
  const items = [
    ...states.map(
      (s) =>
        `<li><span class="swatch" style="background:${s === 'provisioning' ? PROVISIONING_SHADE : STATE_COLORS[s]}"></span>${h(STATE_TEXT[s])}</li>`,
    ),
    ...kinds.map(
      (k) => `<li><span class="swatch mark" style="background:${MARK_COLORS[k]}"></span>${h(MARK_TEXT[k])}</li>`,
    ),
    ...(t.deadlines.length > 0
      ? [`<li><span class="swatch line" style="border-color:${DEADLINE_COLOR}"></span>deadline (timestamp + max)</li>`]
      : []),
  ];
  return `<ul class="legend" id="legend">${items.join('')}</ul>`;
}

function summaryTable(report: Report): string {
  const { provisioning, taskSequence: ts, final, client } = report;
  const stamp = final.registry.ProvisioningEnabledTime;
  const timeout = client.timeoutApplies
    ? `max ${client.maxMinutes} min (${formatHours(client.maxMinutes * 60_000)}); deadline ProvisioningEnabledTime + max = ${
        stamp === undefined ? 'none (no timestamp)' : formatWall(deadlineWallMs(stamp, client.maxMinutes))
      }`
    : `none: release ${client.version} is before ${TIMEOUT_RELEASE}`;
  const tsWhen = ts.endedAtMs ?? ts.abandonedAtMs;
  const reg = Object.entries(final.registry)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  const rows: [string, string][] = [
    ['Outcome', outcomeOf(report).text],
    [
      'Time in provisioning mode',
      `${formatHours(provisioning.totalMs)} in ${provisioning.intervals.length} interval(s)`,
    ],
    ['Timeout', timeout],
    ['Task sequence', `${ts.name ?? '(none)'}: ${ts.outcome}${tsWhen === null ? '' : ` at ${formatClock(tsWhen)}`}`],
    ['Checks', `${report.checks.length} (${report.checks.filter((c) => c.expired).length} expired)`],
    ['Policy cycles skipped', String(provisioning.policyCyclesSkipped)],
    ['Hazards', hazardKindsOf(report).join(', ') || 'none'],
    [
      'Final state',
      `provisioning mode ${final.provisioningMode ? 'ON' : 'off'}; CcmExec ${final.service.status} (${final.service.startup}); device ${final.device}; ${final.consistent ? 'consistent' : 'INCONSISTENT'}; wall clock ${formatWall(Date.parse(final.wallClock))}`,
    ],
    ['Final registry', reg || '(empty)'],
  ];
  return `<table class="summary" id="summary"><tbody>
${rows.map(([k, v]) => `<tr><th>${h(k)}</th><td>${h(v)}</td></tr>`).join('\n')}
</tbody></table>`;
}

function intervalsTable(report: Report): string {
  const rows = report.provisioning.intervals.map((i) => [
    h(formatClock(i.enteredAtMs)),
    h(i.enteredBy),
    i.exitedAtMs === null ? '<span class="fail">still in at the horizon</span>' : h(formatClock(i.exitedAtMs)),
    h(i.exitReason ?? '-'),
    h(formatHours((i.exitedAtMs ?? report.scenario.horizonMs) - i.enteredAtMs)),
  ]);
  if (rows.length === 0) return '';
  return `<h3>Provisioning intervals</h3>${table(['entered', 'entered by', 'exited', 'exit reason', 'duration'], rows, 'intervals')}`;
}

function deploymentsTable(report: Report): string {
  if (report.deployments.length === 0) return '';
  const rows = report.deployments.map((d) => [
    h(d.name),
    h(formatClock(d.publishedAtMs)),
    d.processedAtMs === null ? '<span class="fail">never processed</span>' : h(formatClock(d.processedAtMs)),
    d.waitMs === null ? '-' : h(formatHours(d.waitMs)),
  ]);
  return `<h3>Deployments</h3>${table(['deployment', 'published', 'processed', 'waited'], rows, 'deployments')}`;
}

function hazardsTable(report: Report): string {
  if (report.hazards.length === 0) return '';
  const rows = report.hazards.map((x) => [h(formatClock(x.atMs)), `<b>${h(x.kind)}</b>`, h(x.detail)]);
  return `<h3>Hazards</h3>${table(['at', 'hazard', 'detail'], rows, 'hazards')}`;
}
