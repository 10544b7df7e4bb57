/**
 * The explorer: deterministic simulation testing over generated scenarios. fast-check draws scenarios (uniform
 * mixes, or swarm subsets of the event kinds), each is run and checked against the invariants, and the first
 * failing one is shrunk by `shrinkScenario` to what its violation needs, then written back as YAML with an `expect`
 * block, so anyone can replay it with `provsim run`. Every generated scenario's report goes to `onReport` (goals,
 * coverage). Pure apart from CPU time: the CLI does the printing and the writing.
 */
import fc from 'fast-check';
import type { ModelFaults } from '../model/transition.js';
import { formatHours } from '../time/Duration.js';
import { scenarioToYaml } from '../scenario/loadScenario.js';
import { buildReport, type Report } from '../report/Report.js';
import type { Assumptions, Expect, Scenario, ScenarioEventType } from '../scenario/Scenario.js';
import { scenarioArbitrary } from './arbitraries.js';
import { type InvariantName, INVARIANTS, type Violation } from './invariants.js';
import { shrinkScenario } from './shrink.js';
import { verifyScenario } from './verifyScenario.js';

/** What the search needs to draw and check scenarios: plain data, the same in a worker thread. */
export interface SearchOptions {
  readonly seed: number;
  readonly invariants?: readonly InvariantName[];
  readonly force?: boolean;
  /** Fixed assumptions (defaults overridden), or `'any'` for every combination. */
  readonly assumptions?: Partial<Assumptions> | 'any';
  readonly faults?: ModelFaults;
  /** Event kinds to draw from (default: every kind). */
  readonly kinds?: readonly ScenarioEventType[];
  /** Swarm testing: each scenario uses a random subset of the kinds and of the step flags. */
  readonly swarm?: boolean;
}

export interface ExploreOptions extends SearchOptions {
  readonly runs: number;
  /** Start from this fast-check path (the run number printed with a failure). */
  readonly path?: string;
  /** Stop shrinking after this much wall time, in milliseconds (default: no limit). */
  readonly shrinkTimeMs?: number;
  /** Called with the report of every generated scenario (not of shrinking candidates): goals, coverage. */
  readonly onReport?: (report: Report) => void;
  /** Called now and then with the progress: scenarios checked, then shrinking candidates tried and kept. */
  readonly onProgress?: (progress: ExploreProgress) => void;
}

export type ExploreProgress =
  | { readonly phase: 'search'; readonly done: number }
  | { readonly phase: 'shrink'; readonly tried: number; readonly smaller: number };

export interface ExploreResult {
  readonly failed: boolean;
  readonly runs: number;
  readonly seed: number;
  readonly path: string | null;
  /** Shrinking steps kept (each a smaller failing scenario). */
  readonly shrinks: number;
  /** Shrinking candidates tried. */
  readonly shrinkTried: number;
  /** The shrink time limit cut the shrinking short. */
  readonly shrinkCut: boolean;
  /** Wall time of the search, shrinking excluded, in milliseconds. */
  readonly searchMs: number;
  /** The shrunk failing scenario and what it violates. */
  readonly counterexample: { readonly scenario: Scenario; readonly violations: readonly Violation[] } | null;
}

/**
 * [provsim] `deterministic` needs a second run of the scenario; the search makes it for one scenario in
 * `DETERMINISM_SAMPLE` (the first of the search, then every tenth) and for every scenario when `deterministic` is
 * the only invariant asked for; the counterexample and every shrinking candidate are checked with it.
 * Nondeterminism in this model would come from state shared between runs, which any sample of a few hundred runs
 * meets; the other invariants are checked on every scenario.
 */
export const DETERMINISM_SAMPLE = 10;

/** Scenarios drawn at a time (fast-check's `sample` from a run number): bounds the memory of a long search. */
const DRAW_CHUNK = 100;

/**
 * A stretch of the search: the run numbers `from` to `from + count - 1` of the seed's sequence (fast-check's run
 * numbers, which `--path` takes), in a search that began at run `start` (the determinism sample counts from there).
 */
export interface SearchRange {
  readonly from: number;
  readonly count: number;
  readonly start: number;
}

export interface RangeResult {
  /** Scenarios checked, the failing one included. */
  readonly checked: number;
  /** The first failing scenario and its run number, or null. */
  readonly failure: { readonly index: number; readonly scenario: Scenario } | null;
}

/** The first run number of a search: the `--path` given (a run number, as a failure prints it), else 0. */
export function firstRun(path: string | undefined): number {
  if (path === undefined) return 0;
  const run = /^\s*(\d+)\s*$/.exec(path);
  if (run === null) throw new RangeError(`path ${path}: expected the run number a failure printed, such as 42`);
  return Number(run[1]);
}

function verifier(options: SearchOptions) {
  return (scenario: Scenario, rerun = true) =>
    verifyScenario(scenario, {
      rerun,
      ...(options.invariants === undefined ? {} : { only: options.invariants }),
      ...(options.force === undefined ? {} : { force: options.force }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    });
}

/**
 * Checks the scenarios of `range` in order, up to the first that violates an invariant. Each scenario is the one
 * `fc.check` would draw for that run number with the same seed (fast-check's `sample` from a path draws exactly
 * those), so any cut of a search into ranges, in any number of threads or machines, checks the same scenarios as
 * one search. Pure apart from CPU time; `onReport` gets every checked scenario's report, `onChecked` its count.
 */
export function searchRange(
  options: SearchOptions,
  range: SearchRange,
  onReport?: (report: Report) => void,
  onChecked?: (checked: number) => void,
): RangeResult {
  const onlyDeterminism = options.invariants?.length === 1 && options.invariants[0] === 'deterministic';
  const verify = verifier(options);
  const arbitrary = scenarioArbitrary({
    assumptions: options.assumptions ?? {},
    ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
    ...(options.swarm === undefined ? {} : { swarm: options.swarm }),
  });
  let checked = 0;
  for (let from = range.from; from < range.from + range.count; from += DRAW_CHUNK) {
    const count = Math.min(DRAW_CHUNK, range.from + range.count - from);
    const drawn = fc.sample(arbitrary, { seed: options.seed, path: String(from), numRuns: count });
    for (let k = 0; k < drawn.length; k++) {
      const scenario = drawn[k] as Scenario;
      const index = from + k;
      const sampled = onlyDeterminism || (index - range.start) % DETERMINISM_SAMPLE === 0;
      const { run, violations } = verify(scenario, sampled);
      checked++;
      onChecked?.(checked);
      onReport?.(buildReport(run, violations));
      if (violations.length > 0) return { checked, failure: { index, scenario } };
    }
  }
  return { checked, failure: null };
}

export function explore(options: ExploreOptions): ExploreResult {
  const start = firstRun(options.path);
  const started = performance.now();
  const found = searchRange(options, { from: start, count: options.runs, start }, options.onReport, (done) => {
    if (done % 100 === 0) options.onProgress?.({ phase: 'search', done });
  });
  const searchMs = performance.now() - started;
  options.onProgress?.({ phase: 'search', done: found.checked });
  return concludeExplore(options, found, searchMs);
}

/** The result of a search (one range, or ranges joined in order): the verdict, and the failing scenario shrunk. */
export function concludeExplore(options: ExploreOptions, found: RangeResult, searchMs: number): ExploreResult {
  const common = { runs: found.checked, seed: options.seed, searchMs };
  if (found.failure === null) {
    return { ...common, failed: false, path: null, shrinks: 0, shrinkTried: 0, shrinkCut: false, counterexample: null };
  }
  // `shrinkScenario` shrinks the scenario itself (see shrink.ts), checking `deterministic` on every candidate.
  const check = (scenario: Scenario) => verifier(options)(scenario).violations;
  const invariant = check(found.failure.scenario)[0]?.invariant;
  const shrunk = shrinkScenario(found.failure.scenario, {
    stillFails: (s) => check(s).some((v) => v.invariant === invariant),
    ...(options.shrinkTimeMs === undefined ? {} : { timeMs: options.shrinkTimeMs }),
    onProgress: (p) => {
      if (p.tried % 10 === 0) options.onProgress?.({ phase: 'shrink', ...p });
    },
  });
  return {
    ...common,
    failed: true,
    path: String(found.failure.index),
    shrinks: shrunk.smaller,
    shrinkTried: shrunk.tried,
    shrinkCut: shrunk.cut,
    counterexample: { scenario: shrunk.scenario, violations: check(shrunk.scenario) },
  };
}

/**
 * The counterexample as a scenario file: a header naming the violated invariant and how to replay it, and an
 * `expect` block stating what the invariant demands where the interface's expectations can say it (an exit by the
 * oracle's bound, a deployment processed by its bound, a handled end that exits); otherwise none.
 */
export function counterexampleYaml(
  scenario: Scenario,
  violations: readonly Violation[],
  found: { readonly seed: number; readonly path: string | null } | { readonly how: string },
): string {
  const violated = [...new Set(violations.map((v) => v.invariant))].join(', ');
  const random = 'seed' in found;
  const name = random ? `counterexample-${violations[0]?.invariant ?? 'unknown'}-${found.seed}` : scenario.name;
  const how = random
    ? `provsim explore --seed ${found.seed}${found.path === null ? '' : ` (fast-check path ${found.path})`}`
    : found.how;
  const file: Scenario = {
    ...scenario,
    name,
    description: random
      ? `Shrunk by provsim explore (seed ${found.seed}${found.path === null ? '' : `, path ${found.path}`}): violates ${violated}.`
      : `Found by ${found.how}: violates ${violated}.`,
    expect: demandOf(violations),
  };
  const header = [
    `# Counterexample found by ${how}.`,
    ...violations.map((v) => `# Violates ${v.invariant} at ${formatHours(v.atMs)}: ${v.message}.`),
    ...violations.map(
      (v) => `#   ${v.invariant}: ${INVARIANTS.find((i) => i.name === v.invariant)?.description ?? ''}`,
    ),
    '# Replay: provsim run THIS_FILE (the summary lists the violation); provsim explore --replay THIS_FILE re-checks it.',
  ];
  const yaml = scenarioToYaml(file);
  const lines = yaml.split('\n');
  // Keep the schema comment first, then the header.
  return [lines[0], ...header, ...lines.slice(1)].join('\n');
}

function demandOf(violations: readonly Violation[]): Expect | null {
  const out: { -readonly [K in keyof Expect]: Expect[K] } = {};
  for (const v of violations) {
    if (v.invariant === 'exit-within-timeout') out.exitedByMs = Math.min(out.exitedByMs ?? v.atMs, v.atMs);
    if (v.invariant === 'deployments-exactly-once') out.deploymentsProcessedByMs = v.atMs;
    if (v.invariant === 'legacy-never-times-out') out.exitReason = 'manual';
  }
  return Object.keys(out).length === 0 ? null : out;
}
