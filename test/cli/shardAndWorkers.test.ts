/**
 * `--shard auto` takes the shard from a job engine's environment (0-based there, 1-based in provsim), refuses a
 * missing or out-of-range index with a clear message; the default worker count follows the free cores.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../sim/cli/InputError.js';
import { defaultWorkers, parseShard, workersOption } from '../../sim/cli/shardAndWorkers.js';
import { cli, tempDir } from './harness.js';

describe('parseShard', () => {
  it('reads I/N as given', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(undefined)).toBeUndefined();
  });

  it('takes auto from each engine, 0-based, with the count from --shards or the environment', () => {
    expect(parseShard('auto', '10', { JOB_COMPLETION_INDEX: '0' })).toEqual({ index: 1, count: 10 });
    expect(parseShard('auto', '10', { AWS_BATCH_JOB_ARRAY_INDEX: '9' })).toEqual({ index: 10, count: 10 });
    expect(parseShard('auto', undefined, { CLOUD_RUN_TASK_INDEX: '3', CLOUD_RUN_TASK_COUNT: '5' })).toEqual({
      index: 4,
      count: 5,
    });
    expect(parseShard('auto', undefined, { BATCH_TASK_INDEX: '1', BATCH_TASK_COUNT: '2' })).toEqual({
      index: 2,
      count: 2,
    });
    // Two engines' variables that agree (a Cloud Run job on Google Batch's variables too) are one shard.
    expect(parseShard('auto', '4', { JOB_COMPLETION_INDEX: '2', BATCH_TASK_INDEX: '2' })).toEqual({
      index: 3,
      count: 4,
    });
  });

  it.each([
    [['auto', '4', {}], /no shard index in the environment \(JOB_COMPLETION_INDEX/],
    [['auto', undefined, { JOB_COMPLETION_INDEX: '1' }], /how many shards\? give --shards N/],
    [['auto', '4', { JOB_COMPLETION_INDEX: '4' }], /JOB_COMPLETION_INDEX=4 is not a shard index from 0 to 3/],
    [['auto', '4', { AWS_BATCH_JOB_ARRAY_INDEX: '-1' }], /AWS_BATCH_JOB_ARRAY_INDEX=-1 is not a shard index/],
    [['auto', 'x', { JOB_COMPLETION_INDEX: '0' }], /--shards x: expected a whole number/],
    [['auto', undefined, { BATCH_TASK_INDEX: '0', BATCH_TASK_COUNT: '0' }], /BATCH_TASK_COUNT=0 is not a whole number/],
    [['2/4', '4', {}], /--shards goes with --shard auto/],
    [[undefined, '4', {}], /--shards N goes with --shard auto/],
    [['0/3', undefined, {}], /--shard 0\/3: expected I\/N/],
    [
      ['auto', '4', { JOB_COMPLETION_INDEX: '0', BATCH_TASK_INDEX: '3' }],
      /--shard auto: JOB_COMPLETION_INDEX=0 and BATCH_TASK_INDEX=3 disagree; unset the one/,
    ],
    [
      ['auto', undefined, { CLOUD_RUN_TASK_INDEX: '1', BATCH_TASK_COUNT: '4', CLOUD_RUN_TASK_COUNT: '3' }],
      /--shard auto: BATCH_TASK_COUNT=4 and CLOUD_RUN_TASK_COUNT=3 disagree/,
    ],
  ] as const)('refuses %j', (args, message) => {
    const [raw, shards, env] = args;
    expect(() => parseShard(raw, shards, env)).toThrow(InputError);
    expect(() => parseShard(raw, shards, env)).toThrow(message);
  });
});

describe('workersOption', () => {
  it('takes --workers as given, else the cores free, and refuses what is not a count', () => {
    expect(workersOption('3', 2, 5)).toBe(3);
    expect(workersOption(undefined, 2, 0.2)).toBe(2);
    expect(workersOption(undefined, 2, 1.7)).toBe(1);
    expect(() => workersOption('0', 2, 0)).toThrow(/--workers 0/);
  });
});

describe('defaultWorkers', () => {
  it('counts the cores the load leaves free, at least one', () => {
    expect(defaultWorkers(2, 0.1)).toBe(2);
    expect(defaultWorkers(2, 0.9)).toBe(1);
    expect(defaultWorkers(2, 7)).toBe(1);
    expect(defaultWorkers(8, 2.2)).toBe(6);
    expect(defaultWorkers(4, -1)).toBe(4);
  });
});

describe('provsim fleet --shard auto', () => {
  const wave = join(import.meta.dirname, '../../scenarios/fleets/upgrade-wave.fleet.yaml');
  const small = ['--clients', '900', '--days', '3', '--workers', '1'];

  it('writes the same shard as --shard I/N, and exits 2 on a missing index', async () => {
    const out = tempDir();
    expect((await cli('fleet', wave, ...small, '--shard', '2/3', '--out', join(out, 'a'))).code).toBe(0);
    const saved = process.env.JOB_COMPLETION_INDEX;
    try {
      process.env.JOB_COMPLETION_INDEX = '1';
      const auto = await cli('fleet', wave, ...small, '--shard', 'auto', '--shards', '3', '--out', join(out, 'b'));
      expect(auto.code).toBe(0);
      delete process.env.JOB_COMPLETION_INDEX;
      const missing = await cli('fleet', wave, ...small, '--shard', 'auto', '--shards', '3', '--out', join(out, 'c'));
      expect(missing.code).toBe(2);
      expect(missing.err).toMatch(/no shard index in the environment/);
    } finally {
      if (saved === undefined) delete process.env.JOB_COMPLETION_INDEX;
      else process.env.JOB_COMPLETION_INDEX = saved;
    }
    const file = 'upgrade-wave.shard-2-of-3.fleet.json';
    expect(readFileSync(join(out, 'b', file), 'utf8')).toBe(readFileSync(join(out, 'a', file), 'utf8'));
  });
});
