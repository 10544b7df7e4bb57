/**
 * The HTML reports of many scenarios rendered on several threads: this one and worker threads. Reports are added
 * as they are made (`HtmlPages.add`), so the workers render while this thread still runs the scenarios behind
 * them; this thread renders too once it has added the last (`finish`). Rendering is pure (`formatHtml`: the same
 * report gives the same bytes), so the pages are those of one thread, whatever the number of threads; each page is
 * handed to `onPage` in this thread from `finish` on (nothing is written while scenarios may still fail), inside
 * the caller's asynchronous context (so `writeAtomic` stages it with the command's other files).
 *
 * Workers run the compiled module `htmlWorker.js` beside this one; when this module runs from TypeScript sources
 * (in the tests) there is none, and every page is rendered in this thread.
 */
import { formatHtml } from '../report/html/formatHtml.js';
import type { Report } from '../report/Report.js';
import { startWorkerPool, workerModuleExists } from './workerPool.js';

/** Messages between this thread and a worker. */
export interface ToHtmlWorker {
  readonly index: number;
  readonly report: Report;
}
export type FromHtmlWorker =
  { readonly index: number; readonly html: string } | { readonly index: number; readonly error: string };

const WORKER_URL = new URL('./htmlWorker.js', import.meta.url);

/**
 * [provsim] Fewer reports than this are rendered in this thread alone: a worker spends about as long loading the
 * chart renderer (Vega) as rendering a few pages.
 */
export const MIN_REPORTS_PER_WORKER = 8;

/** The threads worth starting for `count` reports, at most `threads`. */
export function htmlThreadsFor(count: number, threads: number): number {
  if (!workerModuleExists(WORKER_URL)) return 1;
  return Math.max(1, Math.min(Math.floor(threads), Math.floor(count / MIN_REPORTS_PER_WORKER)));
}

/** Pages being rendered: reports go in with `add`, pages come out through `onPage` (each exactly once, any order). */
export interface HtmlPages {
  /** Queues the page of the next report (its index is the number of reports added before it). */
  add(report: Report): void;
  /** Gives the workers the reports added since, and lets their pages in (kept until `finish`). */
  breathe(): Promise<void>;
  /**
   * Hands the pages rendered so far to `onPage`, renders the pages no worker has taken in this thread, and waits
   * for every page. Then stops the workers.
   */
  finish(): Promise<void>;
  /** Stops the workers at once (after a failure). */
  stop(): void;
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Starts rendering pages for `expected` reports on up to `threads` threads: the workers start now, and load the
 * chart renderer while the caller runs its first scenarios.
 */
export function startHtmlPages(
  expected: number,
  threads: number,
  onPage: (index: number, html: string) => void,
): HtmlPages {
  const reports: Report[] = [];
  const pages = new Map<number, string>();
  const flush = () => {
    for (const [index, html] of pages) onPage(index, html);
    pages.clear();
  };
  let next = 0;
  const take = (): number | undefined => (next < reports.length ? next++ : undefined);
  const pool = startWorkerPool<ToHtmlWorker, FromHtmlWorker>({
    url: WORKER_URL,
    count: htmlThreadsFor(expected, threads) - 1,
    take: () => {
      const index = take();
      return index === undefined ? undefined : { index, report: reports[index] as Report };
    },
    onResult: (m) => {
      if ('error' in m) return new Error(m.error);
      pages.set(m.index, m.html);
      return undefined;
    },
    what: 'an HTML worker',
  });
  const breathe = async () => {
    if (pool.size === 0) return;
    pool.feed();
    await nextTurn();
  };
  return {
    add: (report) => {
      reports.push(report);
    },
    breathe,
    finish: async () => {
      try {
        pool.feed();
        flush();
        for (let i = take(); i !== undefined; i = take()) {
          pages.set(i, await formatHtml(reports[i] as Report));
          await breathe();
          flush();
        }
        await pool.finish();
        flush();
      } finally {
        pool.stop();
      }
    },
    stop: () => pool.stop(),
  };
}
