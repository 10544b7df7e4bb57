/**
 * The `provsim` command line (yargs): the only code that touches the file system, the process and the console.
 * Exit codes, for every command: 0 all good; 1 the simulation says something is wrong (an expectation failed, an
 * invariant was violated, explore found a violation); 2 bad input, bad usage or an output that cannot be written
 * (one line, never a stack trace, and none of the command's files written). A closed standard output ends quietly.
 */
import { readFileSync } from 'node:fs';
import yargs, { type Argv } from 'yargs';
import { RunawayError } from '../kernel/index.js';
import { formatRows, formatSummary } from '../report/formatText.js';
import { verdictOf } from '../report/judge.js';
import type { Report } from '../report/Report.js';
import { closest } from '../scenario/closest.js';
import { scenarioJsonSchema } from '../scenario/loadScenario.js';
import { registerCheck, registerValidate } from './checkCommand.js';
import { paintWords, useColour } from './colour.js';
import { registerExplore } from './exploreCommand.js';
import { registerImport } from './importCommand.js';
import { registerRemediate, remediateMerger } from './remediateCommand.js';
import { registerFleet } from './fleetCommand.js';
import { registerTriage } from './triageCommand.js';
import { InputError, UsageError } from './InputError.js';
import type { Io } from './output.js';
import * as reportOutputs from './reportOutputs.js';
import { withRunLogOptions, writeRunLogs } from './runLogs.js';
import { loadAll, reportJson, runAll, scenarioOptions } from './scenarioArgs.js';
import { removeStagedOnInterrupt, writeAllOrNothing } from './writeAtomic.js';
import { checkOutputFolder } from './outputPaths.js';

export type { Io } from './output.js';

let stdoutClosed = false;

/** The console; once standard output is closed (`provsim ... | head`), what would go there is dropped quietly. */
function processIo(): Io {
  if (process.stdout.listenerCount('error') === 0) {
    removeStagedOnInterrupt();
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      stdoutClosed = true;
      // A closed pipe (provsim ... | head) ends quietly; any other failure (a full disk) is one line, exit 2.
      if (error.code !== 'EPIPE') {
        process.stderr.write(`provsim: cannot write to standard output (${error.code ?? 'error'})\n`);
        process.exit(2);
      }
    });
  }
  return {
    out: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    err: (text) => process.stderr.write(text),
  };
}

/** The version in package.json (read at run time: the same file in the repository and the installed package). */
const VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/** The commands registered on the parser, hidden ones included (yargs has no public accessor for them). */
function commandNames(cli: Argv): string[] {
  const internal = cli as unknown as {
    getInternalMethods?: () => { getCommandInstance: () => { getCommands: () => string[] } };
  };
  return internal.getInternalMethods?.().getCommandInstance().getCommands() ?? [];
}

const HIDDEN_COMMANDS = new Set(['schema', 'fleet-schema']);

/** Refuses an unknown command by name first, then suggests the closest one and lists them all. */
function checkCommandName(first: string, names: readonly string[]): void {
  if (first.startsWith('-') || names.length === 0 || names.includes(first)) return;
  const visible = names.filter((n) => !HIDDEN_COMMANDS.has(n));
  const hint = closest(first, visible);
  throw new UsageError(
    `unknown command "${first}"${hint === undefined ? '.' : `; did you mean "${hint}"?`} The commands: ${visible.join(', ')}.`,
  );
}

/**
 * Runs `provsim ...argv` and returns its exit code. `io` defaults to the console, with colour where it is a
 * terminal (see `colour.ts`); a given `io` (tests, embedding) gets no colour.
 */
export async function main(argv: readonly string[], given?: Io): Promise<number> {
  const colour = given === undefined && useColour(process.stdout);
  const io = given ?? processIo();
  let code = 0;
  const cli = yargs([...argv])
    .scriptName('provsim')
    .usage('$0 <command> [options]\n\nSimulates the ConfigMgr client in provisioning mode through scripted scenarios.')
    .command(
      'run <paths..>',
      'run scenarios; print a summary and timeline; write reports; exit 1 on a failed expectation or invariant',
      (y) =>
        reportOutputs.withRunReportOptions(
          withRunLogOptions(scenarioOptions(y))
            .option('out', { type: 'string', default: 'reports', describe: 'where report files go' })
            .option('format', {
              choices: reportOutputs.RUN_FORMATS,
              default: 'text' as const,
              describe: 'what goes to standard output (markdown: a summary for a pull-request comment)',
            }),
        ),
      async (args) => {
        checkOutputFolder('--out', args.out);
        const scenarios = loadAll(args);
        if (args.compare !== undefined) {
          const compare = { ...args, compare: args.compare };
          return reportOutputs.runComparison(compare, scenarios, (s) => runAll(s, args), io);
        }
        reportOutputs.checkRunFormat(args.format, scenarios.length, args.out);
        const reports = runAll(scenarios, args);
        await reportOutputs.writeRunReports(args.out, reports, { trace: args.trace });
        writeRunLogs(args.out, reports, args);
        if (args.format === 'json') {
          io.out(reports.length === 1 ? reportJson(reports[0] as Report) : `${JSON.stringify(reports, null, 2)}\n`);
        } else if (args.format !== 'text') {
          io.out(await reportOutputs.formatRunOutput(args.format, reports));
        } else {
          io.out(paintWords(reports.map(formatSummary).join('\n'), colour));
          io.out(paintWords(`\n${formatRows(reports)}Reports written to ${args.out}/\n`, colour));
        }
        if (reports.some((r) => verdictOf(r) === 'failed')) code = 1;
      },
    );
  // Commands that live in their own modules: each registers itself here.
  const setCode = (c: number) => {
    code = c;
  };
  registerCheck(cli, io, setCode, colour);
  registerValidate(cli, io);
  registerExplore(cli, io, setCode);
  registerImport(cli, io, colour);
  registerFleet(cli, io, [remediateMerger(io)]);
  registerTriage(cli, io);
  registerRemediate(cli, io);
  cli
    .command('schema', false, {}, () => {
      io.out(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    })
    .completion('completion', 'print a bash/zsh completion script: provsim completion >> ~/.bashrc')
    .demandCommand(1, 'name a command; provsim alone lists them')
    .strict()
    .help()
    .alias('h', 'help')
    .version('version', 'print the version of provsim', VERSION)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
  try {
    // `provsim` alone lists every command and exits 0 ([provsim]: the spec gives no code; a listing asked for is no
    // error); an unknown command is named before any suggestion.
    if (argv.length === 0) {
      io.out(`${await cli.getHelp()}\n`);
      return 0;
    }
    checkCommandName(argv[0] as string, commandNames(cli));
    await writeAllOrNothing(() => cli.parseAsync());
  } catch (error) {
    if (error instanceof InputError) {
      io.err(`provsim: ${error.message}\n`);
      if (error instanceof UsageError) io.err('Run provsim --help for usage.\n');
      return 2;
    }
    if (error instanceof RunawayError) {
      // A runaway run outside runAll (replay, explore --replay): still bad input, one line.
      io.err(`provsim: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  return code;
}
