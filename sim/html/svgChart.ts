/**
 * Small static SVG charts for the self-contained fleet, tune, remediate and triage pages (why not Vega-Lite: see
 * page.ts): a line (or area) chart and a bar chart, with
 * axes, ticks and a `<title>` tooltip on every mark. No script, no network: the markup is the chart. Pure.
 */
import { escapeHtml } from './page.js';

const FONT = 'font-family="system-ui, sans-serif" font-size="12"';
const AXIS = '#555';
const GRID = '#e3e3e3';

/** Up to about `count` round tick values from 0 to at least `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) {
    ticks.push(Math.round(v * 1e9) / 1e9);
    if (v >= max) break;
  }
  return ticks;
}

const fmtNumber = (v: number): string =>
  Math.abs(v) >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : String(Math.round(v * 1000) / 1000);

/** Axis ticks: 2.5M, 40k, 1,500, 0.25. */
const fmtTick = (v: number): string =>
  Math.abs(v) >= 1e6
    ? `${Math.round(v / 1e5) / 10}M`
    : Math.abs(v) >= 1e4
      ? `${Math.round(v / 100) / 10}k`
      : fmtNumber(v);

export interface Series {
  readonly name: string;
  readonly color: string;
  /** `[x, y]` points in increasing x. */
  readonly points: readonly (readonly [number, number])[];
  /** Text of each point's tooltip (same order as `points`). */
  readonly tooltips?: readonly string[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly xLabel: string;
  readonly series: readonly Series[];
  readonly xTicks: readonly { readonly value: number; readonly label: string }[];
  readonly xMin: number;
  readonly xMax: number;
  readonly width?: number;
  readonly height?: number;
  /** Shade the area under the first series. */
  readonly area?: boolean;
  /** Draw a dot on each point. */
  readonly dots?: boolean;
  /** Horizontal reference lines. */
  readonly rules?: readonly { readonly value: number; readonly label: string; readonly color: string }[];
  readonly yFormat?: (v: number) => string;
}

/** Charts fill the page (the page scales them down on a narrow screen). */
const DEFAULT_WIDTH = 1160;

export function lineChart(o: LineChartOptions): string {
  const width = o.width ?? DEFAULT_WIDTH;
  const height = o.height ?? 280;
  const m = { left: 70, right: 20, top: 34, bottom: 46 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const yMaxData = Math.max(
    0,
    ...o.series.flatMap((s) => s.points.map((p) => p[1])),
    ...(o.rules ?? []).map((r) => r.value),
  );
  const ticks = niceTicks(yMaxData);
  const yMax = ticks[ticks.length - 1] ?? 1;
  const span = o.xMax - o.xMin || 1;
  const x = (v: number) => m.left + ((v - o.xMin) / span) * plotW;
  const y = (v: number) => m.top + plotH - (v / yMax) * plotH;
  const yf = o.yFormat ?? fmtTick;
  const parts: string[] = [];
  parts.push(`<text x="${m.left}" y="18" font-weight="600">${escapeHtml(o.title)}</text>`);
  for (const t of ticks) {
    parts.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="${GRID}"/>`,
      `<text x="${m.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" fill="${AXIS}">${escapeHtml(yf(t))}</text>`,
    );
  }
  for (const t of o.xTicks) {
    parts.push(
      `<line x1="${x(t.value).toFixed(1)}" x2="${x(t.value).toFixed(1)}" y1="${m.top + plotH}" y2="${m.top + plotH + 5}" stroke="${AXIS}"/>`,
      `<text x="${x(t.value).toFixed(1)}" y="${m.top + plotH + 18}" text-anchor="middle" fill="${AXIS}">${escapeHtml(t.label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="${AXIS}"/>`,
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + plotH}" stroke="${AXIS}"/>`,
    `<text x="${m.left + plotW / 2}" y="${height - 8}" text-anchor="middle" fill="${AXIS}">${escapeHtml(o.xLabel)}</text>`,
    `<text transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="${AXIS}">${escapeHtml(o.yLabel)}</text>`,
  );
  o.series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const path = s.points.map((p, j) => `${j === 0 ? 'M' : 'L'}${x(p[0]).toFixed(1)},${y(p[1]).toFixed(1)}`).join('');
    if (o.area === true && i === 0) {
      const first = s.points[0] as readonly [number, number];
      const last = s.points[s.points.length - 1] as readonly [number, number];
      parts.push(
        `<path d="${path}L${x(last[0]).toFixed(1)},${y(0).toFixed(1)}L${x(first[0]).toFixed(1)},${y(0).toFixed(1)}Z" fill="${s.color}" fill-opacity="0.18" stroke="none"/>`,
      );
    }
    parts.push(
      `<path class="series" d="${path}" fill="none" stroke="${s.color}" stroke-width="2"><title>${escapeHtml(s.name)}</title></path>`,
    );
    if (o.dots === true) {
      s.points.forEach((p, j) => {
        const tip = s.tooltips?.[j] ?? `${s.name}: ${yf(p[1])}`;
        parts.push(
          `<circle class="point" cx="${x(p[0]).toFixed(1)}" cy="${y(p[1]).toFixed(1)}" r="4" fill="${s.color}"><title>${escapeHtml(tip)}</title></circle>`,
        );
      });
    }
  });
  for (const r of o.rules ?? []) {
    parts.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${y(r.value).toFixed(1)}" y2="${y(r.value).toFixed(1)}" stroke="${r.color}" stroke-dasharray="6 4"/>`,
      `<text x="${m.left + plotW - 4}" y="${(y(r.value) - 5).toFixed(1)}" text-anchor="end" fill="${r.color}">${escapeHtml(r.label)}</text>`,
    );
  }
  if (o.series.length > 1) {
    o.series.forEach((s, i) => {
      const lx = m.left + 10 + i * 170;
      parts.push(
        `<rect x="${lx}" y="${m.top - 4}" width="12" height="3" fill="${s.color}"/>`,
        `<text x="${lx + 16}" y="${m.top}" fill="${AXIS}">${escapeHtml(s.name)}</text>`,
      );
    });
  }
  return svg(width, height, o.title, parts);
}

export interface Bar {
  readonly label: string;
  readonly value: number;
  readonly tooltip?: string;
  readonly color?: string;
}

export interface BarChartOptions {
  readonly title: string;
  readonly bars: readonly Bar[];
  readonly color: string;
  readonly valueLabel: string;
  readonly width?: number;
  /** Horizontal bars (labels on the left), else vertical (labels below). */
  readonly horizontal?: boolean;
}

export function barChart(o: BarChartOptions): string {
  const width = o.width ?? DEFAULT_WIDTH;
  const parts: string[] = [`<text x="10" y="18" font-weight="600">${escapeHtml(o.title)}</text>`];
  const max = Math.max(0, ...o.bars.map((b) => b.value));
  const tip = (b: Bar) => b.tooltip ?? `${b.label}: ${fmtNumber(b.value)} ${o.valueLabel}`;
  if (o.horizontal === true) {
    const row = 26;
    const labelW = 150;
    const plotW = width - labelW - 90;
    const height = 34 + o.bars.length * row + 10;
    o.bars.forEach((b, i) => {
      const y0 = 34 + i * row;
      const w = max === 0 ? 0 : (b.value / max) * plotW;
      parts.push(
        `<text x="${labelW - 8}" y="${y0 + 15}" text-anchor="end" fill="${AXIS}">${escapeHtml(b.label)}</text>`,
        `<rect class="bar" x="${labelW}" y="${y0 + 3}" width="${Math.max(w, b.value > 0 ? 1 : 0).toFixed(1)}" height="${row - 8}" fill="${b.color ?? o.color}"><title>${escapeHtml(tip(b))}</title></rect>`,
        `<text x="${(labelW + w + 6).toFixed(1)}" y="${y0 + 15}" fill="${AXIS}">${escapeHtml(fmtNumber(b.value))}</text>`,
      );
    });
    return svg(width, height, o.title, parts);
  }
  const height = 280;
  const m = { left: 70, right: 20, top: 34, bottom: 62 };
  const plotW = width - m.left - m.right;
  const plotH = height - m.top - m.bottom;
  const ticks = niceTicks(max);
  const yMax = ticks[ticks.length - 1] ?? 1;
  const slot = plotW / Math.max(1, o.bars.length);
  for (const t of ticks) {
    const yy = m.top + plotH - (t / yMax) * plotH;
    parts.push(
      `<line x1="${m.left}" x2="${m.left + plotW}" y1="${yy.toFixed(1)}" y2="${yy.toFixed(1)}" stroke="${GRID}"/>`,
      `<text x="${m.left - 6}" y="${(yy + 4).toFixed(1)}" text-anchor="end" fill="${AXIS}">${escapeHtml(fmtTick(t))}</text>`,
    );
  }
  o.bars.forEach((b, i) => {
    // A bar of a few clients in a bin of thousands would be invisible: it gets at least 2 pixels, and every bar its
    // count written above it, so a tail bin (clients stuck 48 h and more) never reads as empty.
    const h = b.value > 0 ? Math.max(2, (b.value / yMax) * plotH) : 0;
    const x0 = m.left + i * slot;
    parts.push(
      `<rect class="bar" x="${(x0 + 2).toFixed(1)}" y="${(m.top + plotH - h).toFixed(1)}" width="${Math.max(1, slot - 4).toFixed(1)}" height="${h.toFixed(1)}" fill="${b.color ?? o.color}"><title>${escapeHtml(tip(b))}</title></rect>`,
      `<text class="count" x="${(x0 + slot / 2).toFixed(1)}" y="${(m.top + plotH - h - 4).toFixed(1)}" text-anchor="middle" fill="${AXIS}">${escapeHtml(fmtTick(b.value))}</text>`,
      `<text transform="translate(${(x0 + slot / 2).toFixed(1)} ${m.top + plotH + 12}) rotate(30)" fill="${AXIS}">${escapeHtml(b.label)}</text>`,
    );
  });
  parts.push(
    `<line x1="${m.left}" x2="${m.left + plotW}" y1="${m.top + plotH}" y2="${m.top + plotH}" stroke="${AXIS}"/>`,
    `<text transform="translate(14 ${m.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="${AXIS}">${escapeHtml(o.valueLabel)}</text>`,
  );
  return svg(width, height, o.title, parts);
}

function svg(width: number, height: number, title: string, parts: readonly string[]): string {
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}" ${FONT}>\n${parts.join('\n')}\n</svg>`;
}
