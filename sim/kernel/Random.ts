/**
 * A seeded pseudo-random source (sfc32 seeded through splitmix32). Deterministic on every platform: the same
 * seed gives the same sequence. Never use `Math.random` in the simulator.
 */

export interface Random {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform float in [0, 1). */
  nextFloat(): number;
  /** A uniform integer in [min, max] (both inclusive). */
  nextInt(min: number, max: number): number;
}

// The state is kept as signed 32-bit integers (`| 0`), which the engine stores unboxed, and turned unsigned only on
// the way out (`>>> 0`); the bits, and so every output, are those of the unsigned arithmetic of sfc32/splitmix32.

function splitmix32(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return z ^ (z >>> 16);
  };
}

export function createRandom(seed: number): Random {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}`);
  const init = splitmix32(seed);
  let a = init();
  let b = init();
  let c = init();
  let d = init();
  const nextUint32 = (): number => {
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  for (let i = 0; i < 12; i++) nextUint32();
  return {
    nextUint32,
    nextFloat: () => nextUint32() / 4294967296,
    nextInt(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
        throw new RangeError(`nextInt needs integers with min <= max, got [${min}, ${max}]`);
      }
      return min + Math.floor((nextUint32() / 4294967296) * (max - min + 1));
    },
  };
}
