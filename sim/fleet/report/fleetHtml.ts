/**
 * The fleet report as one self-contained HTML page (inline CSS and SVG, no script, no network): headline numbers,
 * the clients in provisioning mode over time, the distribution of time spent in it, exits by reason, deployment
 * latency, and the tables of the text report. Pure: the same report gives the same page.
 */
import { DEFAULT_MAX_MINUTES } from '../../model/timeout.js';
import { formatDuration, formatHours } from '../../time/Duration.js';
import type { Fleet } from '../load/Fleet.js';
import { EXAMPLE_KINDS } from '../summary/FleetSummary.js';
import { type Distribution, type FleetReport, formatPercentile, type GroupRow } from './FleetReport.js';
import type { HistogramJson, Percentile } from '../summary/Histogram.js';
import { escapeHtml, htmlPage } from '../../html/page.js';
import { type Bar, barChart, lineChart } from '../../html/svgChart.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

const int = (n: number): string => n.toLocaleString('en-US');
const pct = (x: number): string => `${(x * 100).toFixed(x !== 0 && x < 0.001 ? 4 : 2)}%`;
const e = escapeHtml;

/** Re-bins exact buckets `[low, high, count]` into display bins by each bucket's lower edge. */
function rebin(histogram: HistogramJson, edges: readonly number[]): number[] {
  const counts = edges.map(() => 0);
  for (const [low, , count] of histogram) {
    let i = edges.length - 1;
    while (i > 0 && low < (edges[i] as number)) i--;
    counts[i] = (counts[i] as number) + count;
  }
  return counts;
}

function binLabels(edges: readonly number[]): string[] {
  return edges.map((lo, i) => {
    const hi = edges[i + 1];
    return hi === undefined ? `${formatHours(lo)}+` : `${formatHours(lo)}-${formatHours(hi)}`;
  });
}

/** A percentile for a headline card: its bucket's lower bound, to the minute from an hour up. */
function rough(p: Percentile | null): string {
  if (p === null) return '-';
  const ms = p.lowMs >= HOUR ? Math.floor(p.lowMs / MIN) * MIN : p.lowMs;
  return p.highMs - p.lowMs <= 1000 ? formatHours(ms) : `~${formatHours(ms)}`;
}

function card(label: string, value: string, warn = false): string {
  return `<div class="card${warn ? ' warn' : ''}"><b>${e(value)}</b><span>${e(label)}</span></div>`;
}

function distributionCells(d: Distribution): string {
  return [d.p50, d.p90, d.p99]
    .map((p) => `<td class="n">${e(formatPercentile(p))}</td>`)
    .concat(`<td class="n">${d.maxMs === null ? '-' : e(formatHours(d.maxMs))}</td>`)
    .join('');
}

function groupTable(title: string, rows: readonly (GroupRow & { label: string })[]): string {
  const head = [
    '',
    'clients',
    'entered',
    'timeout exits',
    'premature',
    'beyond timeout',
    'stuck at end',
    'stuck client-h',
  ];
  return `<h3>${e(title)}</h3><table><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr>${rows
    .map(
      (r) =>
        `<tr><td>${e(r.label)}</td>${[
          r.clients,
          r.entered,
          r.timeoutExits,
          r.prematureExit,
          r.exceededTimeout,
          r.stuckAtEnd,
        ]
          .map((v) => `<td class="n">${int(v)}</td>`)
          .join('')}<td class="n">${r.stuckClientHours.toFixed(1)}</td></tr>`,
    )
    .join('')}</table>`;
}

function dayTicks(fleet: Fleet): { value: number; label: string }[] {
  const days = fleet.horizonMs / DAY;
  const every = days <= 10 ? 1 : days <= 45 ? 5 : days <= 120 ? 15 : 30;
  const ticks: { value: number; label: string }[] = [];
  for (let d = 0; d <= days; d += every) {
    ticks.push({ value: d, label: new Date(fleet.startMs + d * DAY).toISOString().slice(5, 10) });
  }
  return ticks;
}

/** The time-in-mode histogram's display bins (those under the horizon). */
const TIME_EDGES = [0, 30 * MIN, HOUR, 2 * HOUR, 3 * HOUR, 4 * HOUR, 6 * HOUR, 8 * HOUR, 12 * HOUR, DAY, 2 * DAY];
const TIME_EDGES_LONG = [49 * HOUR, 3 * DAY, 7 * DAY, 14 * DAY];
const LATENCY_EDGES = [
  0,
  5 * MIN,
  15 * MIN,
  30 * MIN,
  45 * MIN,
  HOUR,
  2 * HOUR,
  4 * HOUR,
  8 * HOUR,
  DAY,
  2 * DAY,
  7 * DAY,
];
const EXIT_COLORS: Record<string, string> = {
  'ts-success': '#2da44e',
  'ts-failure': '#bf8700',
  timeout: '#cf222e',
  manual: '#6e7781',
  'registry-edit': '#6e7781',
};

/** The page's four charts: clients in mode over time, time in mode, exits by reason, deployment latency. */
function fleetCharts(r: FleetReport): { inMode: string; timeChart: string; exits: string; latency: string } {
  const f = r.fleet;
  const p = r.provisioning;
  const inMode = lineChart({
    title: 'Clients in provisioning mode',
    xLabel: `days since ${new Date(f.startMs).toISOString().slice(0, 16).replace('T', ' ')}Z (month-day)`,
    yLabel: 'clients',
    series: [
      {
        name: 'in provisioning mode',
        color: '#1f6feb',
        points: p.inMode.counts.map((c, j) => [(j * p.inMode.stepMs) / DAY, c] as const),
      },
    ],
    xTicks: dayTicks(f),
    xMin: 0,
    xMax: f.horizonMs / DAY,
    area: true,
  });
  const timeEdges = [...TIME_EDGES, ...TIME_EDGES_LONG].filter((x) => x < f.horizonMs);
  const timeBins = rebin(r.summary.timeInMode, timeEdges);
  const timeChart = barChart({
    title: 'Time in provisioning mode, per client that entered it',
    bars: binLabels(timeEdges).map((label, i): Bar => ({ label, value: timeBins[i] ?? 0 })),
    color: '#8250df',
    valueLabel: 'clients',
  });
  const exits = barChart({
    title: 'Exits from provisioning mode, by reason',
    bars: Object.entries(p.exits).map(([label, value]) => ({ label, value, color: EXIT_COLORS[label] ?? '#6e7781' })),
    color: '#6e7781',
    valueLabel: 'exits',
    horizontal: true,
  });
  const latencyBins = rebin(r.summary.latency.histogram, LATENCY_EDGES);
  const latency = barChart({
    title: 'Deployment latency (publication to processing), all publications',
    bars: binLabels(LATENCY_EDGES).map((label, i): Bar => ({ label, value: latencyBins[i] ?? 0 })),
    color: '#0969da',
    valueLabel: 'client-deployments',
  });
  return { inMode, timeChart, exits, latency };
}

export function fleetHtml(r: FleetReport): string {
  const f = r.fleet;
  const p = r.provisioning;
  const ts = r.taskSequences;
  const title = `Fleet ${f.name}${r.shard === null ? '' : ` (shard ${r.shard.index}/${r.shard.count})`}`;
  const { inMode, timeChart, exits, latency } = fleetCharts(r);
  const d = r.deployments;
  const examples = EXAMPLE_KINDS.filter((k) => r.examples[k].length > 0)
    .map((k) => `<tr><td>${e(k)}</td><td>${r.examples[k].join(', ')}</td></tr>`)
    .join('');
  const mix = (items: readonly { value: string | number | null; share: number }[]) =>
    items.map((m) => `${m.value === null ? 'absent' : m.value} ${pct(m.share)}`).join(', ');
  return htmlPage(
    title,
    `<h1>${e(title)}</h1>
<p class="sub">${int(r.clients)} clients over ${e(formatDuration(f.horizonMs))} from ${e(new Date(f.startMs).toISOString())}, seed ${f.seed}. ${e(f.description)}</p>
<p class="sub">Releases ${e(mix(f.releases))}; ProvisioningMaxMinutes ${e(mix(f.maxMinutes))}.</p>
<div class="cards">
${card('clients entered provisioning mode', `${int(p.entered)} (${pct(p.enteredShare)})`)}
${card('time in it, p50 per client', rough(p.timeInMode.p50))}
${card('time in it, p99 per client', rough(p.timeInMode.p99))}
${card(`premature exits (${pct(p.prematureExits.shareOfTaskSequences)} of task sequences)`, int(p.prematureExits.clients), p.prematureExits.clients > 0)}
${card('stuck beyond max + check interval', int(p.stuckBeyondTimeout), p.stuckBeyondTimeout > 0)}
${card('stuck at the end', int(p.stuckAtEnd), p.stuckAtEnd > 0)}
${card('stuck client-hours', p.stuckClientHours.toFixed(1), p.stuckClientHours > 0)}
${card('deployment latency p50 / p99', `${rough(d.latency.p50)} / ${rough(d.latency.p99)}`)}
</div>
<h2>Over time</h2>
${inMode}
<p class="note">Peak ${int(p.inMode.peak)} clients at ${e(new Date(f.startMs + p.inMode.peakAtMs).toISOString())}; sampled every ${e(formatHours(p.inMode.stepMs))}.</p>
<h2>Time in provisioning mode and exits</h2>
${timeChart}
<table><tr><th></th><th>p50</th><th>p90</th><th>p99</th><th>max</th></tr><tr><td>per client that entered</td>${distributionCells(p.timeInMode)}</tr></table>
${exits}
<p>Task sequences: ${int(ts.started)} started, ${int(ts.success)} succeeded, ${int(ts.failed)} failed (handled), ${int(ts.abandoned)} abandoned, ${int(ts.running)} still running at the end.</p>
<h2>Deployments</h2>
${latency}
<table><tr><th>deployment</th><th>p50</th><th>p90</th><th>p99</th><th>max</th><th>not processed</th></tr>
<tr><td>all (${d.publications} per client)</td>${distributionCells(d.latency)}<td class="n">${int(d.unprocessed)}</td></tr>
${d.byDeployment.map((b) => `<tr><td>${e(b.name)}</td>${distributionCells(b)}<td class="n">${int(b.unprocessed)}</td></tr>`).join('\n')}
</table>
<h2>Groups</h2>
${groupTable(
  'By release',
  r.byRelease.map((g) => ({ ...g, label: g.version })),
)}
${groupTable(
  'By ProvisioningMaxMinutes',
  r.byMaxMinutes.map((g) => ({
    ...g,
    label: g.maxMinutes === null ? `absent (${DEFAULT_MAX_MINUTES})` : String(g.maxMinutes),
  })),
)}
${examples === '' ? '' : `<h2>Clients to look at</h2><p>The smallest client numbers of each kind. See what happened to one with <code>provsim fleet ${e(f.file ?? `${f.name}.fleet.yaml`)} --explain N &gt; client.yaml</code> then <code>provsim run client.yaml</code>.</p><table>${examples}</table>`}
<p class="note">Each percentile is the lower bound of the exact histogram bucket that holds it (buckets one second wide below 34 minutes, at most 0.1% wide above: within 0.1% of the exact value); bars are labelled with their counts, so a tail bin of a few clients never reads as empty. ${int(r.fastPath.closedForm)} clients were computed in closed form and ${int(r.fastPath.skipping)} event by event (idle stretches skipped); both give what <code>provsim run</code> gives for the client's scenario.</p>`,
  );
}
