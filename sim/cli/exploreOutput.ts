/**
 * What `provsim explore` prints beside its verdict, random and exhaustive alike: the goals reached and the rules
 * covered (collected from every run's report), the progress line, and the parsing of the options they share.
 * Text for people goes to stdout, or to stderr beside the progress when stdout carries the JSON document.
 */
import { parseIntegerOption } from './options.js';
import type { ModelFaults } from '../model/transition.js';
import type { Report } from '../report/Report.js';
import { closest } from '../scenario/closest.js';
import { DURATION_FORMS, formatHours, parseDuration } from '../time/Duration.js';
import { EVENT_TYPES, type ScenarioEventType } from '../scenario/Scenario.js';
import { CoverageTally, neverFired, type RuleCoverage } from '../verify/coverage.js';
import { GOALS, type GoalResult, GoalTally, missedGoals } from '../verify/goals.js';
import type { InvariantName, Violation } from '../verify/invariants.js';
import { InputError } from './InputError.js';
import { type Io, notesIo, printJson } from './output.js';
import type { parseAssume } from './overrides.js';

export function oneOf<T extends string>(raw: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  const hint = closest(raw, allowed);
  throw new InputError(
    `${flag} ${raw}: unknown${hint ? `; did you mean "${hint}"?` : '.'} Allowed: ${allowed.join(', ')}`,
  );
}

/** A whole number of at least 1 (options.ts: decimal digits only). */
export function positiveInteger(raw: unknown, flag: string): number {
  return parseIntegerOption(raw, { name: flag, min: 1, max: Number.MAX_SAFE_INTEGER }) as number;
}

/** A whole number, 0 or more (options.ts: decimal digits only). */
export function wholeNumber(raw: unknown, flag: string): number {
  return parseIntegerOption(raw, { name: flag, min: 0, max: Number.MAX_SAFE_INTEGER }) as number;
}

export function positiveDuration(raw: string, flag: string): number {
  const ms = parseDuration(raw);
  if (ms === null || ms <= 0) throw new InputError(`${flag} ${raw}: expected a positive duration (${DURATION_FORMS})`);
  return ms;
}

/** `--events a,b --events c`: the kinds, validated. */
export function parseKinds(raw: readonly string[]): ScenarioEventType[] | undefined {
  const names = raw.flatMap((r) => r.split(',')).filter((n) => n !== '');
  if (names.length === 0) return undefined;
  return [...new Set(names.map((n) => oneOf(n, EVENT_TYPES, '--events')))];
}

export interface ExploreArgs {
  runs?: string;
  seed?: string;
  path?: string;
  invariant: string[];
  force: boolean;
  assume: string[];
  'all-assumptions': boolean;
  out: string;
  replay?: string;
  format: 'text' | 'json';
  exhaustive: boolean;
  depth?: string;
  grid?: string;
  events: string[];
  base: string[];
  'max-states'?: string;
  'time-budget'?: string;
  goal: string[];
  'list-goals': boolean;
  swarm: boolean;
  'shrink-time': string;
  fault: string[];
  'require-coverage': boolean;
  workers?: string;
  shard?: string;
  shards?: string;
}

/** The slice of the runs a shard checks (`--shard I/N`): run numbers `fromRun` to `toRun - 1`. */
export interface ExploreShard {
  readonly index: number;
  readonly count: number;
  readonly fromRun: number;
  readonly toRun: number;
}

export interface ExploreContext {
  readonly only: { only?: InvariantName[] };
  readonly force: boolean;
  readonly assume: ReturnType<typeof parseAssume>;
  readonly goals: readonly string[];
  readonly faults: ModelFaults;
  readonly kinds: ScenarioEventType[] | undefined;
  readonly json: boolean;
  readonly out: string;
  readonly requireCoverage: boolean;
}

/** What every explore reports beside its verdict: the goals reached and the rules covered, from every run's report. */
export class Observed {
  private readonly goalTally = new GoalTally();
  private readonly coverageTally = new CoverageTally();

  constructor(private readonly c: ExploreContext) {}

  readonly onReport = (report: Report): void => {
    this.goalTally.add(report);
    this.coverageTally.add(report.trace);
  };

  /** Adds the tallies of runs checked elsewhere (worker threads). */
  addSummaries(goals: readonly GoalResult[], coverage: readonly RuleCoverage[]): void {
    this.goalTally.addSummary(goals);
    this.coverageTally.addSummary(coverage);
  }

  get goals(): GoalResult[] {
    return this.goalTally.summary(this.c.goals);
  }

  get coverage(): RuleCoverage[] {
    return this.coverageTally.summary();
  }

  /** A required goal missed, or (with --require-coverage) a rule that never fired. */
  get failed(): boolean {
    return missedGoals(this.goals).length > 0 || (this.c.requireCoverage && neverFired(this.coverage).length > 0);
  }

  json() {
    const coverage = this.coverage;
    return { goals: this.goals, missedGoals: missedGoals(this.goals), coverage, neverFired: neverFired(coverage) };
  }

  print(say: (text: string) => void): void {
    printCoverage(this.coverage, this.c.requireCoverage, say);
    printGoals(this.goals, say);
  }
}

/** Text for people: stdout in text mode, stderr (beside the progress) in JSON mode. */
export function sayer(c: ExploreContext, io: Io): (text: string) => void {
  return notesIo(io, c.json ? 'json' : 'text').out;
}

/** A progress line on a terminal, rewritten in place. */
export function progressLine(): { show: (text: string) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  let shown = false;
  return {
    show: (text) => {
      if (!tty) return;
      shown = true;
      process.stderr.write(`\r  ${text}   `);
    },
    end: () => {
      if (shown) process.stderr.write('\n');
    },
  };
}

export function printViolations(violations: readonly Violation[], say: (t: string) => void): void {
  for (const v of violations) say(`  ${v.invariant} at ${formatHours(v.atMs)}: ${v.message}\n`);
}

export function printGoals(goals: readonly GoalResult[], say: (t: string) => void): void {
  say('Goals (scenarios that reached each):\n');
  const width = Math.max(...goals.map((g) => g.name.length));
  for (const g of goals) {
    const note = g.required ? (g.reached === 0 ? '  required: MISSED' : '  required: reached') : '';
    say(`  ${g.name.padEnd(width)} ${String(g.reached).padStart(8)}${note}\n`);
  }
  const missed = missedGoals(goals);
  if (missed.length > 0) say(`Required goal(s) never reached: ${missed.join(', ')}.\n`);
}

export function printCoverage(coverage: readonly RuleCoverage[], required: boolean, say: (t: string) => void): void {
  const missing = neverFired(coverage);
  say(
    `Rule coverage (docs/model.md names; firings, runs): ${coverage.length - missing.length} of ${coverage.length} rules fired\n`,
  );
  const width = Math.max(...coverage.map((r) => r.rule.length));
  for (const r of coverage) {
    say(
      `  ${r.rule.padEnd(width)} ${String(r.fired).padStart(9)} ${String(r.runs).padStart(8)}${r.fired === 0 ? '  never fired' : ''}\n`,
    );
  }
  if (missing.length > 0 && required)
    say(`--require-coverage: ${missing.length} rule(s) never fired: ${missing.join(', ')}.\n`);
}

export function listGoals(format: 'text' | 'json', io: Io): void {
  if (format === 'json') {
    // docs/schemas/goals.schema.json
    const goals = GOALS.map((g) => ({ name: g.name, description: g.description }));
    printJson(io, { schemaVersion: 1, kind: 'provsim-explore-goals', goals });
    return;
  }
  const width = Math.max(...GOALS.map((g) => g.name.length));
  for (const g of GOALS) io.out(`${g.name.padEnd(width)}  ${g.description}\n`);
}

/**
 * `explore --format json`: `docs/schemas/explore.schema.json`. These fields for every mode; the random search and the
 * exhaustive mode add theirs (counts, shrinking, coverage, goals).
 */
export interface ExploreDocument {
  schemaVersion: 1;
  kind: 'provsim-explore';
  mode: 'random' | 'exhaustive' | 'replay';
  verdict: 'holds' | 'violated' | 'incomplete';
  /** Scenarios tried (random search), simulated (exhaustive); 1 for a replay. */
  runs: number;
  seed: number | null;
  /** The fast-check path of the counterexample, to replay it at once; null without one. */
  path: string | null;
  shrinks: number;
  /** The counterexample file written (random search) or the file replayed; null when none was found. */
  counterexample: string | null;
  violations: Violation[];
}
