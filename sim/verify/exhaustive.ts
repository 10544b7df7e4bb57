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
  const started = performance.now();
  const gridMs = options.gridMs ?? DEFAULT_GRID_MS;
  const variants = variantsOf(options.kinds);
  const combos = assumptionCombinations(options.assumptions ?? {}, options.allAssumptions === true);
  const check: CheckOptions = {
    ...(options.only === undefined ? {} : { only: options.only }),
    ...(options.force === undefined ? {} : { force: options.force }),
  };
  let scenarios = 0;
  let runs = 0;
  let distinct = 0;
  let stoppedAt = null as string | null;
  let best = null as Counterexample | null;

  const stop = (what: string) => {
    stoppedAt = what;
  };
  const overBudget = (where: string): boolean => {
    if (stoppedAt !== null) return true;
    if (options.maxStates !== undefined && distinct >= options.maxStates) {
      stop(`${distinct} distinct states (--max-states ${options.maxStates}), ${where}`);
    } else if (options.timeBudgetMs !== undefined && performance.now() - started > options.timeBudgetMs) {
      stop(`the time budget of ${Math.round(options.timeBudgetMs / 1000)} s, ${where}`);
    }
    return stoppedAt !== null;
  };

  roots: for (const base of options.bases) {
    for (const combo of combos) {
      const maxDepth = best === null ? options.depth : best.depth - 1;
      if (maxDepth < 0) break roots;
      const root: Scenario = { ...base, assumptions: { ...base.assumptions, ...combo } };
      const grid: number[] = [];
      for (let t = 0; t <= root.horizonMs; t += gridMs) grid.push(t);
      const seen = new Map<number, number>();
      const scenarioOf = (events: readonly Inserted[]): Scenario => ({
        ...root,
        events: [...root.events, ...events.map((e) => ({ ...variants[e.variant], atMs: e.atMs }) as ScenarioEvent)],
      });
      /** Runs a node's scenario to its horizon and checks it; a violation becomes the counterexample. */
      const judge = (run: ForkableRun, events: readonly Inserted[]): boolean => {
        run.runToHorizon();
        runs++;
        const scenario = scenarioOf(events);
        const verified = {
          scenario,
          trace: run.trace,
          state: run.state,
          eventCount: run.eventCount,
          snapshots: run.snapshots,
        };
        const violations = checkInvariants(verified, check);
        options.onReport?.(buildReport(verified, violations));
        if (runs % 500 === 0)
          options.onProgress?.({ base: base.name, level: events.length, runs, distinctStates: distinct });
        if (violations.length === 0) return false;
        best = { scenario, violations, depth: events.length };
        return true;
      };
      const rebuild = (node: Node): ForkableRun => {
        const run = ForkableRun.start(root, options.faults);
        node.events.forEach((e, i) =>
          run.insert({ ...variants[e.variant], atMs: e.atMs } as ScenarioEvent, root.events.length + i),
        );
        run.runBefore(node.cutMs);
        return run;
      };

      // Level 0: the base scenario itself.
      const start = ForkableRun.start(root, options.faults);
      seen.set(fingerprint(0, start.state, start.pending()), 0);
      distinct++;
      scenarios++;
      if (judge(start.fork(), [])) continue;
      let frontier: Node[] = [{ events: [], cutMs: 0 }];
      for (let level = 0; level < maxDepth && frontier.length > 0; level++) {
        const next: Node[] = [];
        for (const node of frontier) {
          const run = rebuild(node);
          for (let gi = grid.findIndex((t) => t >= node.cutMs); gi >= 0 && gi < grid.length; gi++) {
            const t = grid[gi] as number;
            run.runBefore(t);
            const left = grid.length - gi;
            if (t > node.cutMs) {
              const fp = fingerprint(t, run.state, run.pending());
              const prev = seen.get(fp);
              if (prev !== undefined && prev <= level) {
                // The same state at the same instant, expanded already with no more events used.
                scenarios += listsUpTo(left, variants.length, maxDepth - level);
                break;
              }
              if (prev === undefined) distinct++;
              seen.set(fp, level);
            }
            for (let v = 0; v < variants.length; v++) {
              const event = { ...variants[v], atMs: t } as ScenarioEvent;
              const index = root.events.length + level;
              const fp = fingerprint(t, run.state, run.pending({ event, index }));
              const prev = seen.get(fp);
              scenarios++;
              if (prev !== undefined && prev <= level + 1) {
                scenarios += listsUpTo(left, variants.length, maxDepth - level - 1);
                continue;
              }
              if (prev === undefined) distinct++;
              seen.set(fp, level + 1);
              const events = [...node.events, { atMs: t, variant: v }];
              const child = run.fork();
              child.insert(event, index);
              if (judge(child, events)) continue roots;
              if (level + 1 < maxDepth) next.push({ events, cutMs: t });
              if (overBudget(`at depth ${level + 1} of ${base.name}${describeCombo(combo)}`)) break roots;
            }
          }
        }
        frontier = next;
      }
    }
  }
  const verdict = best !== null ? 'violated' : stoppedAt !== null ? 'incomplete' : 'holds';
  return {
    verdict,
    depth: options.depth,
    scenarios,
    runs,
    distinctStates: distinct,
    roots: options.bases.length * combos.length,
    gridMs,
    variants: variants.length,
    stoppedAt,
    counterexample: best,
    elapsedMs: performance.now() - started,
  };
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
