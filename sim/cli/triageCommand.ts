/**
 * `provsim triage <export files...> --as-of T`: a forecast per device from an inventory export (see README,
 * "Triage: from a CMPivot query to a fix list"). Reads the files, hands them to `sim/triage`, prints the chosen
 * format, and with `--out` writes the whole set (JSON, CSV, HTML, text and `fix-now.ps1`) or nothing.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { parseTimeZone, TIME_ZONE_FORMS } from '../time/TimeZone.js';
import { DURATION_FORMS, parseDuration } from '../time/Duration.js';
import { scenarioToYaml } from '../scenario/loadScenario.js';
import { parseDateTime } from '../scenario/fields.js';
import { MAX_WALL_MS, MIN_WALL_MS } from '../scenario/scenarioSpec.js';
import { FORECAST_LIMIT_MS } from '../triage/forecast.js';
import { formatIsoSeconds } from '../time/formatWall.js';
import { ExportError } from '../triage/ExportError.js';
import { formatFixNowScript } from '../triage/fixNowScript.js';
import { formatTriageCsv, formatTriageJson, formatTriageText } from '../triage/formatTriage.js';
import { CULTURES, parseDateFormat } from '../triage/readDate.js';
import { triage } from '../triage/triage.js';
import { formatTriageHtml } from '../triage/triageHtml.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { InputError, UsageError } from './InputError.js';
import { parseAssume } from './overrides.js';
import { checkOutputFolder } from './outputPaths.js';
import { pathFailure, readInputText } from './readInput.js';
import { writeAtomic } from './writeAtomic.js';

const FORMATS = ['text', 'json', 'csv', 'html'] as const;

/** The options of `triage`. */
function triageOptions<T>(y: Argv<T>) {
  return y
    .positional('exports', {
      type: 'string',
      array: true,
      demandOption: true,
      describe: 'export files (CSV or JSON), or folders of them',
    })
    .option('as-of', { type: 'string', demandOption: true, describe: 'when the export was taken (ISO 8601 UTC)' })
    .option('format', { choices: FORMATS, default: 'text' as const, describe: 'what goes to standard output' })
    .option('out', { type: 'string', describe: 'write triage.json, .csv, .html, .txt and fix-now.ps1 here' })
    .option('client-version', { type: 'string', describe: 'release YYMM for devices whose export has none' })
    .option('check-interval', { type: 'string', default: '60m', describe: "the client's check interval" })
    .option('ts-window', {
      type: 'string',
      default: '4h',
      describe: 'a device that entered less than this ago is not fixed now',
    })
    .option('assume', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'override an assumption: key=value',
    })
    .option('timezone', {
      type: 'string',
      default: 'UTC',
      describe: `the time zone of local date-times in the export (${TIME_ZONE_FORMS})`,
    })
    .option('date-format', {
      type: 'string',
      default: 'en-US',
      describe: `the export's culture (${Object.keys(CULTURES).join(', ')}) or a pattern such as "dd.MM.yyyy HH:mm:ss"`,
    })
    .option('explain', {
      type: 'string',
      describe: "print DEVICE's scenario (one per phase run), replayable with provsim run; with --out, one file each",
    });
}

export function registerTriage(cli: Argv, { io }: CommandContext): void {
  cli.command(COMMANDS.triage.command, COMMANDS.triage.describe, triageOptions, (args) => {
    const asOfMs = parseDateTime(args['as-of']);
    if (asOfMs === null)
      throw new UsageError(`--as-of ${args['as-of']}: expected an ISO 8601 date-time such as 2026-03-04T09:00:00Z`);
    // [provsim] The forecast's scenarios keep the wall clock a scenario file allows: `--as-of` 1960 or 9999-12-31 gave
    // scenarios starting in 1959 or running into year 10000, which provsim validate refuses.
    const latestAsOfMs = MAX_WALL_MS - FORECAST_LIMIT_MS;
    if (asOfMs < MIN_WALL_MS || asOfMs > latestAsOfMs)
      throw new InputError(
        `--as-of ${args['as-of']}: expected a date-time from ${formatIsoSeconds(MIN_WALL_MS)} to ` +
          `${formatIsoSeconds(latestAsOfMs)} (a forecast runs up to ${FORECAST_LIMIT_MS / 86_400_000} days past it, ` +
          `and a scenario's wall clock ends by ${formatIsoSeconds(MAX_WALL_MS)})`,
      );
    const duration = (name: string, text: string, min: number): number => {
      const ms = parseDuration(text);
      if (ms === null || ms < min)
        throw new UsageError(
          `--${name} ${text}: expected a duration such as ${DURATION_FORMS}${min > 0 ? ', more than 0' : ''}`,
        );
      return ms;
    };
    const zone = parseTimeZone(args.timezone);
    if (zone === null) throw new UsageError(`--timezone ${args.timezone}: expected ${TIME_ZONE_FORMS}`);
    const dateFormat = parseDateFormat(args['date-format']);
    if (dateFormat === null) {
      throw new UsageError(
        `--date-format ${args['date-format']}: expected a culture (${Object.keys(CULTURES).join(', ')}) or a pattern with yyyy, M or MM, d or dd, H/HH (or h/hh with tt), mm and optionally ss`,
      );
    }
    const version = args['client-version'];
    if (version !== undefined && !/^\d{2}(0[1-9]|1[0-2])$/.test(version)) {
      throw new UsageError(`--client-version ${version}: expected a release YYMM such as 2403 or 1810`);
    }
    if (args.out !== undefined) checkOutputFolder('--out', args.out);
    const files = exportFiles(args.exports).map((file) => ({ file, text: readInputText(file, 'export') }));
    let result: ReturnType<typeof triage>;
    try {
      result = triage(files, {
        asOfMs,
        clientVersion: version ?? null,
        checkIntervalMs: checkInterval(duration('check-interval', args['check-interval'], 1), args['check-interval']),
        tsWindowMs: duration('ts-window', args['ts-window'], 0),
        assumptions: parseAssume(args.assume),
        dateFormat,
        zone,
      });
    } catch (error) {
      if (error instanceof ExportError) throw new InputError(error.message);
      throw error;
    }
    const { report } = result;
    if (args.explain !== undefined) {
      if (args.format !== 'text' && args.format !== 'json') {
        throw new UsageError(
          `--explain prints the device's scenarios, as YAML (--format text) or JSON (--format json); --format ${args.format} prints the triage of every device`,
        );
      }
      const wanted = args.explain.toLowerCase();
      const entry = [...result.scenarios].find(([name]) => name.toLowerCase() === wanted);
      if (entry === undefined) throw new InputError(`--explain ${args.explain}: no such device in the export`);
      const yamls = entry[1].map(scenarioToYaml);
      if (args.out !== undefined) {
        // Each scenario in its own file, replayable with provsim run.
        entry[1].forEach((sc, i) => writeAtomic(join(args.out as string, `${sc.name}.yaml`), yamls[i] as string));
      }
      // JSON: the device and its scenarios, each the YAML text that `provsim run` reads.
      io.out(
        args.format === 'json'
          ? `${JSON.stringify({ schemaVersion: 1, kind: 'provsim-triage-explain', device: entry[0], scenarios: yamls }, null, 2)}\n`
          : yamls.join('---\n'),
      );
      return;
    }
    const outputs = {
      'triage.json': formatTriageJson(report),
      'triage.csv': formatTriageCsv(report),
      'triage.html': formatTriageHtml(report),
      'triage.txt': formatTriageText(report),
      'fix-now.ps1': formatFixNowScript(report),
    };
    // Staged by writeAtomic and renamed when the command ends: the whole set or nothing.
    if (args.out !== undefined)
      for (const [name, text] of Object.entries(outputs)) writeAtomic(join(args.out, name), text);
    const byFormat = {
      text: outputs['triage.txt'],
      json: outputs['triage.json'],
      csv: outputs['triage.csv'],
      html: outputs['triage.html'],
    };
    io.out(byFormat[args.format]);
    if (args.out !== undefined && args.format === 'text') io.out(`Triage written to ${args.out}/\n`);
  });
}

/**
 * [provsim] The shortest `--check-interval`: a minute, as in fleet files. The forecast runs each device a week ahead,
 * and a millisecond interval made it a runaway; real clients check every 60 minutes.
 */
const MIN_CHECK_INTERVAL_MS = 60_000;

function checkInterval(ms: number, text: string): number {
  if (ms < MIN_CHECK_INTERVAL_MS) {
    throw new UsageError(`--check-interval ${text}: at least 1m (the client checks every 60m; default 60m)`);
  }
  return ms;
}

/** Files as given; a folder stands for its `*.csv` and `*.json` files (not recursive), in sorted order. */
function exportFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    let folder = false;
    try {
      folder = statSync(path).isDirectory();
    } catch (error) {
      throw pathFailure(path, error, 'file or folder');
    }
    if (!folder) return [path];
    let names: string[];
    try {
      names = readdirSync(path);
    } catch (error) {
      throw pathFailure(path, error, 'folder');
    }
    const found = names
      .filter((name) => /\.(csv|json)$/i.test(name))
      .sort()
      .map((name) => join(path, name));
    if (found.length === 0) throw new InputError(`${path}: the folder holds no export files (*.csv or *.json)`);
    return found;
  });
}
