/**
 * Simulates a contiguous range of a fleet's clients into a summary, and cuts a fleet into shards and chunks. Pure:
 * client `i`'s scenario and outcome depend on nothing but the fleet and `i`, and summaries merge exactly, so any
 * partition of the clients (worker threads, `--shard I/N`, chunk sizes) gives the same merged summary. Quiet
 * clients are drawn straight into numbers (`QuietClients`); the others become scenarios on the skipping path
 * (`SkippingClients`).
 */
import type { Fleet } from '../load/Fleet.js';
import { FleetSummary } from '../summary/FleetSummary.js';
import { QuietClients } from './quietClients.js';
import { SkippingClients } from './skippingClients.js';

export interface ClientRange {
  /** First client index (included). */
  readonly from: number;
  /** Last client index (excluded). */
  readonly to: number;
}

/** Adds clients `[from, to)` to `summary` (a new one by default); `onClient` is called after each. */
export function simulateRange(
  fleet: Fleet,
  range: ClientRange,
  summary: FleetSummary = new FleetSummary(fleet),
): FleetSummary {
  const quiet = new QuietClients(fleet);
  const others = new SkippingClients(fleet);
  for (let index = range.from; index < range.to; index++) {
    if (!quiet.tryAdd(index, summary)) others.add(index, summary);
  }
  return summary;
}

/** Shard `index` of `count` (1-based, as in `--shard 2/4`): a contiguous slice, the slices covering every client. */
export function shardRange(clients: number, index: number, count: number): ClientRange {
  if (!Number.isInteger(count) || count < 1 || !Number.isInteger(index) || index < 1 || index > count) {
    throw new RangeError(`a shard is I/N with 1 <= I <= N, got ${index}/${count}`);
  }
  return { from: Math.floor(((index - 1) * clients) / count), to: Math.floor((index * clients) / count) };
}

/** `range` cut into consecutive chunks of `size` clients (the last one shorter). */
export function chunksOf(range: ClientRange, size: number): ClientRange[] {
  const out: ClientRange[] = [];
  for (let from = range.from; from < range.to; from += size) out.push({ from, to: Math.min(range.to, from + size) });
  return out;
}
