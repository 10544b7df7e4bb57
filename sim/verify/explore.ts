/**
 * The explorer: deterministic simulation testing over generated scenarios. fast-check draws scenarios (uniform
 * mixes, or swarm subsets of the event kinds), each is run and checked against the invariants, and the first
 * failing one is shrunk by `shrinkScenario` to what its violation needs, then written back as YAML with an `expect`
 * block, so anyone can replay it with `provsim run`. Every generated scenario's report goes to `onReport` (goals,
 * coverage). Pure apart from CPU time: the CLI does the printing and the writing.
 */
import fc from 'fast-check';
import type { ModelFaults } from '../model/transition.js';
import { formatHours } from '../scenario/Duration.js';
import { scenarioToYaml } from '../scenario/loadScenario.js';
import { buildReport, type Report } from '../report/Report.js';
import type { Assumptions, Expect, Scenario, ScenarioEventType } from '../scenario/Scenario.js';
import { scenarioArbitrary } from './arbitraries.js';
import { type InvariantName, INVARIANTS, type Violation } from './invariants.js';
import { shrinkScenario } from './shrink.js';
import { verifyScenario } from './verifyScenario.js';

export interface ExploreOptions {
  readonly runs: number;
  readonly seed: number;
  /** Replay from this fast-check path (printed with a failure). */
  readonly path?: string;
  readonly invariants?: readonly InvariantName[];
  readonly force?: boolean;
  /** Fixed assumptions (defaults overridden), or `'any'` for every combination. */
  readonly assumptions?: Partial<Assumptions> | 'any';
  readonly faults?: ModelFaults;
  /** Event kinds to draw from (default: every kind). */
  readonly kinds?: readonly ScenarioEventType[];
  /** Swarm testing: each scenario uses a random subset of the kinds and of the step flags. */
  readonly swarm?: boolean;
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

export function explore(options: ExploreOptions): ExploreResult {
  let done = 0;
  const verify = (scenario: Scenario) =>
    verifyScenario(scenario, {
      ...(options.invariants === undefined ? {} : { only: options.invariants }),
      ...(options.force === undefined ? {} : { force: options.force }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    });
  const check = (scenario: Scenario) => verify(scenario).violations;
  const arbitrary = scenarioArbitrary({
    assumptions: options.assumptions ?? {},
    ...(options.kinds === undefined ? {} : { kinds: options.kinds }),
    ...(options.swarm === undefined ? {} : { swarm: options.swarm }),
  });
  const property = fc.property(arbitrary, (scenario) => {
    done++;
    if (done % 100 === 0) options.onProgress?.({ phase: 'search', done });
    const { run, violations } = verify(scenario);
    options.onReport?.(buildReport(run, violations));
    return violations.length === 0;
  });
  // fast-check stops at the first failure; `shrinkScenario` shrinks the scenario itself (see shrink.ts).
  const started = performance.now();
  const details = fc.check(property, {
    numRuns: options.runs,
    seed: options.seed,
    endOnFailure: true,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  const searchMs = performance.now() - started;
  options.onProgress?.({ phase: 'search', done });
  if (!details.failed || details.counterexample === null) {
    return {
      failed: false,
      runs: details.numRuns,
      seed: details.seed,
      path: null,
      shrinks: 0,
      shrinkTried: 0,
      shrinkCut: false,
      searchMs,
      counterexample: null,
    };
  }
  const [found] = details.counterexample;
  const invariant = check(found)[0]?.invariant;
  const shrunk = shrinkScenario(found, {
    stillFails: (s) => check(s).some((v) => v.invariant === invariant),
    ...(options.shrinkTimeMs === undefined ? {} : { timeMs: options.shrinkTimeMs }),
    onProgress: (p) => {
      if (p.tried % 10 === 0) options.onProgress?.({ phase: 'shrink', ...p });
    },
  });
  return {
    failed: true,
    runs: details.numRuns,
    seed: details.seed,
    path: details.counterexamplePath,
    shrinks: shrunk.smaller,
    shrinkTried: shrunk.tried,
    shrinkCut: shrunk.cut,
    searchMs,
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
