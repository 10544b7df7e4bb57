/**
 * The `provsim` command line (yargs): the only code that touches the file system, the process and the console.
 * Exit codes, for every command: 0 all good; 1 the simulation says something is wrong (an expectation failed, an
 * invariant was violated, explore found a violation); 2 bad input, bad usage or an output that cannot be written
 * (one line, never a stack trace, and none of the command's files written). A closed standard output ends quietly.
 */
import yargs from 'yargs';
import { formatRows, formatSummary } from '../report/formatText.js';
import { verdictOf } from '../report/judge.js';
import type { Report } from '../report/Report.js';
import { scenarioJsonSchema } from '../scenario/loadScenario.js';
import { registerCheck, registerValidate } from './checkCommand.js';
import { paintWords, useColour } from './colour.js';
import { registerExplore } from './exploreCommand.js';
import { registerImport } from './importCommand.js';
import { registerFleet } from './fleetCommand.js';
import { InputError, UsageError } from './InputError.js';
import type { Io } from './output.js';
import * as reportOutputs from './reportOutputs.js';
import { withRunLogOptions, writeRunLogs } from './runLogs.js';
import { loadAll, reportJson, runAll, scenarioOptions } from './scenarioArgs.js';
import { writeAllOrNothing } from './writeAtomic.js';

export type { Io } from './output.js';

let stdoutClosed = false;

/** The console; once standard output is closed (`provsim ... | head`), what would go there is dropped quietly. */
function processIo(): Io {
  if (process.stdout.listenerCount('error') === 0) {
    process.stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      stdoutClosed = true;
    });
  }
  return {
    out: (text) => {
      if (!stdoutClosed) process.stdout.write(text);
    },
    err: (text) => process.stderr.write(text),
  };
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
        const scenarios = loadAll(args);
        if (args.compare !== undefined) {
          const compare = { ...args, compare: args.compare };
          return reportOutputs.runComparison(compare, scenarios, (s) => runAll(s, args['max-events']), io);
        }
        reportOutputs.checkRunFormat(args.format, scenarios.length, args.out);
        const reports = runAll(scenarios, args['max-events']);
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
  registerImport(cli, io);
  registerFleet(cli, io);
  cli
    .command('schema', false, {}, () => {
      io.out(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    })
    .demandCommand(1, 'name a command: run, check or validate')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version(false)
    .wrap(Math.min(110, process.stdout.columns ?? 110))
    .exitProcess(false)
    .fail((message, error) => {
      throw error ?? new UsageError(message);
    });
  try {
    await writeAllOrNothing(() => cli.parseAsync());
  } catch (error) {
    if (error instanceof InputError) {
      io.err(`provsim: ${error.message}\n`);
      if (error instanceof UsageError) io.err('Run provsim --help for usage.\n');
      return 2;
    }
    throw error;
  }
  return code;
}
