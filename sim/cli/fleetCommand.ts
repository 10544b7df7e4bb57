/**
 * The fleet commands of the command line: `provsim fleet`, `provsim tune` and `provsim merge` (registered by
 * `main.ts` through `fleetCommands`). Only this module and `main.ts` touch files, the process and the console for
 * fleets. Bad input (a fleet file, an option, a shard file) is an `InputError`: one message, exit 2, nothing written.
 *
 * Output is deterministic: standard output and the report files depend only on the fleet and the options, never
 * on `--workers`, and a merge of every shard writes exactly what one run writes. The progress bar and timings go to
 * standard error, and only when it is a terminal.
 */
import { availableParallelism, loadavg } from 'node:os';
import { DEFAULT_MAX_MINUTES } from '../model/timeout.js';
import { join } from 'node:path';
import type { Argv, CommandModule } from 'yargs';
import { clientScenario } from '../fleet/simulate/clientScenario.js';
import { type Fleet, MAX_FLEET_CLIENTS, MAX_FLEET_HORIZON_MS } from '../fleet/load/Fleet.js';
import { buildFleetReport, type FleetReport, formatFleetText, type ShardInfo } from '../fleet/report/FleetReport.js';
import { fleetHtml } from '../fleet/report/fleetHtml.js';
import { formatJson } from '../fleet/report/formatJson.js';
import { fleetJsonSchema, fleetWallClockProblem, parseFleet } from '../fleet/load/loadFleet.js';
import { runFleet } from '../fleet/run/runFleet.js';
import { formatTuneText, runTune } from '../fleet/tune/runTune.js';
import { shardRange } from '../fleet/run/simulateRange.js';
import { tuneHtml } from '../fleet/tune/tuneHtml.js';
import { type Merged, sealShard } from '../shard/mergeShards.js';
import { ScenarioError, scenarioToYaml } from '../scenario/loadScenario.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { InputError } from './InputError.js';
import type { Io } from './output.js';
import { parseDecimalOption, parseIntegerOption } from './options.js';
import { parseSeed } from './overrides.js';
import { checkOutputFolder } from './outputPaths.js';
import { readInputText } from './readInput.js';
import { mergeShardFiles } from './shardFiles.js';
import { defaultWorkers, parseShard } from './shardAndWorkers.js';
import { writeAtomic } from './writeAtomic.js';

/**
 * [provsim] The most `--max-minutes` values `tune` takes: each runs the whole fleet (a list of 5,000 values on a
 * 10-client fleet wrote a 5 MB page; on a 4,000-client fleet it would run 5,000 fleets); every 30 minutes up to a
 * week is 336 values.
 */
const MAX_TUNED_VALUES = 1000;

/** Example values of `--max-minutes`, up to the default. */
const MAX_MINUTES_EXAMPLE = [60, 120, 240, 480, 1440, DEFAULT_MAX_MINUTES].join(',');

const DAY = 86_400_000;

// ---------------------------------------------------------------------------------------------------------------
// Options

function wholeNumber(raw: unknown, option: string, min: number, max: number): number | undefined {
  return parseIntegerOption(raw, { name: `--${option}`, min, max });
}

function parseDays(raw: unknown): number | undefined {
  const days = parseDecimalOption(raw, {
    name: '--days',
    min: 0,
    max: MAX_FLEET_HORIZON_MS / DAY,
    unit: 'days',
    note: '(more than 0; such as 30 or 0.5)',
  });
  if (days === undefined) return undefined;
  const ms = Math.round(days * DAY);
  if (ms <= 0)
    throw new InputError(`--days ${String(raw).trim()}: expected a number of days more than 0, such as 30 or 0.5`);
  return ms;
}

/** `0.1%` or `0.001`. */
function parseShare(raw: unknown, option: string): number | undefined {
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const m = /^(\d+(?:\.\d+)?)%$/.exec(text);
  const x = m === null ? Number(text) : Number(m[1]) / 100;
  if (text === '' || !Number.isFinite(x) || x < 0 || x > 1) {
    throw new InputError(`--${option} ${text}: expected a percentage such as 0.1% or a fraction from 0 to 1`);
  }
  return x;
}

function parseMinutesList(raw: unknown): number[] {
  const parts = String(raw ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const values = parts.map((p) => Number(p));
  if (parts.length === 0 || parts.some((p) => !/^\d+$/.test(p)) || values.some((v) => v < 1 || v > 4_294_967_295)) {
    throw new InputError(
      `--max-minutes ${String(raw)}: expected a comma-separated list of minutes from 1 to 4294967295, such as ${MAX_MINUTES_EXAMPLE}`,
    );
  }
  const distinct = [...new Set(values)];
  if (distinct.length > MAX_TUNED_VALUES) {
    throw new InputError(
      `--max-minutes: ${distinct.length} values; at most ${MAX_TUNED_VALUES} are allowed (the limit on tuned values: ` +
        'each one runs the whole fleet); every 30 minutes up to a week is 336',
    );
  }
  return distinct;
}

/**
 * The client `--explain N` names (0 to the client count - 1), for `fleet` and `remediate`. [provsim] Its scenario is
 * printed as YAML, whole: `--format json` and `--shard` (which printed the YAML all the same, the shard unread) are
 * refused rather than ignored.
 */
export function explainedClient(
  args: { explain?: string | undefined; format: string; shard?: string | undefined },
  fleet: Fleet,
): number {
  if (args.format !== 'text') {
    throw new InputError(
      `--explain prints the client's scenario as YAML, for provsim run; --format ${args.format} goes with the report (leave out one of them)`,
    );
  }
  if (args.shard !== undefined) {
    throw new InputError(
      `--explain prints one client of the whole fleet; --shard ${args.shard} goes with a run (leave out one of them)`,
    );
  }
  return wholeNumber(args.explain, 'explain', 0, fleet.clients - 1) as number;
}

export function readFleet(file: string): Fleet {
  const text = readInputText(file, 'fleet');
  try {
    return parseFleet(text, file);
  } catch (error) {
    if (error instanceof ScenarioError) throw new InputError(error.message);
    throw error;
  }
}

export interface FleetArgs {
  file: string;
  clients?: string | undefined;
  days?: string | undefined;
  seed?: string | undefined;
  workers?: string | undefined;
  out: string;
}

/** Reads the fleet and applies `--clients`, `--days` and `--seed`. */
export function loadFleet(args: FleetArgs): Fleet {
  const clients = wholeNumber(args.clients, 'clients', 1, MAX_FLEET_CLIENTS);
  const horizonMs = parseDays(args.days);
  const seed = parseSeed(args.seed);
  const fleet = readFleet(args.file);
  const problem =
    horizonMs === undefined ? null : fleetWallClockProblem(fleet.startMs, horizonMs, fleet.client.policyIntervalMs);
  if (problem !== null) throw new InputError(`--days ${String(args.days).trim()}: ${problem.why}`);
  return {
    ...fleet,
    clients: clients ?? fleet.clients,
    horizonMs: horizonMs ?? fleet.horizonMs,
    seed: seed ?? fleet.seed,
  };
}

function workersOf(args: FleetArgs): number {
  return wholeNumber(args.workers, 'workers', 1, 256) ?? defaultWorkers(availableParallelism(), loadavg()[0] ?? 0);
}

const fleetOptions = {
  clients: { type: 'string', describe: "override the fleet's client count" },
  days: { type: 'string', describe: "override the fleet's horizon, in days" },
  seed: { type: 'string', describe: "override the fleet's seed" },
  workers: {
    type: 'string',
    describe: 'threads that simulate (default: one per free core, by the load average); results do not depend on it',
  },
  out: { type: 'string', default: 'reports', describe: 'where report files go' },
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Progress (standard error, on a terminal only)

export function progress(label: string): { update: (done: number, total: number) => void; end: () => void } {
  const tty = process.stderr.isTTY === true;
  const start = performance.now();
  let last = -Infinity;
  let seen = 0;
  let of = 0;
  const draw = (final: boolean) => {
    const seconds = (performance.now() - start) / 1000;
    const ratio = of === 0 ? 1 : seen / of;
    const width = 30;
    const filled = Math.round(ratio * width);
    const rate = seconds > 0 ? Math.round(seen / seconds) : 0;
    process.stderr.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(ratio * 100).toFixed(0).padStart(3)}% ` +
        `${seen.toLocaleString('en-US')}/${of.toLocaleString('en-US')} clients, ${seconds.toFixed(1)} s, ` +
        `${rate.toLocaleString('en-US')} clients/s${final ? '\n' : ''}`,
    );
  };
  return {
    update(done, total) {
      seen = done;
      of = total;
      if (!tty) return;
      const now = performance.now();
      if (now - last >= 100) {
        last = now;
        draw(false);
      }
    },
    end() {
      if (tty) draw(true);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Reports

function writeFleetReport(out: string, report: FleetReport): string {
  const s = report.shard;
  const base = s === null ? `${report.fleet.name}.fleet` : `${report.fleet.name}.shard-${s.index}-of-${s.count}.fleet`;
  writeAtomic(join(out, `${base}.json`), formatJson(report));
  writeAtomic(join(out, `${base}.html`), fleetHtml(report));
  return base;
}

// ---------------------------------------------------------------------------------------------------------------
// Commands

/** The options of `fleet`. */
function fleetRunOptions<T>(y: Argv<T>) {
  return y
    .positional('file', { type: 'string', demandOption: true, describe: 'a fleet file (*.fleet.yaml)' })
    .options(fleetOptions)
    .option('shard', {
      type: 'string',
      describe:
        'run only slice I of N (1-based), for provsim merge; auto: the index from JOB_COMPLETION_INDEX, ' +
        'AWS_BATCH_JOB_ARRAY_INDEX, CLOUD_RUN_TASK_INDEX or BATCH_TASK_INDEX (0-based)',
    })
    .option('shards', {
      type: 'string',
      describe: 'with --shard auto: the number of shards (default $BATCH_TASK_COUNT or $CLOUD_RUN_TASK_COUNT)',
    })
    .option('explain', { type: 'string', describe: "print client N's generated scenario (YAML) and exit" })
    .option('format', {
      choices: ['text', 'json'] as const,
      default: 'text' as const,
      describe: 'what goes to standard output',
    });
}

/** Writes and prints another command's merged shards (`remediate --shard`); false when `merged` is not its kind. */
export interface ShardMerger {
  readonly write: (merged: Merged, out: string, format: 'text' | 'json') => boolean;
}

/** The fleet commands, for `yargs().command(fleetCommands(io))`. */
export function fleetCommands(io: Io, mergers: readonly ShardMerger[] = []): CommandModule[] {
  const fleet: CommandModule = {
    command: COMMANDS.fleet.command,
    describe: COMMANDS.fleet.describe,
    builder: fleetRunOptions,
    handler: async (raw) => {
      const args = raw as unknown as FleetArgs & {
        shard?: string;
        shards?: string;
        explain?: string;
        format: 'text' | 'json';
      };
      const shard = parseShard(args.shard, args.shards, process.env);
      const workers = workersOf(args);
      const f = loadFleet(args);
      if (args.explain !== undefined) {
        io.out(scenarioToYaml(clientScenario(f, explainedClient(args, f))));
        return;
      }
      checkOutputFolder('--out', args.out);
      const range = shard === undefined ? { from: 0, to: f.clients } : shardRange(f.clients, shard.index, shard.count);
      const bar = progress(`fleet ${f.name}`);
      const summary = await runFleet(f, { range, workers, onProgress: bar.update });
      bar.end();
      const info: ShardInfo | null =
        shard === undefined
          ? null
          : { index: shard.index, count: shard.count, fromClient: range.from, toClient: range.to };
      const built = buildFleetReport(f, summary, info);
      const report = info === null ? built : sealShard(built);
      const base = writeFleetReport(args.out, report);
      if (args.format === 'json') io.out(formatJson(report));
      else io.out(`${formatFleetText(report)}Reports written to ${join(args.out, base)}.json and .html\n`);
    },
  };

  const tune: CommandModule = {
    command: COMMANDS.tune.command,
    describe: COMMANDS.tune.describe,
    builder: (y) =>
      y
        .positional('file', { type: 'string', demandOption: true, describe: 'a fleet file (*.fleet.yaml)' })
        .options(fleetOptions)
        .option('max-minutes', {
          type: 'string',
          demandOption: true,
          describe: `the values to compare, such as ${MAX_MINUTES_EXAMPLE}`,
        })
        .option('max-premature', {
          type: 'string',
          describe: 'the largest acceptable share of premature exits, such as 0.1%: picks the smallest value under it',
        })
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'what goes to standard output',
        }),
    handler: async (raw) => {
      const args = raw as unknown as FleetArgs & {
        'max-minutes': string;
        'max-premature'?: string;
        format: 'text' | 'json';
      };
      checkOutputFolder('--out', args.out);
      const values = parseMinutesList(args['max-minutes']);
      const maxPremature = parseShare(args['max-premature'], 'max-premature') ?? null;
      const workers = workersOf(args);
      const f = loadFleet(args);
      const bar = progress(`tune ${f.name}`);
      const result = await runTune(f, values, maxPremature, { workers, onProgress: bar.update });
      bar.end();
      writeAtomic(join(args.out, `${f.name}.tune.json`), formatJson(result));
      writeAtomic(join(args.out, `${f.name}.tune.html`), tuneHtml(result));
      if (args.format === 'json') io.out(formatJson(result));
      else io.out(`${formatTuneText(result)}Reports written to ${join(args.out, `${f.name}.tune`)}.json and .html\n`);
    },
  };

  const merge: CommandModule = {
    command: COMMANDS.merge.command,
    describe: COMMANDS.merge.describe,
    builder: (y) =>
      y
        .positional('files', {
          type: 'string',
          array: true,
          demandOption: true,
          describe: 'shard reports (*.fleet.json)',
        })
        .option('out', { type: 'string', default: 'reports', describe: 'where report files go' })
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'what goes to standard output',
        }),
    handler: (raw) => {
      const args = raw as unknown as { files: string[]; out: string; format: 'text' | 'json' };
      checkOutputFolder('--out', args.out);
      const merged = mergeShardFiles(args.files);
      if (merged.kind !== 'provsim-fleet-report') {
        if (mergers.some((m) => m.write(merged, args.out, args.format))) return;
        throw new InputError(`${args.files[0]}: no merger for ${merged.kind}`);
      }
      const report = merged.report;
      const base = writeFleetReport(args.out, report);
      if (args.format === 'json') io.out(formatJson(report));
      else io.out(`${formatFleetText(report)}Reports written to ${join(args.out, base)}.json and .html\n`);
    },
  };

  const schema: CommandModule = {
    command: COMMANDS['fleet-schema'].command,
    describe: COMMANDS['fleet-schema'].describe,
    handler: () => io.out(`${JSON.stringify(fleetJsonSchema(), null, 2)}\n`),
  };

  return [fleet, tune, merge, schema];
}

/** Registers `fleet`, `tune` and `merge` (and the hidden `fleet-schema`) on the command line. */
export function registerFleet(cli: Argv, { io }: CommandContext, mergers: readonly ShardMerger[] = []): void {
  cli.command(fleetCommands(io, mergers));
}
