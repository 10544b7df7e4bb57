/**
 * `provsim remediate`: the same fleet run once per strategy, every client with the same draws (release, task
 * sequence, interruptions, deployments, phase), so that the measures differ by the strategy alone.
 *
 * Each client runs through the fleet's exact fast path (`simulateClient`, equal to `buildReport(runModel(...))`), on
 * its scenario with the strategy's scripted actions added. A quiet client (no task sequence, never in provisioning
 * mode: the closed-form branch) cannot have a registry that says provisioning mode (nothing writes "true" to it),
 * so every script run on it does nothing and its outcome is the same with or without them: it takes the closed form
 * on its scenario without them (the remediate test checks this against the model on the scripted scenario).
 *
 * Deterministic: the report depends only on the fleet, the strategies and the options.
 */
import { clientScenario, phaseOf } from '../fleet/simulate/clientScenario.js';
import type { Fleet } from '../fleet/load/Fleet.js';
import { Histogram, type HistogramJson, type Percentile } from '../fleet/summary/Histogram.js';
import type { ClientOutcome } from '../fleet/simulate/ClientOutcome.js';
import { stuckTime } from '../fleet/simulate/ClientOutcome.js';
import { withMaxMinutes } from '../fleet/tune/runTune.js';
import { fleetPublications } from '../fleet/summary/FleetSummary.js';
import { fastPathOf, simulateClient } from '../fleet/simulate/simulateClient.js';
import { hasTimeout } from '../model/timeout.js';
import type { Scenario } from '../scenario/Scenario.js';
import { type Strategy, withStrategy } from './Strategy.js';

const HOUR = 3_600_000;

/** The fleet a strategy runs on: `max=` sets every client's `ProvisioningMaxMinutes` (one draw still taken). */
export function fleetUnder(fleet: Fleet, strategy: Strategy): Fleet {
  return strategy.kind === 'max' ? withMaxMinutes(fleet, strategy.maxMinutes) : fleet;
}

/** Client `index`'s scenario under `strategy`, as `--explain` prints it and the run simulates it. */
export function remediateScenario(fleet: Fleet, strategy: Strategy, index: number): Scenario {
  return withStrategy(clientScenario(fleetUnder(fleet, strategy), index), strategy);
}

/** What one client's run under a strategy adds to the measures (fleet time: the client's scenario time - phase). */
export interface ClientMeasures {
  /** Time in provisioning mode while no task sequence ran, within the fleet's window. */
  readonly stuckMs: number;
  /** A proper exit (manual, timeout) or a registry-edit exit while the task sequence ran: the sequence was cut. */
  readonly cut: boolean;
  /** `inconsistent-registry` was raised: a CcmExec start found the registry saying "false" with tasks excluded. */
  readonly inconsistent: boolean;
  /** In provisioning mode at the end. */
  readonly stuckAtEnd: boolean;
  readonly legacy: boolean;
  /** Fleet time of each exit from provisioning mode within the window. */
  readonly exitsAtMs: readonly number[];
}

/** The measures of one client's outcome. */
export function measuresOf(o: ClientOutcome, phaseMs: number, horizonMs: number, version: string): ClientMeasures {
  const ts = o.taskSequence;
  const runFrom = ts.startedAtMs;
  const runTo = ts.endedAtMs ?? ts.abandonedAtMs ?? Number.POSITIVE_INFINITY;
  let cut = false;
  const exitsAtMs: number[] = [];
  for (const i of o.intervals) {
    if (i.exitedAtMs === null) continue;
    if (i.exitedAtMs >= phaseMs) exitsAtMs.push(i.exitedAtMs - phaseMs);
    const ordinary = i.exitReason === 'ts-success' || i.exitReason === 'ts-failure';
    if (!ordinary && runFrom !== null && i.exitedAtMs >= runFrom && i.exitedAtMs < runTo) cut = true;
  }
  const last = o.intervals[o.intervals.length - 1];
  return {
    stuckMs: stuckTime(o.intervals, ts, phaseMs, horizonMs),
    cut,
    inconsistent: o.hazards['inconsistent-registry'] > 0,
    stuckAtEnd: last !== undefined && last.exitedAtMs === null,
    legacy: !hasTimeout(version),
    exitsAtMs,
  };
}

/** The measures of one strategy over the fleet. */
export interface StrategyRow {
  readonly strategy: string;
  readonly clients: number;
  /** Client-hours in provisioning mode while no task sequence ran (after it ended, or with none). */
  readonly stuckClientHours: number;
  /** Task sequences cut: a client taken out of provisioning mode while its sequence ran (not by its own end). */
  readonly sequencesCut: number;
  readonly inconsistentClients: number;
  readonly stuckAtEnd: number;
  /** Clients on a release without the timeout (`hasTimeout` false) in provisioning mode at the end. */
  readonly legacyStuckAtEnd: number;
  readonly deploymentWait: {
    readonly processed: number;
    readonly unprocessed: number;
    /** The bucket holding each percentile (`[lowMs, highMs)`, at most 0.1% wide), `null` with none processed. */
    readonly p50: Percentile | null;
    readonly p99: Percentile | null;
    readonly maxMs: number | null;
  };
  /** The exit storm: the most clients leaving provisioning mode, and the most deployments processed, in one hour. */
  readonly storm: {
    readonly maxExitsInHour: number;
    readonly maxExitsHour: number | null;
    readonly maxProcessedInHour: number;
    readonly maxProcessedHour: number | null;
  };
  /** Per hour of the fleet's window (hour h covers [h, h+1) hours after the start). */
  readonly hourly: { readonly exits: readonly number[]; readonly processed: readonly number[] };
}

/** Which slice of the clients a report holds (`provsim remediate --shard I/N`); `null`: every client. */
export interface RemediateShard {
  readonly index: number;
  readonly count: number;
  readonly fromClient: number;
  readonly toClient: number;
  /** The digest of the fleet as simulated (every field but its file), which the shards of one run share. */
  readonly fleetDigest: string;
}

/** What `provsim merge` adds up: one strategy's exact counts, sums and histogram. */
export interface StrategySummaryJson {
  readonly strategy: string;
  readonly clients: number;
  readonly stuckMs: number;
  readonly cut: number;
  readonly inconsistent: number;
  readonly stuckAtEnd: number;
  readonly legacyStuckAtEnd: number;
  readonly waits: HistogramJson;
  readonly unprocessed: number;
  readonly maxWaitMs: number;
  readonly exits: readonly number[];
  readonly processed: readonly number[];
}

export interface RemediateReport {
  readonly schemaVersion: 1;
  readonly kind: 'provsim-remediate-report';
  readonly shard: RemediateShard | null;
  readonly fleet: {
    readonly name: string;
    readonly clients: number;
    readonly horizonMs: number;
    readonly seed: number;
    readonly start: string;
  };
  readonly rows: readonly StrategyRow[];
  /** The exact summaries the rows are computed from, which shards merge by adding. */
  readonly summaries: readonly StrategySummaryJson[];
}

/** Accumulates one strategy's measures, client by client. */
class StrategySummary {
  clients = 0;
  stuckMs = 0;
  cut = 0;
  inconsistent = 0;
  stuckAtEnd = 0;
  legacyStuckAtEnd = 0;
  readonly waits = new Histogram();
  unprocessed = 0;
  maxWaitMs = -1;
  readonly exits: Float64Array;
  readonly processed: Float64Array;

  constructor(
    readonly label: string,
    hours: number,
  ) {
    this.exits = new Float64Array(hours);
    this.processed = new Float64Array(hours);
  }

  add(m: ClientMeasures, waits: readonly (number | null)[], publishedAtMs: readonly number[]): void {
    this.clients++;
    this.stuckMs += m.stuckMs;
    if (m.cut) this.cut++;
    if (m.inconsistent) this.inconsistent++;
    if (m.stuckAtEnd) {
      this.stuckAtEnd++;
      if (m.legacy) this.legacyStuckAtEnd++;
    }
    for (const at of m.exitsAtMs) this.bump(this.exits, at);
    for (let k = 0; k < waits.length; k++) {
      const w = waits[k];
      if (w === null || w === undefined) {
        this.unprocessed++;
        continue;
      }
      this.waits.add(w);
      if (w > this.maxWaitMs) this.maxWaitMs = w;
      this.bump(this.processed, (publishedAtMs[k] as number) + w);
    }
  }

  toJSON(): StrategySummaryJson {
    return {
      strategy: this.label,
      clients: this.clients,
      stuckMs: this.stuckMs,
      cut: this.cut,
      inconsistent: this.inconsistent,
      stuckAtEnd: this.stuckAtEnd,
      legacyStuckAtEnd: this.legacyStuckAtEnd,
      waits: this.waits.toJSON(),
      unprocessed: this.unprocessed,
      maxWaitMs: this.maxWaitMs,
      exits: [...this.exits],
      processed: [...this.processed],
    };
  }

  /** Adds another slice's summary of the same strategy: exact, in any order. */
  merge(o: StrategySummaryJson): void {
    this.clients += o.clients;
    this.stuckMs += o.stuckMs;
    this.cut += o.cut;
    this.inconsistent += o.inconsistent;
    this.stuckAtEnd += o.stuckAtEnd;
    this.legacyStuckAtEnd += o.legacyStuckAtEnd;
    this.waits.merge(Histogram.fromJSON(o.waits));
    this.unprocessed += o.unprocessed;
    this.maxWaitMs = Math.max(this.maxWaitMs, o.maxWaitMs);
    o.exits.forEach((v, h) => (this.exits[h] = (this.exits[h] as number) + v));
    o.processed.forEach((v, h) => (this.processed[h] = (this.processed[h] as number) + v));
  }

  private bump(series: Float64Array, atMs: number): void {
    const h = Math.floor(atMs / HOUR);
    if (h >= 0 && h < series.length) series[h] = (series[h] as number) + 1;
  }

  row(): StrategyRow {
    const peak = (series: Float64Array) => {
      let best = 0;
      let at: number | null = null;
      series.forEach((v, h) => {
        if (v > best) {
          best = v;
          at = h;
        }
      });
      return { best, at };
    };
    const e = peak(this.exits);
    const p = peak(this.processed);
    return {
      strategy: this.label,
      clients: this.clients,
      stuckClientHours: Math.round((this.stuckMs / HOUR) * 10) / 10,
      sequencesCut: this.cut,
      inconsistentClients: this.inconsistent,
      stuckAtEnd: this.stuckAtEnd,
      legacyStuckAtEnd: this.legacyStuckAtEnd,
      deploymentWait: {
        processed: this.waits.count,
        unprocessed: this.unprocessed,
        p50: this.waits.percentile(0.5),
        p99: this.waits.percentile(0.99),
        maxMs: this.maxWaitMs < 0 ? null : this.maxWaitMs,
      },
      storm: { maxExitsInHour: e.best, maxExitsHour: e.at, maxProcessedInHour: p.best, maxProcessedHour: p.at },
      hourly: { exits: [...this.exits], processed: [...this.processed] },
    };
  }
}

export interface RunRemediateOptions {
  /** Only clients `[from, to)` (a shard), with its place among the shards. */
  readonly shard?: RemediateShard;
  readonly onProgress?: (done: number, total: number) => void;
}

/** What a report says of its fleet: enough to tell two runs apart, and to merge shards. */
export function fleetHeader(fleet: Fleet): RemediateReport['fleet'] {
  return {
    name: fleet.name,
    clients: fleet.clients,
    horizonMs: fleet.horizonMs,
    seed: fleet.seed,
    start: new Date(fleet.startMs).toISOString(),
  };
}

/** The report of `summaries` (one per strategy, in order) for the fleet `header` describes. */
export function remediateReport(
  header: RemediateReport['fleet'],
  summaries: readonly StrategySummaryJson[],
  shard: RemediateShard | null,
): RemediateReport {
  const hours = Math.ceil(header.horizonMs / HOUR);
  const whole = summaries.map((json) => {
    const s = new StrategySummary(json.strategy, hours);
    s.merge(json);
    return s;
  });
  return {
    schemaVersion: 1,
    kind: 'provsim-remediate-report',
    shard,
    fleet: header,
    rows: whole.map((s) => s.row()),
    summaries: whole.map((s) => s.toJSON()),
  };
}

/** Runs every client of `fleet` (or of the shard) under each strategy, in order. */
export function runRemediate(
  fleet: Fleet,
  strategies: readonly Strategy[],
  options: RunRemediateOptions = {},
): RemediateReport {
  const hours = Math.ceil(fleet.horizonMs / HOUR);
  const published = fleetPublications(fleet).map((p) => p.at);
  const from = options.shard?.fromClient ?? 0;
  const to = options.shard?.toClient ?? fleet.clients;
  const summaries: StrategySummaryJson[] = [];
  const total = strategies.length * (to - from);
  let done = 0;
  for (const strategy of strategies) {
    const summary = new StrategySummary(strategy.label, hours);
    const under = fleetUnder(fleet, strategy);
    for (let index = from; index < to; index++) {
      const base = clientScenario(under, index);
      const path = fastPathOf(base);
      const scenario = path === 'closed-form' ? base : withStrategy(base, strategy);
      const outcome = simulateClient(scenario, path);
      const phase = phaseOf(under, base);
      summary.add(measuresOf(outcome, phase, base.horizonMs, base.client.version), outcome.deploymentWaits, published);
      if (++done % 2000 === 0) options.onProgress?.(done, total);
    }
    summaries.push(summary.toJSON());
  }
  return remediateReport(fleetHeader(fleet), summaries, options.shard ?? null);
}

/**
 * The summaries of several slices of one run added up (one list per slice, the strategies in the same order):
 * exact, in any order, so the shards of `provsim remediate --shard I/N` merge into exactly what one run writes.
 * `provsim merge` verifies the slices first (sim/shard/remediateShards.ts).
 */
export function addSummaries(
  horizonMs: number,
  slices: readonly (readonly StrategySummaryJson[])[],
): StrategySummaryJson[] {
  const hours = Math.ceil(horizonMs / HOUR);
  return (slices[0] ?? []).map((x, k) => {
    const s = new StrategySummary(x.strategy, hours);
    for (const slice of slices) s.merge(slice[k] as StrategySummaryJson);
    return s.toJSON();
  });
}
