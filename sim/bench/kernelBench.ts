/**
 * The kernel alone, against its peers, on one workload: N periodic timers, period one hour, each with a random
 * phase (whole milliseconds from the seeded source); every firing reschedules its timer one period later. Three
 * implementations run it:
 *
 * - `kernel`: provsim's `Simulator` through its public API (`schedule`, `runUntil`);
 * - `fake-timers`: `@sinonjs/fake-timers` (`createClock`, a `setTimeout` chain per timer, `clock.next()`);
 * - `minimal heap`: a binary heap on two typed arrays (time, timer id) with no priority, no insertion order and no
 *   cancellation, written here as the practical ceiling of a heap-based queue.
 *
 * Each reports events per second and a checksum (the sum of the times of the events it fired), which must agree:
 * the three fire the same events. Runs are timed after a warm-up; the median of `runs` is kept.
 */
import FakeTimers from '@sinonjs/fake-timers';
import { createRandom } from '../kernel/Random.js';
import { Simulator } from '../kernel/Simulator.js';

const PERIOD_MS = 3_600_000;

export interface KernelResult {
  readonly implementation: 'kernel' | 'fake-timers' | 'minimal heap';
  readonly timers: number;
  readonly events: number;
  readonly medianMs: number;
  readonly eventsPerSecond: number;
  readonly checksum: number;
}

function phases(n: number): Float64Array {
  const rng = createRandom(2026);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.nextInt(0, PERIOD_MS - 1);
  return out;
}

/** Provsim's kernel: fires `events` events (through runUntil) and returns the checksum. */
function runKernel(start: Float64Array, events: number): number {
  const sim = new Simulator<number>({ maxEvents: Number.MAX_SAFE_INTEGER });
  for (let i = 0; i < start.length; i++) sim.schedule(start[i] as number, 0, i);
  let left = events;
  let checksum = 0;
  // Fire in slices of simulated time until the count is reached; the handler reschedules each timer.
  let until = 0;
  while (left > 0) {
    until += PERIOD_MS / 4;
    sim.runUntil(until, (id, now) => {
      if (left <= 0) return;
      left--;
      checksum += now;
      sim.schedule(now + PERIOD_MS, 0, id);
    });
  }
  return checksum;
}

/** fake-timers: a setTimeout chain per timer, driven by `clock.next()`. */
function runFakeTimers(start: Float64Array, events: number): number {
  const clock = FakeTimers.createClock(0, Number.MAX_SAFE_INTEGER);
  let checksum = 0;
  const tick = () => {
    checksum += clock.now;
    clock.setTimeout(tick, PERIOD_MS);
  };
  for (let i = 0; i < start.length; i++) clock.setTimeout(tick, start[i] as number);
  for (let k = 0; k < events; k++) clock.next();
  return checksum;
}

/** The ceiling: a binary min-heap of (time, id) on typed arrays, pop then push. */
function runMinimalHeap(start: Float64Array, events: number): number {
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
  let checksum = 0;
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
    push(t + PERIOD_MS, id);
  }
  return checksum;
}

const RUNNERS = {
  kernel: runKernel,
  'fake-timers': runFakeTimers,
  'minimal heap': runMinimalHeap,
} as const;

/** Times one implementation: a warm-up, then `runs` timed runs; the median is kept. */
export function benchKernel(
  implementation: KernelResult['implementation'],
  timers: number,
  events: number,
  runs: number,
): KernelResult {
  const start = phases(timers);
  const run = RUNNERS[implementation];
  run(start, Math.min(events, 10_000)); // warm-up (compiles the hot paths)
  const times: number[] = [];
  let checksum = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    checksum = run(start, events);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)] as number;
  return {
    implementation,
    timers,
    events,
    medianMs: Math.round(medianMs * 100) / 100,
    eventsPerSecond: Math.round(events / (medianMs / 1000)),
    checksum,
  };
}
