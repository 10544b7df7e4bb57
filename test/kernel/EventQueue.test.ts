import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue, NOTHING_DUE } from '../../sim/kernel/EventQueue.js';

const entry = fc.record({ time: fc.integer({ min: 0, max: 50 }), priority: fc.integer({ min: 0, max: 3 }) });

function drain<T>(q: EventQueue<T>): T[] {
  const out: T[] = [];
  for (let e = q.pop(); e !== undefined; e = q.pop()) out.push(e.payload);
  return out;
}

/** Pushes `entries`, cancels the picked ones, and checks what comes out against a sorted list. */
function pushCancelAndDrain(entries: { time: number; priority: number }[], cancels: number[]): void {
  const q = new EventQueue<number>();
  const handles = entries.map((e, i) => q.push(e.time, e.priority, i));
  const cancelled = new Set<number>();
  for (const c of cancels) {
    if (handles.length === 0) break;
    const i = c % handles.length;
    expect(q.cancel(handles[i] as number)).toBe(!cancelled.has(i));
    cancelled.add(i);
  }
  const expected = entries
    .map((e, i) => ({ ...e, i }))
    .filter((e) => !cancelled.has(e.i))
    .sort((a, b) => a.time - b.time || a.priority - b.priority || a.i - b.i)
    .map((e) => e.i);
  expect(q.size).toBe(expected.length);
  expect(drain(q)).toEqual(expected);
}

describe('EventQueue', () => {
  it('fires simultaneous events in priority order, then insertion order', () => {
    const q = new EventQueue<string>();
    q.push(10, 1, 'b1');
    q.push(10, 0, 'a1');
    q.push(5, 9, 'early');
    q.push(10, 1, 'b2');
    q.push(10, 0, 'a2');
    expect(drain(q)).toEqual(['early', 'a1', 'a2', 'b1', 'b2']);
  });

  fcTest.prop([fc.array(entry, { maxLength: 200 })])('pops in (time, priority, insertion) order', (entries) => {
    const q = new EventQueue<number>();
    entries.forEach((e, i) => {
      q.push(e.time, e.priority, i);
    });
    const expected = entries
      .map((e, i) => ({ ...e, i }))
      .sort((a, b) => a.time - b.time || a.priority - b.priority || a.i - b.i)
      .map((e) => e.i);
    expect(drain(q)).toEqual(expected);
  });

  fcTest.prop([fc.array(entry, { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 100 })])(
    'cancelled entries never come out, and the rest keep their order',
    pushCancelAndDrain,
  );

  it('refuses to cancel an entry that already came out', () => {
    const q = new EventQueue<string>();
    const h = q.push(1, 0, 'x');
    expect(q.pop()?.payload).toBe('x');
    expect(q.cancel(h)).toBe(false);
    expect(q.size).toBe(0);
  });

  it('returns each popped entry with its time, priority, insertion number and payload', () => {
    const q = new EventQueue<string>();
    q.push(9, 2, 'late');
    q.push(4, 7, 'early');
    expect(q.pop()).toEqual({ timeMs: 4, priority: 7, seq: 1, payload: 'early' });
    expect(q.pop()).toEqual({ timeMs: 9, priority: 2, seq: 0, payload: 'late' });
    expect(q.pop()).toBeUndefined();
  });

  it('gives the time of the entry it popped last by payload', () => {
    const q = new EventQueue<string>();
    q.push(30, 0, 'b');
    q.push(20, 0, 'a');
    expect(q.popPayloadUntil(10)).toBe(NOTHING_DUE);
    expect(q.popPayloadUntil(25)).toBe('a');
    expect(q.lastTimeMs).toBe(20);
    expect(q.popPayloadUntil(30)).toBe('b');
    expect(q.lastTimeMs).toBe(30);
    expect(q.popPayloadUntil(99)).toBe(NOTHING_DUE);
  });

  it('refuses a time that is not an integer', () => {
    expect(() => new EventQueue<string>().push(1.5, 0, 'x')).toThrow(/integer number of milliseconds/);
  });

  // Keys fold the priority into the time while that is exact; a far time or a large, negative or fractional
  // priority turns folding off mid-run. The order must not notice.
  const wide = fc.record({
    time: fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constantFrom(2 ** 29 - 1, 2 ** 29, 2 ** 40, 2 ** 53 - 1)),
    priority: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom(-1, 0.5, 2 ** 24 - 1, 2 ** 24, 1e7 + 3)),
  });
  fcTest.prop([fc.array(wide, { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 40 })])(
    'keeps (time, priority, insertion) order when far times or large priorities arrive mid-run',
    pushCancelAndDrain,
  );

  // Examples the property above draws too rarely: entries a folded key would order wrongly. Each pair has keys
  // that tie once folded (time * 2^24 + priority) with the wrong priority first, so only unfolding keeps the order.
  it.each([
    [
      'a far time (past 2^29 ms), the top priority before the next millisecond',
      [
        [2 ** 40, 2 ** 24 - 1],
        [2 ** 40 + 1, 0],
      ],
    ],
    [
      'a priority of 2^24 or more, after folded entries',
      [
        [100, 0],
        [1000, 2 ** 24],
        [1, 2 ** 24],
        [2, 0],
      ],
    ],
    [
      'a negative priority',
      [
        [1, 2 ** 24 - 1],
        [2, -1],
      ],
    ],
    [
      'a negative priority first, then a priority of 2^24 at an earlier time (neither may fold)',
      [
        [2, -1],
        [1, 2 ** 24],
      ],
    ],
  ])('keeps (time, priority, insertion) order with %s', (_, pairs) => {
    pushCancelAndDrain(
      pairs.map(([time, priority]) => ({ time: time as number, priority: priority as number })),
      [],
    );
  });

  it("tells a pending entry's time, priority and payload by its handle, and nothing once it is gone", () => {
    const q = new EventQueue<string>();
    const h = q.push(40, 7, 'x');
    expect([q.timeOf(h), q.priorityOf(h), q.payloadOf(h)]).toEqual([40, 7, 'x']);
    q.cancel(h);
    expect([q.timeOf(h), q.priorityOf(h), q.payloadOf(h)]).toEqual([NaN, NaN, undefined]);
    expect(q.cancel(-1)).toBe(false);
    expect(q.cancel(0.5)).toBe(false);
    const live = q.push(50, 1, 'y'); // slot 0 again, sequence 1
    // Handles near the live one that the queue never gave: negative, fractional, past 2^53, not a number.
    for (const bad of [-live, live - 2 ** 23, live + 0.5, live + 2 ** 53, NaN, Infinity]) {
      expect([q.timeOf(bad), q.payloadOf(bad), q.cancel(bad)]).toEqual([NaN, undefined, false]);
    }
    expect(q.payloadOf(live)).toBe('y');
  });

  it('refuses the push past its pending limit, and takes one again once an entry has left', () => {
    const q = new EventQueue<number>({ maxPending: 20 }); // past the first 16 slots, so the slots grow once
    for (let i = 0; i < 20; i++) q.push(i, 0, i);
    expect(() => q.push(99, 0, 99)).toThrow(new RangeError('an event queue holds at most 20 pending entries'));
    expect(q.size).toBe(20);
    expect(q.pop()?.payload).toBe(0);
    q.push(99, 0, 99);
    expect(drain(q)).toEqual([...Array.from({ length: 19 }, (_, i) => i + 1), 99]);
  });

  it('refuses the push past its limit of pushes, popped entries counted', () => {
    const q = new EventQueue<number>({ maxPushes: 3 });
    q.push(1, 0, 1);
    expect(q.pop()?.payload).toBe(1);
    q.push(2, 0, 2);
    q.push(3, 0, 3);
    expect(() => q.push(4, 0, 4)).toThrow(new RangeError('an event queue takes at most 3 pushes; use a new one'));
    expect(drain(q)).toEqual([2, 3]);
  });

  it('drops the cancelled entries when a far time turns folding off, and only then', () => {
    const q = new EventQueue<number>();
    const hs = Array.from({ length: 10 }, (_, i) => q.push(i, 0, i));
    for (const h of hs.slice(0, 3)) q.cancel(h);
    expect(q.held).toBe(10); // cancelled entries wait in the heap
    q.push(2 ** 40, 0, 40); // not foldable: the heap is rebuilt with times alone, without the cancelled three
    expect(q.held).toBe(8);
    for (const h of hs.slice(3, 5)) q.cancel(h);
    q.push(2 ** 41, 0, 41); // folding is already off: no rebuild
    expect([q.held, q.size]).toEqual([9, 7]);
    expect(drain(q)).toEqual([5, 6, 7, 8, 9, 40, 41]);
  });

  it('refuses a handle it never gave: a slot not yet used, or a used slot with another sequence number', () => {
    const q = new EventQueue<string>();
    const h = q.push(10, 0, 'x'); // slot 0, sequence 0
    expect(q.cancel(h + 1)).toBe(false); // slot 1, never used
    expect(q.payloadOf(h + 1)).toBeUndefined();
    expect(q.cancel(h + 2 ** 22)).toBe(false); // slot 0, sequence 1
    expect(q.size).toBe(1);
    expect(q.pop()?.payload).toBe('x');
  });
});
