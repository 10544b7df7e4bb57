/**
 * The `provsim remediate` report as text (one row per strategy, the best value of each column marked `*`) and as
 * one self-contained HTML page (the table, and the hourly exit storm, one line per strategy). Pure.
 */
import { TIMEOUT_RELEASE } from '../model/timeout.js';
import { formatPercentile } from '../fleet/report/FleetReport.js';
import { escapeHtml as e, htmlPage } from '../html/page.js';
import { lineChart, type Series } from '../html/svgChart.js';
import { formatHours } from '../time/Duration.js';
import type { RemediateReport, StrategyRow } from './runRemediate.js';

const int = (n: number): string => n.toLocaleString('en-US');

interface Column {
  readonly head: string;
  readonly cell: (r: StrategyRow) => string;
  /** Smaller is better; `null`: not ranked. */
  readonly value: ((r: StrategyRow) => number) | null;
}

const COLUMNS: readonly Column[] = [
  { head: 'sequences cut', cell: (r) => int(r.sequencesCut), value: (r) => r.sequencesCut },
  {
    head: 'stuck client-h',
    cell: (r) => r.stuckClientHours.toFixed(1),
    value: (r) => r.stuckClientHours,
  },
  { head: 'inconsistent', cell: (r) => int(r.inconsistentClients), value: (r) => r.inconsistentClients },
  { head: 'stuck at end', cell: (r) => int(r.stuckAtEnd), value: (r) => r.stuckAtEnd },
  { head: `of them pre-${TIMEOUT_RELEASE}`, cell: (r) => int(r.legacyStuckAtEnd), value: null },
  {
    head: 'wait p50',
    cell: (r) => formatPercentile(r.deploymentWait.p50),
    value: (r) => r.deploymentWait.p50?.lowMs ?? Infinity,
  },
  {
    head: 'wait p99',
    cell: (r) => formatPercentile(r.deploymentWait.p99),
    value: (r) => r.deploymentWait.p99?.lowMs ?? Infinity,
  },
  {
    head: 'wait max',
    cell: (r) => (r.deploymentWait.maxMs === null ? '-' : formatHours(r.deploymentWait.maxMs)),
    value: (r) => r.deploymentWait.maxMs ?? Infinity,
  },
  { head: 'exits/h max', cell: (r) => int(r.storm.maxExitsInHour), value: (r) => r.storm.maxExitsInHour },
  {
    head: 'processed/h max',
    cell: (r) => int(r.storm.maxProcessedInHour),
    value: (r) => r.storm.maxProcessedInHour,
  },
];

/** Each row's cells, the best value of each ranked column (the smallest) marked. */
function cells(report: RemediateReport, mark: (text: string) => string): string[][] {
  return report.rows.map((r) =>
    COLUMNS.map((c) => {
      const text = c.cell(r);
      if (c.value === null || report.rows.length < 2) return text;
      const best = Math.min(...report.rows.map(c.value));
      return c.value(r) === best ? mark(text) : text;
    }),
  );
}

export function formatRemediateText(report: RemediateReport): string {
  const f = report.fleet;
  const head = ['strategy', ...COLUMNS.map((c) => c.head)];
  const body = cells(report, (t) => `${t}*`).map((row, i) => [report.rows[i]?.strategy ?? '', ...row]);
  const widths = head.map((h, k) => Math.max(h.length, ...body.map((row) => (row[k] ?? '').length)));
  const line = (row: readonly string[]) =>
    row.map((c, k) => (k === 0 ? c.padEnd(widths[k] as number) : c.padStart(widths[k] as number))).join('  ');
  return [
    `Remediation strategies on fleet ${f.name}: ${int(f.clients)} clients over ${formatHours(f.horizonMs)}, the same clients and draws under each strategy`,
    '',
    line(head),
    ...body.map(line),
    '',
    '* the best value of the column. sequences cut: clients taken out of provisioning mode while their task sequence',
    'ran; stuck client-h: time in provisioning mode with no task sequence running; inconsistent: clients whose',
    'CcmExec found ProvisioningMode "false" with tasks still excluded; wait: deployment wait from publication to',
    'processing (p50, p99: the lower bound of a bucket at most 0.1% wide); exits/h, processed/h: the exit storm,',
    'the most clients leaving provisioning mode and the most deployments processed in one hour.',
    '',
  ].join('\n');
}

const COLORS = ['#0969da', '#cf222e', '#1a7f37', '#8250df', '#bc4c00', '#6e7781', '#d4a72c', '#116329'];

export function remediateHtml(report: RemediateReport): string {
  const f = report.fleet;
  const hours = report.rows[0]?.hourly.exits.length ?? 0;
  const days = Math.ceil(hours / 24);
  const dayStep = Math.max(1, Math.ceil(days / 15));
  const xTicks = [];
  for (let d = 0; d <= days; d += dayStep) xTicks.push({ value: d * 24, label: `${d}d` });
  const seriesOf = (pick: (r: StrategyRow) => readonly number[]): Series[] =>
    report.rows.map((r, i) => ({
      name: r.strategy,
      color: COLORS[i % COLORS.length] as string,
      points: pick(r).map((v, h) => [h, v] as const),
      tooltips: pick(r).map((v, h) => `${r.strategy}, hour ${h} (${formatHours(h * 3_600_000)}): ${int(v)}`),
    }));
  const common = { xTicks, xMin: 0, xMax: Math.max(1, hours), xLabel: 'time since the fleet start' };
  const exits = lineChart({
    ...common,
    title: 'Clients leaving provisioning mode, per hour (the exit storm)',
    yLabel: 'clients per hour',
    series: seriesOf((r) => r.hourly.exits),
  });
  const processed = lineChart({
    ...common,
    title: 'Deployments processed, per hour',
    yLabel: 'deployments per hour',
    series: seriesOf((r) => r.hourly.processed),
  });
  const head = ['strategy', ...COLUMNS.map((c) => c.head)];
  const body = cells(report, (t) => `<b>${e(t)}</b>`)
    .map(
      (row, i) =>
        `<tr><td>${e(report.rows[i]?.strategy ?? '')}</td>${row
          .map((c) => `<td class="n">${c.startsWith('<b>') ? c : e(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  return htmlPage(
    `Remediation strategies: ${f.name}`,
    `<h1>Remediation strategies: fleet ${e(f.name)}</h1>
<p class="sub">${int(f.clients)} clients over ${e(formatHours(f.horizonMs))}; the same clients, interruptions and seeds under each strategy. Bold: the best value of the column.</p>
<table><tr>${head.map((h) => `<th>${e(h)}</th>`).join('')}</tr>
${body}
</table>
${exits}
${processed}`,
  );
}
