/**
 * Compiles a Vega-Lite specification to a static SVG string with Vega's headless renderer (no canvas, no DOM, no
 * network). Deterministic: the same specification gives the same bytes. Each mark's aria-label (its
 * `description`) is copied into an SVG `<title>`, so a browser shows it as a tooltip without any script.
 * Warnings of Vega-Lite and Vega are collected (never printed): a clean specification yields none.
 *
 * Compiling (Vega-Lite's `compile`, then Vega's `parse`) costs more than drawing, and a folder of scenarios draws
 * charts of few shapes with different data: so a specification is split into its template (the structure: inline
 * data as named datasets, scale domains, axis titles and heights as signals) and its values, the template is compiled
 * once per thread (`templateCache`), and each chart is a new Vega view of the compiled template given its values.
 * The bytes are those of compiling the whole specification (test/report/html/renderSvg.test.ts holds them so).
 */
import type { Runtime } from 'vega';
import type { TopLevelSpec } from 'vega-lite';

export interface RenderedSvg {
  readonly svg: string;
  readonly warnings: readonly string[];
}

/** A Vega / Vega-Lite logger that records warnings and errors instead of writing to the console. */
function collectingLogger(warnings: string[]) {
  let level = 2;
  const record = (...args: readonly unknown[]) => {
    warnings.push(args.map(String).join(' '));
  };
  const logger = {
    level(value?: number) {
      if (value === undefined) return level;
      level = value;
      return logger;
    },
    error: (...args: readonly unknown[]) => (record(...args), logger),
    warn: (...args: readonly unknown[]) => (record(...args), logger),
    info: () => logger,
    debug: () => logger,
  };
  return logger;
}

/**
 * Vega and Vega-Lite, loaded on first use (they take most of the command line's start-up time otherwise), or ahead
 * of it by a thread that knows it will draw.
 */
export async function loadChartLibraries() {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { parse: vega.parse, View: vega.View, compile: vegaLite.compile };
}

/** A specification split in two: the template (no data values, domains, axis titles or heights) and those values. */
export interface ChartTemplate {
  readonly template: TopLevelSpec;
  /** The key of the template's compiled form: its JSON. */
  readonly key: string;
  /** Named datasets (`data_in_<n>`) and their values. */
  readonly datasets: ReadonlyMap<string, readonly unknown[]>;
  /** Vega signals: the scale domains and axis titles (parameters `value_<n>`), and the heights. */
  readonly signals: ReadonlyMap<string, unknown>;
  /** The signals among them that Vega-Lite makes of the views' heights. */
  readonly heights: readonly string[];
}

/**
 * Splits `spec`: every inline `data: {values}` becomes a named dataset, every scale `domain` given as a list and
 * every axis `title` given as text becomes a parameter (equal values share one, as layers sharing a scale must),
 * and the height of the view (or of each view of a `vconcat`) a signal.
 */
export function chartTemplate(spec: TopLevelSpec): ChartTemplate {
  const datasets = new Map<string, readonly unknown[]>();
  const signals = new Map<string, unknown>();
  const byValue = new Map<string, string>();
  const signalFor = (value: unknown): string => {
    const json = JSON.stringify(value);
    let name = byValue.get(json);
    if (name === undefined) {
      name = `value_${byValue.size}`;
      byValue.set(json, name);
      signals.set(name, value);
    }
    return name;
  };
  const walk = (node: unknown, parentKey: string): unknown => {
    if (Array.isArray(node)) return node.map((x) => walk(x, parentKey));
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const v = value as Record<string, unknown> | null;
      if (key === 'data' && Array.isArray(v?.values)) {
        const name = `data_in_${datasets.size}`;
        datasets.set(name, v.values as unknown[]);
        out[key] = { name };
      } else if (parentKey === 'scale' && key === 'domain' && Array.isArray(value)) {
        out[key] = { expr: signalFor(value) };
      } else if (parentKey === 'axis' && key === 'title' && typeof value === 'string') {
        out[key] = { signal: signalFor(value) };
      } else out[key] = walk(value, key);
    }
    return out;
  };
  const body = walk(spec, '') as Record<string, unknown>;
  const params = [...signals.keys()].map((name) => ({ name, value: null }));
  // The heights of the view or of each view of a vertical concatenation: Vega-Lite makes each a Vega signal
  // (`height`, `concat_<i>_height`) whose value it takes from here and uses nowhere else.
  const heights = new Map<string, number>();
  const sized = (view: Record<string, unknown>, signal: string) => {
    if (typeof view.height !== 'number') return view;
    heights.set(signal, view.height);
    // Apart from one another: Vega-Lite makes one signal of views of equal heights.
    return { ...view, height: PLACEHOLDER_HEIGHT + heights.size };
  };
  const vconcat = body.vconcat as Record<string, unknown>[] | undefined;
  const template = sized(
    {
      ...body,
      ...(vconcat === undefined ? {} : { vconcat: vconcat.map((v, i) => sized(v, `concat_${i}_height`)) }),
      params: [...((body.params as unknown[]) ?? []), ...params],
    },
    'height',
  ) as unknown as TopLevelSpec;
  for (const [name, value] of heights) signals.set(name, value);
  return { template, key: JSON.stringify(template), datasets, signals, heights: [...heights.keys()] };
}

/** About the heights templates are compiled with; each chart's own is set as a signal (`ChartTemplate.heights`). */
const PLACEHOLDER_HEIGHT = 1000;

/** A compiled template: Vega's runtime description (read-only; each view builds its own dataflow from it). */
interface Compiled {
  readonly runtime: Runtime;
  readonly warnings: readonly string[];
}

/**
 * [provsim] The compiled templates of this thread, by key, at most `TEMPLATES_KEPT` (the oldest dropped first): a
 * report's charts take a handful of shapes (the whole run with or without the checks panel and its optional
 * layers, the close-up: 4 for the bundled reports), so a folder of any size compiles a few at most.
 */
const templateCache = new Map<string, Promise<Compiled>>();
const TEMPLATES_KEPT = 64;

async function compiled(t: ChartTemplate): Promise<Compiled> {
  let entry = templateCache.get(t.key);
  if (entry === undefined) {
    entry = (async () => {
      const { parse, compile } = await loadChartLibraries();
      const warnings: string[] = [];
      const logger = collectingLogger(warnings);
      const vega = compile(t.template, { logger: logger as never }).spec;
      // A height the compiled specification does not have as a signal would be left at the placeholder.
      for (const name of t.heights) {
        const found = name === 'height' ? vega.height : vega.signals?.find((x) => x.name === name);
        if (found === undefined) throw new Error(`renderSvg: Vega-Lite made no signal ${name} of a view's height`);
      }
      return { runtime: parse(vega), warnings };
    })();
    if (templateCache.size >= TEMPLATES_KEPT) templateCache.delete(templateCache.keys().next().value as string);
    templateCache.set(t.key, entry);
  }
  return entry;
}

/**
 * Renders `spec`; `idPrefix` keeps the element ids of several SVGs on one page apart (Vega numbers its clip paths
 * with a process-wide counter, so they are renumbered here: the bytes depend on the specification alone).
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix = 'chart'): Promise<RenderedSvg> {
  const t = chartTemplate(spec);
  const [{ View }, c] = await Promise.all([loadChartLibraries(), compiled(t)]);
  const warnings = [...c.warnings];
  const view = new View(c.runtime, { renderer: 'none', logger: collectingLogger(warnings) as never });
  try {
    for (const [name, values] of t.datasets) view.data(name, values as object[]);
    for (const [name, value] of t.signals) view.signal(name, value);
    return { svg: renumberIds(withTitles(await view.toSVG()), idPrefix), warnings };
  } finally {
    view.finalize();
  }
}

/** `renderSvg` without the template cache: `spec` compiled whole (for tests that hold the two to the same bytes). */
export async function renderSvgCompiledWhole(spec: TopLevelSpec, idPrefix = 'chart'): Promise<RenderedSvg> {
  const { parse, View, compile } = await loadChartLibraries();
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const vega = compile(spec, { logger: logger as never }).spec;
  const view = new View(parse(vega), { renderer: 'none', logger: logger as never });
  try {
    return { svg: renumberIds(withTitles(await view.toSVG()), idPrefix), warnings };
  } finally {
    view.finalize();
  }
}
/** `<path aria-label="x" .../>` -> `<path aria-label="x" ...><title>x</title></path>` for graphics symbols. */
export function withTitles(svg: string): string {
  return svg.replace(
    /<(path|line|text|rect|circle)(\s[^>]*?aria-label="([^"]*)"[^>]*?role="graphics-symbol"[^>]*?)\/>/g,
    (_m, tag: string, attrs: string, label: string) => `<${tag}${attrs}><title>${label}</title></${tag}>`,
  );
}

/** Renames every `id="..."` of the SVG to `<prefix>-<n>` in order of appearance, and the `url(#...)` references. */
export function renumberIds(svg: string, prefix: string): string {
  const ids = new Map<string, string>();
  for (const m of svg.matchAll(/\sid="([^"]+)"/g)) {
    const id = m[1] as string;
    if (!ids.has(id)) ids.set(id, `${prefix}-${ids.size + 1}`);
  }
  return svg
    .replace(/(\sid=")([^"]+)"/g, (_m, head: string, id: string) => `${head}${ids.get(id) ?? id}"`)
    .replace(/url\(#([^)]+)\)/g, (_m, id: string) => `url(#${ids.get(id) ?? id})`);
}
