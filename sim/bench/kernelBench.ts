/**
 * The kernel alone, against its peers, side by side in one process: N timers, each firing rescheduling itself
 * after a delay, E firings in all. Two workloads:
 *
 * - `hourly`: every delay is one hour (each timer has a random phase, whole milliseconds from the seeded source);
 * - `random`: the k-th firing reschedules its timer after `delays[k]`, uniform in [1 ms, 2 h] (drawn once, before
 *   any timing, and read by every implementation from the same table).
 *
 * Three implementations fire exactly the same E events:
 *
 * - `kernel`: provsim's `Simulator` through its public API (`schedule`, `step`);
 * - `fake-timers`: `@sinonjs/fake-timers` (`createClock`, a `setTimeout` chain per timer, `clock.next()`);
 * - `minimal heap`: a binary heap on two typed arrays (time, timer id) with no priority, no insertion order and no
 *   cancellation, written here as the practical ceiling of a heap-based queue.
 *
 * Setup (creating the queue or clock and scheduling the N first timers) is excluded on every side: each round
 * prepares all three untimed, then times only the E firings. The rounds interleave the implementations (in a
 * rotating order), so a change of the machine's load hits them alike, and the median of the rounds is kept, with
 * the median of the per-round ratios. Each run returns a checksum (the sum of the times of the events it fired),
 * which must agree: the three fire the same events. (Ties are broken differently by the minimal heap, but the
 * multiset of times fired is the same whatever the order of simultaneous events.)
 */
import FakeTimers from '@sinonjs/fake-timers';
import { createRandom } from '../kernel/Random.js';
import { Simulator } from '../kernel/Simulator.js';

const PERIOD_MS = 3_600_000;

export type KernelWorkload = 'hourly' | 'random';
export type KernelImplementation = 'kernel' | 'fake-timers' | 'minimal heap';
export const KERNEL_IMPLEMENTATIONS: readonly KernelImplementation[] = ['kernel', 'minimal heap', 'fake-timers'];

/** The inputs every implementation shares: the first firing of each timer and the delay after each firing. */
export interface KernelInput {
  readonly start: Float64Array;
  readonly delays: Float64Array;
}

export function kernelInput(workload: KernelWorkload, timers: number, events: number): KernelInput {
  const rng = createRandom(2026);
  const start = new Float64Array(timers);
  for (let i = 0; i < timers; i++) start[i] = rng.nextInt(0, PERIOD_MS - 1);
  const delays = new Float64Array(events);
  for (let k = 0; k < events; k++) delays[k] = workload === 'hourly' ? PERIOD_MS : rng.nextInt(1, 2 * PERIOD_MS);
  return { start, delays };
}

/** A prepared run: setup done; calling it fires `delays.length` events and returns their checksum. */
type PreparedRun = () => number;

function prepareKernel({ start, delays }: KernelInput): PreparedRun {
  const sim = new Simulator<number>({ maxEvents: Number.MAX_SAFE_INTEGER });
  for (let i = 0; i < start.length; i++) sim.schedule(start[i] as number, 0, i);
  return () => {
    let k = 0;
    let checksum = 0;
    const handler = (id: number, now: number) => {
      checksum += now;
      sim.schedule(now + (delays[k++] as number), 0, id);
    };
    const events = delays.length;
    while (k < events) sim.step(handler);
    return checksum;
  };
}

function prepareFakeTimers({ start, delays }: KernelInput): PreparedRun {
  const clock = FakeTimers.createClock(0, Number.MAX_SAFE_INTEGER);
  let k = 0;
  let checksum = 0;
  const tick = () => {
    checksum += clock.now;
    clock.setTimeout(tick, delays[k++] as number);
  };
  for (let i = 0; i < start.length; i++) clock.setTimeout(tick, start[i] as number);
  return () => {
    const events = delays.length;
    while (k < events) clock.next();
    return checksum;
  };
}

function prepareMinimalHeap({ start, delays }: KernelInput): PreparedRun {
  const n = start.length;
  const times = new Float64Array(n);
  const ids = new Int32Array(n);
  let size = 0;
  const push = (t: number, id: number) => {
    let i = size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pt = times[p] as number;
      if (pt <= t) break;
      times[i] = pt;
      ids[i] = ids[p] as number;
      i = p;
    }
    times[i] = t;
    ids[i] = id;
  };
  for (let i = 0; i < n; i++) push(start[i] as number, i);
  return () => {
    let checksum = 0;
    const events = delays.length;
    for (let k = 0; k < events; k++) {
      const t = times[0] as number;
      const id = ids[0] as number;
      // pop: move the last entry down from the root
      const lt = times[--size] as number;
      const lid = ids[size] as number;
      let i = 0;
      for (;;) {
        let c = 2 * i + 1;
        if (c >= size) break;
        if (c + 1 < size && (times[c + 1] as number) < (times[c] as number)) c++;
        const ct = times[c] as number;
        if (ct >= lt) break;
        times[i] = ct;
        ids[i] = ids[c] as number;
        i = c;
      }
      times[i] = lt;
      ids[i] = lid;
      checksum += t;
      push(t + (delays[k] as number), id);
    }
    return checksum;
  };
}

const PREPARE: Record<KernelImplementation, (input: KernelInput) => PreparedRun> = {
  kernel: prepareKernel,
  'fake-timers': prepareFakeTimers,
  'minimal heap': prepareMinimalHeap,
};

export interface KernelMeasurement {
  readonly implementation: KernelImplementation;
  readonly medianMs: number;
  readonly eventsPerSecond: number;
  readonly allMs: readonly number[];
  readonly checksum: number;
}

export interface KernelComparison {
  readonly workload: KernelWorkload;
  readonly timers: number;
  readonly events: number;
  readonly rounds: number;
  readonly results: readonly KernelMeasurement[];
  /** Medians of the per-round ratios of events per second. */
  readonly kernelShareOfMinimalHeap: number;
  readonly kernelOverFakeTimers: number;
  readonly sameEvents: boolean;
}

const gc = (globalThis as { gc?: () => void }).gc;

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/**
 * Milliseconds now: wall time, or with `BENCH_CLOCK=cpu` this process's CPU time (user and system, every thread),
 * which other processes' load disturbs less (but which misses time spent waiting).
 */
export const clockMs: () => number =
  process.env.BENCH_CLOCK === 'cpu'
    ? () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      }
    : () => performance.now();

/** Times one prepared run (a collection first, when node exposes it, so no one pays for another's garbage). */
function timeOne(run: PreparedRun): { ms: number; checksum: number } {
  gc?.();
  const t0 = clockMs();
  const checksum = run();
  return { ms: clockMs() - t0, checksum };
}

/** The three implementations side by side on one workload: `rounds` interleaved rounds after a warm-up round. */
export function compareKernels(
  workload: KernelWorkload,
  timers: number,
  events: number,
  rounds: number,
): KernelComparison {
  const input = kernelInput(workload, timers, events);
  const warm = kernelInput(workload, timers, Math.min(events, 20_000));
  for (const impl of KERNEL_IMPLEMENTATIONS) PREPARE[impl](warm)();
  const ms = new Map<KernelImplementation, number[]>(KERNEL_IMPLEMENTATIONS.map((i) => [i, []]));
  const sums = new Map<KernelImplementation, number>();
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < KERNEL_IMPLEMENTATIONS.length; j++) {
      const impl = KERNEL_IMPLEMENTATIONS[(r + j) % KERNEL_IMPLEMENTATIONS.length] as KernelImplementation;
      const { ms: took, checksum } = timeOne(PREPARE[impl](input));
      ms.get(impl)?.push(took);
      sums.set(impl, checksum);
    }
  }
  const results = KERNEL_IMPLEMENTATIONS.map((implementation): KernelMeasurement => {
    const all = ms.get(implementation) ?? [];
    const medianMs = median(all);
    return {
      implementation,
      medianMs: round2(medianMs),
      eventsPerSecond: Math.round(events / (medianMs / 1000)),
      allMs: all.map(round2),
      checksum: sums.get(implementation) ?? NaN,
    };
  });
  const ratio = (a: KernelImplementation, b: KernelImplementation) => {
    const xs = ms.get(a) ?? [];
    const ys = ms.get(b) ?? [];
    return median(xs.map((x, i) => (ys[i] as number) / x));
  };
  const checksums = new Set(results.map((r) => r.checksum));
  return {
    workload,
    timers,
    events,
    rounds,
    results,
    kernelShareOfMinimalHeap: round3(ratio('kernel', 'minimal heap')),
    kernelOverFakeTimers: round3(ratio('kernel', 'fake-timers')),
    sameEvents: checksums.size === 1,
  };
}

export const round2 = (x: number): number => Math.round(x * 100) / 100;
export const round3 = (x: number): number => Math.round(x * 1000) / 1000;
