import { describe, expect, it } from 'vitest';
import { createRandom } from '../../sim/kernel/Random.js';

describe('createRandom', () => {
  it('gives the same sequence for the same seed', () => {
    const a = createRandom(42);
    const b = createRandom(42);
    expect(Array.from({ length: 20 }, () => a.nextUint32())).toEqual(Array.from({ length: 20 }, () => b.nextUint32()));
  });

  it('gives different sequences for different seeds', () => {
    expect(createRandom(1).nextUint32()).not.toBe(createRandom(2).nextUint32());
  });

  it('keeps floats in [0, 1) and integers in their bounds', () => {
    const r = createRandom(7);
    for (let i = 0; i < 10_000; i++) {
      const f = r.nextFloat();
      expect(f >= 0 && f < 1).toBe(true);
      const n = r.nextInt(-3, 3);
      expect(n >= -3 && n <= 3 && Number.isInteger(n)).toBe(true);
    }
  });

  it('is the same on every platform (a pinned first value)', () => {
    const first = createRandom(1).nextUint32();
    expect(first).toBe(createRandom(1).nextUint32());
    expect(first).toMatchInlineSnapshot(`1828152527`);
  });
});

describe('createRandom: ranges and misuse', () => {
  it('draws every integer of [min, max], and min itself when max equals min', () => {
    const r = createRandom(11);
    const seen = new Set<number>();
    for (let i = 0; i < 200; i++) seen.add(r.nextInt(-3, 3));
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(r.nextInt(5, 5)).toBe(5);
  });

  it('refuses a seed or bounds that are not integers, and bounds in the wrong order', () => {
    expect(() => createRandom(1.5)).toThrow('seed must be an integer, got 1.5');
    const r = createRandom(1);
    expect(() => r.nextInt(0.5, 3)).toThrow('nextInt needs integers with min <= max, got [0.5, 3]');
    expect(() => r.nextInt(0, 2.5)).toThrow('nextInt needs integers with min <= max, got [0, 2.5]');
    expect(() => r.nextInt(3, 2)).toThrow('nextInt needs integers with min <= max, got [3, 2]');
  });
});
