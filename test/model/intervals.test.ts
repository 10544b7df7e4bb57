/**
 * `trackInterval` (sim/model/intervals.ts) folds entries and exits into intervals, whatever came before: an exit that
 * closes nothing (none open, or one already closed) changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { type ProvisioningInterval, trackInterval } from '../../sim/model/intervals.js';
import type { TraceEntry } from '../../sim/model/types.js';

const fold = (entries: TraceEntry[]): ProvisioningInterval[] => {
  const intervals: ProvisioningInterval[] = [];
  for (const e of entries) trackInterval(intervals, e);
  return intervals;
};
const enter = (atMs: number, newInterval = true): TraceEntry => ({
  atMs,
  type: 'provisioning-enter',
  cause: 'manual',
  newInterval,
  timestampSeconds: null,
});
const exit = (atMs: number, closedInterval = true): TraceEntry => ({
  atMs,
  type: 'provisioning-exit',
  reason: 'timeout',
  closedInterval,
});

describe('trackInterval', () => {
  it('opens an interval at an entry that begins one and closes it at the exit that ends it', () => {
    expect(fold([enter(1), enter(2, false), { atMs: 3, type: 'device-up' }, exit(4)])).toEqual([
      { enteredAtMs: 1, exitedAtMs: 4, exitReason: 'timeout', enteredBy: 'manual' },
    ]);
  });

  it('closes nothing at an exit with no interval open', () => {
    expect(fold([exit(1), exit(2, false)])).toEqual([]);
    const closed = { enteredAtMs: 1, exitedAtMs: 2, exitReason: 'timeout', enteredBy: 'manual' };
    expect(fold([enter(1), exit(2), exit(3)])).toEqual([closed]);
    expect(fold([enter(1), exit(2), exit(3, false)])).toEqual([closed]);
  });

  it('keeps an interval open at an exit that closes none', () => {
    expect(fold([enter(1), exit(2, false)])).toEqual([
      { enteredAtMs: 1, exitedAtMs: null, exitReason: null, enteredBy: 'manual' },
    ]);
  });
});
