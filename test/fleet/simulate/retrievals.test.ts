/**
 * `Retrievals.addSeriesWaits` (the fleet's waits, a run of retrievals at a time) against `waitsInto` (one
 * publication at a time): the same waits, as many times each, for any retrievals and any series of publications.
 */
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { Retrievals } from '../../../sim/fleet/simulate/simulateClient.js';

const HOUR = 3_600_000;

/** Runs of retrievals in time order, as the fast paths add them: `[from, step, count]`, each after the last. */
const runs = fc
  .array(
    fc.record({
      gap: fc.integer({ min: 0, max: 30 * HOUR }),
      step: fc.constantFrom(0, HOUR, 2 * HOUR, 90 * 60_000, 7_000),
      count: fc.integer({ min: 1, max: 60 }),
    }),
    { maxLength: 8 },
  )
  .map((list) => {
    let t = 0;
    return list.map(({ gap, step, count }) => {
      const from = t + gap;
      const c = step === 0 ? 1 : count;
      t = from + (c - 1) * step + 1;
      return [from, step, c] as const;
    });
  });

const series = fc.record({
  firstMs: fc.integer({ min: 0, max: 40 * HOUR }),
  everyMs: fc.constantFrom(0, HOUR, 24 * HOUR, 5 * HOUR, 90 * 60_000, 3 * HOUR + 1),
  count: fc.integer({ min: 1, max: 40 }),
});

describe('Retrievals.addSeriesWaits', () => {
  test.prop([runs, series])('adds the waits waitsInto finds, publication by publication', (list, s) => {
    const r = new Retrievals();
    for (const [from, step, count] of list) r.add(from, step, count);
    const count = s.everyMs === 0 ? 1 : s.count;
    const published = Array.from({ length: count }, (_, k) => s.firstMs + k * s.everyMs);
    const out = new Float64Array(count);
    r.waitsInto(published, 0, out);
    const expected = new Map<string, number>();
    for (const w of out) {
      const key = Number.isNaN(w) ? 'null' : String(w);
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const got = new Map<string, number>();
    r.addSeriesWaits(7, s.firstMs, s.everyMs, count, {
      addLatency(entry, wait, times) {
        expect(entry).toBe(7);
        expect(times).toBeGreaterThan(0);
        const key = String(wait);
        got.set(key, (got.get(key) ?? 0) + times);
      },
    });
    expect(got).toEqual(expected);
  });
});
