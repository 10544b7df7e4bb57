/**
 * Worker threads that take jobs from a queue, for the commands that spread work over the free cores (`explore`'s
 * search, `run`'s HTML pages). Each worker is kept two jobs ahead, so it does not wait for the thread that hands
 * them out (`feed` tops them up when jobs arrive later); the results come back in whatever order the workers
 * finish, and the caller puts them in order.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface WorkerPool {
  /** Worker threads started. */
  readonly size: number;
  /** Offers jobs (`take`) to the workers that are fewer than two jobs ahead: after new jobs became available. */
  feed(): void;
  /** Resolves once every job handed out has come back (rejects on a worker's failure). */
  finish(): Promise<void>;
  stop(): void;
}

/** Whether the worker module at `url` can run (compiled beside its caller; not when running from TypeScript sources). */
export function workerModuleExists(url: URL): boolean {
  return url.protocol === 'file:' && existsSync(fileURLToPath(url));
}

/**
 * Starts `count` workers of the module at `url`. `take` gives the next job (undefined: none left); `onResult` takes
 * each result and returns an error when the result reports one.
 */
export function startWorkerPool<Job, Result>(options: {
  readonly url: URL;
  readonly count: number;
  readonly workerData?: unknown;
  readonly take: () => Job | undefined;
  readonly onResult: (result: Result) => Error | undefined;
  /** Names the workers in the error when one stops early (`an explore worker`). */
  readonly what: string;
}): WorkerPool {
  const pool: Worker[] = [];
  let outstanding = 0;
  let failure: Error | null = null;
  let settle: (() => void) | null = null;
  const check = () => {
    if (failure !== null || outstanding === 0) settle?.();
  };
  const ahead = new Map<Worker, number>();
  const feed = (w: Worker) => {
    while ((ahead.get(w) ?? 0) < 2) {
      const job = options.take();
      if (job === undefined) return;
      outstanding++;
      ahead.set(w, (ahead.get(w) ?? 0) + 1);
      w.postMessage(job);
    }
  };
  for (let i = 0; i < options.count; i++) {
    const w = new Worker(options.url, { workerData: options.workerData });
    pool.push(w);
    w.on('message', (result: Result) => {
      outstanding--;
      ahead.set(w, (ahead.get(w) ?? 1) - 1);
      failure ??= options.onResult(result) ?? null;
      feed(w);
      check();
    });
    w.on('error', (error) => {
      failure ??= error;
      check();
    });
    w.on('exit', (code) => {
      if (outstanding > 0) failure ??= new Error(`${options.what} stopped before it finished (exit code ${code})`);
      check();
    });
    feed(w);
  }
  return {
    size: pool.length,
    feed: () => {
      for (const w of pool) feed(w);
    },
    finish: () =>
      new Promise<void>((resolve, reject) => {
        settle = () => (failure === null ? resolve() : reject(failure));
        check();
      }),
    stop: () => {
      for (const w of pool) void w.terminate();
    },
  };
}
