/**
 * `provsim remediate <fleet file> --strategy S [--strategy S]...`: the same fleet under each remediation strategy
 * (see sim/remediate/Strategy.ts), compared in one table; writes `<name>.remediate.json` and `.remediate.html`.
 * `--explain CLIENT --strategy S` prints that client's scenario under S, for `provsim run`. Bad input (the fleet
 * file, a strategy, an option) is an `InputError`: one line, exit 2, nothing written.
 */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { formatJson } from '../fleet/formatJson.js';
import { formatRemediateText, remediateHtml } from '../remediate/formatRemediate.js';
import { remediateScenario, runRemediate } from '../remediate/runRemediate.js';
import { parseStrategy, type Strategy } from '../remediate/Strategy.js';
import { scenarioToYaml } from '../scenario/loadScenario.js';
import { type FleetArgs, loadFleet, progress } from './fleetCommand.js';
import { InputError } from './InputError.js';
import type { Io } from './main.js';
import { writeAtomic } from './writeAtomic.js';

interface RemediateArgs extends FleetArgs {
  strategy: string[];
  explain?: string | undefined;
  format: 'text' | 'json';
}

function strategiesOf(raw: readonly string[]): Strategy[] {
  const out: Strategy[] = [];
  for (const text of raw) {
    const s = parseStrategy(text);
    if (typeof s === 'string') throw new InputError(s);
    if (out.some((o) => o.label === s.label)) throw new InputError(`--strategy ${text}: given twice`);
    out.push(s);
  }
  return out;
}

export function registerRemediate(cli: Argv, io: Io): void {
  cli.command(
    'remediate <file>',
    'compare remediation strategies (wait, max=, force-daily, window-daily, registry-only-daily) on one fleet',
    (y) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'a fleet file (*.fleet.yaml)' })
        .option('strategy', {
          type: 'string',
          array: true,
          demandOption: true,
          describe:
            'a strategy to compare (repeatable): wait, max=<minutes>, force-daily@HH:MM, window-daily@HH:MM[/WINDOW], registry-only-daily@HH:MM (UTC)',
        })
        .option('clients', { type: 'string', describe: "override the fleet's client count" })
        .option('days', { type: 'string', describe: "override the fleet's horizon, in days" })
        .option('seed', { type: 'string', describe: "override the fleet's seed" })
        .option('explain', { type: 'string', describe: "print client N's scenario under the one --strategy given" })
        .option('out', { type: 'string', default: 'reports', describe: 'where report files go' })
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'what goes to standard output',
        }),
    (raw) => {
      const args = raw as unknown as RemediateArgs;
      const strategies = strategiesOf(args.strategy);
      const f = loadFleet(args);
      if (args.explain !== undefined) {
        const index = Number(args.explain);
        if (!/^\d+$/.test(String(args.explain).trim()) || index > f.clients - 1) {
          throw new InputError(
            `--explain ${String(args.explain)}: expected a client number from 0 to ${f.clients - 1}`,
          );
        }
        if (strategies.length !== 1) throw new InputError('--explain takes exactly one --strategy');
        io.out(scenarioToYaml(remediateScenario(f, strategies[0] as Strategy, index)));
        return;
      }
      const bar = progress(`remediate ${f.name}`);
      const report = runRemediate(f, strategies, { onProgress: bar.update });
      bar.end();
      const base = join(args.out, `${f.name}.remediate`);
      writeAtomic(`${base}.json`, formatJson(report));
      writeAtomic(`${base}.html`, remediateHtml(report));
      if (args.format === 'json') io.out(formatJson(report));
      else io.out(`${formatRemediateText(report)}Reports written to ${base}.json and .html\n`);
    },
  );
}
