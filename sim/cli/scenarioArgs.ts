/** What `run`, `check` and `validate` share: the scenario paths and overrides, loading, and running with checks. */
import type { Argv } from 'yargs';
import { EventLimitError } from '../kernel/index.js';
import { buildReport, type Report } from '../report/Report.js';
import type { Scenario } from '../scenario/Scenario.js';
import { verifyScenario } from '../verify/verifyScenario.js';
import { findScenarioFiles, loadScenarioFiles } from './files.js';
import { InputError } from './InputError.js';
import { applyOverrides, parseAssume, parseSeed } from './overrides.js';

export interface ScenarioArgs {
  paths: string[];
  seed?: string | undefined;
  assume: string[];
  'max-events'?: number | undefined;
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

/** What the commands that run scenarios take: the paths, the overrides and `--max-events`. */
export function scenarioOptions<T>(y: Argv<T>) {
  return scenarioPathOptions(y).option('max-events', {
    type: 'number',
    describe: 'stop a run after this many events (default 5000000)',
  });
}

/** Loads, validates and applies the overrides; throws InputError on any bad input. */
export function loadAll(args: ScenarioArgs, files = findScenarioFiles(args.paths)): Scenario[] {
  const seed = parseSeed(args.seed);
  const assume = parseAssume(args.assume);
  return loadScenarioFiles(files).map((s) => applyOverrides(s, seed, assume));
}

/** Runs each scenario with its invariants checked (as `run` and `check` do); a runaway run is bad input. */
export function runAll(scenarios: readonly Scenario[], maxEvents: number | undefined): Report[] {
  return scenarios.map((s) => {
    try {
      const { run, violations } = verifyScenario(s, {
        rerun: false,
        ...(maxEvents === undefined ? {} : { maxEvents }),
      });
      return buildReport(run, violations);
    } catch (error) {
      if (error instanceof EventLimitError) throw new InputError(`${s.file ?? s.name}: ${error.message}`);
      throw error;
    }
  });
}

export function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
