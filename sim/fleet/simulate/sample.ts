/**
 * Random draws for fleets, on the kernel's seeded source. Pure and deterministic: the same `Random` state gives the
 * same draws on every platform (only IEEE arithmetic, `Math.sqrt` and V8's `Math.log`). Durations are rounded to
 * whole seconds, so that a client's scenario reads as a person would write it.
 */
import type { Random } from '../../kernel/Random.js';
import type { DurationDistribution, MixEntry } from '../load/Fleet.js';

/**
 * The kernel's generator (sfc32 seeded through splitmix32, as `createRandom`: the same seed gives the same bits) as
 * one object reseeded in place, so that a loop over a million clients draws every stream of every client from it
 * without allocating. `test/fleet/run/quietClients.test.ts` holds it to `createRandom`.
 */
export class Sfc32 implements Random {
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;

  seed(seed: number): this {
    let state = seed | 0;
    const mix = () => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return z ^ (z >>> 16);
    };
    this.a = mix();
    this.b = mix();
    this.c = mix();
    this.d = mix();
    for (let i = 0; i < 12; i++) this.nextUint32();
    return this;
  }

  nextUint32(): number {
    const t = (this.a + this.b + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }

  nextInt(min: number, max: number): number {
    return min + Math.floor(this.nextFloat() * (max - min + 1));
  }
}

/** The 95th percentile of the standard normal distribution. */
const Z95 = 1.6448536269514722;

/** murmur3's 32-bit finalizer: a bijection on 32-bit integers that mixes every input bit into every output bit. */
export function fmix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** The seed of client `index` of a fleet: distinct for distinct indices (below 2^32) of the same fleet seed. */
export function clientSeed(fleetSeed: number, index: number): number {
  return fmix32((fmix32(fleetSeed) ^ index) >>> 0);
}

/** A standard normal draw (Marsaglia's polar method). */
export function sampleNormal(rng: Random): number {
  for (;;) {
    const u = 2 * rng.nextFloat() - 1;
    const v = 2 * rng.nextFloat() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) return u * Math.sqrt((-2 * Math.log(s)) / s);
  }
}

/** An exponential draw with the given mean. */
export function sampleExponential(rng: Random, mean: number): number {
  return -Math.log(1 - rng.nextFloat()) * mean;
}

const toSeconds = (ms: number): number => Math.round(ms / 1000) * 1000;

/**
 * A duration in milliseconds: fixed values as given, drawn values rounded to whole seconds. Always consumes at least
 * one draw for a random distribution and none for a fixed one.
 */
export function sampleDuration(d: DurationDistribution, rng: Random): number {
  switch (d.kind) {
    case 'fixed':
      return d.ms;
    case 'uniform': {
      const x = toSeconds(d.minMs + rng.nextFloat() * (d.maxMs - d.minMs));
      return Math.min(d.maxMs, Math.max(d.minMs, x));
    }
    case 'lognormal': {
      const mu = Math.log(d.medianMs);
      const sigma = (Math.log(d.p95Ms) - mu) / Z95;
      return toSeconds(Math.exp(mu + sigma * sampleNormal(rng)));
    }
  }
}

/** The value of a mix for one uniform draw: exactly one draw, whatever the mix (so runs stay aligned). */
export function pick<T>(mix: readonly MixEntry<T>[], rng: Random): T {
  return (mix[pickIndex(mix, rng)] as MixEntry<T>).value;
}

/** The entry of a mix `pick` takes, by its index. */
export function pickIndex(mix: readonly MixEntry<unknown>[], rng: Random): number {
  const u = rng.nextFloat();
  let cumulative = 0;
  for (let i = 0; i < mix.length; i++) {
    cumulative += (mix[i] as MixEntry<unknown>).share;
    if (u < cumulative) return i;
  }
  return mix.length - 1;
}

/** True with probability `p`: exactly one draw. */
export function chance(p: number, rng: Random): boolean {
  return rng.nextFloat() < p;
}
