/**
 * Compiles a Vega-Lite specification to a static SVG string with Vega's headless renderer (no canvas, no DOM, no
 * network). Deterministic: the same specification gives the same bytes. Each mark's aria-label (its
 * `description`) is copied into an SVG `<title>`, so a browser shows it as a tooltip without any script.
 * Warnings of Vega-Lite and Vega are collected (never printed): a clean specification yields none.
 *
 * Compiling (Vega-Lite's `compile`, then Vega's `parse`) costs more than drawing, and a folder of scenarios draws
 * charts of few shapes with different data: so a specification is split into its template (the structure: inline
 * data as named datasets, scale domains and axis titles as parameters) and its values, the template is compiled
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

/** Loaded on first use: vega and vega-lite take most of the command line's start-up time otherwise. */
async function libraries() {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  return { parse: vega.parse, View: vega.View, compile: vegaLite.compile };
}

/** A specification split in two: the template (no data values, no domains, no axis titles) and those values. */
export interface ChartTemplate {
  readonly template: TopLevelSpec;
  /** The key of the template's compiled form: its JSON. */
  readonly key: string;
  /** Named datasets (`data_in_<n>`) and their values. */
  readonly datasets: ReadonlyMap<string, readonly unknown[]>;
  /** Parameters (`value_<n>`, Vega signals): the scale domains and axis titles. */
  readonly signals: ReadonlyMap<string, unknown>;
}

/**
 * Splits `spec`: every inline `data: {values}` becomes a named dataset, every scale `domain` given as a list and
 * every axis `title` given as text becomes a parameter (equal values share one, as layers sharing a scale must).
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
  const template = {
    ...body,
    params: [...((body.params as unknown[]) ?? []), ...[...signals.keys()].map((name) => ({ name, value: null }))],
  } as TopLevelSpec;
  return { template, key: JSON.stringify(template), datasets, signals };
}

/** A compiled template: Vega's runtime description (read-only; each view builds its own dataflow from it). */
interface Compiled {
  readonly runtime: Runtime;
  readonly warnings: readonly string[];
}

/**
 * [provsim] The compiled templates of this thread, by key, at most `TEMPLATES_KEPT` (the oldest dropped first): a
 * report's charts take a handful of shapes (with or without the checks panel, its optional layers, the number of
 * rows), so a folder of any size compiles a few dozen at most.
 */
const templateCache = new Map<string, Promise<Compiled>>();
const TEMPLATES_KEPT = 64;

async function compiled(t: ChartTemplate): Promise<Compiled> {
  let entry = templateCache.get(t.key);
  if (entry === undefined) {
    entry = (async () => {
      const { parse, compile } = await libraries();
      const warnings: string[] = [];
      const logger = collectingLogger(warnings);
      const vega = compile(t.template, { logger: logger as never }).spec;
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
  const [{ View }, c] = await Promise.all([libraries(), compiled(t)]);
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
  const { parse, View, compile } = await libraries();
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
