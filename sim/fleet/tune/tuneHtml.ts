/**
 * The `provsim tune` result as one self-contained HTML page: the trade-off charts (premature exits against stuck
 * client-hours and deployment latency, one point per `ProvisioningMaxMinutes` value), the table and the verdict.
 * Pure.
 */
import { formatPercentile } from '../report/FleetReport.js';
import {
  formatShare,
  minutesLabel,
  recommendationText,
  TUNE_COLUMNS,
  type TuneReport,
  tuneRowCells,
} from './runTune.js';
import { escapeHtml as e, htmlPage } from '../../html/page.js';
import { lineChart } from '../../html/svgChart.js';

const int = (n: number): string => n.toLocaleString('en-US');

export function tuneHtml(t: TuneReport): string {
  const rows = [...t.rows].sort((a, b) => a.maxMinutes - b.maxMinutes);
  // One column per value tried, evenly spaced (the values usually grow by doubling).
  const xTicks = rows.map((r, i) => ({ value: i, label: String(r.maxMinutes) }));
  const common = {
    xTicks,
    xMin: -0.3,
    xMax: Math.max(1, rows.length - 1) + 0.3,
    dots: true,
    xLabel: 'ProvisioningMaxMinutes',
  };
  const premature = lineChart({
    ...common,
    title: 'Premature exits: task sequences cut by the timeout',
    yLabel: '% of task sequences',
    series: [
      {
        name: 'premature exits',
        color: '#cf222e',
        points: rows.map((r, i) => [i, r.prematureShare * 100] as const),
        tooltips: rows.map(
          (r) => `${minutesLabel(r.maxMinutes)}: ${int(r.prematureExits)} clients, ${formatShare(r.prematureShare)}`,
        ),
      },
    ],
    rules:
      t.maxPremature === null
        ? []
        : [{ value: t.maxPremature * 100, label: `limit ${formatShare(t.maxPremature)}`, color: '#555' }],
    yFormat: (v) => `${v}%`,
  });
  const stuck = lineChart({
    ...common,
    title: 'Stuck client-hours: in provisioning mode with no task sequence running',
    yLabel: 'client-hours',
    series: [
      {
        name: 'stuck client-hours',
        color: '#8250df',
        points: rows.map((r, i) => [i, r.stuckClientHours] as const),
        tooltips: rows.map((r) => `${minutesLabel(r.maxMinutes)}: ${r.stuckClientHours.toFixed(1)} client-hours`),
      },
    ],
  });
  const latency = lineChart({
    ...common,
    title: 'Deployment latency, mean (publication to processing)',
    yLabel: 'minutes',
    series: [
      {
        name: 'mean latency',
        color: '#0969da',
        points: rows.map((r, i) => [i, (r.latencyMeanMs ?? 0) / 60_000] as const),
        tooltips: rows.map(
          (r) =>
            `${minutesLabel(r.maxMinutes)}: mean ${((r.latencyMeanMs ?? 0) / 60_000).toFixed(2)} min, p99 ${formatPercentile(r.latencyP99)}`,
        ),
      },
    ],
  });
  const body = rows
    .map(
      (r) =>
        `<tr${r.maxMinutes === t.recommended ? ' style="background:#dafbe1"' : ''}><td>${e(minutesLabel(r.maxMinutes))}</td>${tuneRowCells(
          r,
        )
          .map((c) => `<td class="n">${e(c)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  const f = t.fleet;
  return htmlPage(
    `Tuning ProvisioningMaxMinutes: ${f.name}`,
    `<h1>Tuning ProvisioningMaxMinutes: fleet ${e(f.name)}</h1>
<p class="sub">${int(f.clients)} clients, the same clients and draws in every run; only ProvisioningMaxMinutes changes.</p>
<p><b>${e(recommendationText(t))}</b></p>
${premature}
${stuck}
${latency}
<table><tr>${TUNE_COLUMNS.map((h) => `<th>${e(h)}</th>`).join('')}</tr>
${body}
</table>`,
  );
}
