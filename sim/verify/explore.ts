/**
 * The explorer: deterministic simulation testing over generated scenarios. fast-check draws scenarios, each is
 * run and checked against the invariants, and a failing one is shrunk to a small scenario that is written back as
 * YAML with an `expect` block, so anyone can replay it with `provsim run`. Pure apart from CPU time: the CLI does
 * the printing and the writing.
 */
import fc from 'fast-check';
import type { ModelFaults } from '../model/transition.js';
import { formatHours } from '../time/Duration.js';
import { scenarioToYaml } from '../scenario/loadScenario.js';
import type { Assumptions, Expect, Scenario } from '../scenario/Scenario.js';
import { scenarioArbitrary } from './arbitraries.js';
import { type InvariantName, INVARIANTS, type Violation } from './invariants.js';
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
  /** Called now and then with the number of scenarios run so far (shrinking included). */
  readonly onProgress?: (done: number) => void;
}

export interface ExploreResult {
  readonly failed: boolean;
  readonly runs: number;
  readonly seed: number;
  readonly path: string | null;
  readonly shrinks: number;
  /** The shrunk failing scenario and what it violates. */
  readonly counterexample: { readonly scenario: Scenario; readonly violations: readonly Violation[] } | null;
}

export function explore(options: ExploreOptions): ExploreResult {
  let done = 0;
  const check = (scenario: Scenario) =>
    verifyScenario(scenario, {
      ...(options.invariants === undefined ? {} : { only: options.invariants }),
      ...(options.force === undefined ? {} : { force: options.force }),
      ...(options.faults === undefined ? {} : { faults: options.faults }),
    }).violations;
  const property = fc.property(scenarioArbitrary({ assumptions: options.assumptions ?? {} }), (scenario) => {
    done++;
    if (done % 100 === 0) options.onProgress?.(done);
    return check(scenario).length === 0;
  });
  const details = fc.check(property, {
    numRuns: options.runs,
    seed: options.seed,
    ...(options.path === undefined ? {} : { path: options.path }),
  });
  options.onProgress?.(done);
  if (!details.failed || details.counterexample === null) {
    return { failed: false, runs: details.numRuns, seed: details.seed, path: null, shrinks: 0, counterexample: null };
  }
  const [scenario] = details.counterexample;
  return {
    failed: true,
    runs: details.numRuns,
    seed: details.seed,
    path: details.counterexamplePath,
    shrinks: details.numShrinks,
    counterexample: { scenario, violations: check(scenario) },
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
  found: { seed: number; path: string | null },
): string {
  const name = `counterexample-${violations[0]?.invariant ?? 'unknown'}-${found.seed}`;
  const expect = demandOf(violations);
  const file: Scenario = {
    ...scenario,
    name,
    description: `Shrunk by provsim explore (seed ${found.seed}${found.path === null ? '' : `, path ${found.path}`}): violates ${[...new Set(violations.map((v) => v.invariant))].join(', ')}.`,
    expect,
  };
  const header = [
    `# Counterexample found by provsim explore --seed ${found.seed}${found.path === null ? '' : ` (fast-check path ${found.path})`}.`,
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
