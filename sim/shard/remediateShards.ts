/**
 * `provsim merge` of the shard reports of `provsim remediate --shard I/N`: each shard verified (envelope and digest,
 * the shape of every field, its counts adding up, its rows following from its summaries), the set checked
 * (`checkShardSet`: the same fleet, overrides, seed and strategies, each slice once), then the summaries added into
 * exactly the report one run writes. Pure; a refusal is a `ShardError` naming the file and what does not add up.
 */
import { type Fleet, MAX_FLEET_CLIENTS, MAX_FLEET_HORIZON_MS } from '../fleet/load/Fleet.js';
import {
  addSummaries,
  type RemediateReport,
  type RemediateShard,
  remediateReport,
  type StrategySummaryJson,
} from '../remediate/runRemediate.js';
import { parseStrategy, STRATEGY_FORMS } from '../remediate/Strategy.js';
import { bodyOf, canonicalJson, digestOf } from './digest.js';
import { histogramShape } from './fleetShards.js';
import { any, count, firstDifference, integer, list, number, object, type Shape, string } from './shape.js';
import { checkShape, checkShardSet, mustHold, shardHeaderShape, ShardError, type ShardFile } from './shardSet.js';

const HOUR = 3_600_000;

/** What a remediate shard carries to tell its run apart: the digest of the fleet as simulated, but its file path. */
export function fleetDigest(fleet: Fleet): string {
  return digestOf({ ...fleet, file: null });
}

const summaryShape: Shape = object({
  strategy: string(),
  clients: count,
  stuckMs: number,
  cut: count,
  inconsistent: count,
  stuckAtEnd: count,
  legacyStuckAtEnd: count,
  waits: histogramShape,
  unprocessed: count,
  maxWaitMs: integer(-1),
  exits: list(count, 10_000),
  processed: list(count, 10_000),
});

const reportShape: Shape = object({
  schemaVersion: any('number'),
  kind: any('string'),
  shard: shardHeaderShape({ fleetDigest: string(/^sha256:[0-9a-f]{64}$/) }),
  fleet: object({
    name: string(/^[a-z0-9-]+$/),
    clients: integer(1, MAX_FLEET_CLIENTS),
    horizonMs: integer(1, MAX_FLEET_HORIZON_MS),
    seed: integer(0, 4_294_967_295),
    start: string(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
  }),
  rows: any('array'),
  summaries: list(summaryShape, 100),
  digest: string(),
});

/** One strategy's counts add up: within the clients, one slot per hour, a maximum wait iff some wait. */
function checkSummary(file: string, r: RemediateReport, x: StrategySummaryJson, k: number): void {
  // The label as provsim writes it (`parseStrategy` gives it back unchanged), so that nothing but a strategy reaches
  // the merged report's text, page and JSON: a label with an escape sequence, resealed, merged.
  const parsed = parseStrategy(x.strategy);
  mustHold(
    file,
    typeof parsed !== 'string' && parsed.label === x.strategy,
    () =>
      `summaries[${k}].strategy: ${JSON.stringify(x.strategy)} is not a strategy as provsim writes it (${STRATEGY_FORMS})`,
  );
  const path = `summaries[${k}] (${x.strategy})`;
  const holds = (ok: boolean, what: () => string) => mustHold(file, ok, () => `${path}: ${what()}`);
  const clients = (r.shard as RemediateShard).toClient - (r.shard as RemediateShard).fromClient;
  const hours = Math.ceil(r.fleet.horizonMs / HOUR);
  holds(x.clients === clients, () => `${x.clients} clients, but the shard holds ${clients}`);
  for (const key of ['cut', 'inconsistent', 'stuckAtEnd'] as const) {
    holds(x[key] <= x.clients, () => `${key} is ${x[key]}, more than the ${x.clients} clients`);
  }
  holds(x.legacyStuckAtEnd <= x.stuckAtEnd, () => `legacyStuckAtEnd is more than stuckAtEnd`);
  holds(
    x.stuckMs >= 0 && x.stuckMs <= x.clients * r.fleet.horizonMs,
    () => `stuckMs ${x.stuckMs} is not within 0 and clients x horizon`,
  );
  holds(
    x.exits.length === hours && x.processed.length === hours,
    () => `${x.exits.length} and ${x.processed.length} hourly counts, not ${hours} (one per hour of the horizon)`,
  );
  const waits = x.waits.reduce((a, b) => a + b[2], 0);
  const processed = x.processed.reduce((a, b) => a + b, 0);
  holds(processed <= waits, () => `${processed} deployments processed by the hour, more than the ${waits} waits`);
  const top = x.waits[x.waits.length - 1];
  holds(
    top === undefined ? x.maxWaitMs === -1 : x.maxWaitMs >= top[0] && x.maxWaitMs < top[1],
    () => `maxWaitMs ${x.maxWaitMs} is not in the top bucket of its waits`,
  );
}

/** A verified remediate shard: shape, counts, and rows that follow from its summaries. */
export function verifyRemediateShard(f: ShardFile): RemediateReport {
  checkShape(f.file, f.value, reportShape);
  const r = f.value as RemediateReport & { digest: string };
  mustHold(f.file, r.summaries.length > 0, () => 'summaries: no strategy');
  r.summaries.forEach((x, k) => checkSummary(f.file, r, x, k));
  const difference = firstDifference(bodyOf(r), remediateReport(r.fleet, r.summaries, r.shard), '');
  if (difference !== null) {
    throw new ShardError(`${f.file}: ${difference} (the report does not follow from its own summaries: edited?)`);
  }
  return r;
}

/** The whole-fleet report from shard files of `provsim remediate --shard I/N`: exactly what one run writes. */
export function mergeRemediateShards(files: readonly ShardFile[]): RemediateReport {
  const reports = files.map(verifyRemediateShard);
  checkShardSet(
    reports.map((r, i) => {
      const shard = r.shard as RemediateShard;
      return {
        file: (files[i] as ShardFile).file,
        shard,
        identity: canonicalJson([r.fleet, shard.fleetDigest, r.summaries.map((x) => x.strategy)]),
        fleetClients: r.fleet.clients,
        clients: (r.summaries[0] as StrategySummaryJson).clients,
      };
    }),
    'remediate',
  );
  const first = reports[0] as RemediateReport;
  return remediateReport(
    first.fleet,
    addSummaries(
      first.fleet.horizonMs,
      reports.map((r) => r.summaries),
    ),
    null,
  );
}
