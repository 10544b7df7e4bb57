/** The triage report as JSON, CSV (one row per device, ready to import as a collection) and a text summary. Pure. */
import { formatDuration } from '../time/Duration.js';
import { type Category, CATEGORIES, type DeviceTriage } from './categorize.js';
import type { TriageReport } from './triage.js';

const isoOrNull = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** One device as the JSON and CSV outputs give it: times as ISO 8601 UTC. */
export function deviceJson(d: DeviceTriage) {
  return {
    device: d.device,
    category: d.category,
    action: d.action,
    enteredAt: isoOrNull(d.enteredAt),
    deadline: isoOrNull(d.deadline),
    exitAfter: isoOrNull(d.exitAfter),
    exitBy: isoOrNull(d.exitBy),
    reasons: d.reasons,
    defaulted: d.defaulted,
  };
}

export function formatTriageJson(r: TriageReport): string {
  return `${JSON.stringify({ ...r, devices: r.devices.map(deviceJson) }, null, 2)}\n`;
}

/** The columns of the CSV and the keys of each JSON device, in the order the interface spec lists them. */
export const CSV_COLUMNS = [
  'device',
  'category',
  'action',
  'enteredAt',
  'deadline',
  'exitAfter',
  'exitBy',
  'reasons',
  'defaulted',
] as const;

/**
 * A CSV field that a spreadsheet shows as text: a value that starts like a formula (`=`, `+`, `@`, a tab, a carriage
 * return, or `-` not followed by a digit; a hostile export's device name `=HYPERLINK(...)`, say) gets a leading `'`,
 * as OWASP's advice on CSV injection has it. Dates, counts and provsim's own texts never start so.
 */
export const spreadsheetText = (v: string): string => (/^[=+@\t\r]|^-(?!\d)/.test(v) ? `'${v}` : v);

/**
 * Every field quoted, as `Export-Csv` writes them, so `Import-Csv` reads the file back; lists joined by " | ";
 * formula-like values made text (`spreadsheetText`).
 */
export function formatTriageCsv(r: TriageReport): string {
  const q = (v: string | null) => `"${spreadsheetText(v ?? '').replaceAll('"', '""')}"`;
  const lines = [CSV_COLUMNS.map((c) => q(c)).join(',')];
  for (const d of r.devices.map(deviceJson)) {
    lines.push(
      CSV_COLUMNS.map((c) => {
        const v = d[c];
        return q(Array.isArray(v) ? v.join(' | ') : (v as string | null));
      }).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

const MAX_LISTED = 10;

export function formatTriageText(r: TriageReport): string {
  const out: string[] = [];
  out.push(
    `Triage of ${r.devices.length} device${r.devices.length === 1 ? '' : 's'} as of ${r.asOf} (check every ${formatDuration(r.checkIntervalMs)}, --ts-window ${formatDuration(r.tsWindowMs)})`,
  );
  const width = Math.max(...CATEGORIES.map((c) => c.length));
  for (const c of CATEGORIES) out.push(`  ${c.padEnd(width)}  ${String(r.counts[c as Category]).padStart(5)}`);
  const exits = r.devices
    .filter((d) => d.exitBy !== null)
    .sort((a, b) => (a.exitBy as number) - (b.exitBy as number) || (a.device < b.device ? -1 : 1));
  if (exits.length > 0) {
    out.push('Next exits (forecast by the model):');
    for (const d of exits.slice(0, MAX_LISTED)) {
      const window =
        d.exitAfter === d.exitBy ? `at ${iso(d.exitBy)}` : `between ${iso(d.exitAfter)} and ${iso(d.exitBy)}`;
      out.push(`  ${d.device}  ${d.category}  ${window}`);
    }
    if (exits.length > MAX_LISTED) out.push(`  ... and ${exits.length - MAX_LISTED} more`);
  }
  const listing = (action: string, title: string) => {
    const ds = r.devices.filter((d) => d.action === action);
    if (ds.length === 0) return;
    out.push(`${title} (${ds.length}):`);
    for (const d of ds) out.push(`  ${d.device}  ${d.category}: ${d.reasons[0] ?? ''}`);
  };
  listing('fix-now', 'Fix now: SetClientProvisioningMode($false)');
  listing('wait-for-ts', 'Fix after the task-sequence window');
  listing('investigate', 'Investigate');
  return `${out.join('\n')}\n`;
}

const iso = (ms: number | null): string => (ms === null ? '-' : new Date(ms).toISOString().replace('.000Z', 'Z'));
