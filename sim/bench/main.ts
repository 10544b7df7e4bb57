/**
 * `npm run bench`: measures what the speed issue promises, prints one row per promise (the figure, its ratio where
 * there is one, the target and whether it is met) and writes everything to `reports/bench.json`.
 *
 * Honesty rules this file keeps: every comparison is side by side (in one process, or alternating processes),
 * over equal event or client counts, setup excluded on both sides or on neither; each figure is a median of
 * several runs; ratios are printed beside the absolute figures they come from. Nothing here is a test: a target
 * missed is reported, not failed.
 *
 * Environment: `BENCH_RUNS` (default 3) runs per median; `BENCH_QUICK=1` shrinks the largest workloads (fewer
 * clients, scenarios and explore runs; every row says the size it used) for a quick look on a busy machine;
 * `BENCH_ONLY=kernel,fleet,process,commands` runs only those groups of rows; `BENCH_SIZES=workers=10000000`
 * sets sizes one by one (timers, events, fleet, legacy, workers, folder, explore) over the quick or full ones; `BENCH_CLOCK=cpu` times the in-process
 * comparisons (kernel, fleet against the tight loop) in CPU time instead of wall time, for a machine under load.
 */
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { writeAtomic } from '../cli/writeAtomic.js';
import { parseFleet } from '../fleet/load/loadFleet.js';
import { benchExplore, benchFolderRun, benchYearRun, type PairedWorkers, timeProvsim } from './commandBench.js';
import { compareFleetWithLowerBound, fleetProcess, pairedFleetProcesses } from './fleetBench.js';
import { compareKernels, median, round2 } from './kernelBench.js';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const QUICK = process.env.BENCH_QUICK === '1';
const FLEETS = new URL('../../scenarios/fleets/', import.meta.url).pathname;
const fleetFile = (name: string) => join(FLEETS, `${name}.fleet.yaml`);

const BASE_SIZES = QUICK
  ? {
      timers: 100_000,
      events: 1_000_000,
      fleet: 100_000,
      legacy: 50_000,
      workers: 1_000_000,
      folder: 200,
      explore: 2_000,
    }
  : {
      timers: 100_000,
      events: 2_000_000,
      fleet: 1_000_000,
      legacy: 1_000_000,
      workers: 10_000_000,
      folder: 1_000,
      explore: 10_000,
    };

/** `BENCH_SIZES=workers=10000000,folder=1000`: sizes set one by one over the quick or full ones. */
function sizesOf(spec: string | undefined): typeof BASE_SIZES {
  const sizes: Record<string, number> = { ...BASE_SIZES };
  for (const item of (spec ?? '').split(',').filter((x) => x !== '')) {
    const [name, value] = item.split('=');
    if (name === undefined || !(name in sizes) || !/^[1-9][0-9]*$/.test(value ?? '')) {
      throw new Error(
        `BENCH_SIZES: "${item}" is not <size>=<positive integer>; sizes: ${Object.keys(sizes).join(', ')}`,
      );
    }
    sizes[name] = Number(value);
  }
  return sizes as typeof BASE_SIZES;
}
const SIZES = sizesOf(process.env.BENCH_SIZES);

interface Row {
  readonly what: string;
  readonly measured: string;
  readonly target: string;
  readonly met: boolean;
}

const ONLY = new Set((process.env.BENCH_ONLY ?? 'kernel,fleet,process,commands').split(','));
const rows: Row[] = [];
const n = (x: number) => x.toLocaleString('en-US');
function row(what: string, measured: string, target: string, met: boolean): void {
  rows.push({ what, measured, target, met });
  process.stdout.write(`${met ? 'met   ' : 'MISSED'}  ${what}: ${measured} (target ${target})\n`);
}

const loadBefore = loadavg();
process.stdout.write(
  `npm run bench${QUICK ? ' (BENCH_QUICK)' : ''}: ${RUNS} runs per median; ${process.env.BENCH_CLOCK === 'cpu' ? 'CPU' : 'wall'} time in process; load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')}\n`,
);

/** The kernel against the minimal heap and fake-timers, side by side. */
function kernelRows() {
  const kernel = (['hourly', 'random'] as const).map((w) =>
    compareKernels(w, SIZES.timers, SIZES.events, Math.max(RUNS, 5)),
  );
  for (const k of kernel) {
    const eps = (impl: string) => n(k.results.find((r) => r.implementation === impl)?.eventsPerSecond ?? 0);
    const what = `kernel, ${n(k.timers)} timers, ${k.workload} delays, ${n(k.events)} events`;
    row(
      `${what}, vs minimal heap`,
      `${eps('kernel')} vs ${eps('minimal heap')} events/s: ${k.kernelShareOfMinimalHeap} (same events: ${k.sameEvents})`,
      '>= 0.80',
      k.sameEvents && k.kernelShareOfMinimalHeap >= 0.8,
    );
    row(
      `${what}, vs fake-timers (setup excluded)`,
      `${eps('kernel')} vs ${eps('fake-timers')} events/s: ${k.kernelOverFakeTimers}x`,
      k.workload === 'hourly' ? '>= 5x' : 'none (reported)',
      k.sameEvents && (k.workload !== 'hourly' || k.kernelOverFakeTimers >= 5),
    );
  }

  return kernel;
}

/** The fleet against the tight loop doing the same draws, side by side in this process. */
function fleetRows() {
  const defaultFleet = parseFleet(readFileSync(fleetFile('default'), 'utf8'), 'default.fleet.yaml');
  const lower = compareFleetWithLowerBound(defaultFleet, SIZES.fleet, RUNS);
  row(
    `fleet default, ${n(lower.clients)} clients x ${lower.days} d, one thread, vs the tight loop`,
    `${n(lower.fleetClientsPerSecond)} vs ${n(lower.lowerBoundClientsPerSecond)} clients/s: the loop is ${lower.lowerBoundOverFleet}x faster`,
    '>= 387,000 clients/s (3x 129k) and the loop <= 2x faster',
    lower.fleetClientsPerSecond >= 387_000 && lower.lowerBoundOverFleet <= 2,
  );

  return lower;
}

/** Whole `provsim fleet` processes. */
function processRows() {
  const legacyArgs = ['--clients', String(SIZES.legacy), '--days', '365', '--workers', '1', '--format', 'json'];
  const legacy = Array.from({ length: Math.max(1, Math.ceil(RUNS / 2)) }, () =>
    fleetProcess(fleetFile('legacy-estate'), legacyArgs),
  );
  const legacySeconds = round2(median(legacy.map((x) => x.seconds)));
  row(
    `fleet legacy-estate, ${n(SIZES.legacy)} clients x 365 d, --workers 1, whole process`,
    `${legacySeconds} s (${legacy.map((x) => round2(x.seconds)).join(', ')})`,
    SIZES.legacy === 1_000_000
      ? '<= 90 s'
      : `<= ${round2((90 * SIZES.legacy) / 1_000_000)} s (90 s scaled to the size)`,
    legacySeconds <= (90 * SIZES.legacy) / 1_000_000,
  );
  const workers = pairedFleetProcesses(
    fleetFile('default'),
    ['--clients', String(SIZES.workers), '--workers', '1', '--format', 'json'],
    ['--clients', String(SIZES.workers), '--workers', '2', '--format', 'json'],
    RUNS,
  );
  row(
    `fleet default, ${n(SIZES.workers)} clients x 30 d, --workers 2 vs --workers 1, whole process`,
    `${workers.b.medianSeconds} s vs ${workers.a.medianSeconds} s: ${workers.aOverB}x (reports identical: ${workers.identicalReports}; peak ${workers.peakRssMiB} MiB)`,
    '>= 1.6x on an idle 2-core machine',
    workers.identicalReports && workers.aOverB >= 1.6,
  );

  return { legacy, workers };
}

/**
 * A command timed with `--workers 1` and `--workers 2`: judged on two threads (the default where a second core is
 * free), with one thread and the ratio beside it.
 */
function workersRow(what: string, p: PairedWorkers, target: number): void {
  row(
    what,
    `--workers 2: ${p.two.medianSeconds} s, ${n(p.two.scenariosPerSecond)} scenarios/s; --workers 1: ${p.one.medianSeconds} s, ${n(p.one.scenariosPerSecond)}/s (${p.speedup}x)`,
    `>= ${n(target)} scenarios/s`,
    p.two.scenariosPerSecond >= target,
  );
}

/** Whole `provsim` processes of the other commands. */
function commandRows() {
  const year = benchYearRun(RUNS);
  row(
    'run of a one-year stuck scenario, whole process',
    `${year.medianSeconds} s; HTML ${round2(year.htmlBytes / 1e6)} MB, JSON ${round2(year.jsonBytes / 1e6)} MB`,
    '<= 1.0 s, HTML <= 2 MB',
    year.medianSeconds <= 1 && year.htmlBytes <= 2e6,
  );
  const folder = benchFolderRun(SIZES.folder, Math.max(1, Math.ceil(RUNS / 2)));
  workersRow(`run over a folder of ${n(SIZES.folder)} scenarios with all reports, whole process`, folder, 50);
  const explore = benchExplore(SIZES.explore, Math.max(1, Math.ceil(RUNS / 2)));
  workersRow(`explore --runs ${n(SIZES.explore)}, whole process`, explore, 1000);
  const help = timeProvsim(['--help'], Math.max(RUNS, 5));
  row('provsim --help, whole process', `${help.medianSeconds} s`, '<= 0.25 s', help.medianSeconds <= 0.25);
  return { year, folder, explore, help };
}

const details = {
  kernel: ONLY.has('kernel') ? kernelRows() : null,
  fleetVersusLowerBound: ONLY.has('fleet') ? fleetRows() : null,
  fleetProcesses: ONLY.has('process') ? processRows() : null,
  commands: ONLY.has('commands') ? commandRows() : null,
};

const loadAfter = loadavg();
const out = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
  quick: QUICK,
  clock: process.env.BENCH_CLOCK === 'cpu' ? 'cpu' : 'wall',
  runsPerMedian: RUNS,
  loadAverage: { before: loadBefore, after: loadAfter },
  rows,
  details,
};
writeAtomic(join('reports', 'bench.json'), `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write(
  `load average after: ${loadAfter.map((x) => x.toFixed(2)).join(' ')}; ${rows.filter((r) => r.met).length} of ${rows.length} targets met; written to reports/bench.json\n`,
);
