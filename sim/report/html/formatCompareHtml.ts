/**
 * The HTML comparison of variants of a scenario: where the timelines part, the key facts side by side (rows that
 * differ highlighted), and each variant's timeline chart on the same time axis with the parting point marked.
 * Self-contained like the single-run report; deterministic.
 */
import { formatClock } from '../../time/Duration.js';
import type { Comparison, Variant } from '../compare.js';
import { escapeHtml as h, htmlPage, table } from '../../html/page.js';
import { renderSvg } from './renderSvg.js';
import { timelineChartSpec } from './timelineChart.js';
import { CHART_WIDTH } from './formatHtml.js';
import { timelineOf } from '../timelineOf.js';

export async function formatCompareHtml(
  title: string,
  variants: readonly Variant[],
  c: Comparison,
): Promise<{ html: string; warnings: readonly string[] }> {
  const toMs = Math.max(...variants.map((v) => v.report.scenario.horizonMs));
  const markers = c.partingAtMs === null ? [] : [{ atMs: c.partingAtMs, label: 'timelines part' }];
  const warnings: string[] = [];
  const charts: string[] = [];
  for (const [i, v] of variants.entries()) {
    const rendered = await renderSvg(
      timelineChartSpec(timelineOf(v.report), { width: CHART_WIDTH, toMs, markers, checksPanel: true }),
      `variant${i + 1}`,
    );
    warnings.push(...rendered.warnings);
    charts.push(`<h3>${h(v.label)}</h3><figure class="variant">${rendered.svg}</figure>`);
  }
  const parting =
    c.partingIndex === null
      ? '<div class="banner ok" id="parting">The timelines are identical: every trace entry is the same.</div>'
      : `<div class="banner warn" id="parting">The timelines part at trace entry #${c.partingIndex + 1}, at <b>${h(formatClock(c.partingAtMs ?? 0))}</b> (purple line in the charts).</div>` +
        table(
          ['variant', 'from the parting point'],
          [
            ...(c.before.length > 0 ? [['<i>all (before)</i>', c.before.map(h).join('<br>')]] : []),
            ...c.labels.map((l, i) => [`<b>${h(l)}</b>`, (c.after[i] ?? []).map(h).join('<br>')]),
          ],
          'parting',
        );
  const facts = `<table class="facts" id="facts"><thead><tr><th></th>${c.labels.map((l) => `<th>${h(l)}</th>`).join('')}</tr></thead><tbody>
${c.facts
  .map(
    (f) =>
      `<tr${f.differ ? ' class="differ" style="background:#fff3e0"' : ''}><th>${h(f.name)}${f.differ ? ' *' : ''}</th>${f.values.map((v) => `<td>${h(v)}</td>`).join('')}</tr>`,
  )
  .join('\n')}
</tbody></table><p class="note">* the variants differ (highlighted)</p>`;
  const body = [
    `<h1>Comparison: ${h(title)}</h1>`,
    `<p class="meta">${h(c.labels.join(' vs '))}, same seed</p>`,
    parting,
    '<h2>Key facts</h2>',
    facts,
    '<h2>Timelines</h2>',
    ...charts,
  ].join('\n');
  return { html: htmlPage(`${title} - provsim comparison`, body), warnings };
}
