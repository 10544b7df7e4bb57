/**
 * `provsim explore`: the search for invariant violations, outside vitest. Random (fast-check, optionally swarm) or
 * exhaustive (`--exhaustive`: every scenario of up to K inserted events on a grid). Prints what it searched, a
 * progress line on a terminal (the search, then the shrinking), and either the verdict or the counterexample and
 * the file it was written to; the goals reached; with `--format json` one JSON document on stdout instead.
 * Exit 1 on a violation, a required goal never reached, or an exhaustive search that could not finish.
 * `--replay FILE` re-checks a file; `--list-goals` lists the built-in goals.
 */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import type { ModelFaults } from '../model/transition.js';
import { formatHours } from '../time/Duration.js';
import { parseScenario, ScenarioError } from '../scenario/loadScenario.js';
import { EVENT_TYPES } from '../scenario/Scenario.js';
import {
  concludeExplore,
  counterexampleYaml,
  type ExploreOptions,
  type ExploreResult,
  firstRun,
} from '../verify/explore.js';
import { shardRange } from '../fleet/run/simulateRange.js';
import { GOAL_NAMES } from '../verify/goals.js';
import { INVARIANT_NAMES, type InvariantName } from '../verify/invariants.js';
import { verifyScenario } from '../verify/verifyScenario.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { runExhaustive } from './exhaustiveCommand.js';
import { searchOnThreads } from './exploreThreads.js';
import type { ExploreDocument } from './exploreOutput.js';
import {
  type ExploreArgs,
  type ExploreContext,
  type ExploreShard,
  listGoals,
  Observed,
  oneOf,
  parseKinds,
  positiveDuration,
  positiveInteger,
  printViolations,
  progressLine,
  sayer,
} from './exploreOutput.js';
import { InputError } from './InputError.js';
import { type Io, printJson } from './output.js';
import { applyOverrides, parseAssume, parseSeed } from './overrides.js';
import { parseShard, workersOption } from './shardAndWorkers.js';
import { readInputText } from './readInput.js';

import { writeAtomic } from './writeAtomic.js';

/** The deliberate model faults `--fault` can plant (to measure how fast the explorer finds a broken rule). */
const FAULTS = ['checkAtOrAfterMax', 'skipCheckAtStart'] as const satisfies readonly (keyof ModelFaults)[];

export function registerExplore<T>(cli: Argv<T>, { io, setCode }: CommandContext): Argv<T> {
  return cli.command(COMMANDS.explore.command, COMMANDS.explore.describe, exploreOptions, (raw) =>
    exploreHandler(raw as unknown as ExploreArgs, io, setCode),
  );
}

/** The options of `explore`. */
function exploreOptions<T>(y: Argv<T>) {
  return y
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
    .option('depth', { type: 'string', describe: 'exhaustive: most inserted events (default 2)' })
    .option('grid', { type: 'string', describe: 'exhaustive: the times events are inserted at (default 6h)' })
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
      describe: 'exhaustive: stop (incomplete) after this many distinct states (default 5000000)',
    })
    .option('time-budget', {
      type: 'string',
      describe: 'exhaustive: stop (incomplete) after this much time (default 10m)',
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
    .option('workers', {
      type: 'string',
      describe: 'random search: threads that search (default: the cores free); the result is the same for any number',
    })
    .option('shard', {
      type: 'string',
      describe: 'random search: check only slice I of N of the runs (1-based); auto: from the job engine (as fleet)',
    })
    .option('shards', { type: 'string', describe: 'with --shard auto: the number of shards' })
    .option('fault', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: `plant a deliberate model fault, to measure the search: ${FAULTS.join(', ')}`,
    });
}

async function exploreHandler(args: ExploreArgs, io: Io, setCode: (code: number) => void): Promise<void> {
  if (args['list-goals']) {
    listGoals(args.format, io);
    return;
  }
  const invariants = args.invariant.map((n) => oneOf(n, INVARIANT_NAMES, '--invariant'));
  const assume = parseAssume(args.assume);
  const only = invariants.length === 0 ? {} : { only: invariants };
  if (args.replay !== undefined) {
    const result = replay(args.replay, { ...only, force: args.force }, assume);
    if (args.format === 'json') printJson(io, result);
    else if (result.violations.length === 0) io.out(`${args.replay}: every invariant that applies holds\n`);
    else
      for (const v of result.violations)
        io.out(`${args.replay}: ${v.invariant} violated at ${formatHours(v.atMs)}: ${v.message}\n`);
    setCode(result.verdict === 'holds' ? 0 : 1);
    return;
  }
  const goals = args.goal.map((n) => oneOf(n, GOAL_NAMES, '--goal'));
  const faults = Object.fromEntries(args.fault.map((f) => [oneOf(f, FAULTS, '--fault'), true])) as ModelFaults;
  const common: ExploreContext = {
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
  if (args.exhaustive && args.shard !== undefined) {
    throw new InputError('--shard cuts the random search; the exhaustive search (--exhaustive) runs whole');
  }
  checkSearchOptions(args);
  setCode(args.exhaustive ? runExhaustive(args, common, io) : await runRandom(args, common, io));
}

/**
 * [provsim] An option of one search given to the other is refused, not ignored: `explore --depth -1` (no
 * `--exhaustive`) ran the random search and said nothing of the depth, `--exhaustive --runs 5` checked every scenario.
 */
function checkSearchOptions(args: ExploreArgs): void {
  const given = (o: Record<string, unknown>) => Object.keys(o).find((k) => o[k] !== undefined && o[k] !== false);
  if (args.exhaustive) {
    const random = given({
      runs: args.runs,
      seed: args.seed,
      path: args.path,
      swarm: args.swarm,
      workers: args.workers,
    });
    if (random !== undefined) {
      throw new InputError(
        `--${random} goes with the random search; the exhaustive search (--exhaustive) checks every scenario of up to --depth events (leave out --${random})`,
      );
    }
  } else {
    const exhaustive =
      given({
        depth: args.depth,
        grid: args.grid,
        'max-states': args['max-states'],
        'time-budget': args['time-budget'],
      }) ?? (args.base.length > 0 ? 'base' : undefined);
    if (exhaustive !== undefined) {
      throw new InputError(
        `--${exhaustive} goes with --exhaustive; the random search draws its scenarios (add --exhaustive, or leave out --${exhaustive})`,
      );
    }
  }
}

/** The runs this process checks: all of them, or its shard's slice (`--shard`), from the `--path` given. */
function runsOf(args: ExploreArgs): { start: number; runs: number; shard: ExploreShard | null } {
  const runs =
    args.runs !== undefined
      ? positiveInteger(args.runs, '--runs')
      : process.env.PROVSIM_RUNS !== undefined
        ? positiveInteger(process.env.PROVSIM_RUNS, 'PROVSIM_RUNS')
        : 1000;
  // [provsim] A path with shrink steps (`P:Q`) is refused: explore shrinks with its own shrinker, and prints run numbers.
  let start: number;
  try {
    start = firstRun(args.path);
  } catch {
    throw new InputError(`--path ${String(args.path)}: expected the run number a failure printed, such as 42`);
  }
  const shard = parseShard(args.shard, args.shards, process.env);
  if (shard === undefined) return { start, runs, shard: null };
  const { from, to } = shardRange(runs, shard.index, shard.count);
  return {
    start,
    runs: to - from,
    shard: { index: shard.index, count: shard.count, fromRun: start + from, toRun: start + to },
  };
}

async function runRandom(args: ExploreArgs, c: ExploreContext, io: Io): Promise<number> {
  const say = sayer(c, io);
  const { start, runs, shard } = runsOf(args);
  const workers = workersOption(args.workers);
  const seed = parseSeed(args.seed) ?? parseSeed(process.env.PROVSIM_SEED, 'PROVSIM_SEED') ?? Date.now() % 2147483647;
  const assumptions = args['all-assumptions'] ? 'any' : c.assume;
  const shrinkTimeMs = positiveDuration(args['shrink-time'], '--shrink-time');
  const slice =
    shard === null ? '' : `, shard ${shard.index}/${shard.count} (runs ${shard.fromRun} to ${shard.toRun - 1})`;
  say(
    `provsim explore: ${runs} runs${args.swarm ? ' (swarm)' : ''}, seed ${seed}${args.path ? `, path ${args.path}` : ''}${slice}; assumptions ${assumptions === 'any' ? 'all combinations' : JSON.stringify(assumptions)}\n`,
  );
  const progress = progressLine();
  const observed = new Observed(c);
  const started = performance.now();
  const options: ExploreOptions = {
    runs,
    seed,
    ...(c.only.only === undefined ? {} : { invariants: c.only.only }),
    force: c.force,
    assumptions,
    faults: c.faults,
    ...(c.kinds === undefined ? {} : { kinds: c.kinds }),
    swarm: args.swarm,
    shrinkTimeMs,
    onProgress: (p) => {
      const seconds = (performance.now() - started) / 1000;
      progress.show(
        p.phase === 'search'
          ? `${p.done} scenarios checked (${Math.round(p.done / seconds)}/s)`
          : `shrinking: ${p.tried} tried, ${p.smaller} smaller`,
      );
    },
  };
  const search = await searchOnThreads(options, {
    from: shard?.fromRun ?? start,
    start,
    runs,
    threads: workers,
    onProgress: (done) => options.onProgress?.({ phase: 'search', done }),
  });
  observed.addSummaries(search.goals, search.coverage);
  const result = concludeExplore(options, search.found, search.searchMs);
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
    printJson(io, {
      ...randomJson(result, args.swarm, file, seconds),
      ...(shard === null ? {} : { shard }),
      ...observed.json(),
    });
  } else {
    printRandom(result, file, seconds, say);
    observed.print(say);
  }
  return result.failed || observed.failed ? 1 : 0;
}

function randomJson(result: ExploreResult, swarm: boolean, file: string | null, seconds: number) {
  const document: ExploreDocument = {
    schemaVersion: 1,
    kind: 'provsim-explore',
    mode: 'random',
    verdict: result.failed ? 'violated' : 'holds',
    runs: result.runs,
    seed: result.seed,
    path: result.path,
    shrinks: result.shrinks,
    counterexample: file,
    violations: [...(result.counterexample?.violations ?? [])],
  };
  return {
    ...document,
    swarm,
    shrinkTried: result.shrinkTried,
    shrinkCut: result.shrinkCut,
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

export type { ExploreDocument } from './exploreOutput.js';

function replay(
  file: string,
  options: { only?: InvariantName[]; force: boolean },
  assume: ReturnType<typeof parseAssume>,
): ExploreDocument {
  const text = readInputText(file, 'scenario');
  let scenario: ReturnType<typeof parseScenario>;
  try {
    scenario = applyOverrides(parseScenario(text, file), undefined, assume);
  } catch (error) {
    if (error instanceof ScenarioError) throw new InputError(error.message);
    throw error;
  }
  const { violations } = verifyScenario(scenario, options);
  return {
    schemaVersion: 1,
    kind: 'provsim-explore',
    mode: 'replay',
    verdict: violations.length === 0 ? 'holds' : 'violated',
    runs: 1,
    seed: scenario.seed,
    path: null,
    shrinks: 0,
    counterexample: file,
    violations: [...violations],
  };
}
