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
import { clientScenario } from '../fleet/clientScenario.js';
import { type Fleet, MAX_FLEET_CLIENTS, MAX_FLEET_HORIZON_MS } from '../fleet/Fleet.js';
import { buildFleetReport, type FleetReport, formatFleetText, type ShardInfo } from '../fleet/FleetReport.js';
import { FleetSummary } from '../fleet/FleetSummary.js';
import { fleetHtml } from '../fleet/fleetHtml.js';
import { formatJson } from '../fleet/formatJson.js';
import { fleetJsonSchema, parseFleet } from '../fleet/loadFleet.js';
import { runFleet } from '../fleet/runFleet.js';
import { formatTuneText, runTune } from '../fleet/runTune.js';
import { shardRange } from '../fleet/simulateRange.js';
import { tuneHtml } from '../fleet/tuneHtml.js';
import { ScenarioError, scenarioToYaml } from '../scenario/loadScenario.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { InputError } from './InputError.js';
import type { Io } from './output.js';
import { parseDecimalOption, parseIntegerOption } from './options.js';
import { parseSeed } from './overrides.js';
import { checkOutputFolder } from './outputPaths.js';
import { readInputText } from './readInput.js';
import { defaultWorkers, parseShard } from './shardAndWorkers.js';
import { writeAtomic } from './writeAtomic.js';

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
  return [...new Set(values)];
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

function readShard(file: string): FleetReport {
  const text = readInputText(file, 'shard');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InputError(`${file}: not a fleet report (invalid JSON: truncated or edited?)`);
  }
  const r = value as Partial<FleetReport> | null;
  if (
    r === null ||
    typeof r !== 'object' ||
    r.kind !== 'provsim-fleet-report' ||
    r.summary === undefined ||
    r.fleet === undefined
  ) {
    throw new InputError(`${file}: not a provsim fleet report (no "kind": "provsim-fleet-report" with a summary)`);
  }
  if (r.shard === null || r.shard === undefined) {
    throw new InputError(
      `${file}: a whole-fleet report, not a shard; merge takes the files of provsim fleet --shard I/N`,
    );
  }
  return r as FleetReport;
}

/** Checks that the shard reports are the N slices of one fleet run, each once, and merges their summaries. */
export function mergeShards(files: readonly string[], reports: readonly FleetReport[]): FleetReport {
  const first = reports[0];
  if (first === undefined || first.shard === null) throw new InputError('merge needs the shard files of one fleet run');
  // The same fleet run: the same fleet, overrides and seed (the path it was read from may differ between machines).
  const identity = (f: FleetReport['fleet']) => formatJson({ ...f, file: null });
  const fleetText = identity(first.fleet);
  const count = first.shard.count;
  const seen = new Map<number, string>();
  reports.forEach((r, i) => {
    const file = files[i] ?? '?';
    const shard = r.shard as ShardInfo;
    if (identity(r.fleet) !== fleetText) {
      throw new InputError(
        `${file}: a shard of another fleet run than ${files[0]} (the fleet, its overrides or its seed differ)`,
      );
    }
    if (shard.count !== count) {
      throw new InputError(`${file}: shard ${shard.index}/${shard.count}, but ${files[0]} is one of ${count} shards`);
    }
    const other = seen.get(shard.index);
    if (other !== undefined)
      throw new InputError(`${file}: shard ${shard.index}/${count} is given twice (also ${other})`);
    seen.set(shard.index, file);
    const expected = shardRange(first.fleet.clients, shard.index, count);
    if (
      shard.fromClient !== expected.from ||
      shard.toClient !== expected.to ||
      r.clients !== expected.to - expected.from
    ) {
      throw new InputError(
        `${file}: shard ${shard.index}/${count} does not hold clients ${expected.from}..${expected.to - 1}`,
      );
    }
  });
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    throw new InputError(
      `missing shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${count}`).join(', ')}; merge needs all ${count}`,
    );
  }
  const fleet = first.fleet;
  const summary = new FleetSummary(fleet);
  for (const r of reports) summary.merge(FleetSummary.fromJSON(fleet, r.summary));
  return buildFleetReport(fleet, summary, null);
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

/** The fleet commands, for `yargs().command(fleetCommands(io))`. */
/** Another command's shard reports that `provsim merge` takes (`remediate --shard`), told apart by their first file. */
export interface ShardMerger {
  readonly accepts: (file: string) => boolean;
  readonly merge: (files: readonly string[], out: string, format: 'text' | 'json') => void;
}

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
        const index = wholeNumber(args.explain, 'explain', 0, f.clients - 1) as number;
        io.out(scenarioToYaml(clientScenario(f, index)));
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
      const report = buildFleetReport(f, summary, info);
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
      const other = mergers.find((m) => m.accepts(args.files[0] as string));
      if (other !== undefined) return other.merge(args.files, args.out, args.format);
      const report = mergeShards(args.files, args.files.map(readShard));
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
