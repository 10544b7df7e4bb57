import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bodyOf, canonicalJson, digestOf, sealShard } from '../../sim/shard/digest.js';

/** The same value with every object's keys in reverse order. */
function reordered(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(reordered);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>)
      .reverse()
      .map(([k, v]) => [k, reordered(v)]),
  );
}

describe('the shard digest', () => {
  it('depends on the values, not on the order of keys or the layout', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(canonicalJson(reordered(value))).toBe(canonicalJson(value));
        expect(digestOf(JSON.parse(JSON.stringify(value, null, 2)))).toBe(digestOf(value));
      }),
    );
  });

  it('changes when any value changes', () => {
    const body = { clients: 3000, summary: { entered: [1, 2, 3] } };
    expect(digestOf({ ...body, clients: 4000 })).not.toBe(digestOf(body));
    expect(digestOf({ ...body, summary: { entered: [1, 2, 4] } })).not.toBe(digestOf(body));
  });

  it('is written last, over every other field, and reads back', () => {
    const sealed = sealShard({ b: 1, a: [true, null] });
    expect(Object.keys(sealed)).toStrictEqual(['b', 'a', 'digest']);
    expect(sealed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digestOf(bodyOf(sealed))).toBe(sealed.digest);
    expect(canonicalJson({ b: 1, a: [true, null] })).toBe('{"a":[true,null],"b":1}');
  });
});
