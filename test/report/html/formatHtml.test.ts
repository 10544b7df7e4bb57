/**
 * The HTML reports of every bundled scenario, checked structurally: the chart compiles without warnings, its SVG
 * is well-formed, it draws as many marks as the report has steps, checks, intervals and hazards, the page needs
 * nothing from the network, and the same report gives the same bytes. (The browser test renders one for real.)
 */
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { compareReports } from '../../../sim/report/compare.js';
import { formatCompareHtml } from '../../../sim/report/html/formatCompareHtml.js';
import { formatHtml, formatHtmlChecked } from '../../../sim/report/html/formatHtml.js';
import { formatIndex } from '../../../sim/report/html/formatIndex.js';
import { outcomeOf } from '../../../sim/report/outcome.js';
import type { Report } from '../../../sim/report/Report.js';
import { timelineOf } from '../../../sim/report/timelineOf.js';
import { runModel } from '../../../sim/model/runModel.js';
import { buildReport } from '../../../sim/report/Report.js';
import { createScenario } from '../../../sim/scenario/createScenario.js';
import { bundledReport, bundledReports } from '../bundledReports.js';

/** The inline SVG of the figure with this id. */
function figureSvg(html: string, id: string): string {
  const m = new RegExp(`<figure id="${id}">.*?(<svg.*?</svg>)`, 's').exec(html);
  if (m?.[1] === undefined) throw new Error(`no figure #${id}`);
  return m[1];
}

/** How many marks the named Vega mark group draws. */
function marks(svg: string, name: string): number {
  // An empty group is written self-closed: <g class="... NAME_marks" .../>.
  const group = new RegExp(`<g class="mark-\\w+ role-mark ${name}_marks"[^>]*?(/>|>(.*?)</g>)`, 's').exec(svg);
  if (group === null) throw new Error(`no mark group ${name}`);
  return (group[2] ?? '').split('role="graphics-symbol"').length - 1;
}

/**
 * How many marks of the report a row draws: its single marks plus, for each merged run (a mark whose tooltip starts
 * with its count, "12 x ..."), the marks it stands for. The run group is absent when nothing was merged.
 */
function drawnWithRuns(svg: string, single: string, runs: string): number {
  const group = new RegExp(`<g class="mark-\\w+ role-mark ${runs}_marks"[^>]*?(/>|>(.*?)</g>)`, 's').exec(svg);
  const counts = [...(group?.[2] ?? '').matchAll(/aria-label="(\d+) x /g)].map((m) => Number(m[1]));
  return marks(svg, single) + counts.reduce((a, b) => a + b, 0);
}

/** Everything in the page that would make a browser fetch something. */
function externalReferences(html: string): string[] {
  const refs = [
    ...html.matchAll(/<(script|link|img|iframe|object|embed)\b[^>]*>/g),
    ...html.matchAll(/\s(?:src|href)="(?!#|[\w.-]+\.(?:html|json|md)")[^"]*"/g),
    ...html.matchAll(/url\((?!#)[^)]*\)/g),
    ...html.matchAll(/@import/g),
  ].map((m) => m[0]);
  const urls = [...html.matchAll(/https?:\/\/[^\s"'<>)]+/g)]
    .map((m) => m[0])
    .filter((u) => u !== 'http://www.w3.org/2000/svg' && u !== 'http://www.w3.org/1999/xlink');
  return [...refs, ...urls];
}

const reports = bundledReports();

describe('formatHtml', () => {
  it.each(reports.map((r) => [r.scenario.name, r]))('%s draws every step, check, interval and hazard', async (_, r) => {
    const { html, warnings } = await formatHtmlChecked(r);
    expect(warnings).toEqual([]);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const svg = figureSvg(html, 'overview');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(marks(svg, 'step_bars')).toBe(r.trace.filter((e) => e.type === 'ts-step-start').length);
    expect(drawnWithRuns(svg, 'check_ticks', 'check_runs')).toBe(r.checks.length);
    // The elapsed-versus-max panel is drawn when there are checks.
    if (r.checks.length > 0) {
      const points = svg.includes('check_points_marks') ? marks(svg, 'check_points') : 0;
      const segments = [...svg.matchAll(/role-mark check_segments_marks.*?<\/g>/gs)].map((m) => m[0]).join('');
      const inSegments = [...segments.matchAll(/aria-label="(\d+) x /g)].reduce((a, m) => a + Number(m[1]), 0);
      expect(points + inSegments).toBe(r.checks.length);
    } else expect(svg).not.toContain('check_points_marks');
    expect(marks(svg, 'provisioning_bars')).toBe(r.provisioning.intervals.length);
    expect(marks(svg, 'hazard_points')).toBe(r.hazards.length);
    expect(drawnWithRuns(svg, 'policy_ticks', 'policy_runs')).toBe(
      r.trace.filter((e) => e.type === 'policy-retrieval' || e.type === 'policy-skipped').length,
    );
    const inRun = timelineOf(r).deadlines.filter((d) => !d.superseded && d.atMs <= r.scenario.horizonMs);
    expect(marks(svg, 'deadline_rules')).toBe(inRun.length);
    expect(externalReferences(html)).toEqual([]);
    expect(html).toContain(`class="banner ${outcomeOf(r).level}"`);
    for (const x of r.expectations) expect(html).toContain(`<code>${x.name}</code>`);
  });

  it('gives a tooltip to every mark', async () => {
    const svg = figureSvg(await formatHtml(bundledReport('disabled-client-ccmeval-rescue')), 'overview');
    const symbols = [...svg.matchAll(/<(?!g\s)\w+\s[^>]*role="graphics-symbol"/g)].length;
    expect(symbols).toBeGreaterThan(50);
    expect(svg.split('<title>').length - 1).toBe(symbols);
  });

  it('adds a close-up of a short task sequence with its rows only', async () => {
    const r = bundledReport('disabled-client-ccmeval-rescue');
    const detail = figureSvg(await formatHtml(r), 'detail');
    expect(marks(detail, 'step_bars')).toBe(3);
    expect(detail).toContain('>Task sequence<');
    expect(detail).not.toContain('>Policy<');
  });

  it('gives the same bytes for the same report, whatever was rendered before', async () => {
    const a = await formatHtml(bundledReport('clock-set-back'));
    await formatHtml(bundledReport('restart-storm'));
    expect(await formatHtml(bundledReport('clock-set-back'))).toBe(a);
  });

  it('escapes text from the scenario', async () => {
    const r = bundledReport('inplace-upgrade-success');
    const odd: Report = { ...r, scenario: { ...r.scenario, description: '<script>alert(1)</script> & co' } };
    const html = await formatHtml(odd);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; co');
    expect(html).not.toContain('<script>');
  });
});

describe('formatIndex', () => {
  it('links every scenario with its outcome', () => {
    const html = formatIndex(
      reports.map((r) => ({ report: r, files: { html: `${r.scenario.name}.html`, json: `${r.scenario.name}.json` } })),
    );
    for (const r of reports) {
      expect(html).toContain(`<a href="${r.scenario.name}.html">${r.scenario.name}</a>`);
      expect(html).toContain(outcomeOf(r).text);
    }
    expect(html.split('<tr>').length - 2).toBe(reports.length);
    expect(externalReferences(html)).toEqual([]);
  });
});

describe('formatCompareHtml', () => {
  it('shows both variants with the parting point and the differing facts', async () => {
    const r = bundledReport('disabled-client-ccmeval-rescue');
    const other: Report = bundledReport('restart-storm');
    const variants = [
      { label: 'a', report: r },
      { label: 'b', report: other },
    ];
    const c = compareReports(variants);
    const { html, warnings } = await formatCompareHtml('a-vs-b', variants, c);
    expect(warnings).toEqual([]);
    const svgs = [...html.matchAll(/<svg.*?<\/svg>/gs)].map((m) => m[0]);
    expect(svgs).toHaveLength(2);
    for (const svg of svgs) {
      expect(XMLValidator.validate(svg)).toBe(true);
      expect(marks(svg, 'marker_rules')).toBe(1);
    }
    expect(html).toContain(`The timelines part at trace entry #${(c.partingIndex ?? 0) + 1}`);
    expect(html.split('class="differ"').length - 1).toBe(c.facts.filter((f) => f.differ).length);
    expect(externalReferences(html)).toEqual([]);
  });

  it('merges a year of hourly checks into marks a reader can see, and counts every check', async () => {
    const r = buildReport(
      runModel(
        createScenario({
          name: 'stuck-for-a-year',
          horizonMs: 365 * 86_400_000,
          client: {
            registry: {
              ProvisioningMode: 'true',
              ProvisioningEnabledTime: 1767225600,
              ProvisioningMaxMinutes: 4294967295,
            },
          },
        }),
      ),
    );
    expect(r.checks.length).toBe(8761);
    const { html, warnings } = await formatHtmlChecked(r);
    expect(warnings).toEqual([]);
    const svg = figureSvg(html, 'overview');
    expect(marks(svg, 'check_runs')).toBeLessThan(10);
    expect(drawnWithRuns(svg, 'check_ticks', 'check_runs')).toBe(r.checks.length);
    expect(html.length).toBeLessThan(2_000_000);
  });
});
