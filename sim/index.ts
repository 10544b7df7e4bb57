/**
 * provsim as a library (`import ... from 'provsim'`): run and judge scenarios from your own tests, with the same
 * report as `provsim run --format json`. `provsim/arbitraries` holds the fast-check arbitraries for your own
 * properties over generated scenarios. See docs/library.md.
 *
 * Two entry points, as fast-check's `check` and `assert`: `runScenario` returns the report (a failed expectation
 * or a violated invariant is data in it); `assertScenario` throws an Error that lists them. Both are deterministic:
 * the same scenario and seed give the same report.
 */
import { readFileSync } from 'node:fs';
import { failingViolations, verdictOf } from './report/judge.js';
import { buildReport, type Report } from './report/Report.js';
import { formatHours } from './scenario/Duration.js';
import { parseScenario as parseScenarioFile } from './scenario/loadScenario.js';
import type { Assumptions, Scenario } from './scenario/Scenario.js';
import { verifyScenario } from './verify/verifyScenario.js';

export type { ExpectationResult, Verdict } from './report/judge.js';
export { verdictOf } from './report/judge.js';
export type { ProvisioningInterval, Report } from './report/Report.js';
export { ScenarioError, scenarioToYaml } from './scenario/loadScenario.js';
export type { ScenarioIssue } from './scenario/loadScenario.js';
export type {
  Assumptions,
  Expect,
  ExitReason,
  HazardKind,
  InvariantName,
  Scenario,
  ScenarioEvent,
  TaskSequence,
  TaskSequenceOutcome,
} from './scenario/Scenario.js';
export { DEFAULT_ASSUMPTIONS, HAZARD_KINDS, INVARIANT_NAMES } from './scenario/Scenario.js';
export { createScenario, createStep } from './scenario/createScenario.js';
export type { ScenarioOptions, StepOptions } from './scenario/createScenario.js';
export { EventLimitError } from './kernel/index.js';
export { explore } from './verify/explore.js';
export type { ExploreOptions, ExploreResult } from './verify/explore.js';
export { INVARIANTS } from './verify/invariants.js';
export type { Invariant, Violation } from './verify/invariants.js';

export interface RunScenarioOptions {
  /** Overrides the scenario's seed. */
  readonly seed?: number;
  /** Overrides assumptions; the others keep the scenario's values. */
  readonly assume?: Partial<Assumptions>;
  /** Stops a runaway run after this many events (default 5,000,000) with an EventLimitError. */
  readonly maxEvents?: number;
}

/**
 * Reads a scenario from YAML or JSON text; throws a `ScenarioError` whose message lists every problem (line,
 * column, key, what is allowed). `file` names the text in messages and in the report (default: none).
 */
export function parseScenario(text: string, file?: string): Scenario {
  const scenario = parseScenarioFile(text, file ?? 'scenario');
  return file === undefined ? { ...scenario, file: null } : scenario;
}

/** Reads and parses a scenario file (YAML or JSON). */
export function loadScenarioFile(path: string): Scenario {
  return parseScenarioFile(readFileSync(path, 'utf8'), path);
}

function scenarioOf(scenario: Scenario | string, options: RunScenarioOptions): Scenario {
  const s = typeof scenario === 'string' ? parseScenario(scenario) : scenario;
  if (options.seed !== undefined && !(Number.isInteger(options.seed) && options.seed >= 0)) {
    throw new RangeError(`seed ${options.seed}: expected a whole number from 0 to 4294967295`);
  }
  return { ...s, seed: options.seed ?? s.seed, assumptions: { ...s.assumptions, ...options.assume } };
}

/**
 * Runs a scenario (an object, or YAML/JSON text) with its invariants checked and returns its report: the same
 * JSON report as `provsim run --format json`. Expectations and violations are in `expectations` and `invariants`.
 */
export function runScenario(scenario: Scenario | string, options: RunScenarioOptions = {}): Report {
  const s = scenarioOf(scenario, options);
  const { run, violations } = verifyScenario(s, {
    rerun: false,
    ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }),
  });
  return buildReport(run, violations);
}

/**
 * Runs a scenario like `runScenario` and throws an Error listing the failed expectations and the violated
 * invariants, as `provsim check` judges them; returns the report when none failed (a scenario without `expect`
 * and without violations passes here: there is nothing to fail).
 */
export function assertScenario(scenario: Scenario | string, options: RunScenarioOptions = {}): Report {
  const report = runScenario(scenario, options);
  if (verdictOf(report) !== 'failed') return report;
  const lines = [
    ...report.expectations
      .filter((x) => !x.passed)
      .map((x) => `  expectation ${x.name}: expected ${JSON.stringify(x.expected)}, got ${JSON.stringify(x.actual)}`),
    ...failingViolations(report).map(
      (v) => `  invariant ${v.invariant} violated at ${formatHours(v.atMs)}: ${v.message}`,
    ),
  ];
  throw new Error(`scenario ${report.scenario.name} (seed ${report.scenario.seed}) failed:\n${lines.join('\n')}`);
}
