/**
 * `provsim merge` of the shard reports of `provsim fleet --shard I/N`: each shard verified (envelope and digest,
 * the shape of every field merge reads, its counts adding up, its figures following from its summary), the set
 * checked (`checkShardSet`), then the summaries added into exactly the report one run writes. Pure; a refusal is a
 * `ShardError` naming the file and what does not add up.
 */
import { type Fleet, MAX_FLEET_CLIENTS, MAX_FLEET_HORIZON_MS } from '../fleet/load/Fleet.js';
import { buildFleetReport, type FleetReport, type ShardInfo } from '../fleet/report/FleetReport.js';
import {
  EXAMPLE_KINDS,
  EXIT_REASONS,
  FleetSummary,
  fleetPublications,
  sampleStepMs,
  type SummaryJson,
  TASK_SEQUENCE_OUTCOMES,
} from '../fleet/summary/FleetSummary.js';
import { bucketBounds, bucketOf, type HistogramJson } from '../fleet/summary/Histogram.js';
import { HAZARD_KINDS } from '../scenario/Scenario.js';
import { DISPLAY_NAME_PATTERN, NAME_PATTERN, PLAIN_TEXT_PATTERN } from '../scenario/sharedSpecs.js';
import { bodyOf, canonicalJson } from './digest.js';
import {
  any,
  count,
  firstDifference,
  integer,
  list,
  nullable,
  number,
  object,
  record,
  type Shape,
  string,
  sum,
  tuple,
} from './shape.js';
import { checkShape, checkShardSet, mustHold, shardHeaderShape, ShardError, type ShardFile } from './shardSet.js';

const DWORD_MAX = 4_294_967_295;
/** The last millisecond of year 9999: the wall clock's range (docs/bad-input.md). */
const LAST_WALL_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** `[lowMs, highMs, count]` per non-empty bucket. */
export const histogramShape: Shape = list(tuple(count, count, integer(1)), 100_000);

/** The fields of the fleet that merge and the pages read; the rest is compared whole between shards. */
const fleetShape: Shape = object({
  name: string(NAME_PATTERN),
  description: string(PLAIN_TEXT_PATTERN),
  file: nullable(string()),
  clients: integer(1, MAX_FLEET_CLIENTS),
  startMs: integer(0, LAST_WALL_MS),
  horizonMs: integer(1, MAX_FLEET_HORIZON_MS),
  seed: integer(0, DWORD_MAX),
  releases: list(object({ value: string(/^\d{4}$/), share: number }), 1000),
  maxMinutes: list(object({ value: nullable(integer(0, DWORD_MAX)), share: number }), 1000),
  client: any('object'),
  assumptions: any('object'),
  taskSequences: any('array'),
  powerLoss: any('object', 'null'),
  reboot: any('object', 'null'),
  initiallyStuck: any('object', 'null'),
  deployments: list(
    object({
      name: string(DISPLAY_NAME_PATTERN),
      atMs: integer(0, MAX_FLEET_HORIZON_MS),
      everyMs: nullable(integer(3_600_000)),
    }),
    1000,
  ),
});

const latencyShape: Shape = object({
  processed: count,
  unprocessed: count,
  sumMs: sum,
  maxMs: count,
  histogram: histogramShape,
});

const groupShape: Shape = object({
  key: string(DISPLAY_NAME_PATTERN),
  clients: count,
  entered: count,
  timeoutExits: count,
  prematureExit: count,
  exceededTimeout: count,
  stuckAtEnd: count,
  stuckMs: sum,
});

const summaryShape: Shape = object({
  clients: count,
  entered: count,
  intervals: count,
  exits: record(EXIT_REASONS, count),
  hazards: record(HAZARD_KINDS, count),
  prematureExits: count,
  taskSequences: record(TASK_SEQUENCE_OUTCOMES, count),
  timeInMode: histogramShape,
  maxTimeInModeMs: count,
  totalMs: sum,
  stuckMs: sum,
  policyCyclesSkipped: sum,
  modelEvents: sum,
  latency: latencyShape,
  latencyByDeployment: list(latencyShape, 1000),
  byRelease: list(groupShape, 1000),
  byMaxMinutes: list(groupShape, 1000),
  inMode: object({ stepMs: integer(1), counts: list(count, 100_000) }),
  fastPath: object({ 'closed-form': count, skipping: count }),
  examples: record(EXAMPLE_KINDS, list(count, 5)),
});

/** What merge reads of a fleet shard report: the rest is checked against what its summary gives. */
const reportShape: Shape = object({
  schemaVersion: any('number'),
  kind: any('string'),
  fleet: fleetShape,
  shard: shardHeaderShape(),
  clients: count,
  provisioning: any('object'),
  taskSequences: any('object'),
  deployments: any('object'),
  hazards: any('object'),
  byRelease: any('array'),
  byMaxMinutes: any('array'),
  examples: any('object'),
  modelEvents: any('number', 'string'),
  fastPath: any('object'),
  summary: summaryShape,
  digest: string(),
});

const total = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const histogramTotal = (h: HistogramJson): number => total(h.map((b) => b[2]));

/** Every bucket is one of the histogram's fixed buckets, in increasing order. */
function checkHistogram(file: string, h: HistogramJson, path: string): void {
  let previous = -1;
  h.forEach(([lowMs, highMs], i) => {
    const bucket = bucketOf(lowMs);
    const bounds = bucketBounds(bucket);
    mustHold(
      file,
      bounds.lowMs === lowMs && bounds.highMs === highMs && bucket > previous,
      () => `${path}[${i}]: [${lowMs}, ${highMs}] is not the next bucket of a provsim histogram`,
    );
    previous = bucket;
  });
}

/** The counts within one shard's summary add up (client totals, groups, histograms, publications, samples). */
function checkSummary(file: string, r: FleetReport): void {
  const s = r.summary;
  const { clients, entered } = s;
  const shard = r.shard as ShardInfo;
  const holds = (ok: boolean, what: () => string) => mustHold(file, ok, what);
  holds(
    clients === r.clients,
    () => `summary.clients is ${clients}, but the report says it holds ${r.clients} clients`,
  );
  const outcomes = total(Object.values(s.taskSequences));
  holds(outcomes === clients, () => `summary.taskSequences add up to ${outcomes}, not the ${clients} clients`);
  const paths = s.fastPath['closed-form'] + s.fastPath.skipping;
  holds(paths === clients, () => `summary.fastPath adds up to ${paths}, not the ${clients} clients`);
  holds(entered <= clients, () => `summary.entered is ${entered}, more than the ${clients} clients`);
  holds(entered <= s.intervals, () => `summary.entered is ${entered}, more than the ${s.intervals} intervals`);
  const exits = total(Object.values(s.exits));
  holds(exits <= s.intervals, () => `summary.exits add up to ${exits}, more than the ${s.intervals} intervals`);
  for (const h of HAZARD_KINDS) {
    holds(s.hazards[h] <= clients, () => `summary.hazards.${h} is ${s.hazards[h]}, more than the ${clients} clients`);
  }
  holds(
    s.prematureExits >= s.hazards['premature-exit'],
    () => `summary.prematureExits is ${s.prematureExits}, fewer than the clients with one`,
  );
  const inMode = histogramTotal(s.timeInMode);
  holds(inMode === entered, () => `summary.timeInMode counts ${inMode} clients, not the ${entered} that entered`);
  checkHistogram(file, s.timeInMode, 'summary.timeInMode');
  holds(
    s.maxTimeInModeMs <= r.fleet.horizonMs,
    () => `summary.maxTimeInModeMs is ${s.maxTimeInModeMs}, past the horizon`,
  );
  for (const [name, groups] of [
    ['byRelease', s.byRelease],
    ['byMaxMinutes', s.byMaxMinutes],
  ] as const) {
    const inGroups = total(groups.map((g) => g.clients));
    holds(
      inGroups === clients,
      () => `summary.${name} groups hold ${inGroups} clients, not the ${clients} of the shard`,
    );
    const enteredInGroups = total(groups.map((g) => g.entered));
    holds(enteredInGroups === entered, () => `summary.${name} groups say ${enteredInGroups} entered, not ${entered}`);
    groups.forEach((g, i) =>
      holds(
        g.entered <= g.clients && g.stuckAtEnd <= g.entered && g.prematureExit <= g.entered,
        () => `summary.${name}[${i}] (${g.key}): more clients entered, stuck or cut than it holds`,
      ),
    );
  }
  checkDeployments(file, r.fleet, s);
  const step = sampleStepMs(r.fleet.horizonMs);
  const samples = Math.floor(r.fleet.horizonMs / step) + 1;
  holds(
    s.inMode.stepMs === step && s.inMode.counts.length === samples,
    () => `summary.inMode: ${s.inMode.counts.length} samples every ${s.inMode.stepMs} ms, not ${samples} every ${step}`,
  );
  holds(
    s.inMode.counts.every((c) => c <= clients),
    () => `summary.inMode.counts: more clients in provisioning mode than the ${clients} of the shard`,
  );
  for (const k of EXAMPLE_KINDS) {
    const e = s.examples[k];
    holds(
      e.every((x, i) => x >= shard.fromClient && x < shard.toClient && (i === 0 || x > (e[i - 1] as number))),
      () =>
        `summary.examples.${k}: not increasing client numbers of this shard (${shard.fromClient}..${shard.toClient - 1})`,
    );
  }
}

/** Each deployment's latency counts every publication of every client once. */
function checkDeployments(file: string, fleet: Fleet, s: SummaryJson): void {
  mustHold(
    file,
    s.latencyByDeployment.length === fleet.deployments.length,
    () =>
      `summary.latencyByDeployment has ${s.latencyByDeployment.length} entries, not one per deployment (${fleet.deployments.length})`,
  );
  const publications = new Array<number>(fleet.deployments.length).fill(0);
  for (const p of fleetPublications(fleet)) publications[p.entry] = (publications[p.entry] as number) + 1;
  s.latencyByDeployment.forEach((l, i) => {
    const path = `summary.latencyByDeployment[${i}]`;
    checkHistogram(file, l.histogram, `${path}.histogram`);
    mustHold(
      file,
      histogramTotal(l.histogram) === l.processed,
      () => `${path}: its histogram counts ${histogramTotal(l.histogram)} waits, not the ${l.processed} processed`,
    );
    const seen = l.processed + l.unprocessed;
    const expected = s.clients * (publications[i] as number);
    mustHold(
      file,
      seen === expected,
      () =>
        `${path}: ${seen} publications processed or not, not ${expected} (${s.clients} clients x ${publications[i]})`,
    );
  });
}

/** A verified fleet shard: its shape, its counts, and every figure of the report following from its summary. */
export function verifyFleetShard(f: ShardFile): FleetReport {
  checkShape(f.file, f.value, reportShape);
  const r = f.value as FleetReport & { digest: string };
  checkSummary(f.file, r);
  const rebuilt = buildFleetReport(r.fleet, FleetSummary.fromJSON(r.fleet, r.summary), r.shard);
  const difference = firstDifference(bodyOf(r), rebuilt, '');
  if (difference !== null) {
    throw new ShardError(`${f.file}: ${difference} (the report does not follow from its own summary: edited?)`);
  }
  return r;
}

/**
 * [provsim] The same fleet run: the same fleet, overrides and seed (the path it was read from may differ between
 * machines; docs/model.md, "Merging shards and report sets").
 */
const identityOf = (r: FleetReport): string => canonicalJson({ ...r.fleet, file: null });

/** The whole-fleet report from verified shard files of `provsim fleet --shard I/N`: exactly what one run writes. */
export function mergeFleetShards(files: readonly ShardFile[]): FleetReport {
  const reports = files.map(verifyFleetShard);
  checkShardSet(
    reports.map((r, i) => ({
      file: (files[i] as ShardFile).file,
      shard: r.shard as ShardInfo,
      identity: identityOf(r),
      fleetClients: r.fleet.clients,
      clients: r.clients,
    })),
    'fleet',
  );
  const fleet = (reports[0] as FleetReport).fleet;
  const summary = new FleetSummary(fleet);
  for (const r of reports) summary.merge(FleetSummary.fromJSON(fleet, r.summary));
  return buildFleetReport(fleet, summary, null);
}
