/**
 * `provsim run --logs [--timezone Z]`: writes, for each scenario, `<out>/<scenario-name>/smsts.log`, `CcmExec.log`
 * and `PolicyAgent.log` in CMTrace format (each to a temporary file, then renamed). The logs themselves are
 * computed by `sim/report/cmtrace/`; this module only parses the options and writes.
 */
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { formatCmtraceLogs, LOG_NAMES } from '../report/cmtrace/formatCmtraceLogs.js';
import { parseTimeZone, TIME_ZONE_FORMS, type TimeZone, UTC } from '../time/TimeZone.js';
import type { Report } from '../report/Report.js';
import { UsageError } from './InputError.js';
import { writeAtomic } from './writeAtomic.js';

/** `--timezone` as a TimeZone; a bad value is a usage error (exit 2) before anything runs. */
export function timeZoneOption(text: string | undefined): TimeZone {
  if (text === undefined) return UTC;
  const zone = parseTimeZone(String(text));
  if (zone === null) {
    const hint = String(text) === '' ? ' (write a negative offset with an equals sign: --timezone=-05:00)' : '';
    throw new UsageError(`--timezone ${String(text)}: not a time zone; use ${TIME_ZONE_FORMS}${hint}`);
  }
  return zone;
}

export function withRunLogOptions<T>(y: Argv<T>) {
  return y
    .option('logs', {
      type: 'boolean',
      default: false,
      describe: 'also write <out>/<name>/smsts.log, CcmExec.log and PolicyAgent.log (CMTrace format)',
    })
    .option('timezone', {
      type: 'string',
      describe: `the logs' local time zone: ${TIME_ZONE_FORMS} (default UTC)`,
    })
    .check((argv) => {
      // Refused before anything runs or is written.
      timeZoneOption(argv.timezone);
      return true;
    });
}

/** Writes the logs of every report when `logs` is set. */
export function writeRunLogs(
  out: string,
  reports: readonly Report[],
  options: { logs: boolean; timezone?: string | undefined },
): void {
  if (!options.logs) return;
  const timeZone = timeZoneOption(options.timezone);
  for (const r of reports) {
    const logs = formatCmtraceLogs(r, { timeZone });
    for (const name of LOG_NAMES) writeAtomic(join(out, r.scenario.name, name), logs[name]);
  }
}
