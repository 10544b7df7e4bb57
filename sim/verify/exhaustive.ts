/**
 * Exhaustive small-scope checking: every scenario made of a base scenario plus up to K scripted events, each drawn
 * from a fixed list of event variants and placed at a time of the grid within the horizon, is checked against the
 * invariants. Breadth-first over model states, not over event lists: a node is a run cut at a grid time (everything
 * before it fired) with the events inserted so far, and two prefixes whose cut states are equal — the full model
 * state plus every pending timer and scripted event relative to the cut, fingerprinted — are expanded once.
 * Breadth-first order makes the first violation a shortest one (fewest inserted events).
 *
 * What a merge assumes: the future of a run depends only on the cut state (true of the pure model: its transition
 * reads nothing else) and the invariants' verdict on that future only on the facts the state holds (wall-clock
 * offset, mode, CcmExec, registry, task sequence, raised hazards). Every node that is kept is run to its horizon
 * and checked whole, so a violation inside its own prefix is never lost; only the expansions of a state already
 * expanded are skipped. Fingerprints are 53-bit hashes: a collision (odds about n²/2⁵⁴ for n states) would merge
 * two different states.
 *
 * Deterministic: the same options give the same counts and the same counterexample. Pure apart from CPU time
 * (the time budget reads `performance.now`).
 */
import { buildReport, type Report } from '../report/Report.js';
import {
  ASSUMPTION_VALUES,
  type Assumptions,
  type Scenario,
  type ScenarioEvent,
  type ScenarioEventType,
} from '../scenario/Scenario.js';
import type { ScenarioEventBody } from '../model/runModel.js';
import type { ModelFaults } from '../model/transition.js';
import { ForkableRun } from './ForkableRun.js';
import { type CheckOptions, checkInvariants, type Violation } from './invariants.js';

const M = 60_000;
const H = 60 * M;

/** An event to insert, without its time. */
export type EventVariant = ScenarioEventBody;

/**
 * [provsim] The events the exhaustive mode inserts, per kind: one or two variants each, chosen for what they change
 * in the model (see docs/verification.md). `power-loss` is the unrecoverable interruption and `reboot` the
 * recoverable one (the model treats the two kinds alike otherwise).
 */
export const EVENT_VARIANTS: Readonly<Record<ScenarioEventType, readonly EventVariant[]>> = {
  'power-loss': [{ type: 'power-loss', downtimeMs: 0, recoverable: false }],
  reboot: [{ type: 'reboot', downtimeMs: 0, recoverable: true }],
  deployment: [{ type: 'deployment', name: 'Inserted deployment' }],
  'admin-wmi': [
    { type: 'admin-wmi', enable: true },
    { type: 'admin-wmi', enable: false },
  ],
  'registry-set': [
    { type: 'registry-set', name: 'ProvisioningMode', value: 'false' },
    { type: 'registry-set', name: 'ProvisioningMaxMinutes', value: 60 },
  ],
  'registry-delete': [{ type: 'registry-delete', name: 'ProvisioningEnabledTime' }],
  'clock-jump': [
    { type: 'clock-jump', byMs: -24 * H },
    { type: 'clock-jump', byMs: 24 * H },
  ],
  'service-restart': [{ type: 'service-restart' }],
  'ts-crash': [{ type: 'ts-crash' }],
  ccmeval: [{ type: 'ccmeval' }],
  // The health script that forces SetClientProvisioningMode($false) whatever the timestamp (its window is unused).
  'health-script': [{ type: 'health-script', action: 'force', windowMs: 4 * H }],
};

/** [provsim] The default grid: an event may be inserted every 6 hours of simulation time (0 included). */
export const DEFAULT_GRID_MS = 6 * H;

/**
 * [provsim] The most grid times one base may have (its horizon over the grid, 0 included): a year on an hourly grid
 * fits (8,761). A finer grid is refused before the search: `--grid 1ms` on a 5-day base asked for 432 million
 * times, and the list alone ended the process with a fatal V8 error (exit 133).
 */
export const MAX_GRID_TIMES = 10_000;

/** How many times an event may be inserted at on a base of this horizon: 0, grid, 2 grid, ... up to the horizon. */
export function gridTimes(horizonMs: number, gridMs: number): number {
  return Math.floor(horizonMs / gridMs) + 1;
}

export interface ExhaustiveOptions extends CheckOptions {
  readonly bases: readonly Scenario[];
  readonly depth: number;
  readonly gridMs?: number;
  /** Event kinds to insert (default: every kind). */
  readonly kinds?: readonly ScenarioEventType[];
  /** Fixed assumptions (over each base's own); with `allAssumptions`, every combination of the others. */
  readonly assumptions?: Partial<Assumptions>;
  readonly allAssumptions?: boolean;
  /** Stop (verdict `incomplete`) after this many distinct states. */
  readonly maxStates?: number;
  /** Stop (verdict `incomplete`) after this much wall time, in milliseconds. */
  readonly timeBudgetMs?: number;
  readonly faults?: ModelFaults;
  /** Called with every report of a run (for goals and coverage). */
  readonly onReport?: (report: Report) => void;
  /** Called now and then with the progress so far. */
  readonly onProgress?: (progress: ExhaustiveProgress) => void;
}

export interface ExhaustiveProgress {
  readonly base: string;
  readonly level: number;
  readonly runs: number;
  readonly distinctStates: number;
}

export interface Counterexample {
  /** The base scenario with the inserted events appended and the assumptions fixed: replayable as it is. */
  readonly scenario: Scenario;
  readonly violations: readonly Violation[];
  /** Inserted events. */
  readonly depth: number;
}

export interface ExhaustiveResult {
  readonly verdict: 'holds' | 'violated' | 'incomplete';
  /** The depth asked for. */
  readonly depth: number;
  /** Event lists covered (run, or merged into a state already expanded), base scenarios included. */
  readonly scenarios: number;
  /** Scenarios actually simulated. */
  readonly runs: number;
  readonly distinctStates: number;
  /** Bases times assumption combinations. */
  readonly roots: number;
  readonly gridMs: number;
  readonly variants: number;
  /** Why an `incomplete` run stopped; null otherwise. */
  readonly stoppedAt: string | null;
  readonly counterexample: Counterexample | null;
  readonly elapsedMs: number;
}

interface Inserted {
  readonly atMs: number;
  readonly variant: number;
}

interface Node {
  readonly events: readonly Inserted[];
  readonly cutMs: number;
}

/** Every combination of the assumptions not fixed (just the fixed ones without `all`), over the base's own. */
export function assumptionCombinations(fixed: Partial<Assumptions>, all: boolean): Partial<Assumptions>[] {
  if (!all) return [fixed];
  let combos: Partial<Assumptions>[] = [fixed];
  for (const key of Object.keys(ASSUMPTION_VALUES) as (keyof Assumptions)[]) {
    if (fixed[key] !== undefined) continue;
    const values = ASSUMPTION_VALUES[key] as readonly Assumptions[typeof key][];
    combos = combos.flatMap((c) => values.map((v) => ({ ...c, [key]: v })));
  }
  return combos;
}

/** The variants of the chosen kinds, in the order of `EVENT_VARIANTS`. */
export function variantsOf(kinds: readonly ScenarioEventType[] | undefined): EventVariant[] {
  return (Object.keys(EVENT_VARIANTS) as ScenarioEventType[])
    .filter((k) => kinds === undefined || kinds.includes(k))
    .flatMap((k) => EVENT_VARIANTS[k]);
}

/** Event lists of 1..`upTo` events whose times are nondecreasing and all among `points` grid points. */
function listsUpTo(points: number, variants: number, upTo: number): number {
  let total = 0;
  let ways = 1; // C(points + j - 1, j), built up j by j
  for (let j = 1; j <= upTo; j++) {
    ways = (ways * (points + j - 1)) / j;
    total += ways * variants ** j;
  }
  return total;
}

export function exploreExhaustive(options: ExhaustiveOptions): ExhaustiveResult {
  const search = new ExhaustiveSearch(options);
  search.run();
  return search.result();
}

/** One root of the search: a base scenario under one combination of assumptions, its grid and the states seen. */
interface Root {
  readonly base: Scenario;
  readonly combo: Partial<Assumptions>;
  readonly scenario: Scenario;
  readonly grid: readonly number[];
  /** Fingerprint -> the fewest inserted events with which it was reached. */
  readonly seen: Map<number, number>;
  readonly maxDepth: number;
}

/**
 * The breadth-first search over every root, with its tallies. Roots are searched in order; once a counterexample
 * is found, later roots search only shallower (a shorter counterexample is a better one).
 */
class ExhaustiveSearch {
  private readonly options: ExhaustiveOptions;
  private readonly started = performance.now();
  private readonly gridMs: number;
  private readonly variants: EventVariant[];
  private readonly combos: Partial<Assumptions>[];
  private readonly check: CheckOptions;
  private scenarios = 0;
  private runs = 0;
  private distinct = 0;
  private stoppedAt: string | null = null;
  private best: Counterexample | null = null;

  constructor(options: ExhaustiveOptions) {
    this.options = options;
    this.gridMs = options.gridMs ?? DEFAULT_GRID_MS;
    this.variants = variantsOf(options.kinds);
    this.combos = assumptionCombinations(options.assumptions ?? {}, options.allAssumptions === true);
    this.check = {
      ...(options.only === undefined ? {} : { only: options.only }),
      ...(options.force === undefined ? {} : { force: options.force }),
    };
  }

  run(): void {
    for (const base of this.options.bases) {
      for (const combo of this.combos) {
        const maxDepth = this.best === null ? this.options.depth : this.best.depth - 1;
        if (maxDepth < 0) return;
        const outcome = this.searchRoot(base, combo, maxDepth);
        if (outcome === 'stop') return;
        // A counterexample below the root ends this base's combinations.
        if (outcome === 'next-base') break;
      }
    }
  }

  result(): ExhaustiveResult {
    const verdict = this.best !== null ? 'violated' : this.stoppedAt !== null ? 'incomplete' : 'holds';
    return {
      verdict,
      depth: this.options.depth,
      scenarios: this.scenarios,
      runs: this.runs,
      distinctStates: this.distinct,
      roots: this.options.bases.length * this.combos.length,
      gridMs: this.gridMs,
      variants: this.variants.length,
      stoppedAt: this.stoppedAt,
      counterexample: this.best,
      elapsedMs: performance.now() - this.started,
    };
  }

  /** Level 0 (the root itself), then each level's frontier expanded into the next. */
  private searchRoot(
    base: Scenario,
    combo: Partial<Assumptions>,
    maxDepth: number,
  ): 'next-combo' | 'next-base' | 'stop' {
    const scenario: Scenario = { ...base, assumptions: { ...base.assumptions, ...combo } };
    const grid: number[] = [];
    for (let t = 0; t <= scenario.horizonMs; t += this.gridMs) grid.push(t);
    const r: Root = { base, combo, scenario, grid, seen: new Map<number, number>(), maxDepth };
    const start = ForkableRun.start(scenario, this.options.faults);
    r.seen.set(fingerprint(0, start.state, start.pending()), 0);
    this.distinct++;
    this.scenarios++;
    if (this.judge(r, start.fork(), [])) return 'next-combo';
    let frontier: Node[] = [{ events: [], cutMs: 0 }];
    for (let level = 0; level < maxDepth && frontier.length > 0; level++) {
      const next: Node[] = [];
      for (const node of frontier) {
        const outcome = this.expand(r, node, level, next);
        if (outcome !== 'go') return outcome;
      }
      frontier = next;
    }
    return 'next-combo';
  }

  /**
   * Inserts one more event after `node`'s cut, at each grid point and in each variant, skipping states already
   * expanded with no more events used; children that may go deeper join `next`.
   */
  private expand(r: Root, node: Node, level: number, next: Node[]): 'go' | 'next-base' | 'stop' {
    const { grid, seen, maxDepth, scenario: root } = r;
    const variants = this.variants;
    const run = this.rebuild(r, node);
    for (let gi = grid.findIndex((t) => t >= node.cutMs); gi >= 0 && gi < grid.length; gi++) {
      const t = grid[gi] as number;
      run.runBefore(t);
      const left = grid.length - gi;
      if (t > node.cutMs) {
        const fp = fingerprint(t, run.state, run.pending());
        const prev = seen.get(fp);
        if (prev !== undefined && prev <= level) {
          // The same state at the same instant, expanded already with no more events used.
          this.scenarios += listsUpTo(left, variants.length, maxDepth - level);
          break;
        }
        if (prev === undefined) this.distinct++;
        seen.set(fp, level);
      }
      for (let v = 0; v < variants.length; v++) {
        const event = { ...variants[v], atMs: t } as ScenarioEvent;
        const index = root.events.length + level;
        const fp = fingerprint(t, run.state, run.pending({ event, index }));
        const prev = seen.get(fp);
        this.scenarios++;
        if (prev !== undefined && prev <= level + 1) {
          this.scenarios += listsUpTo(left, variants.length, maxDepth - level - 1);
          continue;
        }
        if (prev === undefined) this.distinct++;
        seen.set(fp, level + 1);
        const events = [...node.events, { atMs: t, variant: v }];
        const child = run.fork();
        child.insert(event, index);
        if (this.judge(r, child, events)) return 'next-base';
        if (level + 1 < maxDepth) next.push({ events, cutMs: t });
        if (this.overBudget(`at depth ${level + 1} of ${r.base.name}${describeCombo(r.combo)}`)) return 'stop';
      }
    }
    return 'go';
  }

  private scenarioOf(r: Root, events: readonly Inserted[]): Scenario {
    return {
      ...r.scenario,
      events: [
        ...r.scenario.events,
        ...events.map((e) => ({ ...this.variants[e.variant], atMs: e.atMs }) as ScenarioEvent),
      ],
    };
  }

  /** Runs a node's scenario to its horizon and checks it; a violation becomes the counterexample. */
  private judge(r: Root, run: ForkableRun, events: readonly Inserted[]): boolean {
    run.runToHorizon();
    this.runs++;
    const scenario = this.scenarioOf(r, events);
    const verified = {
      scenario,
      trace: run.trace,
      state: run.state,
      eventCount: run.eventCount,
      snapshots: run.snapshots,
    };
    const violations = checkInvariants(verified, this.check);
    this.options.onReport?.(buildReport(verified, violations));
    if (this.runs % 500 === 0)
      this.options.onProgress?.({
        base: r.base.name,
        level: events.length,
        runs: this.runs,
        distinctStates: this.distinct,
      });
    if (violations.length === 0) return false;
    this.best = { scenario, violations, depth: events.length };
    return true;
  }

  /** A run of the root with the node's events inserted, up to just before its cut. */
  private rebuild(r: Root, node: Node): ForkableRun {
    const run = ForkableRun.start(r.scenario, this.options.faults);
    node.events.forEach((e, i) =>
      run.insert({ ...this.variants[e.variant], atMs: e.atMs } as ScenarioEvent, r.scenario.events.length + i),
    );
    run.runBefore(node.cutMs);
    return run;
  }

  private overBudget(where: string): boolean {
    if (this.stoppedAt !== null) return true;
    const { maxStates, timeBudgetMs } = this.options;
    if (maxStates !== undefined && this.distinct >= maxStates) {
      this.stoppedAt = `${this.distinct} distinct states (--max-states ${maxStates}), ${where}`;
    } else if (timeBudgetMs !== undefined && performance.now() - this.started > timeBudgetMs) {
      this.stoppedAt = `the time budget of ${Math.round(timeBudgetMs / 1000)} s, ${where}`;
    }
    return this.stoppedAt !== null;
  }
}

function describeCombo(combo: Partial<Assumptions>): string {
  const keys = Object.entries(combo);
  return keys.length === 0 ? '' : ` (${keys.map(([k, v]) => `${k}=${String(v)}`).join(', ')})`;
}

/**
 * A 53-bit hash (cyrb53) of a cut: its instant, the state and the pending events relative to it. Generic: every
 * field the state holds is read, so fields added to the model are covered without this code knowing them.
 */
export function fingerprint(cutMs: number, state: unknown, pending: readonly unknown[]): number {
  const text = JSON.stringify([cutMs, state, pending]);
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}
