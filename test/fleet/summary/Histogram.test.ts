import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketBounds, bucketOf, ExactSum, Histogram } from '../../../sim/fleet/summary/Histogram.js';

const duration = fc.oneof(fc.integer({ min: 0, max: 3_600_000 }), fc.integer({ min: 0, max: 400 * 86_400_000 }));

describe('Histogram', () => {
  fcTest.prop([duration])('puts a value in a bucket that holds it, one second or at most 0.1% wide', (ms) => {
    const { lowMs, highMs } = bucketBounds(bucketOf(ms));
    expect(lowMs).toBeLessThanOrEqual(ms);
    expect(ms).toBeLessThan(highMs);
    expect(highMs - lowMs).toBeLessThanOrEqual(Math.max(1000, lowMs / 1024));
  });

  it('has contiguous, increasing bucket edges', () => {
    const gaps: number[] = [];
    for (let b = 0; b < 23_551; b++) {
      const { lowMs, highMs } = bucketBounds(b);
      if (highMs !== bucketBounds(b + 1).lowMs || highMs <= lowMs) gaps.push(b);
    }
    expect(gaps).toEqual([]);
  });

  fcTest.prop([fc.array(duration, { minLength: 1, maxLength: 300 }), fc.constantFrom(0.5, 0.9, 0.99, 1)])(
    'gives the bucket of the nearest-rank percentile',
    (values, p) => {
      const h = new Histogram();
      for (const v of values) h.add(v);
      const sorted = [...values].sort((a, b) => a - b);
      const exact = sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] as number;
      expect(h.percentile(p)).toEqual(bucketBounds(bucketOf(exact)));
    },
  );

  fcTest.prop([fc.array(duration), fc.array(duration)])('merges to the histogram of all the values', (a, b) => {
    const ha = new Histogram();
    const hb = new Histogram();
    const all = new Histogram();
    for (const v of a) ha.add(v);
    for (const v of b) hb.add(v);
    for (const v of [...a, ...b]) all.add(v);
    ha.merge(Histogram.fromJSON(hb.toJSON()));
    expect(ha.toJSON()).toEqual(all.toJSON());
    expect(ha.count).toBe(a.length + b.length);
  });

  it('has no percentile when empty', () => {
    expect(new Histogram().percentile(0.5)).toBeNull();
  });
});

describe('ExactSum', () => {
  it('stays exact past 2^53 and writes itself as a string there', () => {
    const s = new ExactSum();
    const big = 2 ** 52 - 1;
    for (let i = 0; i < 10; i++) s.add(big);
    expect(s.value).toBe(BigInt(big) * 10n);
    expect(s.toJSON()).toBe((BigInt(big) * 10n).toString());
    const t = ExactSum.fromJSON(s.toJSON());
    t.merge(s);
    expect(t.value).toBe(BigInt(big) * 20n);
  });

  it('writes a safe sum as a number', () => {
    const s = new ExactSum();
    s.add(5);
    s.add(7);
    expect(s.toJSON()).toBe(12);
  });
});
