/**
 * `provsim import <smsts.log>...` and `provsim replay <smsts.log>...`: the command-line side of `sim/import/`
 * (reading the files, writing the scenario atomically, printing). Bad input: one line per problem naming the file
 * and line; lines that cannot be read are skipped and counted; exit 2 only when nothing usable remains.
 */
import { statSync } from 'node:fs';
import type { Argv } from 'yargs';
import {
  type ImportOptions,
  ImportError,
  type ImportResult,
  importSmstsLogs,
  type LogInput,
} from '../import/importSmstsLogs.js';
import { answerReplay, type ReplayAnswer } from '../import/replayAnswer.js';
import { TIME_ZONE_FORMS } from '../time/TimeZone.js';
import { formatSummary } from '../report/formatText.js';
import type { Report } from '../report/Report.js';
import { ScenarioError } from '../scenario/loadScenario.js';
import type { Scenario } from '../scenario/Scenario.js';
import { paintWords } from './colour.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { InputError, UsageError } from './InputError.js';
import { parseIntegerOption } from './options.js';
import { checkOutputFile, checkOutputFolder } from './outputPaths.js';
import { readInputBytes } from './readInput.js';
import { formatOption, printJson } from './output.js';
import { applyOverrides, parseAssume } from './overrides.js';
import { writeRunReports } from './reportOutputs.js';
import { timeZoneOption } from './runLogs.js';
import { runAll } from './scenarioArgs.js';
import { writeAtomic } from './writeAtomic.js';

import type { Io } from './output.js';

const MAX_PROBLEMS_SHOWN = 20;

function importOptions<T>(y: Argv<T>) {
  return y
    .positional('logs', {
      type: 'string',
      array: true,
      demandOption: true,
      describe: 'smsts.log files (rolled ones too)',
    })
    .option('client-version', {
      type: 'string',
      describe: 'the client release, YYMM (default: from the log, else 2403)',
    })
    .option('max-minutes', {
      type: 'string',
      describe: 'ProvisioningMaxMinutes in the registry (default: absent, 48 hours)',
    })
    .option('timezone', {
      type: 'string',
      describe: `zone of records without a bias (the clipboard form): ${TIME_ZONE_FORMS} (default UTC)`,
    })
    .option('ccmeval', {
      type: 'boolean',
      default: true,
      describe: 'the client health task runs daily (--no-ccmeval: off)',
    })
    .check((argv) => {
      timeZoneOption(argv.timezone);
      return true;
    });
}

interface ImportArgs {
  logs: string[];
  'client-version'?: string | undefined;
  'max-minutes'?: string | undefined;
  timezone?: string | undefined;
  ccmeval: boolean;
}

/** Reads the files; a file that cannot be read is reported and left out. */
function readInputs(paths: readonly string[], io: Io): LogInput[] {
  const inputs: LogInput[] = [];
  for (const file of paths) {
    try {
      if (statSync(file).isDirectory()) {
        io.err(`provsim: ${file}: a folder; give the log files themselves (smsts.log, smsts-*.log)\n`);
        continue;
      }
    } catch {
      // readInputBytes names the problem.
    }
    try {
      inputs.push({ file, bytes: readInputBytes(file, 'log') });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      io.err(`provsim: ${error.message}\n`);
    }
  }
  return inputs;
}

function parseOptions(args: ImportArgs): ImportOptions {
  const version = args['client-version'];
  if (version !== undefined && !/^\d{2}(0[1-9]|1[0-2])$/.test(version)) {
    throw new UsageError(`--client-version ${version}: expected a ConfigMgr release YYMM such as 2403 or 1810`);
  }
  const maxText = args['max-minutes'];
  const maxMinutes = parseIntegerOption(maxText, {
    name: '--max-minutes',
    min: 0,
    max: 4_294_967_295,
    note: '(minutes; 0: the default 48 hours)',
  });
  return {
    ...(version === undefined ? {} : { clientVersion: version }),
    ...(maxMinutes === undefined ? {} : { maxMinutes }),
    timeZone: timeZoneOption(args.timezone),
    ccmeval: args.ccmeval,
  };
}

function runImport(args: ImportArgs, io: Io): ImportResult {
  const options = parseOptions(args);
  const inputs = readInputs(args.logs, io);
  if (inputs.length === 0) throw new InputError('nothing usable remains: none of the files could be read');
  try {
    return importSmstsLogs(inputs, options);
  } catch (error) {
    if (error instanceof ImportError || error instanceof ScenarioError) throw new InputError(error.message);
    throw error;
  }
}

/** The lines the logs had that could not be read, for `--format json`. */
function problemsJson(result: ImportResult): { file: string; line: number | null; message: string }[] {
  return result.problems.map((p) => ({ file: p.file, line: p.line, message: p.message }));
}

function problemLines(result: ImportResult): string {
  const p = result.problems;
  const shown = p
    .slice(0, MAX_PROBLEMS_SHOWN)
    .map((x) => `  ${x.file}${x.line === null ? '' : `:${x.line}`}: ${x.message}\n`);
  return shown.join('') + (p.length > MAX_PROBLEMS_SHOWN ? `  ... and ${p.length - MAX_PROBLEMS_SHOWN} more\n` : '');
}

export function registerImport<T>(cli: Argv<T>, { io, colour }: CommandContext): Argv<T> {
  return cli
    .command(
      COMMANDS.import.command,
      COMMANDS.import.describe,
      (y) =>
        formatOption(
          importOptions(y).option('out', {
            type: 'string',
            describe: 'write the scenario here (default: standard output)',
          }),
        ),
      (args) => {
        if (args.out !== undefined) checkOutputFile('--out', args.out);
        const result = runImport(args, io);
        const s: Scenario = result.scenario;
        const yaml = result.yaml;
        const steps = s.taskSequence?.steps.length ?? 0;
        if (args.out !== undefined) writeAtomic(args.out, yaml);
        if (args.format === 'json') {
          printJson(io, {
            schemaVersion: 1,
            kind: 'provsim-import',
            logs: args.logs,
            scenario: { name: s.name, steps, outcome: result.facts.outcome },
            yaml,
            written: args.out ?? null,
            problems: problemsJson(result),
            notes: result.summary,
          });
          return;
        }
        const report =
          `Imported ${args.logs.join(', ')}: ${steps} steps, outcome ${result.facts.outcome}, scenario "${s.name}".\n` +
          (result.problems.length === 0 ? '' : `Problems (${result.problems.length}):\n${problemLines(result)}`) +
          (result.summary.length === 0 ? '' : `Notes:\n${result.summary.map((x) => `  - ${x}\n`).join('')}`);
        if (args.out === undefined) {
          io.out(yaml);
          io.err(report);
        } else {
          io.out(`${report}Scenario written to ${args.out}; run it with: provsim run ${args.out}\n`);
        }
      },
    )
    .command(
      COMMANDS.replay.command,
      COMMANDS.replay.describe,
      (y) =>
        formatOption(
          importOptions(y)
            .option('assume', {
              type: 'string',
              array: true,
              default: [] as string[],
              describe: 'override an assumption: key=value (repeatable)',
            })
            .option('out', {
              type: 'string',
              describe: 'also write the report set of provsim run here (JSON, Markdown, HTML, index.html)',
            }),
        ),
      // [provsim] Exit 0 whatever the simulated client does: replay answers a question, it judges nothing.
      async (args) => {
        const assume = parseAssume(args.assume);
        if (args.out !== undefined) checkOutputFolder('--out', args.out);
        const result = runImport(args, io);
        const scenario = applyOverrides(result.scenario, undefined, assume);
        const report = runAll([scenario], {})[0] as Report;
        const fallbackBias = timeZoneOption(args.timezone).biasMinutes(result.facts.lastUtcMs);
        const answer = answerReplay(scenario, result.facts, report, fallbackBias);
        if (args.out !== undefined) await writeRunReports(args.out, [report], { trace: false });
        if (args.format === 'json') {
          printJson(io, replayResult(args.logs, answer, result, report));
          return;
        }
        io.out(`${answer.lines.join('\n')}\n\n`);
        if (result.problems.length > 0)
          io.out(`Problems reading the logs (${result.problems.length}):\n${problemLines(result)}\n`);
        if (result.summary.length > 0) io.out(`Import notes:\n${result.summary.map((x) => `  - ${x}\n`).join('')}\n`);
        // A log that cannot answer alone gets no simulated summary: it would answer what the log cannot tell.
        if (!answer.unanswerable) io.out(paintWords(formatSummary(report), colour));
        if (args.out !== undefined) io.out(`\nReports written to ${args.out}/\n`);
      },
    );
}

/** `replay --format json`: `docs/schemas/replay.schema.json`. */
export interface ReplayResult {
  schemaVersion: 1;
  kind: 'provsim-replay';
  logs: string[];
  answer: {
    inProvisioningMode: boolean;
    since: string | null;
    leaves: string | null;
    leaveReason: string | null;
    lines: string[];
    unanswerable: boolean;
  };
  problems: { file: string; line: number | null; message: string }[];
  notes: string[];
  report: Report;
}

function replayResult(logs: string[], answer: ReplayAnswer, result: ImportResult, report: Report): ReplayResult {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    schemaVersion: 1,
    kind: 'provsim-replay',
    logs,
    answer: {
      inProvisioningMode: answer.inProvisioningMode,
      since: iso(answer.sinceUtcMs),
      leaves: iso(answer.leavesUtcMs),
      leaveReason: answer.leaveReason,
      lines: answer.lines,
      unanswerable: answer.unanswerable,
    },
    problems: problemsJson(result),
    notes: result.summary,
    report,
  };
}
