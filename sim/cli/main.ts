/**
 * The `provsim` command line (yargs): the only code that touches the file system, the process and the console.
 * Exit codes, for every command: 0 all good; 1 the simulation says something is wrong (an expectation failed, an
 * invariant was violated, explore found a violation); 2 bad input, bad usage or an output that cannot be written
 * (one line, never a stack trace, and none of the command's files written). A closed standard output ends quietly.
 */
import { join } from 'node:path';
import yargs, { type Argv } from 'yargs';
import { EventLimitError } from '../kernel/index.js';
import { formatMarkdown, formatRows, formatSummary } from '../report/formatText.js';
import { failingViolations, verdictOf } from '../report/judge.js';
import { buildReport, type Report } from '../report/Report.js';
import { formatHours } from '../scenario/Duration.js';
import { scenarioJsonSchema } from '../scenario/loadScenario.js';
import type { Scenario } from '../scenario/Scenario.js';
import { verifyScenario } from '../verify/verifyScenario.js';
import { registerExplore } from './exploreCommand.js';
import { registerImport } from './importCommand.js';
import { registerFleet } from './fleetCommand.js';
import { registerTriage } from './triageCommand.js';
import { findScenarioFiles, loadScenarioFiles } from './files.js';
import { InputError, UsageError } from './InputError.js';
import { applyOverrides, parseAssume, parseSeed } from './overrides.js';
import * as reportOutputs from './reportOutputs.js';
import { withRunLogOptions, writeRunLogs } from './runLogs.js';
import { writeAllOrNothing, writeAtomic } from './writeAtomic.js';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

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

interface ScenarioArgs {
  paths: string[];
  seed?: string | undefined;
  assume: string[];
  'max-events'?: number | undefined;
}

function scenarioOptions<T>(y: Argv<T>) {
  return y
    .positional('paths', { type: 'string', array: true, demandOption: true, describe: 'scenario files or folders' })
    .option('seed', { type: 'string', describe: "override every scenario's seed" })
    .option('assume', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'override an assumption: key=value (repeatable)',
    })
    .option('max-events', { type: 'number', describe: 'stop a run after this many events (default 5000000)' });
}

/** Loads, validates and applies the overrides; throws InputError on any bad input. */
function loadAll(args: ScenarioArgs): Scenario[] {
  const seed = parseSeed(args.seed);
  const assume = parseAssume(args.assume);
  return loadScenarioFiles(findScenarioFiles(args.paths)).map((s) => applyOverrides(s, seed, assume));
}

function runAll(scenarios: readonly Scenario[], maxEvents: number | undefined): Report[] {
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

function reportJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

export async function main(argv: readonly string[], io: Io = processIo()): Promise<number> {
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
        for (const r of reports) {
          writeAtomic(join(args.out, `${r.scenario.name}.json`), reportJson(r));
          writeAtomic(join(args.out, `${r.scenario.name}.md`), formatMarkdown(r));
        }
        await reportOutputs.writeRunReports(args.out, reports, { trace: args.trace });
        writeRunLogs(args.out, reports, args);
        if (args.format === 'json') {
          io.out(reports.length === 1 ? reportJson(reports[0] as Report) : `${JSON.stringify(reports, null, 2)}\n`);
        } else if (args.format !== 'text') {
          io.out(await reportOutputs.formatRunOutput(args.format, reports));
        } else {
          io.out(reports.map(formatSummary).join('\n'));
          io.out(`\n${formatRows(reports)}Reports written to ${args.out}/\n`);
        }
        if (reports.some((r) => verdictOf(r) === 'failed')) code = 1;
      },
    )
    .command(
      'check <paths..>',
      "run scenarios and judge each one's `expect` and invariants (no `expect`: skipped); exit 1 on any failure",
      (y) => reportOutputs.withCheckReportOptions(scenarioOptions(y)),
      (args) => {
        const reports = runAll(loadAll(args), args['max-events']);
        const markdown = reportOutputs.checkOutputs(reports, args);
        const text: Io = markdown === null ? io : { out: () => {}, err: io.err };
        const counts = { passed: 0, failed: 0, skipped: 0 };
        for (const r of reports) {
          const verdict = verdictOf(r);
          counts[verdict]++;
          const label = r.scenario.file ?? r.scenario.name;
          if (verdict === 'skipped') text.out(`skip ${label}: no expect block\n`);
          else if (verdict === 'passed') text.out(`pass ${label} (${r.expectations.length} expectations)\n`);
          else {
            text.out(`FAIL ${label}\n`);
            for (const x of r.expectations.filter((e) => !e.passed))
              text.out(`  ${x.name}: expected ${JSON.stringify(x.expected)}, got ${JSON.stringify(x.actual)}\n`);
            for (const v of failingViolations(r))
              text.out(`  invariant ${v.invariant} violated at ${formatHours(v.atMs)}: ${v.message}\n`);
          }
        }
        text.out(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
        if (markdown !== null) io.out(markdown);
        if (counts.failed > 0) code = 1;
      },
    )
    .command(
      'validate <paths..>',
      'parse and validate scenario files only',
      (y) => scenarioOptions(y),
      (args) => {
        for (const s of loadAll(args)) io.out(`ok ${s.file} (${s.name})\n`);
      },
    );
  // Commands that live in their own modules: each registers itself here.
  const setCode = (c: number) => {
    code = c;
  };
  registerExplore(cli, io, setCode);
  registerImport(cli, io);
  registerFleet(cli, io);
  registerTriage(cli, io);
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
