/**
 * The benchmarks of the fleet issue, run by `npm run bench` (sim/bench/main.ts) and written into
 * `reports/bench.json`:
 *
 * (a) the kernel alone against `@sinonjs/fake-timers` and a minimal typed-array heap (see kernelBench.ts), at
 *     N = 100,000 and 1,000,000 periodic timers, in events per second, each measurement in a fresh process, the
 *     kernel and the heap taking turns (median of at least 5 each), with the checksums that show all three fire the
 *     same events;
 * (b) `provsim fleet` on the bundled default fleet (1,000,000 clients over 30 days) as a user runs it, with 1 and 2
 *     worker threads: wall time of the whole process (start-up and report writing included), peak resident memory,
 *     clients and model events per second, and whether the reports are byte-identical; plus two smaller runs to
 *     show how time grows with clients and days.
 *
 * Each measurement is the median of `BENCH_RUNS` runs (default 3); the machine may be shared, so a median of
 * several runs is what to quote.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KernelResult } from './kernelBench.js';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const DEFAULT_FLEET = join('scenarios', 'fleets', 'default.fleet.yaml');
const CHILD = new URL('./fleetChild.js', import.meta.url);
const KERNEL_CHILD = new URL('./kernelChild.js', import.meta.url);

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const say = (text: string) => process.stdout.write(`${text}\n`);

interface KernelRow {
  readonly timers: number;
  readonly kernel: KernelResult;
  readonly minimalHeap: KernelResult;
  readonly fakeTimers: KernelResult;
  /** The kernel's checksum over fake-timers' (smaller) event count: equal when both fired the same events. */
  readonly sameEventsAsFakeTimers: boolean;
  readonly sameEventsAsMinimalHeap: boolean;
  readonly kernelOverFakeTimers: number;
  readonly kernelShareOfMinimalHeap: number;
}

/** One measurement in a fresh process (see kernelChild.ts). */
function kernelChild(implementation: KernelResult['implementation'], timers: number, events: number, runs: number) {
  const child = spawnSync(
    process.execPath,
    [KERNEL_CHILD.pathname, implementation, String(timers), String(events), String(runs)],
    {
      encoding: 'utf8',
    },
  );
  if (child.status !== 0) throw new Error(`kernel benchmark ${implementation} failed: ${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as KernelResult;
}

/** The median of `runs` fresh-process measurements, the implementations taking turns (so drift hits them alike). */
function medianOf(results: KernelResult[]): KernelResult {
  const sorted = [...results].sort((a, b) => a.eventsPerSecond - b.eventsPerSecond);
  return sorted[Math.floor(sorted.length / 2)] as KernelResult;
}

function kernelRow(timers: number, events: number, fakeEvents: number): KernelRow {
  const heaps: KernelResult[] = [];
  const kernels: KernelResult[] = [];
  for (let r = 0; r < Math.max(RUNS, 5); r++) {
    heaps.push(kernelChild('minimal heap', timers, events, 1));
    kernels.push(kernelChild('kernel', timers, events, 1));
  }
  const minimalHeap = medianOf(heaps);
  const kernel = medianOf(kernels);
  const fakeTimers = kernelChild('fake-timers', timers, fakeEvents, RUNS);
  const kernelSmall = kernelChild('kernel', timers, fakeEvents, 1);
  const row: KernelRow = {
    timers,
    kernel,
    minimalHeap,
    fakeTimers,
    sameEventsAsFakeTimers: kernelSmall.checksum === fakeTimers.checksum,
    sameEventsAsMinimalHeap: kernel.checksum === minimalHeap.checksum,
    kernelOverFakeTimers: Math.round((kernel.eventsPerSecond / fakeTimers.eventsPerSecond) * 10) / 10,
    kernelShareOfMinimalHeap: Math.round((kernel.eventsPerSecond / minimalHeap.eventsPerSecond) * 1000) / 1000,
  };
  say(
    `kernel, ${timers.toLocaleString('en-US')} periodic timers: kernel ${kernel.eventsPerSecond.toLocaleString('en-US')} events/s, ` +
      `minimal heap ${minimalHeap.eventsPerSecond.toLocaleString('en-US')} (kernel at ${(row.kernelShareOfMinimalHeap * 100).toFixed(0)}%), ` +
      `fake-timers ${fakeTimers.eventsPerSecond.toLocaleString('en-US')} (kernel ${row.kernelOverFakeTimers}x); ` +
      `same events: ${row.sameEventsAsMinimalHeap && row.sameEventsAsFakeTimers}`,
  );
  return row;
}

interface FleetRun {
  readonly label: string;
  readonly clients: number;
  readonly days: number;
  readonly workers: number;
  readonly runs: number;
  /** Wall time of the whole `provsim fleet` process, start-up and report writing included. */
  readonly medianSeconds: number;
  readonly allSeconds: readonly number[];
  /** Of which: node's start and loading the command line's modules, and the command itself. */
  readonly medianLoadSeconds: number;
  readonly medianCommandSeconds: number;
  readonly peakRssMiB: number;
  readonly clientsPerSecond: number;
  readonly modelEvents: number;
  readonly modelEventsPerSecond: number;
  /** sha256 of the JSON report: equal across worker counts when the results are byte-identical. */
  readonly reportSha256: string;
}

interface FleetSample {
  readonly seconds: number;
  /** The command alone, after node started and loaded the command line. */
  readonly commandSeconds: number;
  readonly loadSeconds: number;
  readonly rssMiB: number;
  readonly sha: string;
  readonly clients: number;
  readonly days: number;
  readonly modelEvents: number;
}

/** One `provsim fleet` run of the default fleet in a fresh process, timed from outside (start-up included). */
function fleetSample(workers: number, extra: readonly string[]): FleetSample {
  const out = mkdtempSync(join(tmpdir(), 'provsim-bench-'));
  const args = ['fleet', DEFAULT_FLEET, '--workers', String(workers), '--out', out, ...extra];
  try {
    const t0 = performance.now();
    const child = spawnSync(process.execPath, [CHILD.pathname, ...args], { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (child.status !== 0) throw new Error(`provsim ${args.join(' ')} failed: ${child.stderr}`);
    const last = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as {
      maxRssKb: number;
      loadMs: number;
      commandMs: number;
    };
    const text = readFileSync(join(out, 'default.fleet.json'), 'utf8');
    const report = JSON.parse(text) as { clients: number; fleet: { horizonMs: number }; modelEvents: number | string };
    return {
      seconds,
      commandSeconds: last.commandMs / 1000,
      loadSeconds: last.loadMs / 1000,
      rssMiB: last.maxRssKb / 1024,
      sha: createHash('sha256').update(text).digest('hex'),
      clients: report.clients,
      days: report.fleet.horizonMs / 86_400_000,
      modelEvents: Number(report.modelEvents),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function fleetRun(label: string, workers: number, samples: readonly FleetSample[]): FleetRun {
  const seconds = samples.map((x) => x.seconds);
  const shas = new Set(samples.map((x) => x.sha));
  if (shas.size !== 1) throw new Error(`${label}: runs gave different reports`);
  const first = samples[0] as FleetSample;
  const med = median(seconds);
  const result: FleetRun = {
    label,
    clients: first.clients,
    days: first.days,
    workers,
    runs: samples.length,
    medianSeconds: Math.round(med * 100) / 100,
    allSeconds: seconds.map((s) => Math.round(s * 100) / 100),
    medianLoadSeconds: Math.round(median(samples.map((x) => x.loadSeconds)) * 100) / 100,
    medianCommandSeconds: Math.round(median(samples.map((x) => x.commandSeconds)) * 100) / 100,
    peakRssMiB: Math.round(Math.max(...samples.map((x) => x.rssMiB))),
    clientsPerSecond: Math.round(first.clients / med),
    modelEvents: first.modelEvents,
    modelEventsPerSecond: Math.round(first.modelEvents / med),
    reportSha256: first.sha,
  };
  say(
    `fleet ${label}: median ${result.medianSeconds} s over ${result.runs} runs (${result.allSeconds.join(', ')}), ` +
      `${result.clientsPerSecond.toLocaleString('en-US')} clients/s, ${result.modelEventsPerSecond.toLocaleString('en-US')} model events/s, ` +
      `peak ${result.peakRssMiB} MiB; of which loading the command line ${result.medianLoadSeconds} s, the command ${result.medianCommandSeconds} s`,
  );
  return result;
}

export function runFleetBenchmarks() {
  const kernel = [kernelRow(100_000, 4_000_000, 3_000), kernelRow(1_000_000, 4_000_000, 300)];
  // --workers 1 and 2 take turns, so that a change in the machine's load hits both alike.
  const ones: FleetSample[] = [];
  const twos: FleetSample[] = [];
  for (let r = 0; r < RUNS; r++) {
    ones.push(fleetSample(1, []));
    twos.push(fleetSample(2, []));
  }
  const one = fleetRun('1,000,000 clients x 30 days, --workers 1', 1, ones);
  const two = fleetRun('1,000,000 clients x 30 days, --workers 2', 2, twos);
  const scaling = [
    fleetRun('250,000 clients x 30 days, --workers 2', 2, [fleetSample(2, ['--clients', '250000'])]),
    fleetRun('1,000,000 clients x 15 days, --workers 2', 2, [fleetSample(2, ['--days', '15'])]),
  ];
  const speedup = Math.round((one.medianSeconds / two.medianSeconds) * 100) / 100;
  const commandSpeedup = Math.round((one.medianCommandSeconds / two.medianCommandSeconds) * 100) / 100;
  const identical = one.reportSha256 === two.reportSha256;
  say(
    `fleet: --workers 2 is ${speedup}x --workers 1 (the command alone, without start-up: ${commandSpeedup}x); ` +
      `reports byte-identical: ${identical}`,
  );
  const k100 = kernel[0] as KernelRow;
  return {
    kernel,
    fleet: {
      runs: [one, two, ...scaling],
      speedupTwoWorkers: speedup,
      speedupTwoWorkersCommandOnly: commandSpeedup,
      identicalAcrossWorkers: identical,
    },
    targets: {
      kernelAtLeast4xFakeTimersAt100k: k100.kernelOverFakeTimers >= 4,
      kernelAtLeast70PercentOfMinimalHeap: kernel.map((k) => ({
        timers: k.timers,
        met: k.kernelShareOfMinimalHeap >= 0.7,
      })),
      fleetWithin60sOnTwoWorkers: two.medianSeconds <= 60,
      twoWorkersAtLeast1_7x: speedup >= 1.7,
      peakUnder2GiB: Math.max(one.peakRssMiB, two.peakRssMiB) < 2048,
    },
  };
}
