/** `provsim run`: runs scenarios, prints a summary and timeline (or JSON, Markdown, HTML), writes the reports. */
import type { Argv } from 'yargs';
import { formatRows, formatSummary } from '../report/formatText.js';
import { verdictOf } from '../report/judge.js';
import type { Report } from '../report/Report.js';
import { paintWords } from './colour.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { checkOutputFolder } from './outputPaths.js';
import * as reportOutputs from './reportOutputs.js';
import { withRunLogOptions, writeRunLogs } from './runLogs.js';
import { budgetOf, loadAll, reportJson, runAll, runChecked, scenarioOptions } from './scenarioArgs.js';
import { workersOption } from './shardAndWorkers.js';

export function registerRun<T>(cli: Argv<T>, { io, setCode, colour }: CommandContext): Argv<T> {
  return cli.command(
    COMMANDS.run.command,
    COMMANDS.run.describe,
    (y) =>
      reportOutputs.withRunReportOptions(
        withRunLogOptions(scenarioOptions(y))
          .option('out', { type: 'string', default: 'reports', describe: 'where report files go' })
          .option('workers', {
            type: 'string',
            describe: 'threads that render the HTML reports (default: the cores free); the same bytes for any number',
          })
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
      const threads = workersOption(args.workers);
      const budget = budgetOf(args);
      // Each report's HTML page is rendered on a worker thread while this thread runs the next scenarios.
      const set = reportOutputs.startRunReports(args.out, scenarios.length, { trace: args.trace, threads });
      const reports: Report[] = [];
      try {
        for (const s of scenarios) {
          reports.push(runChecked(s, budget));
          set.add(reports[reports.length - 1] as Report);
          await set.breathe();
        }
      } catch (error) {
        set.stop();
        throw error;
      }
      await set.finish();
      writeRunLogs(args.out, reports, args);
      if (args.format === 'json') {
        io.out(reports.length === 1 ? reportJson(reports[0] as Report) : `${JSON.stringify(reports, null, 2)}\n`);
      } else if (args.format !== 'text') {
        io.out(await reportOutputs.formatRunOutput(args.format, reports));
      } else {
        io.out(paintWords(reports.map(formatSummary).join('\n'), colour));
        io.out(paintWords(`\n${formatRows(reports)}Reports written to ${args.out}/\n`, colour));
      }
      if (reports.some((r) => verdictOf(r) === 'failed')) setCode(1);
    },
  );
}
