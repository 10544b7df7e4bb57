/**
 * `provsim explore`: the search for invariant violations, outside vitest. Random (fast-check, optionally swarm) or
 * exhaustive (`--exhaustive`: every scenario of up to K inserted events on a grid). Prints what it searched, a
 * progress line on a terminal (the search, then the shrinking), and either the verdict or the counterexample and
 * the file it was written to; the goals reached; with `--format json` one JSON document on stdout instead.
 * Exit 1 on a violation, a required goal never reached, or an exhaustive search that could not finish.
 * `--replay FILE` re-checks a file; `--list-goals` lists the built-in goals.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import type { ModelFaults } from '../model/transition.js';
import type { Report } from '../report/Report.js';
import { closest } from '../scenario/closest.js';
import { DURATION_FORMS, formatDuration, formatHours, parseDuration } from '../scenario/Duration.js';
import { parseScenario, ScenarioError } from '../scenario/loadScenario.js';
import { EVENT_TYPES, type Scenario, type ScenarioEventType } from '../scenario/Scenario.js';
import { exploreExhaustive, type ExhaustiveResult } from '../verify/exhaustive.js';
import { counterexampleYaml, explore, type ExploreResult } from '../verify/explore.js';
import { CoverageTally, neverFired, type RuleCoverage } from '../verify/coverage.js';
import { GOAL_NAMES, GOALS, type GoalResult, GoalTally, missedGoals } from '../verify/goals.js';
import { INVARIANT_NAMES, type InvariantName, type Violation } from '../verify/invariants.js';
import { verifyScenario } from '../verify/verifyScenario.js';
import { findScenarioFiles, loadScenarioFiles } from './files.js';
import { InputError } from './InputError.js';
import type { Io } from './main.js';
import { applyOverrides, parseAssume, parseSeed } from './overrides.js';
import { writeAtomic } from './writeAtomic.js';

/** The deliberate model faults `--fault` can plant (to measure how fast the explorer finds a broken rule). */
const FAULTS = ['checkAtOrAfterMax', 'skipCheckAtStart'] as const satisfies readonly (keyof ModelFaults)[];

/** The bundled scenarios beside the package: the exhaustive mode's default bases (not the counterexamples). */
const BUNDLED_DIR = join(import.meta.dirname, '..', '..', 'scenarios');

function oneOf<T extends string>(raw: string, allowed: readonly T[], flag: string): T {
  if ((allowed as readonly string[]).includes(raw)) return raw as T;
  const hint = closest(raw, allowed);
  throw new InputError(
    `${flag} ${raw}: unknown${hint ? `; did you mean "${hint}"?` : '.'} Allowed: ${allowed.join(', ')}`,
  );
}

function positiveInteger(raw: unknown, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(`${flag} ${String(raw)}: expected a whole number of at least 1`);
  return n;
}

function wholeNumber(raw: unknown, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new InputError(`${flag} ${String(raw)}: expected a whole number (0 or more)`);
  return n;
}

function positiveDuration(raw: string, flag: string): number {
  const ms = parseDuration(raw);
  if (ms === null || ms <= 0) throw new InputError(`${flag} ${raw}: expected a positive duration (${DURATION_FORMS})`);
  return ms;
}

/** `--events a,b --events c`: the kinds, validated. */
function parseKinds(raw: readonly string[]): ScenarioEventType[] | undefined {
  const names = raw.flatMap((r) => r.split(',')).filter((n) => n !== '');
  if (names.length === 0) return undefined;
  return [...new Set(names.map((n) => oneOf(n, EVENT_TYPES, '--events')))];
}

interface ExploreArgs {
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
  depth: string;
  grid: string;
  events: string[];
  base: string[];
  'max-states': string;
  'time-budget': string;
  goal: string[];
  'list-goals': boolean;
  swarm: boolean;
  'shrink-time': string;
  fault: string[];
  'require-coverage': boolean;
}

export function registerExplore<T>(cli: Argv<T>, io: Io, setCode: (code: number) => void): Argv<T> {
  return cli.command(
    'explore',
    'search scenarios (random, swarm or exhaustive) for invariant violations; exit 1 on a violation or a missed goal',
    (y) =>
      y
        .option('runs', { type: 'string', describe: 'scenarios to try (default $PROVSIM_RUNS or 1000)' })
        .option('seed', { type: 'string', describe: 'fast-check seed (default $PROVSIM_SEED or a new one, printed)' })
        .option('path', { type: 'string', describe: 'fast-check path printed with a failure, to replay it at once' })
        .option('invariant', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: `only these invariants (repeatable): ${INVARIANT_NAMES.join(', ')}`,
        })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'check the invariants even where they do not claim to hold',
        })
        .option('assume', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'fix an assumption: key=value (repeatable); the others keep their defaults',
        })
        .option('all-assumptions', {
          type: 'boolean',
          default: false,
          describe: 'every combination of the assumptions not fixed by --assume',
        })
        .option('out', {
          type: 'string',
          default: join('reports', 'counterexamples'),
          describe: 'where the counterexample goes',
        })
        .option('replay', {
          type: 'string',
          describe: 're-check the invariants on a scenario file (a counterexample) and exit',
        })
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'json: one JSON document on stdout (progress on stderr)',
        })
        .option('exhaustive', {
          type: 'boolean',
          default: false,
          describe: 'check every scenario of up to --depth inserted events on the grid',
        })
        .option('depth', { type: 'string', default: '2', describe: 'exhaustive: most inserted events' })
        .option('grid', { type: 'string', default: '6h', describe: 'exhaustive: the times events are inserted at' })
        .option('events', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: `event kinds, comma-separated (default all): ${EVENT_TYPES.join(', ')}`,
        })
        .option('base', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'exhaustive: base scenario files or folders (default: the bundled scenarios)',
        })
        .option('max-states', {
          type: 'string',
          default: '5000000',
          describe: 'exhaustive: stop (incomplete) after this many distinct states',
        })
        .option('time-budget', {
          type: 'string',
          default: '10m',
          describe: 'exhaustive: stop (incomplete) after this much time',
        })
        .option('goal', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'require a goal to be reached at least once (repeatable; see --list-goals)',
        })
        .option('require-coverage', {
          type: 'boolean',
          default: false,
          describe: 'fail (exit 1) when a rule of the model never fired',
        })
        .option('list-goals', { type: 'boolean', default: false, describe: 'list the built-in goals and exit' })
        .option('swarm', {
          type: 'boolean',
          default: false,
          describe: 'each scenario uses a random subset of the event kinds and step flags',
        })
        .option('shrink-time', {
          type: 'string',
          default: '10s',
          describe: 'stop shrinking a counterexample after this much time',
        })
        .option('fault', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: `plant a deliberate model fault, to measure the search: ${FAULTS.join(', ')}`,
        }),
    (raw) => {
      const args = raw as unknown as ExploreArgs;
      if (args['list-goals']) {
        listGoals(args.format, io);
        return;
      }
      const invariants = args.invariant.map((n) => oneOf(n, INVARIANT_NAMES, '--invariant'));
      const assume = parseAssume(args.assume);
      const only = invariants.length === 0 ? {} : { only: invariants };
      if (args.replay !== undefined) {
        setCode(replay(args.replay, { ...only, force: args.force }, assume, args.format === 'json', io));
        return;
      }
      const goals = args.goal.map((n) => oneOf(n, GOAL_NAMES, '--goal'));
      const faults = Object.fromEntries(args.fault.map((f) => [oneOf(f, FAULTS, '--fault'), true])) as ModelFaults;
      const common: Common = {
        only,
        force: args.force,
        assume,
        goals,
        faults,
        kinds: parseKinds(args.events),
        json: args.format === 'json',
        out: args.out,
        requireCoverage: args['require-coverage'],
      };
      setCode(args.exhaustive ? runExhaustive(args, common, io) : runRandom(args, common, io));
    },
  );
}

interface Common {
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
class Observed {
  private readonly goalTally = new GoalTally();
  private readonly coverageTally = new CoverageTally();

  constructor(private readonly c: Common) {}

  readonly onReport = (report: Report): void => {
    this.goalTally.add(report);
    this.coverageTally.add(report.trace);
  };

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
function sayer(c: Common, io: Io): (text: string) => void {
  return c.json ? io.err : io.out;
}

/** A progress line on a terminal, rewritten in place. */
function progressLine(): { show: (text: string) => void; end: () => void } {
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

function runRandom(args: ExploreArgs, c: Common, io: Io): number {
  const say = sayer(c, io);
  const runs = positiveInteger(args.runs ?? process.env.PROVSIM_RUNS ?? 1000, '--runs');
  const seed = parseSeed(args.seed ?? process.env.PROVSIM_SEED) ?? Date.now() % 2147483647;
  const assumptions = args['all-assumptions'] ? 'any' : c.assume;
  const shrinkTimeMs = positiveDuration(args['shrink-time'], '--shrink-time');
  say(
    `provsim explore: ${runs} runs${args.swarm ? ' (swarm)' : ''}, seed ${seed}${args.path ? `, path ${args.path}` : ''}; assumptions ${assumptions === 'any' ? 'all combinations' : JSON.stringify(assumptions)}\n`,
  );
  const progress = progressLine();
  const observed = new Observed(c);
  const started = performance.now();
  const result = explore({
    runs,
    seed,
    ...(args.path === undefined ? {} : { path: args.path }),
    ...(c.only.only === undefined ? {} : { invariants: c.only.only }),
    force: c.force,
    assumptions,
    faults: c.faults,
    ...(c.kinds === undefined ? {} : { kinds: c.kinds }),
    swarm: args.swarm,
    shrinkTimeMs,
    onReport: observed.onReport,
    onProgress: (p) => {
      const seconds = (performance.now() - started) / 1000;
      progress.show(
        p.phase === 'search'
          ? `${p.done} scenarios checked (${Math.round(p.done / seconds)}/s)`
          : `shrinking: ${p.tried} tried, ${p.smaller} smaller`,
      );
    },
  });
  progress.end();
  const seconds = (performance.now() - started) / 1000;
  const file =
    result.counterexample === null
      ? null
      : join(c.out, `counterexample-${result.counterexample.violations[0]?.invariant ?? 'unknown'}-${seed}.yaml`);
  if (result.counterexample !== null && file !== null) {
    const { scenario, violations } = result.counterexample;
    writeAtomic(file, counterexampleYaml(scenario, violations, result));
  }
  if (c.json) {
    io.out(`${JSON.stringify({ ...randomJson(result, args.swarm, file, seconds), ...observed.json() }, null, 2)}\n`);
  } else {
    printRandom(result, file, seconds, say);
    observed.print(say);
  }
  return result.failed || observed.failed ? 1 : 0;
}

function randomJson(result: ExploreResult, swarm: boolean, file: string | null, seconds: number) {
  return {
    mode: 'random',
    verdict: result.failed ? 'violated' : 'holds',
    runs: result.runs,
    seed: result.seed,
    swarm,
    path: result.path,
    counterexample: file,
    violations: result.counterexample?.violations ?? [],
    shrink: { tried: result.shrinkTried, smaller: result.shrinks, cut: result.shrinkCut },
    searchSeconds: Number((result.searchMs / 1000).toFixed(3)),
    elapsedSeconds: Number(seconds.toFixed(3)),
  };
}

function printRandom(result: ExploreResult, file: string | null, seconds: number, say: (t: string) => void): void {
  if (result.counterexample === null || file === null) {
    say(
      `No violation in ${result.runs} scenarios (${seconds.toFixed(1)} s, ${Math.round(result.runs / seconds)} scenarios/s).\n`,
    );
    return;
  }
  const { scenario, violations } = result.counterexample;
  const steps = scenario.taskSequence?.steps.length ?? 0;
  say(
    `VIOLATION after ${result.runs} scenarios (${seconds.toFixed(1)} s); shrunk (${result.shrinks} smaller of ${result.shrinkTried} tried${result.shrinkCut ? ', cut by --shrink-time' : ''}) to ${scenario.events.length} event(s) and ${steps} task-sequence step(s).\n`,
  );
  printViolations(violations, say);
  say(
    `Seed ${result.seed}, path ${result.path}: provsim explore --seed ${result.seed} --path ${result.path} replays it.\n`,
  );
  say(
    `Counterexample written to ${file}: provsim run ${file} shows it; provsim explore --replay ${file} re-checks it.\n`,
  );
}

function printViolations(violations: readonly Violation[], say: (t: string) => void): void {
  for (const v of violations) say(`  ${v.invariant} at ${formatHours(v.atMs)}: ${v.message}\n`);
}

function printGoals(goals: readonly GoalResult[], say: (t: string) => void): void {
  say('Goals (scenarios that reached each):\n');
  const width = Math.max(...goals.map((g) => g.name.length));
  for (const g of goals) {
    const note = g.required ? (g.reached === 0 ? '  required: MISSED' : '  required: reached') : '';
    say(`  ${g.name.padEnd(width)} ${String(g.reached).padStart(8)}${note}\n`);
  }
  const missed = missedGoals(goals);
  if (missed.length > 0) say(`Required goal(s) never reached: ${missed.join(', ')}.\n`);
}

function printCoverage(coverage: readonly RuleCoverage[], required: boolean, say: (t: string) => void): void {
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

function listGoals(format: 'text' | 'json', io: Io): void {
  if (format === 'json') {
    io.out(
      `${JSON.stringify(
        GOALS.map((g) => ({ name: g.name, description: g.description })),
        null,
        2,
      )}\n`,
    );
    return;
  }
  const width = Math.max(...GOALS.map((g) => g.name.length));
  for (const g of GOALS) io.out(`${g.name.padEnd(width)}  ${g.description}\n`);
}

/** The default bases: the scenario files directly in the bundled folder. */
function bundledBases(): Scenario[] {
  const files = readdirSync(BUNDLED_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(BUNDLED_DIR, f));
  return loadScenarioFiles(files);
}

function runExhaustive(args: ExploreArgs, c: Common, io: Io): number {
  const say = sayer(c, io);
  const depth = wholeNumber(args.depth, '--depth');
  const gridMs = positiveDuration(args.grid, '--grid');
  const maxStates = positiveInteger(args['max-states'], '--max-states');
  const timeBudgetMs = positiveDuration(args['time-budget'], '--time-budget');
  const bases = args.base.length === 0 ? bundledBases() : loadScenarioFiles(findScenarioFiles(args.base));
  const progress = progressLine();
  const observed = new Observed(c);
  const result = exploreExhaustive({
    bases,
    depth,
    gridMs,
    ...(c.kinds === undefined ? {} : { kinds: c.kinds }),
    assumptions: c.assume,
    allAssumptions: args['all-assumptions'],
    maxStates,
    timeBudgetMs,
    faults: c.faults,
    ...c.only,
    force: c.force,
    onReport: observed.onReport,
    onProgress: (p) =>
      progress.show(`depth ${p.level} of ${depth}, ${p.base}: ${p.runs} runs, ${p.distinctStates} distinct states`),
  });
  progress.end();
  say(
    `provsim explore --exhaustive: depth ${depth}, grid ${formatDuration(gridMs)}, ${result.variants} event variants (${(c.kinds ?? EVENT_TYPES).join(', ')}); ${bases.length} base scenario(s) x ${result.roots / Math.max(1, bases.length)} assumption set(s)\n`,
  );
  let file: string | null = null;
  if (result.counterexample !== null) {
    const { scenario, violations } = result.counterexample;
    const invariant = violations[0]?.invariant ?? 'unknown';
    file = join(c.out, `exhaustive-${invariant}-${scenario.name}.yaml`);
    const named = { ...scenario, name: `exhaustive-${invariant}-${scenario.name}` };
    writeAtomic(file, counterexampleYaml(named, violations, { how: exhaustiveHow(result, depth, gridMs, c) }));
  }
  if (c.json) {
    io.out(`${JSON.stringify({ ...exhaustiveJson(result, file), ...observed.json() }, null, 2)}\n`);
  } else {
    printExhaustive(result, file, say);
    observed.print(say);
  }
  return result.verdict === 'holds' && !observed.failed ? 0 : 1;
}

function exhaustiveHow(result: ExhaustiveResult, depth: number, gridMs: number, c: Common): string {
  const events = c.kinds === undefined ? '' : ` --events ${c.kinds.join(',')}`;
  return `provsim explore --exhaustive --depth ${depth} --grid ${formatDuration(gridMs)}${events} (shortest: ${result.counterexample?.depth ?? 0} inserted event(s))`;
}

function exhaustiveJson(result: ExhaustiveResult, file: string | null) {
  return {
    mode: 'exhaustive',
    verdict: result.verdict,
    depth: result.depth,
    gridMs: result.gridMs,
    variants: result.variants,
    roots: result.roots,
    scenarios: result.scenarios,
    runs: result.runs,
    distinctStates: result.distinctStates,
    stoppedAt: result.stoppedAt,
    counterexample: file,
    counterexampleEvents: result.counterexample?.depth ?? null,
    violations: result.counterexample?.violations ?? [],
    elapsedSeconds: Number((result.elapsedMs / 1000).toFixed(3)),
  };
}

function printExhaustive(result: ExhaustiveResult, file: string | null, say: (t: string) => void): void {
  const counts = `${result.scenarios} scenarios (${result.runs} run, the others merged into states already explored), ${result.distinctStates} distinct states, ${(result.elapsedMs / 1000).toFixed(1)} s`;
  if (result.verdict === 'holds') {
    say(`Holds for every scenario of up to ${result.depth} events: ${counts}.\n`);
  } else if (result.verdict === 'incomplete') {
    say(`INCOMPLETE: stopped at ${result.stoppedAt}; nothing is claimed. So far: ${counts}.\n`);
  } else if (result.counterexample !== null && file !== null) {
    const { scenario, violations, depth } = result.counterexample;
    say(`VIOLATION: a shortest counterexample inserts ${depth} event(s) into ${scenario.name}; ${counts}.\n`);
    printViolations(violations, say);
    say(
      `Counterexample written to ${file}: provsim run ${file} shows it; provsim explore --replay ${file} re-checks it.\n`,
    );
  }
}

function replay(
  file: string,
  options: { only?: InvariantName[]; force: boolean },
  assume: ReturnType<typeof parseAssume>,
  json: boolean,
  io: Io,
): number {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: no such file`);
  }
  let scenario: ReturnType<typeof parseScenario>;
  try {
    scenario = applyOverrides(parseScenario(text, file), undefined, assume);
  } catch (error) {
    if (error instanceof ScenarioError) throw new InputError(error.message);
    throw error;
  }
  const { violations } = verifyScenario(scenario, options);
  if (json) {
    io.out(
      `${JSON.stringify({ file, verdict: violations.length === 0 ? 'holds' : 'violated', violations }, null, 2)}\n`,
    );
    return violations.length === 0 ? 0 : 1;
  }
  if (violations.length === 0) {
    io.out(`${file}: every invariant that applies holds\n`);
    return 0;
  }
  for (const v of violations) io.out(`${file}: ${v.invariant} violated at ${formatHours(v.atMs)}: ${v.message}\n`);
  return 1;
}
