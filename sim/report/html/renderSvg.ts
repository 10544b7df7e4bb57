/**
 * Compiles a Vega-Lite specification to a static SVG string with Vega's headless renderer (no canvas, no DOM, no
 * network). Deterministic: the same specification gives the same bytes. Each mark's aria-label (its
 * `description`) is copied into an SVG `<title>`, so a browser shows it as a tooltip without any script.
 * Warnings of Vega-Lite and Vega are collected (never printed): a clean specification yields none.
 */
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
 * Renders `spec`; `idPrefix` keeps the element ids of several SVGs on one page apart (Vega numbers its clip paths
 * with a process-wide counter, so they are renumbered here: the bytes depend on the specification alone).
 */
export async function renderSvg(spec: TopLevelSpec, idPrefix = 'chart'): Promise<RenderedSvg> {
  // Loaded on first use: vega and vega-lite take most of the command line's start-up time otherwise.
  const [{ parse, View }, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const warnings: string[] = [];
  const logger = collectingLogger(warnings);
  const compiled = compile(spec, { logger: logger as never }).spec;
  const view = new View(parse(compiled), { renderer: 'none', logger: logger as never });
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
