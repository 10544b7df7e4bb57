/**
 * Whole `provsim` processes for `npm run bench`, each timed from outside (node's start, module loading and report
 * writing included), the median of several: `provsim --help`, `run` of a year-long stuck scenario (and the size of
 * its reports), `run` over a folder of many scenarios with every report, and `explore`; the last two with
 * `--workers 1` and `--workers 2` in alternating processes.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, round2 } from './kernelBench.js';

const PROVSIM = new URL('../../bin/provsim.js', import.meta.url).pathname;
const SCENARIOS = new URL('../../scenarios/', import.meta.url).pathname;

export interface ProcessTiming {
  readonly command: string;
  readonly allSeconds: readonly number[];
  readonly medianSeconds: number;
}

/** `provsim ARGS` `runs` times, standard output discarded; a non-zero exit is an error of the benchmark. */
export function timeProvsim(args: readonly string[], runs: number): ProcessTiming {
  const seconds: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const child = spawnSync(process.execPath, [PROVSIM, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    seconds.push((performance.now() - t0) / 1000);
    if (child.status !== 0) throw new Error(`provsim ${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  }
  return {
    command: `provsim ${args.join(' ')}`,
    allSeconds: seconds.map(round2),
    medianSeconds: round2(median(seconds)),
  };
}

/** A client stuck for a year: ProvisioningMaxMinutes at its largest value, so every hourly check waits. */
const STUCK_FOR_A_YEAR = `name: stuck-for-a-year
description: A client stuck in provisioning mode for a year, ProvisioningMaxMinutes at its largest value.
horizon: 365d
client:
  registry:
    ProvisioningMode: "true"
    ProvisioningEnabledTime: 1767225600
    ProvisioningMaxMinutes: 4294967295
`;

export interface YearRun extends ProcessTiming {
  readonly htmlBytes: number;
  readonly jsonBytes: number;
}

export function benchYearRun(runs: number): YearRun {
  const dir = mkdtempSync(join(tmpdir(), 'provsim-bench-'));
  try {
    const file = join(dir, 'stuck-for-a-year.yaml');
    writeFileSync(file, STUCK_FOR_A_YEAR);
    const out = join(dir, 'out');
    const timing = timeProvsim(['run', file, '--out', out, '--format', 'json'], runs);
    return {
      ...timing,
      command: 'provsim run stuck-for-a-year.yaml --out DIR --format json',
      htmlBytes: statSync(join(out, 'stuck-for-a-year.html')).size,
      jsonBytes: statSync(join(out, 'stuck-for-a-year.json')).size,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The bundled scenarios (counterexamples included), copied under new names until there are `count` files. */
function scenarioFolder(dir: string, count: number): void {
  const texts: string[] = [];
  const collect = (folder: string) => {
    for (const f of readdirSync(folder).sort()) {
      const path = join(folder, f);
      if (statSync(path).isDirectory() && f !== 'fleets') collect(path);
      else if (/\.ya?ml$/.test(f)) texts.push(readFileSync(path, 'utf8'));
    }
  };
  collect(SCENARIOS);
  mkdirSync(dir, { recursive: true });
  for (let k = 0; k < count; k++) {
    const text = texts[k % texts.length] as string;
    writeFileSync(
      join(dir, `s${k}.yaml`),
      text.replace(/^name:\s*(\S+)/m, (_, name: string) => `name: ${name}-${k}`),
    );
  }
}

export interface FolderRun extends ProcessTiming {
  readonly scenarios: number;
  readonly scenariosPerSecond: number;
}

/** The same command with `--workers 1` and `--workers 2`, in alternating processes. */
export interface PairedWorkers {
  readonly one: FolderRun;
  readonly two: FolderRun;
  /** How many times faster two threads are than one (medians). */
  readonly speedup: number;
}

function paired(command: string, args: readonly string[], count: number, runs: number): PairedWorkers {
  const one: number[] = [];
  const two: number[] = [];
  for (let r = 0; r < runs; r++) {
    one.push(...timeProvsim([...args, '--workers', '1'], 1).allSeconds);
    two.push(...timeProvsim([...args, '--workers', '2'], 1).allSeconds);
  }
  const of = (seconds: number[], workers: number): FolderRun => ({
    command: `${command} --workers ${workers}`,
    allSeconds: seconds,
    medianSeconds: round2(median(seconds)),
    scenarios: count,
    scenariosPerSecond: Math.round(count / median(seconds)),
  });
  return { one: of(one, 1), two: of(two, 2), speedup: round2(median(one) / median(two)) };
}

export function benchFolderRun(count: number, runs: number): PairedWorkers {
  const dir = mkdtempSync(join(tmpdir(), 'provsim-bench-'));
  try {
    scenarioFolder(join(dir, 'in'), count);
    const args = ['run', join(dir, 'in'), '--out', join(dir, 'out')];
    return paired(`provsim run FOLDER-OF-${count} --out DIR`, args, count, runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function benchExplore(count: number, runs: number): PairedWorkers {
  const dir = mkdtempSync(join(tmpdir(), 'provsim-bench-'));
  try {
    const args = ['explore', '--runs', String(count), '--seed', '1', '--out', dir];
    return paired(`provsim explore --runs ${count} --seed 1`, args, count, runs);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
