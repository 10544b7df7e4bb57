/**
 * Random draws for fleets, on the kernel's seeded source. Pure and deterministic: the same `Random` state gives the
 * same draws on every platform (only IEEE arithmetic, `Math.sqrt` and V8's `Math.log`). Durations are rounded to
 * whole seconds, so that a client's scenario reads as a person would write it.
 */
import type { Random } from '../../kernel/Random.js';
import type { DurationDistribution, MixEntry } from '../load/Fleet.js';

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
  const u = rng.nextFloat();
  let cumulative = 0;
  for (const entry of mix) {
    cumulative += entry.share;
    if (u < cumulative) return entry.value;
  }
  return (mix[mix.length - 1] as MixEntry<T>).value;
}

/** True with probability `p`: exactly one draw. */
export function chance(p: number, rng: Random): boolean {
  return rng.nextFloat() < p;
}
