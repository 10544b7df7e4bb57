/** What `run`, `check` and `validate` share: the scenario paths and overrides, loading, and running with checks. */
import type { Argv } from 'yargs';
import { DEFAULT_MAX_EVENTS, RunawayError } from '../kernel/index.js';
import { DEFAULT_MAX_TRACE_ENTRIES } from '../model/runModel.js';
import { buildReport, type Report } from '../report/Report.js';
import type { Scenario } from '../scenario/Scenario.js';
import { verifyScenario } from '../verify/verifyScenario.js';
import { findScenarioFiles, loadScenarioFiles } from './files.js';
import { InputError } from './InputError.js';
import { parseIntegerOption } from './options.js';
import { applyOverrides, parseAssume, parseSeed } from './overrides.js';

export interface ScenarioArgs {
  paths: string[];
  seed?: string | undefined;
  assume: string[];
  'max-events'?: string | undefined;
  'max-trace'?: string | undefined;
}

/** The paths, `--seed` and `--assume` (validated even by `validate`). */
export function scenarioPathOptions<T>(y: Argv<T>) {
  return y
    .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'scenario files or folders' })
    .option('seed', { type: 'string', describe: "override every scenario's seed" })
    .option('assume', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'override an assumption: key=value (repeatable)',
    });
}

/** What the commands that run scenarios take: the paths, the overrides and the runaway budget. */
export function scenarioOptions<T>(y: Argv<T>) {
  return scenarioPathOptions(y)
    .option('max-events', {
      type: 'string',
      describe: `stop a run after this many events (default ${DEFAULT_MAX_EVENTS})`,
    })
    .option('max-trace', {
      type: 'string',
      describe: `stop a run that keeps more trace entries than this in memory (default ${DEFAULT_MAX_TRACE_ENTRIES})`,
    });
}

type BudgetArgs = Pick<ScenarioArgs, 'max-events' | 'max-trace'>;

/** The runaway budget: `--max-events N` and `--max-trace N`, each 1 to 10^9 (docs/model.md, "Runaway budget"). */
export function budgetOf(args: BudgetArgs): { maxEvents?: number; maxTraceEntries?: number } {
  const maxEvents = parseIntegerOption(args['max-events'], { name: '--max-events', min: 1, max: 1_000_000_000 });
  const maxTraceEntries = parseIntegerOption(args['max-trace'], { name: '--max-trace', min: 1, max: 1_000_000_000 });
  return {
    ...(maxEvents === undefined ? {} : { maxEvents }),
    ...(maxTraceEntries === undefined ? {} : { maxTraceEntries }),
  };
}

/** Loads, validates and applies the overrides; throws InputError on any bad input. */
export function loadAll(args: ScenarioArgs, files = findScenarioFiles(args.paths)): Scenario[] {
  const seed = parseSeed(args.seed);
  const assume = parseAssume(args.assume);
  budgetOf(args);
  return loadScenarioFiles(files).map((s) => applyOverrides(s, seed, assume));
}

/** Runs each scenario with its invariants checked (as `run` and `check` do); a runaway run is bad input. */
export function runAll(scenarios: readonly Scenario[], args: BudgetArgs): Report[] {
  const budget = budgetOf(args);
  return scenarios.map((s) => runChecked(s, budget));
}

/** One scenario of `runAll`, with the budget `budgetOf` gives. */
export function runChecked(s: Scenario, budget: ReturnType<typeof budgetOf>): Report {
  try {
    const { run, violations } = verifyScenario(s, { rerun: false, ...budget });
    return buildReport(run, violations);
  } catch (error) {
    if (error instanceof RunawayError) throw new InputError(`${s.file ?? s.name}: ${error.message}`);
    throw error;
  }
}

/** The last report's JSON text, kept: `run --format json` of one scenario writes it to a file, then prints it. */
let last: { readonly report: Report; readonly text: string } | null = null;

export function reportJson(report: Report): string {
  if (last?.report !== report) last = { report, text: `${JSON.stringify(report, null, 2)}\n` };
  return last.text;
}
