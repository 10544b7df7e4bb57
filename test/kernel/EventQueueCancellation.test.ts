/**
 * The queue's lazy cancellation and slot reuse (sim/kernel/EventQueue.ts keeps no object per pending entry): long
 * mixed runs of pushes, pops and cancellations, enough to rebuild the heap many times, against a plain sorted list;
 * and a stale handle never cancels the entry that reused its slot.
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, type QueueHandle } from '../../sim/kernel/EventQueue.js';
import { scaledRuns } from '../runs.js';

type Op = { kind: 'push'; time: number; priority: number } | { kind: 'pop' } | { kind: 'cancel'; pick: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('push' as const),
      time: fc.integer({ min: 0, max: 300 }),
      priority: fc.integer({ min: 0, max: 2 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('pop' as const) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }) },
);

describe('EventQueue cancellation', () => {
  fcTest.prop([fc.array(op, { minLength: 500, maxLength: 3000 })], { numRuns: scaledRuns(40) })(
    'matches a sorted list through long runs of pushes, pops and cancellations',
    (ops) => {
      const q = new EventQueue<number>();
      const handles: QueueHandle<number>[] = [];
      const pending = new Map<number, { time: number; priority: number; seq: number }>();
      let seq = 0;
      const first = () =>
        [...pending.entries()].sort(([, a], [, b]) => a.time - b.time || a.priority - b.priority || a.seq - b.seq)[0];
      for (const o of ops) {
        if (o.kind === 'push') {
          const id = handles.length;
          handles.push(q.push(o.time, o.priority, id));
          pending.set(id, { time: o.time, priority: o.priority, seq: seq++ });
        } else if (o.kind === 'pop') {
          const expected = first();
          const got = q.pop();
          expect(got?.payload).toBe(expected?.[0]);
          if (expected !== undefined) pending.delete(expected[0]);
        } else if (handles.length > 0) {
          const id = o.pick % handles.length;
          expect(q.cancel(handles[id] as QueueHandle<number>)).toBe(pending.has(id));
          pending.delete(id);
        }
        expect(q.size).toBe(pending.size);
      }
      const rest: number[] = [];
      for (let e = q.pop(); e !== undefined; e = q.pop()) rest.push(e.payload);
      const expected = [...pending.entries()]
        .sort(([, a], [, b]) => a.time - b.time || a.priority - b.priority || a.seq - b.seq)
        .map(([id]) => id);
      expect(rest).toEqual(expected);
    },
  );

  it('never lets a stale handle cancel the entry that reused its slot', () => {
    const q = new EventQueue<string>();
    const a = q.push(5, 0, 'a');
    expect(q.pop()?.payload).toBe('a');
    const b = q.push(7, 0, 'b'); // takes the slot `a` had
    expect(b).not.toBe(a);
    expect(b % 2 ** 22).toBe(a % 2 ** 22);
    expect(q.payloadOf(a)).toBeUndefined();
    expect(q.payloadOf(b)).toBe('b');
    expect(q.cancel(a)).toBe(false);
    expect(q.pop()?.payload).toBe('b');
    expect(q.cancel(b)).toBe(false);
  });

  it('rebuilds the heap when more than 64 cancelled entries outnumber the live ones', () => {
    const q = new EventQueue<number>();
    const hs = Array.from({ length: 200 }, (_, i) => q.push(i, 0, i));
    const heldAfter = (cancels: number) => {
      for (let i = 0; i < cancels; i++) q.cancel(hs.shift() as QueueHandle<number>);
      return q.held;
    };
    expect(heldAfter(100)).toBe(200); // 100 cancelled, 100 live: not more
    expect(heldAfter(1)).toBe(99); // 101 cancelled, 99 live: rebuilt with the 99
    expect(heldAfter(64)).toBe(99); // 64 cancelled, 35 live: not more than 64
    expect(heldAfter(1)).toBe(34); // 65 cancelled, 34 live: rebuilt
    expect(heldAfter(34)).toBe(34); // 34 cancelled, none live: not more than 64
    expect(q.size).toBe(0);
    expect(q.pop()).toBeUndefined();
    expect(q.held).toBe(0);
  });

  it('keeps memory bounded when most entries are cancelled', () => {
    // 50 rounds of 1,000 pushes and 999 cancellations: 50,000 entries, 50 live. Kept in the heap until they reach
    // the top, the cancelled ones would hold about 3 MB (their times, slots, priorities, sequences and payloads:
    // measured 3.1 MB with compaction switched off); rebuilt away once they outnumber the live ones, they hold a few
    // kilobytes (measured 0.2 MB). Measured after a full garbage collection, with the queue still reachable. (Fifty
    // rounds, not more: every queue mutant of `npm run mutate` that survives the cheaper tests runs this one.)
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const heldBytes = () => {
      gc();
      const m = process.memoryUsage();
      return m.heapUsed + m.arrayBuffers;
    };
    const before = heldBytes();
    const q = new EventQueue<number>();
    for (let round = 0; round < 50; round++) {
      const hs = Array.from({ length: 1000 }, (_, i) => q.push(round * 1000 + i, 0, i));
      for (const h of hs.slice(1)) q.cancel(h);
    }
    const grownBytes = heldBytes() - before;
    expect(q.size).toBe(50);
    expect(grownBytes).toBeLessThan(1_000_000);
    const out: number[] = [];
    for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.timeMs);
    expect(out).toEqual(Array.from({ length: 50 }, (_, r) => r * 1000));
  });
});
