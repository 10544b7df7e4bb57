/**
 * Runs a range of a fleet's clients on one or more threads (this one, plus worker threads) into one summary. The
 * result does not depend on the number of threads, the chunk size or the order in which chunks finish: each
 * client's outcome depends only on the fleet and its index, and summaries merge exactly (integer counts and sums,
 * maxima, smallest indices).
 *
 * Workers run the compiled module `fleetWorker.js` beside this one; when this module runs from TypeScript sources
 * (in the tests) there is none, and the run stays in this thread, with the same result.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Fleet } from '../load/Fleet.js';
import { FleetSummary, type SummaryJson } from '../summary/FleetSummary.js';
import { chunksOf, type ClientRange, simulateRange } from './simulateRange.js';

export interface RunFleetOptions {
  readonly range: ClientRange;
  /** Threads that simulate: this one and `workers - 1` worker threads; 1 (or fewer) runs in this thread alone. */
  readonly workers: number;
  /** Clients per unit of work handed to a worker (default 2000). */
  readonly chunkSize?: number;
  /** Called after each chunk with the clients done so far and the total. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** Messages between this thread and a worker. */
export type ToWorker = { readonly type: 'chunk'; readonly range: ClientRange } | { readonly type: 'finish' };
export type FromWorker =
  { readonly type: 'done'; readonly clients: number } | { readonly type: 'summary'; readonly summary: SummaryJson };

const WORKER_URL = new URL('./fleetWorker.js', import.meta.url);

/** Whether worker threads can run here (the compiled worker module exists). */
export function workersAvailable(): boolean {
  return WORKER_URL.protocol === 'file:' && existsSync(fileURLToPath(WORKER_URL));
}

export async function runFleet(fleet: Fleet, options: RunFleetOptions): Promise<FleetSummary> {
  const chunks = chunksOf(options.range, options.chunkSize ?? 2000);
  const total = options.range.to - options.range.from;
  const threads = Math.min(Math.max(1, Math.floor(options.workers)), chunks.length);
  return runOnThreads(fleet, chunks, workersAvailable() ? threads : 1, total, options.onProgress);
}

/**
 * Simulates the chunks on `threads` threads: this one and `threads - 1` worker threads, each taking the next chunk
 * when it is done with one (workers are kept two chunks ahead). Each thread adds its chunks to its own summary; the
 * summaries are merged at the end.
 */
async function runOnThreads(
  fleet: Fleet,
  chunks: readonly ClientRange[],
  threads: number,
  total: number,
  onProgress: ((done: number, total: number) => void) | undefined,
): Promise<FleetSummary> {
  const summary = new FleetSummary(fleet);
  let nextChunk = 0;
  let done = 0;
  const progress = (clients: number) => {
    done += clients;
    onProgress?.(done, total);
  };
  const workers = startWorkers(fleet, threads - 1, () => chunks[nextChunk++], progress);
  try {
    for (let chunk = chunks[nextChunk++]; chunk !== undefined; chunk = chunks[nextChunk++]) {
      simulateRange(fleet, chunk, summary);
      progress(chunk.to - chunk.from);
      // Let the workers' messages in (each asks for its next chunk).
      if (threads > 1) await new Promise((resolve) => setImmediate(resolve));
    }
    for (const s of await workers.finish()) summary.merge(FleetSummary.fromJSON(fleet, s));
  } catch (error) {
    workers.stop();
    throw error;
  }
  return summary;
}

interface WorkerPool {
  /** Resolves with each worker's summary once every worker has run out of chunks. */
  finish(): Promise<SummaryJson[]>;
  stop(): void;
}

function startWorkers(
  fleet: Fleet,
  count: number,
  nextChunk: () => ClientRange | undefined,
  progress: (clients: number) => void,
): WorkerPool {
  const pool: Worker[] = [];
  const summaries: SummaryJson[] = [];
  let failure: Error | null = null;
  let settle: (() => void) | null = null;
  const check = () => {
    if (failure !== null || summaries.length === count) settle?.();
  };
  const finishing = new Set<Worker>();
  /** Sends `w` the next chunk, or (once) the order to finish when none is left. */
  const feed = (w: Worker) => {
    const chunk = nextChunk();
    if (chunk !== undefined) w.postMessage({ type: 'chunk', range: chunk } satisfies ToWorker);
    else if (!finishing.has(w)) {
      finishing.add(w);
      w.postMessage({ type: 'finish' } satisfies ToWorker);
    }
  };
  for (let i = 0; i < count; i++) {
    const w = new Worker(WORKER_URL, { workerData: { fleet } });
    let sentSummary = false;
    pool.push(w);
    w.on('message', (m: FromWorker) => {
      if (m.type === 'done') {
        progress(m.clients);
        feed(w);
      } else {
        sentSummary = true;
        summaries.push(m.summary);
        void w.terminate();
        check();
      }
    });
    w.on('error', (error) => {
      failure ??= error;
      check();
    });
    w.on('exit', (code) => {
      if (!sentSummary) failure ??= new Error(`a fleet worker stopped before it finished (exit code ${code})`);
      check();
    });
    // Kept two chunks ahead, so a worker does not wait for this thread to hand out the next one.
    feed(w);
    feed(w);
  }
  return {
    finish: () =>
      new Promise<SummaryJson[]>((resolve, reject) => {
        for (const w of pool) feed(w); // the ones still holding chunks get `finish` when they ask for more
        settle = () => (failure === null ? resolve(summaries) : reject(failure));
        check();
      }),
    stop: () => {
      for (const w of pool) void w.terminate();
    },
  };
}
