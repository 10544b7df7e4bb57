/**
 * The HTML kit every page provsim writes stands on (the run report, the index and comparison pages, the fleet, tune,
 * remediate and triage pages): escaping, the one inline stylesheet and the document shell. Pages are
 * self-contained: no script, no external style sheet, font, image or link that needs the network.
 *
 * Charts come from two engines on purpose. The run report's timeline is a Vega-Lite specification rendered to static
 * SVG (`report/html/renderSvg.ts`): a time axis of arbitrary length, layered marks with tooltips and a legend, where
 * a grammar of graphics earns its weight. The fleet, tune, remediate and triage pages draw a handful of fixed
 * line and bar charts from summaries with the hand-written SVG of `svgChart.ts`: a few hundred bytes per chart, no
 * Vega to load in a worker or for a page of counts, and the markup is the chart.
 */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
:root { color-scheme: light; }
body { font: 14px/1.45 "Segoe UI", Helvetica, Arial, sans-serif; color: #1a1a1a; margin: 24px 32px; max-width: 1320px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 3px; }
.meta, .note { color: #555; font-size: 13px; }
.banner { margin: 12px 0 16px; padding: 10px 14px; border-radius: 6px; font-size: 15px; border-left: 6px solid; }
.banner.ok { background: #eaf6ee; border-color: #2e8b57; }
.banner.warn { background: #fff6e5; border-color: #f28e2b; }
.banner.bad { background: #fdecea; border-color: #d62728; }
.banner b { font-weight: 600; }
figure { margin: 8px 0 4px; overflow-x: auto; }
figcaption { color: #555; font-size: 12px; margin-top: 2px; }
svg.marks { display: block; }
table { border-collapse: collapse; margin: 4px 0 8px; font-size: 13px; }
th, td { text-align: left; padding: 3px 10px 3px 0; vertical-align: top; border-bottom: 1px solid #eee; }
th { color: #444; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #1b7a3e; font-weight: 600; }
.fail { color: #d62728; font-weight: 600; }
.legend { display: flex; flex-wrap: wrap; gap: 4px 16px; font-size: 12px; color: #333; margin: 4px 0 0; padding: 0; list-style: none; }
.legend li { display: flex; align-items: center; gap: 5px; }
.swatch { display: inline-block; width: 14px; height: 10px; border-radius: 2px; border: 1px solid rgba(0,0,0,.15); }
.swatch.mark { width: 3px; height: 12px; border: 0; }
.swatch.line { width: 16px; height: 0; border: 0; border-top: 2px dashed; }
code { font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
details summary { cursor: pointer; color: #333; }
.timeline td:nth-child(1), .timeline td:nth-child(2) { white-space: nowrap; font-family: Consolas, "DejaVu Sans Mono", monospace; font-size: 12px; }
.timeline td { padding-top: 1px; padding-bottom: 1px; }
.index td:nth-child(3), .index td:nth-child(5), .index td:nth-child(8) { white-space: nowrap; }
.sub { color: #555; margin-top: 0; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; margin: 16px 0; }
.card { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; }
.card b { display: block; font-size: 20px; } .card span { color: #555; font-size: 12px; }
.card.warn b { color: #b3261e; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
svg.chart { width: 100%; height: auto; display: block; margin: 10px 0; }
`;

/** A whole HTML document. */
export function htmlPage(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="provsim">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A table from a header row and rows of already-escaped cell HTML. */
export function table(head: readonly string[], rows: readonly (readonly string[])[], className = ''): string {
  const cls = className === '' ? '' : ` class="${className}"`;
  return `<table${cls}>
<thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('\n')}
</tbody>
</table>`;
}
