/**
 * `provsim triage` as a library: exports in, one forecast per device out, sorted by device name (so the same
 * exports and options give the same report, byte for byte). Pure: the CLI reads the files.
 */
import { DEFAULT_ASSUMPTIONS, type Assumptions, type Scenario } from '../scenario/Scenario.js';
import { UTC, type TimeZone } from '../time/TimeZone.js';
import { type Category, CATEGORIES, categorize, type DeviceTriage } from './categorize.js';
import { forecast } from './forecast.js';
import { type ExportFile, readExports } from './readExport.js';
import { type DateFormat, parseDateFormat } from './readDate.js';
import { snapshotOf } from './snapshot.js';

export interface TriageOptions {
  readonly asOfMs: number;
  readonly clientVersion?: string | null;
  readonly checkIntervalMs?: number;
  readonly tsWindowMs?: number;
  readonly assumptions?: Partial<Assumptions>;
  readonly dateFormat?: DateFormat;
  readonly zone?: TimeZone;
}

export interface TriageReport {
  readonly schemaVersion: 1;
  /** The JSON document's kind (docs/schemas/triage.schema.json). */
  readonly kind: 'provsim-triage';
  readonly asOf: string;
  readonly checkIntervalMs: number;
  readonly tsWindowMs: number;
  readonly assumptions: Assumptions;
  readonly counts: Readonly<Record<Category, number>>;
  readonly devices: readonly DeviceTriage[];
}

export interface TriageResult {
  readonly report: TriageReport;
  /** Each device's scenarios (one per phase run), by device name as reported. */
  readonly scenarios: ReadonlyMap<string, readonly Scenario[]>;
}

export const DEFAULT_TS_WINDOW_MS = 4 * 3_600_000;
/** [provsim] (Triage 9) en-US unless `--date-format` says otherwise. */
export const DEFAULT_DATE_FORMAT = parseDateFormat('en-US') as DateFormat;

export function triage(files: readonly ExportFile[], options: TriageOptions): TriageResult {
  const checkIntervalMs = options.checkIntervalMs ?? 3_600_000;
  const tsWindowMs = options.tsWindowMs ?? DEFAULT_TS_WINDOW_MS;
  const assumptions = { ...DEFAULT_ASSUMPTIONS, ...options.assumptions };
  const records = readExports(files, {
    dateFormat: options.dateFormat ?? DEFAULT_DATE_FORMAT,
    zone: options.zone ?? UTC,
  });
  records.sort((a, b) => {
    const x = a.device.toLowerCase();
    const y = b.device.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const devices: DeviceTriage[] = [];
  const scenarios = new Map<string, Scenario[]>();
  for (const record of records) {
    const snap = snapshotOf(record, { clientVersion: options.clientVersion ?? null });
    const f = forecast(snap, { asOfMs: options.asOfMs, checkIntervalMs, assumptions });
    devices.push(categorize(snap, f, { asOfMs: options.asOfMs, tsWindowMs, checkIntervalMs }));
    scenarios.set(
      snap.device,
      f.runs.map((r) => r.scenario),
    );
  }
  const counts = Object.fromEntries(
    CATEGORIES.map((c) => [c, devices.filter((d) => d.category === c).length]),
  ) as Record<Category, number>;
  return {
    report: {
      schemaVersion: 1,
      kind: 'provsim-triage',
      asOf: new Date(options.asOfMs).toISOString(),
      checkIntervalMs,
      tsWindowMs,
      assumptions,
      counts,
      devices,
    },
    scenarios,
  };
}
