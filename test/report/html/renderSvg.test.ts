/**
 * The charts through compiled templates (`renderSvg`) against each specification compiled whole: the same bytes for
 * every chart of every bundled report, and templates shared by charts that differ only in their data.
 */
import { describe, expect, it } from 'vitest';
import { CHART_WIDTH, detailWindow } from '../../../sim/report/html/formatHtml.js';
import { chartTemplate, renderSvg, renderSvgCompiledWhole } from '../../../sim/report/html/renderSvg.js';
import { timelineChartSpec } from '../../../sim/report/html/timelineChart.js';
import type { Report } from '../../../sim/report/Report.js';
import { timelineOf } from '../../../sim/report/timelineOf.js';
import { bundledReport, bundledReports } from '../bundledReports.js';

/** The charts of a report's page: the whole run, and the close-up when there is one. */
function chartSpecs(r: Report) {
  const t = timelineOf(r);
  const window = detailWindow(r, t);
  return [
    timelineChartSpec(t, { width: CHART_WIDTH, checksPanel: true }),
    ...(window === null ? [] : [timelineChartSpec(t, { width: CHART_WIDTH, ...window })]),
  ];
}

const reports = bundledReports();

describe('renderSvg', () => {
  it.each(reports.map((r) => [r.scenario.name, r]))(
    '%s: each chart has the bytes of its specification compiled whole',
    async (_, r) => {
      for (const spec of chartSpecs(r)) {
        const whole = await renderSvgCompiledWhole(spec);
        expect(whole.warnings).toEqual([]);
        expect(await renderSvg(spec)).toEqual(whole);
      }
    },
  );

  it('keeps no data, domain or axis title in the template', () => {
    const [spec] = chartSpecs(bundledReport('clock-set-back'));
    const t = chartTemplate(spec as NonNullable<typeof spec>);
    expect(t.key).not.toContain('"values"');
    expect(t.key).not.toContain('time since the start');
    expect(t.key).not.toMatch(/"domain":\[/);
    expect(t.datasets.size).toBeGreaterThan(10);
    // The lanes' and the panel's x scales share one domain, so one parameter.
    expect([...t.signals.values()].filter((v) => Array.isArray(v) && typeof v[0] === 'number')).toHaveLength(1);
  });

  it('shares one template among charts that differ only in their data', () => {
    const keys = reports.flatMap((r) => chartSpecs(r).map((s) => chartTemplate(s).key));
    expect(new Set(keys).size).toBeLessThan(keys.length / 4);
  });

  it('gives the same bytes whichever chart of the template came before', async () => {
    const [a] = chartSpecs(bundledReport('clock-set-back'));
    const [b] = chartSpecs(bundledReport('max-minutes-premature-exit'));
    const first = await renderSvg(a as NonNullable<typeof a>);
    await renderSvg(b as NonNullable<typeof b>);
    expect(await renderSvg(a as NonNullable<typeof a>)).toEqual(first);
  });
});
