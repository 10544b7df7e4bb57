/**
 * `provsim remediate <fleet file> --strategy S [--strategy S]...`: the same fleet under each remediation strategy
 * (see sim/remediate/Strategy.ts), compared in one table; writes `<name>.remediate.json` and `.remediate.html`.
 * `--explain CLIENT --strategy S` prints that client's scenario under S, for `provsim run`. Bad input (the fleet
 * file, a strategy, an option) is an `InputError`: one line, exit 2, nothing written.
 */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { formatJson } from '../fleet/report/formatJson.js';
import { formatRemediateText, remediateHtml } from '../remediate/formatRemediate.js';
import { type RemediateReport, remediateScenario, runRemediate } from '../remediate/runRemediate.js';
import { fleetDigest, sealShard } from '../shard/mergeShards.js';
import { shardRange } from '../fleet/run/simulateRange.js';
import { parseStrategy, type Strategy } from '../remediate/Strategy.js';
import { scenarioToYaml } from '../scenario/loadScenario.js';
import { explainedClient, type FleetArgs, loadFleet, progress, type ShardMerger } from './fleetCommand.js';
import { parseShard } from './shardAndWorkers.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { InputError } from './InputError.js';
import type { Io } from './output.js';
import { checkOutputFolder } from './outputPaths.js';
import { writeAtomic } from './writeAtomic.js';

/** Writes the report set (a shard: its JSON alone) and prints the report. */
function writeRemediate(io: Io, out: string, report: RemediateReport, format: 'text' | 'json'): void {
  const s = report.shard;
  const base = join(out, `${report.fleet.name}.remediate${s === null ? '' : `.shard-${s.index}-of-${s.count}`}`);
  const json = formatJson(s === null ? report : sealShard(report));
  writeAtomic(`${base}.json`, json);
  if (s === null) writeAtomic(`${base}.html`, remediateHtml(report));
  if (format === 'json') io.out(json);
  else io.out(`${formatRemediateText(report)}Report written to ${base}.json${s === null ? ' and .html' : ''}\n`);
}

/** `provsim merge` of the shard files of `provsim remediate --shard I/N` (verified and added up by sim/shard). */
export function remediateMerger(io: Io): ShardMerger {
  return {
    write: (merged, out, format) => {
      if (merged.kind !== 'provsim-remediate-report') return false;
      writeRemediate(io, out, merged.report, format);
      return true;
    },
  };
}

interface RemediateArgs extends FleetArgs {
  strategy: string[];
  explain?: string | undefined;
  shard?: string | undefined;
  shards?: string | undefined;
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

export function registerRemediate(cli: Argv, { io }: CommandContext): void {
  cli.command(
    COMMANDS.remediate.command,
    COMMANDS.remediate.describe,
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
        .option('shard', {
          type: 'string',
          describe:
            'run only slice I of N (1-based), for provsim merge; auto: the index from the job engine (as fleet)',
        })
        .option('shards', { type: 'string', describe: 'with --shard auto: the number of shards' })
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
        const index = explainedClient(args, f);
        if (strategies.length !== 1) throw new InputError('--explain takes exactly one --strategy');
        io.out(scenarioToYaml(remediateScenario(f, strategies[0] as Strategy, index)));
        return;
      }
      checkOutputFolder('--out', args.out);
      const bar = progress(`remediate ${f.name}`);
      const shard = parseShard(args.shard, args.shards, process.env);
      const range = shard === undefined ? null : shardRange(f.clients, shard.index, shard.count);
      const report = runRemediate(f, strategies, {
        onProgress: bar.update,
        ...(shard === undefined || range === null
          ? {}
          : {
              shard: {
                index: shard.index,
                count: shard.count,
                fromClient: range.from,
                toClient: range.to,
                fleetDigest: fleetDigest(f),
              },
            }),
      });
      bar.end();
      writeRemediate(io, args.out, report, args.format);
    },
  );
}
