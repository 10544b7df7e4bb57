/**
 * Where a fleet run takes its slice and its threads from when the command line does not say: `--shard auto` reads
 * the shard from the environment of the engine that runs it, and the default `--workers` counts the cores that are
 * actually free. Pure but for the defaults of `workersOption`: the environment, the core count and the load are
 * arguments (the commands pass the process's).
 */
import { availableParallelism, loadavg } from 'node:os';
import { MAX_SHARDS } from '../shard/shardSet.js';
import { InputError } from './InputError.js';
import { parseIntegerOption } from './options.js';

/** The 0-based index variables, in the order they are read: Kubernetes Indexed Job, AWS Batch, Cloud Run, Google Batch. */
export const SHARD_INDEX_VARIABLES = [
  'JOB_COMPLETION_INDEX',
  'AWS_BATCH_JOB_ARRAY_INDEX',
  'CLOUD_RUN_TASK_INDEX',
  'BATCH_TASK_INDEX',
] as const;
/** The shard-count variables, read when `--shards` is not given. */
export const SHARD_COUNT_VARIABLES = ['BATCH_TASK_COUNT', 'CLOUD_RUN_TASK_COUNT'] as const;

export interface Shard {
  /** 1-based, as in `--shard 2/4`. */
  readonly index: number;
  readonly count: number;
}

function wholeIn(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

/** `--shard I/N` (1-based) or `--shard auto` with `--shards N`; undefined when no `--shard` is given. */
export function parseShard(
  raw: unknown,
  shards: unknown = undefined,
  env: Readonly<Record<string, string | undefined>> = {},
): Shard | undefined {
  if (raw === undefined) {
    if (shards !== undefined) throw new InputError('--shards N goes with --shard auto (or give --shard I/N alone)');
    return undefined;
  }
  if (String(raw).trim() === 'auto') return autoShard(shards, env);
  if (shards !== undefined) {
    throw new InputError(`--shards goes with --shard auto; --shard ${String(raw)} already names the count`);
  }
  const m = /^(\d+)\/(\d+)$/.exec(String(raw).trim());
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || count < 1 || index < 1 || index > count || count > MAX_SHARDS) {
    throw new InputError(
      `--shard ${String(raw)}: expected I/N with 1 <= I <= N, such as --shard 2/4 (the second of four slices), ` +
        'or auto (the index from the job engine)',
    );
  }
  return { index, count };
}

/**
 * The first of `names` set in `env`, or undefined. [provsim] Two of them set to different values (two engines' variables
 * in one environment, one of them inherited) are refused rather than the first one read: a wrong slice would be
 * computed without a word, and the merge would then miss a shard or find one twice.
 */
function firstSet(names: readonly string[], env: Readonly<Record<string, string | undefined>>): string | undefined {
  const set = names.filter((v) => env[v] !== undefined && env[v] !== '');
  const first = set[0];
  const other = set.find((v) => (env[v] ?? '').trim() !== (env[first ?? ''] ?? '').trim());
  if (first !== undefined && other !== undefined) {
    throw new InputError(
      `--shard auto: ${first}=${env[first] ?? ''} and ${other}=${env[other] ?? ''} disagree; unset the one ` +
        'that does not come from the engine running this task',
    );
  }
  return first;
}

function autoShard(shards: unknown, env: Readonly<Record<string, string | undefined>>): Shard {
  const indexVar = firstSet(SHARD_INDEX_VARIABLES, env);
  if (indexVar === undefined) {
    throw new InputError(
      `--shard auto: no shard index in the environment (${SHARD_INDEX_VARIABLES.join(', ')}; 0-based); ` +
        'outside such a job engine, give --shard I/N',
    );
  }
  let count: number | null;
  let countFrom: string;
  if (shards !== undefined) {
    count = wholeIn(String(shards), 1, MAX_SHARDS);
    countFrom = `--shards ${String(shards)}`;
    if (count === null) throw new InputError(`${countFrom}: expected a whole number from 1 to ${MAX_SHARDS}`);
  } else {
    const countVar = firstSet(SHARD_COUNT_VARIABLES, env);
    if (countVar === undefined) {
      throw new InputError(
        `--shard auto: how many shards? give --shards N (the job's completions or array size), or set ${SHARD_COUNT_VARIABLES.join(' or ')}`,
      );
    }
    countFrom = `${countVar}=${env[countVar] ?? ''}`;
    count = wholeIn(env[countVar] ?? '', 1, MAX_SHARDS);
    if (count === null)
      throw new InputError(`--shard auto: ${countFrom} is not a whole number from 1 to ${MAX_SHARDS}`);
  }
  const index = wholeIn(env[indexVar] ?? '', 0, MAX_SHARDS - 1);
  if (index === null || index >= count) {
    throw new InputError(
      `--shard auto: ${indexVar}=${env[indexVar] ?? ''} is not a shard index from 0 to ${count - 1} (${countFrom})`,
    );
  }
  return { index: index + 1, count };
}

/**
 * The default number of simulating threads: the cores not already busy, by the one-minute load average, at least
 * one and at most the cores this process may use. [provsim] A core counts as free when the load leaves at least
 * half of it (the load rounded to the nearest whole core), so an idle 2-core machine gets 2 and one running
 * another job gets 1.
 */
export function defaultWorkers(cores: number, loadAverage: number): number {
  const free = Math.round(cores - Math.max(0, loadAverage));
  return Math.max(1, Math.min(cores, free));
}

/** `--workers W` (1 to 256), or `defaultWorkers` of this machine now: for `explore` and `run`. */
export function workersOption(raw: unknown, cores = availableParallelism(), load = loadavg()[0] ?? 0): number {
  return parseIntegerOption(raw, { name: '--workers', min: 1, max: 256 }) ?? defaultWorkers(cores, load);
}
