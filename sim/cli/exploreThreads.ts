/**
 * The random search of `explore` on several threads: this one and worker threads, each checking the next range of
 * run numbers (a chunk) when done with one. The result is the one search in one thread gives, whatever the number of
 * threads or the order in which chunks finish: each run number draws the same scenario anywhere (`searchRange`),
 * and the chunks are joined in order, up to and including the first that failed, so the runs counted, the failing
 * run and the goal and coverage tallies are those of the serial search.
 *
 * Workers run the compiled module `exploreWorker.js` beside this one; when this module runs from TypeScript sources
 * (in the tests) there is none, and the search stays in this thread, with the same result.
 */
import { CoverageTally, type RuleCoverage } from '../verify/coverage.js';
import { type RangeResult, type SearchOptions, type SearchRange, searchRange } from '../verify/explore.js';
import { type GoalResult, GoalTally } from '../verify/goals.js';
import { startWorkerPool, workerModuleExists } from './workerPool.js';

export interface ThreadedSearchOptions {
  /** The first run number this search checks, and how many runs. */
  readonly from: number;
  readonly runs: number;
  /** The first run number of the whole search (`--path`, 0 without), when this one is a slice of it (a shard). */
  readonly start?: number;
  /** Threads that search: this one and `threads - 1` worker threads. */
  readonly threads: number;
  /** Runs per chunk handed to a thread (default 200). */
  readonly chunkSize?: number;
  /** Called after each chunk with the runs checked so far (in any order). */
  readonly onProgress?: (done: number) => void;
}

export interface ThreadedSearch {
  readonly found: RangeResult;
  readonly searchMs: number;
  /** The goal and coverage tallies of every run checked up to the failure (or of all of them). */
  readonly goals: readonly GoalResult[];
  readonly coverage: readonly RuleCoverage[];
}

/** Messages between this thread and a worker. */
export interface ToSearchWorker {
  readonly chunk: number;
  readonly range: SearchRange;
}
export interface FromSearchWorker extends RangeResult {
  readonly chunk: number;
  readonly goals: readonly GoalResult[];
  readonly coverage: readonly RuleCoverage[];
}

const WORKER_URL = new URL('./exploreWorker.js', import.meta.url);

/** Whether worker threads can run here (the compiled worker module exists). */
export function searchWorkersAvailable(): boolean {
  return workerModuleExists(WORKER_URL);
}

/** One range of the search, with the goal and coverage tallies of its reports. */
export function checkChunk(options: SearchOptions, m: ToSearchWorker): FromSearchWorker {
  const goals = new GoalTally();
  const coverage = new CoverageTally();
  const result = searchRange(options, m.range, (report) => {
    goals.add(report);
    coverage.add(report.trace);
  });
  return { chunk: m.chunk, ...result, goals: goals.summary([]), coverage: coverage.summary() };
}

export async function searchOnThreads(options: SearchOptions, search: ThreadedSearchOptions): Promise<ThreadedSearch> {
  const size = Math.max(1, search.chunkSize ?? 200);
  const chunks: SearchRange[] = [];
  const end = search.from + search.runs;
  for (let from = search.from; from < end; from += size) {
    chunks.push({ from, count: Math.min(size, end - from), start: search.start ?? search.from });
  }
  const threads = searchWorkersAvailable() ? Math.min(Math.max(1, Math.floor(search.threads)), chunks.length) : 1;
  const started = performance.now();
  const results: FromSearchWorker[] = [];
  let firstFailing = Number.POSITIVE_INFINITY;
  let next = 0;
  let done = 0;
  /** The next chunk to check: none past one known to fail. */
  const take = (): ToSearchWorker | undefined => {
    if (next >= chunks.length || next > firstFailing) return undefined;
    const chunk = next++;
    return { chunk, range: chunks[chunk] as SearchRange };
  };
  const record = (r: FromSearchWorker) => {
    results[r.chunk] = r;
    if (r.failure !== null) firstFailing = Math.min(firstFailing, r.chunk);
    done += r.checked;
    search.onProgress?.(done);
  };
  const pool = startWorkerPool<ToSearchWorker, FromSearchWorker>({
    url: WORKER_URL,
    count: threads - 1,
    workerData: { options: searchOptionsOf(options) },
    take,
    onResult: (r) => (record(r), undefined),
    what: 'an explore worker',
  });
  try {
    for (let m = take(); m !== undefined; m = take()) {
      record(checkChunk(options, m));
      // Let the workers' results in (each asks for its next chunk).
      if (threads > 1) await new Promise((resolve) => setImmediate(resolve));
    }
    await pool.finish();
  } finally {
    pool.stop();
  }
  return { ...joined(results), searchMs: performance.now() - started };
}

/** The fields of `SearchOptions` alone (no callbacks), for a worker. */
function searchOptionsOf(o: SearchOptions): SearchOptions {
  const { seed, invariants, force, assumptions, faults, kinds, swarm } = o;
  return JSON.parse(JSON.stringify({ seed, invariants, force, assumptions, faults, kinds, swarm })) as SearchOptions;
}

/** The chunks' results in order, up to and including the first that failed. */
function joined(results: readonly FromSearchWorker[]): Omit<ThreadedSearch, 'searchMs'> {
  const goals = new GoalTally();
  const coverage = new CoverageTally();
  let checked = 0;
  let failure: RangeResult['failure'] = null;
  for (const r of results) {
    checked += r.checked;
    goals.addSummary(r.goals);
    coverage.addSummary(r.coverage);
    if (r.failure !== null) {
      failure = r.failure;
      break;
    }
  }
  return { found: { checked, failure }, goals: goals.summary([]), coverage: coverage.summary() };
}
