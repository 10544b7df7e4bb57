/**
 * An exact, mergeable histogram of non-negative durations over fixed bucket edges, and an exact integer sum.
 *
 * Buckets: one second wide below 2048 s (34 min); above, each power of two is cut into 1024 equal buckets, so a
 * bucket is at most 1/1024 (0.1%) of its values wide (about 2 minutes at 48 hours). The edges depend on nothing but
 * the value, so two histograms merge by adding counts, in any order, to exactly what one histogram of all the
 * values holds. A percentile is the bucket that holds it, stated by its bounds `[lowMs, highMs)`.
 */

const FINE = 2048;
const SUB = 1024;
const SUB_BITS = 10;

/** The bucket of a duration in milliseconds. */
export function bucketOf(ms: number): number {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < FINE) return s;
  const k = 31 - Math.clz32(Math.min(s, 0xffffffff)); // floor(log2 s), 11 or more
  const e = k - SUB_BITS;
  const m = Math.floor(s / 2 ** e); // in [SUB, 2 * SUB)
  return FINE + (k - 11) * SUB + (m - SUB);
}

/** The bounds `[lowMs, highMs)` of a bucket. */
export function bucketBounds(bucket: number): { lowMs: number; highMs: number } {
  if (bucket < FINE) return { lowMs: bucket * 1000, highMs: (bucket + 1) * 1000 };
  const k = 11 + Math.floor((bucket - FINE) / SUB);
  const m = SUB + ((bucket - FINE) % SUB);
  const width = 2 ** (k - SUB_BITS);
  return { lowMs: m * width * 1000, highMs: (m + 1) * width * 1000 };
}

export interface Percentile {
  readonly lowMs: number;
  readonly highMs: number;
}

/** `[lowMs, highMs, count]` per non-empty bucket, in increasing order. */
export type HistogramJson = [number, number, number][];

/** The number of buckets (values up to 2^32 seconds). */
const BUCKETS = FINE + (32 - 11) * SUB;

export class Histogram {
  private readonly counts = new Float64Array(BUCKETS);
  private n = 0;

  get count(): number {
    return this.n;
  }

  add(ms: number, times = 1): void {
    const b = bucketOf(ms);
    this.counts[b] = (this.counts[b] as number) + times;
    this.n += times;
  }

  merge(other: Histogram): void {
    const mine = this.counts;
    const theirs = other.counts;
    for (let b = 0; b < BUCKETS; b++) mine[b] = (mine[b] as number) + (theirs[b] as number);
    this.n += other.n;
  }

  /** Non-empty buckets in increasing order. */
  buckets(): { lowMs: number; highMs: number; count: number }[] {
    const out: { lowMs: number; highMs: number; count: number }[] = [];
    for (let b = 0; b < BUCKETS; b++) {
      const count = this.counts[b] as number;
      if (count > 0) out.push({ ...bucketBounds(b), count });
    }
    return out;
  }

  /**
   * The bucket holding the `p`-quantile by the nearest-rank rule: the value of rank `ceil(p * count)` (at least 1)
   * in increasing order. `null` for an empty histogram.
   */
  percentile(p: number): Percentile | null {
    if (this.n === 0) return null;
    const rank = Math.max(1, Math.ceil(p * this.n));
    let seen = 0;
    for (let b = 0; b < BUCKETS; b++) {
      seen += this.counts[b] as number;
      if (seen >= rank) return bucketBounds(b);
    }
    return null;
  }

  toJSON(): HistogramJson {
    return this.buckets().map((b) => [b.lowMs, b.highMs, b.count]);
  }

  static fromJSON(json: HistogramJson): Histogram {
    const h = new Histogram();
    for (const [lowMs, , count] of json) h.add(lowMs, count);
    return h;
  }
}

/** An exact sum of non-negative integers below 2^52 each, of any total (a BigInt past 2^52). */
export class ExactSum {
  private big = 0n;
  private small = 0;

  add(x: number): void {
    this.small += x;
    if (this.small >= 2 ** 52) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
  }

  merge(other: ExactSum): void {
    this.big += other.big + BigInt(other.small);
  }

  get value(): bigint {
    return this.big + BigInt(this.small);
  }

  /** The sum as a JSON number when it is a safe integer, else as a decimal string. */
  toJSON(): number | string {
    const v = this.value;
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  }

  static fromJSON(json: number | string): ExactSum {
    const s = new ExactSum();
    s.big = BigInt(json);
    return s;
  }
}
