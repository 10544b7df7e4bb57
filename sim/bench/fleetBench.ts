/**
 * The fleet's measurements for `npm run bench`:
 *
 * - `compareFleetWithLowerBound`: the fleet's simulation (`simulateRange`, what one worker runs) and the tight loop
 *   of fleetLowerBound.ts, side by side in this process over the same clients, in alternating rounds; the medians
 *   and the median of the per-round ratios;
 * - `fleetProcess`: `provsim fleet` as a user runs it, in a fresh process timed from outside (start-up and report
 *   writing included), with its peak memory and the sha256 of its JSON report; `pairedFleetProcesses` alternates
 *   two option sets (such as `--workers 1` and `--workers 2`) so that a change of load hits both alike.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fleet } from '../fleet/load/Fleet.js';
import { simulateRange } from '../fleet/run/simulateRange.js';
import { fleetLowerBound } from './fleetLowerBound.js';
import { clockMs, median, round2, round3 } from './kernelBench.js';

const CHILD = new URL('./fleetChild.js', import.meta.url);
const gc = (globalThis as { gc?: () => void }).gc;

export interface FleetVersusLowerBound {
  readonly fleet: string;
  readonly clients: number;
  readonly days: number;
  readonly rounds: number;
  readonly fleetClientsPerSecond: number;
  readonly lowerBoundClientsPerSecond: number;
  readonly fleetAllMs: readonly number[];
  readonly lowerBoundAllMs: readonly number[];
  /** Median of the per-round ratios: how many times the tight loop's speed the fleet's is below. */
  readonly lowerBoundOverFleet: number;
}

/**
 * Times `body` after a forced collection and an untimed `warmUp`. The collection levels the heap between rounds, but
 * it also makes V8 drop the optimised code whose object layouts died with the last round (the model's trace
 * entries, the per-client queue and driver): without the warm-up every round would time that code's recompilation,
 * which a long `provsim fleet` run pays once. Both sides of a comparison get the same treatment.
 */
function timed(body: () => unknown, warmUp: () => unknown = () => undefined): number {
  gc?.();
  warmUp();
  const t0 = clockMs();
  body();
  return clockMs() - t0;
}

export function compareFleetWithLowerBound(fleet: Fleet, clients: number, rounds: number): FleetVersusLowerBound {
  const runFleet = () => simulateRange(fleet, { from: 0, to: clients });
  const runLoop = () => fleetLowerBound(fleet, 0, clients);
  // Before every timed run, after its forced collection (see `timed`): the first clients, untimed.
  const warm = Math.min(clients, 10_000);
  const warmFleet = () => simulateRange(fleet, { from: 0, to: warm });
  const warmLoop = () => fleetLowerBound(fleet, 0, warm);
  const sim: number[] = [];
  const low: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const first = r % 2 === 0;
    if (first) sim.push(timed(runFleet, warmFleet));
    low.push(timed(runLoop, warmLoop));
    if (!first) sim.push(timed(runFleet, warmFleet));
  }
  const perSecond = (ms: number) => Math.round(clients / (ms / 1000));
  return {
    fleet: fleet.name,
    clients,
    days: fleet.horizonMs / 86_400_000,
    rounds,
    fleetClientsPerSecond: perSecond(median(sim)),
    lowerBoundClientsPerSecond: perSecond(median(low)),
    fleetAllMs: sim.map(round2),
    lowerBoundAllMs: low.map(round2),
    lowerBoundOverFleet: round3(median(sim.map((s, i) => s / (low[i] as number)))),
  };
}

export interface FleetProcessSample {
  readonly seconds: number;
  readonly commandSeconds: number;
  readonly rssMiB: number;
  readonly sha256: string;
}

/** One `provsim fleet FILE ARGS` in a fresh process (see fleetChild.ts), timed from outside. */
export function fleetProcess(file: string, args: readonly string[]): FleetProcessSample {
  const out = mkdtempSync(join(tmpdir(), 'provsim-bench-'));
  const argv = ['fleet', file, '--out', out, ...args];
  try {
    const t0 = performance.now();
    const child = spawnSync(process.execPath, [CHILD.pathname, ...argv], { encoding: 'utf8' });
    const seconds = (performance.now() - t0) / 1000;
    if (child.status !== 0) throw new Error(`provsim ${argv.join(' ')} failed: ${child.stderr}`);
    const last = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { maxRssKb: number; commandMs: number };
    const name = file.replace(/^.*[\\/]/, '').replace(/\.ya?ml$/, '');
    const text = readFileSync(join(out, `${name}.json`), 'utf8');
    return {
      seconds,
      commandSeconds: last.commandMs / 1000,
      rssMiB: Math.round(last.maxRssKb / 1024),
      sha256: createHash('sha256').update(text).digest('hex'),
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

export interface PairedFleetRuns {
  readonly file: string;
  readonly a: {
    readonly args: readonly string[];
    readonly allSeconds: readonly number[];
    readonly medianSeconds: number;
  };
  readonly b: {
    readonly args: readonly string[];
    readonly allSeconds: readonly number[];
    readonly medianSeconds: number;
  };
  /** Median of the per-pair ratios of wall time, a over b (above 1: b is faster). */
  readonly aOverB: number;
  readonly identicalReports: boolean;
  readonly peakRssMiB: number;
}

/** `runs` pairs of fresh processes, `a` and `b` taking turns in a rotating order. */
export function pairedFleetProcesses(
  file: string,
  a: readonly string[],
  b: readonly string[],
  runs: number,
): PairedFleetRuns {
  const as: FleetProcessSample[] = [];
  const bs: FleetProcessSample[] = [];
  for (let r = 0; r < runs; r++) {
    if (r % 2 === 0) as.push(fleetProcess(file, a));
    bs.push(fleetProcess(file, b));
    if (r % 2 === 1) as.push(fleetProcess(file, a));
  }
  const shas = new Set([...as, ...bs].map((s) => s.sha256));
  const side = (args: readonly string[], xs: readonly FleetProcessSample[]) => ({
    args,
    allSeconds: xs.map((x) => round2(x.seconds)),
    medianSeconds: round2(median(xs.map((x) => x.seconds))),
  });
  return {
    file,
    a: side(a, as),
    b: side(b, bs),
    aOverB: round3(median(as.map((x, i) => x.seconds / (bs[i] as FleetProcessSample).seconds))),
    identicalReports: shas.size === 1,
    peakRssMiB: Math.max(...[...as, ...bs].map((x) => x.rssMiB)),
  };
}
