/**
 * What a fleet run keeps of its clients: counts, exact sums, exact histograms with fixed edges, the number of
 * clients in provisioning mode at each sample time, and the smallest client indices of each notable kind (to
 * `--explain`). Every part merges by addition (or by taking the smallest indices), so a summary of any partition
 * of the clients, merged in any order, equals the summary of one run over all of them: worker threads, shards and
 * `provsim merge` rely on this. Pure.
 */
import {
  type ExitReason,
  HAZARD_KINDS,
  type HazardKind,
  type Scenario,
  type TaskSequenceOutcome,
} from '../../scenario/Scenario.js';
import { type ClientOutcome, stuckTime, timeInMode } from '../simulate/ClientOutcome.js';
import type { Fleet } from '../load/Fleet.js';
import { ExactSum, Histogram, type HistogramJson } from './Histogram.js';
import type { FastPath } from '../simulate/simulateClient.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const EXAMPLES = 5;

export const EXIT_REASONS: readonly ExitReason[] = ['ts-success', 'ts-failure', 'timeout', 'manual', 'registry-edit'];
export const TASK_SEQUENCE_OUTCOMES: readonly TaskSequenceOutcome[] = [
  'success',
  'failed',
  'abandoned',
  'running',
  'not-started',
  'none',
];
export const EXAMPLE_KINDS = ['prematureExit', 'exceededTimeout', 'stuckAtEnd', 'abandoned', 'timeout'] as const;
export type ExampleKind = (typeof EXAMPLE_KINDS)[number];

/** The step between samples of "clients in provisioning mode": hourly up to 45 days, then 6-hourly, then daily. */
export function sampleStepMs(horizonMs: number): number {
  return horizonMs <= 45 * DAY ? HOUR : horizonMs <= 180 * DAY ? 6 * HOUR : DAY;
}

/**
 * The fleet's deployment publications at or before the horizon, in the order every client's model publishes them
 * (fleet time, then the deployment's entry): when, and which entry of `fleet.deployments`.
 */
export function fleetPublications(fleet: Fleet): { at: number; entry: number }[] {
  const pubs: { at: number; entry: number }[] = [];
  fleet.deployments.forEach((d, entry) => {
    if (d.atMs > fleet.horizonMs) return;
    if (d.everyMs === null) pubs.push({ at: d.atMs, entry });
    else for (let at = d.atMs; at <= fleet.horizonMs; at += d.everyMs) pubs.push({ at, entry });
  });
  return pubs.sort((a, b) => a.at - b.at || a.entry - b.entry);
}

/** The entry of each publication, in that order. */
export function publicationEntries(fleet: Fleet): number[] {
  return fleetPublications(fleet).map((p) => p.entry);
}

/** Counts of one group of clients (a release, or a `ProvisioningMaxMinutes` value). */
export class GroupCounts {
  clients = 0;
  entered = 0;
  timeoutExits = 0;
  prematureExit = 0;
  exceededTimeout = 0;
  stuckAtEnd = 0;
  readonly stuckMs = new ExactSum();

  merge(o: GroupCounts): void {
    this.clients += o.clients;
    this.entered += o.entered;
    this.timeoutExits += o.timeoutExits;
    this.prematureExit += o.prematureExit;
    this.exceededTimeout += o.exceededTimeout;
    this.stuckAtEnd += o.stuckAtEnd;
    this.stuckMs.merge(o.stuckMs);
  }

  toJSON() {
    return {
      clients: this.clients,
      entered: this.entered,
      timeoutExits: this.timeoutExits,
      prematureExit: this.prematureExit,
      exceededTimeout: this.exceededTimeout,
      stuckAtEnd: this.stuckAtEnd,
      stuckMs: this.stuckMs.toJSON(),
    };
  }

  static fromJSON(j: ReturnType<GroupCounts['toJSON']>): GroupCounts {
    const g = new GroupCounts();
    g.clients = j.clients;
    g.entered = j.entered;
    g.timeoutExits = j.timeoutExits;
    g.prematureExit = j.prematureExit;
    g.exceededTimeout = j.exceededTimeout;
    g.stuckAtEnd = j.stuckAtEnd;
    g.stuckMs.merge(ExactSum.fromJSON(j.stuckMs));
    return g;
  }
}

/** Deployment latency of one fleet deployment (all its publications), or of all of them. */
export class LatencyCounts {
  readonly histogram = new Histogram();
  readonly sumMs = new ExactSum();
  maxMs = 0;
  unprocessed = 0;

  /** Adds `times` publications that waited `wait` (null: not processed). */
  add(wait: number | null, times = 1): void {
    if (wait === null) this.unprocessed += times;
    else {
      this.histogram.add(wait, times);
      this.sumMs.add(wait * times);
      if (wait > this.maxMs) this.maxMs = wait;
    }
  }

  merge(o: LatencyCounts): void {
    this.histogram.merge(o.histogram);
    this.sumMs.merge(o.sumMs);
    this.maxMs = Math.max(this.maxMs, o.maxMs);
    this.unprocessed += o.unprocessed;
  }

  toJSON() {
    return {
      processed: this.histogram.count,
      unprocessed: this.unprocessed,
      sumMs: this.sumMs.toJSON(),
      maxMs: this.maxMs,
      histogram: this.histogram.toJSON(),
    };
  }

  static fromJSON(j: ReturnType<LatencyCounts['toJSON']>): LatencyCounts {
    const l = new LatencyCounts();
    l.histogram.merge(Histogram.fromJSON(j.histogram));
    l.sumMs.merge(ExactSum.fromJSON(j.sumMs));
    l.maxMs = j.maxMs;
    l.unprocessed = j.unprocessed;
    return l;
  }
}

const maxKey = (v: number | null | undefined): string => (v === null || v === undefined ? 'absent' : String(v));

export type SummaryJson = ReturnType<FleetSummary['toJSON']>;

export class FleetSummary {
  clients = 0;
  entered = 0;
  intervals = 0;
  readonly exits = Object.fromEntries(EXIT_REASONS.map((r) => [r, 0])) as Record<ExitReason, number>;
  /** Clients with at least one report of each hazard. */
  readonly hazards = Object.fromEntries(HAZARD_KINDS.map((h) => [h, 0])) as Record<HazardKind, number>;
  prematureExits = 0;
  readonly taskSequences = Object.fromEntries(TASK_SEQUENCE_OUTCOMES.map((o) => [o, 0])) as Record<
    TaskSequenceOutcome,
    number
  >;
  /** Time in provisioning mode within the fleet's window, of each client that entered it. */
  readonly timeInMode = new Histogram();
  maxTimeInModeMs = 0;
  readonly totalMs = new ExactSum();
  readonly stuckMs = new ExactSum();
  readonly policyCyclesSkipped = new ExactSum();
  readonly modelEvents = new ExactSum();
  /** Deployment latency of each fleet deployment (all its publications); `latency()` adds them up. */
  readonly latencyByDeployment: LatencyCounts[];
  readonly byRelease = new Map<string, GroupCounts>();
  readonly byMaxMinutes = new Map<string, GroupCounts>();
  /** Differences of the count of clients in provisioning mode between consecutive samples (index j: j * step). */
  private readonly inModeDiff: Float64Array;
  readonly fastPath = { 'closed-form': 0, skipping: 0 } as Record<FastPath, number>;
  readonly examples = Object.fromEntries(EXAMPLE_KINDS.map((k) => [k, [] as number[]])) as Record<
    ExampleKind,
    number[]
  >;

  readonly stepMs: number;
  readonly samples: number;
  private readonly entryOf: readonly number[];
  /** The group of each entry of the fleet's release mix and ProvisioningMaxMinutes mix. */
  private readonly releaseGroups: readonly GroupCounts[];
  private readonly maxGroups: readonly GroupCounts[];

  constructor(readonly fleet: Fleet) {
    this.stepMs = sampleStepMs(fleet.horizonMs);
    this.samples = Math.floor(fleet.horizonMs / this.stepMs) + 1;
    this.inModeDiff = new Float64Array(this.samples + 1);
    this.entryOf = publicationEntries(fleet);
    this.latencyByDeployment = fleet.deployments.map(() => new LatencyCounts());
    for (const r of fleet.releases) this.byRelease.set(r.value, new GroupCounts());
    for (const m of fleet.maxMinutes) this.byMaxMinutes.set(maxKey(m.value), new GroupCounts());
    this.releaseGroups = fleet.releases.map((r) => this.group(this.byRelease, r.value));
    this.maxGroups = fleet.maxMinutes.map((m) => this.group(this.byMaxMinutes, maxKey(m.value)));
  }

  /** Adds client `index`, whose scenario starts `phaseMs` before the fleet. */
  add(index: number, scenario: Scenario, phaseMs: number, o: ClientOutcome, path: FastPath): void {
    this.clients++;
    this.fastPath[path]++;
    this.modelEvents.add(o.eventCount);
    this.policyCyclesSkipped.add(o.policyCyclesSkipped);
    const release = this.group(this.byRelease, scenario.client.version);
    const max = this.group(this.byMaxMinutes, maxKey(scenario.client.registry.ProvisioningMaxMinutes));
    release.clients++;
    max.clients++;
    this.taskSequences[o.taskSequence.outcome]++;
    if (o.taskSequence.outcome === 'abandoned') this.example('abandoned', index);

    if (o.intervals.length > 0) {
      // Within the fleet's window: the client's scenario starts `phaseMs` before it.
      const inMode = timeInMode(o.intervals, phaseMs, scenario.horizonMs);
      const stuck = stuckTime(o.intervals, o.taskSequence, phaseMs, scenario.horizonMs);
      this.entered++;
      this.intervals += o.intervals.length;
      this.timeInMode.add(inMode);
      this.maxTimeInModeMs = Math.max(this.maxTimeInModeMs, inMode);
      this.totalMs.add(inMode);
      this.stuckMs.add(stuck);
      let timeouts = 0;
      for (const i of o.intervals) {
        if (i.exitReason !== null) this.exits[i.exitReason]++;
        if (i.exitReason === 'timeout') timeouts++;
        this.markInMode(i.enteredAtMs - phaseMs, i.exitedAtMs === null ? null : i.exitedAtMs - phaseMs);
      }
      const open = o.intervals[o.intervals.length - 1]?.exitedAtMs === null;
      for (const g of [release, max]) {
        g.entered++;
        g.timeoutExits += timeouts;
        g.stuckMs.add(stuck);
        if (open) g.stuckAtEnd++;
        if (o.hazards['premature-exit'] > 0) g.prematureExit++;
        if (o.hazards['exceeded-timeout'] > 0) g.exceededTimeout++;
      }
      if (timeouts > 0) this.example('timeout', index);
    }
    for (const h of HAZARD_KINDS) if (o.hazards[h] > 0) this.hazards[h]++;
    this.prematureExits += o.hazards['premature-exit'];
    if (o.hazards['premature-exit'] > 0) this.example('prematureExit', index);
    if (o.hazards['exceeded-timeout'] > 0) this.example('exceededTimeout', index);
    if (o.hazards['stuck-at-horizon'] > 0) this.example('stuckAtEnd', index);

    const waits = o.deploymentWaits;
    const byDeployment = this.latencyByDeployment;
    const entryOf = this.entryOf;
    for (let k = 0; k < waits.length; k++)
      (byDeployment[entryOf[k] as number] as LatencyCounts).add(waits[k] as number | null);
  }

  /**
   * Adds a quiet client (the closed form: never in provisioning mode, no task sequence, no hazard) of the fleet's
   * `release`-th release and `max`-th ProvisioningMaxMinutes entry; its waits come through `addLatency`.
   */
  addQuiet(release: number, max: number, eventCount: number): void {
    this.clients++;
    this.fastPath['closed-form']++;
    this.modelEvents.add(eventCount);
    (this.releaseGroups[release] as GroupCounts).clients++;
    (this.maxGroups[max] as GroupCounts).clients++;
    this.taskSequences.none++;
  }

  /** Adds `times` publications of deployment `entry` that waited `wait` (null: not processed). */
  addLatency(entry: number, wait: number | null, times: number): void {
    (this.latencyByDeployment[entry] as LatencyCounts).add(wait, times);
  }

  /** Deployment latency over every publication. */
  latency(): LatencyCounts {
    const all = new LatencyCounts();
    for (const l of this.latencyByDeployment) all.merge(l);
    return all;
  }

  private group(map: Map<string, GroupCounts>, key: string): GroupCounts {
    let g = map.get(key);
    if (g === undefined) {
      g = new GroupCounts();
      map.set(key, g);
    }
    return g;
  }

  /** Keeps the `EXAMPLES` smallest indices of each kind. */
  private example(kind: ExampleKind, index: number): void {
    const list = this.examples[kind];
    if (list.length === EXAMPLES && index >= (list[EXAMPLES - 1] as number)) return;
    if (list.includes(index)) return;
    list.push(index);
    list.sort((a, b) => a - b);
    if (list.length > EXAMPLES) list.length = EXAMPLES;
  }

  /**
   * Counts the interval [fromMs, toMs) of fleet time (to the horizon, included, when `toMs` is null) at each sample
   * time it holds.
   */
  private markInMode(fromMs: number, toMs: number | null): void {
    const step = this.stepMs;
    const first = Math.max(0, Math.ceil(fromMs / step));
    const end = toMs === null ? this.samples : Math.min(this.samples, Math.ceil(toMs / step));
    if (end <= first) return;
    (this.inModeDiff[first] as number)++;
    (this.inModeDiff[end] as number)--;
  }

  /** Clients in provisioning mode at each sample time `j * stepMs` of fleet time. */
  inModeCounts(): number[] {
    const out: number[] = [];
    let running = 0;
    for (let j = 0; j < this.samples; j++) {
      running += this.inModeDiff[j] as number;
      out.push(running);
    }
    return out;
  }

  merge(o: FleetSummary): void {
    this.clients += o.clients;
    this.entered += o.entered;
    this.intervals += o.intervals;
    for (const r of EXIT_REASONS) this.exits[r] += o.exits[r];
    for (const h of HAZARD_KINDS) this.hazards[h] += o.hazards[h];
    this.prematureExits += o.prematureExits;
    for (const t of TASK_SEQUENCE_OUTCOMES) this.taskSequences[t] += o.taskSequences[t];
    this.timeInMode.merge(o.timeInMode);
    this.maxTimeInModeMs = Math.max(this.maxTimeInModeMs, o.maxTimeInModeMs);
    this.totalMs.merge(o.totalMs);
    this.stuckMs.merge(o.stuckMs);
    this.policyCyclesSkipped.merge(o.policyCyclesSkipped);
    this.modelEvents.merge(o.modelEvents);
    o.latencyByDeployment.forEach((l, i) => this.latencyByDeployment[i]?.merge(l));
    for (const [k, g] of o.byRelease) this.group(this.byRelease, k).merge(g);
    for (const [k, g] of o.byMaxMinutes) this.group(this.byMaxMinutes, k).merge(g);
    for (let j = 0; j <= this.samples; j++) (this.inModeDiff[j] as number) += o.inModeDiff[j] as number;
    this.fastPath['closed-form'] += o.fastPath['closed-form'];
    this.fastPath.skipping += o.fastPath.skipping;
    for (const k of EXAMPLE_KINDS) {
      this.examples[k] = [...new Set([...this.examples[k], ...o.examples[k]])].sort((a, b) => a - b).slice(0, EXAMPLES);
    }
  }

  /** Plain JSON, in a fixed key order: what a shard writes and `provsim merge` reads back. */
  toJSON() {
    const groups = (m: Map<string, GroupCounts>) => [...m].map(([key, g]) => ({ key, ...g.toJSON() }));
    return {
      clients: this.clients,
      entered: this.entered,
      intervals: this.intervals,
      exits: { ...this.exits },
      hazards: { ...this.hazards },
      prematureExits: this.prematureExits,
      taskSequences: { ...this.taskSequences },
      timeInMode: this.timeInMode.toJSON(),
      maxTimeInModeMs: this.maxTimeInModeMs,
      totalMs: this.totalMs.toJSON(),
      stuckMs: this.stuckMs.toJSON(),
      policyCyclesSkipped: this.policyCyclesSkipped.toJSON(),
      modelEvents: this.modelEvents.toJSON(),
      latency: this.latency().toJSON(),
      latencyByDeployment: this.latencyByDeployment.map((l) => l.toJSON()),
      byRelease: groups(this.byRelease),
      byMaxMinutes: groups(this.byMaxMinutes),
      inMode: { stepMs: this.stepMs, counts: this.inModeCounts() },
      fastPath: { ...this.fastPath },
      examples: Object.fromEntries(EXAMPLE_KINDS.map((k) => [k, [...this.examples[k]]])) as Record<
        ExampleKind,
        number[]
      >,
    };
  }

  static fromJSON(fleet: Fleet, j: SummaryJson): FleetSummary {
    const s = new FleetSummary(fleet);
    s.clients = j.clients;
    s.entered = j.entered;
    s.intervals = j.intervals;
    Object.assign(s.exits, j.exits);
    Object.assign(s.hazards, j.hazards);
    s.prematureExits = j.prematureExits;
    Object.assign(s.taskSequences, j.taskSequences);
    s.timeInMode.merge(Histogram.fromJSON(j.timeInMode as HistogramJson));
    s.maxTimeInModeMs = j.maxTimeInModeMs;
    s.totalMs.merge(ExactSum.fromJSON(j.totalMs));
    s.stuckMs.merge(ExactSum.fromJSON(j.stuckMs));
    s.policyCyclesSkipped.merge(ExactSum.fromJSON(j.policyCyclesSkipped));
    s.modelEvents.merge(ExactSum.fromJSON(j.modelEvents));
    j.latencyByDeployment.forEach((l, i) => s.latencyByDeployment[i]?.merge(LatencyCounts.fromJSON(l)));
    for (const g of j.byRelease) s.group(s.byRelease, g.key).merge(GroupCounts.fromJSON(g));
    for (const g of j.byMaxMinutes) s.group(s.byMaxMinutes, g.key).merge(GroupCounts.fromJSON(g));
    let previous = 0;
    j.inMode.counts.forEach((c, i) => {
      (s.inModeDiff[i] as number) += c - previous;
      previous = c;
    });
    (s.inModeDiff[j.inMode.counts.length] as number) -= previous;
    s.fastPath['closed-form'] = j.fastPath['closed-form'];
    s.fastPath.skipping = j.fastPath.skipping;
    for (const k of EXAMPLE_KINDS) s.examples[k] = [...j.examples[k]];
    return s;
  }
}
