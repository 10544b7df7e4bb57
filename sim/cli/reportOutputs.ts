/**
 * The report formats of `run` and `check` beyond JSON and the text summary: the HTML report of each scenario and
 * the run's `index.html`, the trace-viewer export (`--trace`), Markdown for pull requests (`--format markdown`),
 * JUnit XML (`check --junit FILE`) and comparisons (`run --compare`). Only wiring and file writing live here (every
 * file through `writeAtomic`); the formats themselves are pure functions in `sim/report/`.
 */
import { basename, join } from 'node:path';
import type { Argv } from 'yargs';
import { compareReports, formatComparison, type Variant } from '../report/compare.js';
import { formatCompareHtml } from '../report/html/formatCompareHtml.js';
import { formatHtml } from '../report/html/formatHtml.js';
import { formatIndex, type IndexEntry } from '../report/html/formatIndex.js';
import { formatJunit } from '../report/junit.js';
import { formatMarkdown } from '../report/formatText.js';
import { formatMarkdownSummary } from '../report/markdownSummary.js';
import type { Report } from '../report/Report.js';
import { formatChromeTrace } from '../report/traceEvents.js';
import { closest } from '../scenario/closest.js';
import { ASSUMPTION_VALUES, type Assumptions, type Scenario } from '../scenario/Scenario.js';
import { RUN_INDEX } from './files.js';
import { startHtmlPages } from './htmlThreads.js';
import { UsageError } from './InputError.js';
import { parseAssume } from './overrides.js';
import { reportJson } from './scenarioArgs.js';
import { replaceReportSet, writeAtomic } from './writeAtomic.js';

export const RUN_FORMATS = ['text', 'json', 'html', 'markdown'] as const;
export type RunFormat = (typeof RUN_FORMATS)[number];
export const CHECK_FORMATS = ['text', 'json', 'markdown'] as const;

interface Io {
  readonly out: (text: string) => void;
}

/** `run`'s extra options: `--trace` and `--compare`. */
export function withRunReportOptions<T>(y: Argv<T>) {
  return y
    .option('trace', {
      type: 'boolean',
      default: false,
      describe: 'also write <out>/<name>.trace.json (Chrome Trace Event format, for Perfetto or chrome://tracing)',
    })
    .option('compare', {
      type: 'string',
      describe:
        'run variants side by side with the same seed: key=v1,v2 (an assumption; key alone: all its values) with one scenario, or no value with two scenario files',
    });
}

/** `check`'s extra options: `--junit FILE` and `--format text|markdown`. */
export function withCheckReportOptions<T>(y: Argv<T>) {
  return y
    .option('junit', { type: 'string', describe: 'write the results as JUnit XML to this file' })
    .option('format', {
      choices: CHECK_FORMATS,
      default: 'text' as const,
      describe: 'what goes to standard output (markdown: a summary for a pull-request comment)',
    });
}

/** Refuses output options that cannot work, before anything runs or is written. */
export function checkRunFormat(format: RunFormat, scenarioCount: number, out: string): void {
  if (format === 'html' && scenarioCount !== 1) {
    throw new UsageError(
      `--format html prints the report of one scenario, and ${scenarioCount} were given; without --format html, run writes the HTML report of each one to ${out}/ and links them from ${join(out, `${RUN_INDEX}.html`)}`,
    );
  }
}

/**
 * The report set of `run` (and `replay --out`): `<name>.json`, `<name>.md` and `<name>.html` for each report,
 * `index.html` for the run, and `<name>.trace.json` with `trace`; it replaces the folder's previous report set
 * (`replaceReportSet`: the files listed in `.provsim-report-set.json`). The HTML pages are rendered on up to
 * `threads` threads (default 1); the bytes are the same for any number.
 */
export async function writeRunReports(
  out: string,
  reports: readonly Report[],
  options: { trace: boolean; threads?: number },
) {
  const set = startRunReports(out, reports.length, options);
  for (const r of reports) set.add(r);
  await set.finish();
}

/** A report set whose pages are rendered as its reports are made: see `startRunReports`. */
export interface RunReports {
  /** Queues the report's HTML page (for a worker thread, at once). */
  add(report: Report): void;
  /** Gives the workers the reports added since: call it between reports. */
  breathe(): Promise<void>;
  /**
   * Writes every file: each report's JSON and Markdown (and trace), the HTML pages (rendering those no worker has
   * rendered yet), `index.html`; then replaces the previous report set.
   */
  finish(): Promise<void>;
  /** Stops the HTML workers (when making the reports failed: nothing has been written). */
  stop(): void;
}

/**
 * `writeRunReports` for `expected` reports given one at a time: the HTML workers start now and render each page
 * while the caller makes the next reports. Nothing is written before `finish` (a later scenario may still be bad
 * input, and then no file may appear); the pages rendered meanwhile wait in memory. The files are those of
 * `writeRunReports` with the same reports.
 */
export function startRunReports(
  out: string,
  expected: number,
  options: { trace: boolean; threads?: number },
): RunReports {
  const entries: IndexEntry[] = [];
  const pages = startHtmlPages(expected, options.threads ?? 1, (i, html) =>
    writeAtomic(join(out, entries[i]?.files.html as string), html),
  );
  return {
    add: (r) => {
      const name = r.scenario.name;
      const files: Record<string, string> = { html: `${name}.html`, json: `${name}.json`, md: `${name}.md` };
      if (options.trace) files.trace = `${name}.trace.json`;
      entries.push({ report: r, files });
      pages.add(r);
    },
    breathe: () => pages.breathe(),
    finish: async () => {
      for (const { report: r, files } of entries) {
        writeAtomic(join(out, files.json as string), reportJson(r));
        writeAtomic(join(out, files.md as string), formatMarkdown(r));
        if (files.trace !== undefined) writeAtomic(join(out, files.trace), formatChromeTrace(r));
        await pages.breathe();
      }
      await pages.finish();
      writeAtomic(join(out, `${RUN_INDEX}.html`), formatIndex(entries));
      // The set replaces the previous one as a whole (its logs included): no earlier report stays mixed in.
      replaceReportSet(out);
    },
    stop: () => pages.stop(),
  };
}

/** Standard output of `run` for the formats this module owns (`html`, `markdown`). */
export async function formatRunOutput(format: 'html' | 'markdown', reports: readonly Report[]): Promise<string> {
  if (format === 'markdown') return formatMarkdownSummary(reports, { command: 'provsim run' });
  return formatHtml(reports[0] as Report);
}

/** `check`'s outputs: the Markdown summary (returned, or null for text) and the JUnit file. */
export function checkOutputs(
  reports: readonly Report[],
  options: { junit?: string | undefined; format: (typeof CHECK_FORMATS)[number] },
): string | null {
  if (options.junit !== undefined) writeAtomic(options.junit, formatJunit(reports));
  return options.format === 'markdown' ? formatMarkdownSummary(reports, { command: 'provsim check' }) : null;
}

// -- --compare -------------------------------------------------------------------------------------------------

interface CompareArgs {
  readonly compare: string;
  readonly assume: readonly string[];
  readonly out: string;
  readonly format: RunFormat;
}

/** The assumption variants of `--compare key=v1,v2` (or `key`: every value), checked like `--assume`. */
export function parseCompare(spec: string): { key: keyof Assumptions; variants: Partial<Assumptions>[] } {
  const eq = spec.indexOf('=');
  const key = eq < 0 ? spec : spec.slice(0, eq);
  const keys = Object.keys(ASSUMPTION_VALUES) as (keyof Assumptions)[];
  if (!(keys as string[]).includes(key)) {
    const hint = closest(key, keys);
    throw new UsageError(
      `--compare ${spec}: unknown assumption "${key}"${hint ? `; did you mean "${hint}"?` : ''} Allowed: ${keys.join(', ')}; or give two scenario files and --compare without a value`,
    );
  }
  const k = key as keyof Assumptions;
  const raw = eq < 0 ? ASSUMPTION_VALUES[k].map(String) : spec.slice(eq + 1).split(',');
  const values = raw.map((v) => v.trim());
  if (new Set(values).size < 2 || values.length !== new Set(values).size) {
    throw new UsageError(
      `--compare ${spec}: give two or more different values of ${key}, for example --compare ${key}=${ASSUMPTION_VALUES[k].join(',')}`,
    );
  }
  return { key: k, variants: values.map((v) => parseAssume([`${key}=${v}`])) };
}

/**
 * `run --compare`: runs the variants with the same seed, prints where their timelines part and the key facts side
 * by side (text, json, markdown or html), and writes `<out>/<name>.compare.html`.
 */
export async function runComparison(
  args: CompareArgs,
  scenarios: readonly Scenario[],
  run: (scenarios: readonly Scenario[]) => Report[],
  io: Io,
): Promise<void> {
  let variants: Scenario[];
  let labels: string[];
  let title: string;
  if (args.compare === '') {
    if (scenarios.length !== 2) {
      throw new UsageError(
        `--compare without a value compares two scenario files, and ${scenarios.length} were given; to compare an assumption give it: --compare checkLoop=flow,continuous`,
      );
    }
    const [a, b] = scenarios as [Scenario, Scenario];
    variants = [a, { ...b, seed: a.seed }];
    labels = [a.name, b.name];
    title = `${a.name}-vs-${b.name}`;
  } else {
    const { key, variants: overrides } = parseCompare(args.compare);
    if (scenarios.length !== 1) {
      throw new UsageError(
        `--compare ${args.compare} compares variants of one scenario, and ${scenarios.length} were given`,
      );
    }
    if (args.assume.some((a) => a.startsWith(`${key}=`))) {
      throw new UsageError(`--compare ${args.compare}: ${key} is also set by --assume; drop one of them`);
    }
    const s = scenarios[0] as Scenario;
    variants = overrides.map((o) => ({ ...s, assumptions: { ...s.assumptions, ...o } }));
    labels = overrides.map((o) => `${key}=${String(o[key])}`);
    title = s.name;
  }
  const reports = run(variants);
  const pairs: Variant[] = reports.map((report, i) => ({ label: labels[i] ?? String(i), report }));
  const comparison = compareReports(pairs);
  const { html } = await formatCompareHtml(title, pairs, comparison);
  const file = join(args.out, `${title}.compare.html`);
  writeAtomic(file, html);
  switch (args.format) {
    case 'json':
      io.out(`${JSON.stringify(comparison, null, 2)}\n`);
      break;
    case 'html':
      io.out(html);
      break;
    case 'markdown':
      io.out(formatMarkdownSummary(reports, { command: `provsim run --compare ${title}`, labels }));
      break;
    default:
      io.out(formatComparison(comparison, title));
      io.out(`Comparison written to ${join(args.out, basename(file))}\n`);
  }
}
