/**
 * Reads inventory exports into one record per device, joined by device name (case-insensitive) across files.
 * Shapes (see README, "Triage: from a CMPivot query to a fix list", and `scenarios/triage/README.md`):
 * - long (CMPivot `Registry(...)`): `Device,[Key,]Property,Value`, one row per registry value; a `ProductVersion`
 *   property is the client's version (a query on `HKLM:\SOFTWARE\Microsoft\SMS\Mobile Client`);
 * - service (CMPivot `Service | where Name == 'CcmExec'`): `Device,Name,StartMode,State`;
 * - wide (`Get-CCMProvisioningMode | Export-Csv`, a client-health database): one row per device, a device column
 *   (`Device`, `ComputerName` or `Hostname`) and any of the named columns; other columns are ignored;
 * - JSON (`ConvertTo-Json`): an array of objects (or one object) with the wide shape's keys.
 * Pure: the caller reads the files. Every problem is an `ExportError` naming the file, line, column and key.
 */
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Node } from 'yaml';
import { releaseOfBuild } from '../import/importSmstsLogs.js';
import type { TimeZone } from '../time/TimeZone.js';
import type { ExportError } from './ExportError.js';
import { errorAt, type Source, where } from './ExportError.js';
import { CONTROL_CHARACTERS, quoted } from '../scenario/sharedSpecs.js';
import { type Cell, readCsv } from './readCsv.js';
import { type DateFormat, readDate } from './readDate.js';

export interface FieldValues {
  readonly ProvisioningMode: string;
  /** Unix seconds. */
  readonly ProvisioningEnabledTime: number;
  readonly ProvisioningMaxMinutes: number;
  readonly SystemTaskExcludes: string;
  /** A release `YYMM`. */
  readonly ClientVersion: string;
  readonly CcmExecStartMode: 'auto' | 'disabled' | 'manual';
  readonly CcmExecState: 'running' | 'stopped';
  /** Epoch milliseconds. */
  readonly LastBootUpTime: number;
  /** Epoch milliseconds (provsim's addition: `(Get-Process CcmExec).StartTime`). */
  readonly CcmExecStartTime: number;
}

export type FieldName = keyof FieldValues;

export interface Observed<T> {
  readonly value: T;
  readonly at: Source;
}

export interface DeviceRecord {
  /** As first written. */
  readonly device: string;
  readonly at: Source;
  readonly fields: { [K in FieldName]?: Observed<FieldValues[K]> };
}

export interface ReadOptions {
  readonly dateFormat: DateFormat;
  readonly zone: TimeZone;
}

export interface ExportFile {
  readonly file: string;
  readonly text: string;
}

/** The values a device record can hold, in the order the wide shape lists them. */
export const FIELDS: readonly FieldName[] = [
  'ProvisioningMode',
  'ProvisioningEnabledTime',
  'ProvisioningMaxMinutes',
  'SystemTaskExcludes',
  'ClientVersion',
  'CcmExecStartMode',
  'CcmExecState',
  'LastBootUpTime',
  'CcmExecStartTime',
];
/** Other names of the same values in the exports. */
const ALIASES: Readonly<Record<string, FieldName>> = {
  productversion: 'ClientVersion',
  clientversion: 'ClientVersion',
  startmode: 'CcmExecStartMode',
  starttype: 'CcmExecStartMode',
  state: 'CcmExecState',
  status: 'CcmExecState',
};
export const DEVICE_COLUMNS = ['Device', 'ComputerName', 'Hostname'];

function fieldOf(name: string): FieldName | undefined {
  const lower = name.trim().toLowerCase();
  return FIELDS.find((f) => f.toLowerCase() === lower) ?? ALIASES[lower];
}

const DWORD_MAX = 4_294_967_295;
/** 9999-12-31T23:59:59Z in Unix seconds. */
const UNIX_SECONDS_MAX = 253_402_300_799;

/**
 * A device name goes into the terminal, the reports and `fix-now.ps1`: one with a control character (an escape
 * sequence would drive the terminal) is refused.
 */
const CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`);

/** Reads every file and joins the records by device; throws `ExportError` on the first problem. */
export function readExports(files: readonly ExportFile[], options: ReadOptions): DeviceRecord[] {
  const devices = new Map<string, { device: string; at: Source; fields: Record<string, Observed<unknown>> }>();
  const recordOf = (device: Cell) => {
    const name = device.text.trim();
    let record = devices.get(name.toLowerCase());
    if (record === undefined) {
      record = { device: name, at: device, fields: {} };
      devices.set(name.toLowerCase(), record);
    }
    return record;
  };
  const put = (device: Cell, field: FieldName, raw: Cell, value: unknown): void => {
    const name = device.text.trim();
    const record = recordOf(device);
    const before = record.fields[field];
    if (before !== undefined && before.value !== value) {
      throw errorAt(
        raw,
        field,
        `device ${name} has ${JSON.stringify(String(value))} here but ${JSON.stringify(String(before.value))} at ${where(before.at)}; one device, one value (remove one of the rows)`,
      );
    }
    record.fields[field] = { value, at: raw };
  };
  for (const f of files) {
    const rows = /^\uFEFF?\s*[[{]/.test(f.text) ? jsonRows(f) : csvRows(f);
    for (const row of rows) {
      if (row.device.text.trim() === '') throw errorAt(row.device, row.deviceColumn, 'the device name is empty');
      if (CONTROL.test(row.device.text)) {
        throw errorAt(
          row.device,
          row.deviceColumn,
          `the device name ${quoted(row.device.text)} holds a control character (an escape, a line break, ...); a device name is one line of plain text`,
        );
      }
      // A device listed with no values at all is still a device (every value takes its default).
      recordOf(row.device);
      for (const [field, cell] of row.values) {
        if (cell.text.trim() === '') continue;
        put(row.device, field, cell, parseField(field, cell, options));
      }
    }
  }
  return [...devices.values()] as DeviceRecord[];
}

interface Row {
  readonly device: Cell;
  readonly deviceColumn: string;
  readonly values: readonly (readonly [FieldName, Cell])[];
}

function csvRows(f: ExportFile): Row[] {
  const table = readCsv(f.text, f.file);
  const col = (...names: string[]) =>
    table.header.findIndex((h) => names.some((n) => n.toLowerCase() === h.text.trim().toLowerCase()));
  const deviceIndex = col(...DEVICE_COLUMNS);
  const first = table.header[0] as Cell;
  if (deviceIndex < 0) {
    throw errorAt(
      first,
      null,
      `no device column: expected one of ${DEVICE_COLUMNS.join(', ')}; the header has ${table.header.map((h) => h.text).join(', ')}`,
    );
  }
  const deviceColumn = (table.header[deviceIndex] as Cell).text;
  const read = new Set(
    [...DEVICE_COLUMNS, ...FIELDS, 'Property', 'Value', 'Name', 'StartMode', 'State'].map((n) => n.toLowerCase()),
  );
  table.header.forEach((h, i) => {
    const key = h.text.trim().toLowerCase();
    const earlier = table.header.findIndex((g) => g.text.trim().toLowerCase() === key);
    if (earlier < i && read.has(key)) {
      throw errorAt(
        h,
        null,
        `the header names ${JSON.stringify(h.text.trim())} twice (columns ${earlier + 1} and ${i + 1}); keep one of them`,
      );
    }
  });
  if (table.rows.length === 0) throw errorAt(first, null, 'the file has a header but no rows');
  const property = col('Property');
  const value = col('Value');
  const name = col('Name');
  const rows: Row[] = [];
  if (property >= 0 && value >= 0) {
    // Long: one registry value per row.
    for (const r of table.rows) {
      const field = fieldOf((r[property] as Cell).text);
      if (field === undefined || field === 'CcmExecState' || field === 'CcmExecStartMode') continue;
      rows.push({ device: r[deviceIndex] as Cell, deviceColumn, values: [[field, r[value] as Cell]] });
    }
    return rows;
  }
  if (name >= 0 && (col('StartMode') >= 0 || col('State') >= 0)) {
    // Service: the CcmExec rows only.
    const startMode = col('StartMode');
    const state = col('State');
    for (const r of table.rows) {
      if ((r[name] as Cell).text.trim().toLowerCase() !== 'ccmexec') continue;
      const values: [FieldName, Cell][] = [];
      if (startMode >= 0) values.push(['CcmExecStartMode', r[startMode] as Cell]);
      if (state >= 0) values.push(['CcmExecState', r[state] as Cell]);
      rows.push({ device: r[deviceIndex] as Cell, deviceColumn, values });
    }
    return rows;
  }
  // Wide: one device per row.
  const columns = table.header.flatMap((h, i) => {
    const field = FIELDS.find((x) => x.toLowerCase() === h.text.trim().toLowerCase());
    return field === undefined ? [] : [[field, i] as const];
  });
  for (const r of table.rows) {
    rows.push({ device: r[deviceIndex] as Cell, deviceColumn, values: columns.map(([f, i]) => [f, r[i] as Cell]) });
  }
  return rows;
}

function jsonRows(f: ExportFile): Row[] {
  const lineCounter = new LineCounter();
  const doc = parseDocument(f.text.replace(/^\uFEFF/, ''), { lineCounter, uniqueKeys: false });
  const at = (offset: number | undefined): Source => {
    const p = lineCounter.linePos(offset ?? 0);
    return { file: f.file, line: p.line, column: p.col };
  };
  const problem = doc.errors[0];
  if (problem !== undefined) {
    throw errorAt(at(problem.pos[0]), null, `not valid JSON: ${problem.message.split('\n')[0] ?? ''}`);
  }
  const root = doc.contents;
  const items: unknown[] = isSeq(root) ? root.items : isMap(root) ? [root] : [];
  if (root === null || (isScalar(root) && (root.value === null || root.value === ''))) {
    throw errorAt(at(0), null, 'the file is empty: expected an array of objects, one per device');
  }
  if (items.length === 0) throw errorAt(at(rangeStart(root)), null, 'expected an array of objects, one per device');
  const rows: Row[] = [];
  for (const item of items) {
    if (!isMap(item)) throw errorAt(at(rangeStart(item)), null, 'expected an object with a device key');
    let device: Cell | null = null;
    let deviceColumn = '';
    const values: [FieldName, Cell][] = [];
    for (const pair of item.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : '';
      const node = pair.value as Node | null;
      const cell = jsonCell(node, at(rangeStart(node ?? pair.key)), key);
      if (DEVICE_COLUMNS.some((d) => d.toLowerCase() === key.toLowerCase())) {
        device = cell;
        deviceColumn = key;
        continue;
      }
      const field = FIELDS.find((x) => x.toLowerCase() === key.toLowerCase());
      if (field !== undefined) values.push([field, cell]);
    }
    if (device === null) {
      throw errorAt(at(rangeStart(item)), null, `no device key: expected one of ${DEVICE_COLUMNS.join(', ')}`);
    }
    rows.push({ device, deviceColumn, values });
  }
  return rows;
}

function rangeStart(node: unknown): number | undefined {
  return (node as { range?: [number, number, number] } | null)?.range?.[0];
}

/** A JSON value as text: a scalar as written; a Windows PowerShell 5.1 date object by its `value`. */
function jsonCell(node: Node | null, at: Source, key: string): Cell {
  if (node === null || (isScalar(node) && node.value === null)) return { ...at, text: '' };
  if (isScalar(node)) return { ...at, text: String(node.value) };
  if (isMap(node)) {
    const inner = node.items.find((p) => isScalar(p.key) && String(p.key.value).toLowerCase() === 'value');
    if (inner !== undefined && isScalar(inner.value)) return { ...at, text: String(inner.value.value) };
  }
  throw errorAt(at, key, 'expected a string, a number or null');
}

/** One value, checked against what the registry or the service can hold. */
function parseField(field: FieldName, cell: Cell, options: ReadOptions): unknown {
  const t = cell.text.trim();
  switch (field) {
    case 'ProvisioningMode':
      // REG_SZ, which the client writes "true" or "false" and reads case-insensitively ([spec] model.md, State). Any
      // other text would read as out of the mode: a 1 or 0 that a database made of the value would hide a stuck
      // device among the healthy ones, so it is refused.
      if (/^(true|false)$/i.test(t)) return cell.text;
      throw errorAt(
        cell,
        field,
        `${JSON.stringify(t)} is neither "true" nor "false", the values the client writes; the client reads anything but "true" as out of provisioning mode, so a 1 or 0 from a database would be misread: export the registry text`,
      );
    case 'SystemTaskExcludes':
      // REG_SZ: any string.
      return cell.text;
    case 'ProvisioningMaxMinutes': {
      if (/^\d+$/.test(t) && Number(t) <= DWORD_MAX) return Number(t);
      if (/^0x[0-9a-f]+$/i.test(t) && Number(t) <= DWORD_MAX) return Number(t);
      throw errorAt(
        cell,
        field,
        `${JSON.stringify(t)} cannot be a REG_DWORD: expected a whole number of minutes from 0 to ${DWORD_MAX}`,
      );
    }
    case 'ProvisioningEnabledTime': {
      if (/^-\d+$/.test(t) || /^\d+\.\d+$/.test(t) || (/^\d+$/.test(t) && Number(t) > UNIX_SECONDS_MAX)) {
        throw errorAt(
          cell,
          field,
          `${JSON.stringify(t)} cannot be a timestamp: expected Unix seconds from 0 to ${UNIX_SECONDS_MAX}, or a date-time`,
        );
      }
      const ms = readDate(t, options.dateFormat, options.zone, true);
      if (ms === null) throw badDate(cell, field, options);
      return Math.floor(ms / 1000);
    }
    case 'LastBootUpTime':
    case 'CcmExecStartTime': {
      const ms = readDate(t, options.dateFormat, options.zone, true);
      if (ms === null) throw badDate(cell, field, options);
      return ms;
    }
    case 'ClientVersion':
      return releaseOf(cell);
    case 'CcmExecStartMode': {
      const v = t.toLowerCase();
      if (v === 'auto' || v === 'automatic' || v === 'autodelayedstart') return 'auto';
      if (v === 'disabled' || v === 'manual') return v;
      throw errorAt(cell, field, `${JSON.stringify(t)} is not a start mode: expected Auto, Disabled or Manual`);
    }
    case 'CcmExecState': {
      const v = t.toLowerCase();
      if (v === 'running') return 'running';
      if (v === 'stopped') return 'stopped';
      throw errorAt(cell, field, `${JSON.stringify(t)} is not a service state: expected Running or Stopped`);
    }
  }
}

function badDate(cell: Cell, field: string, options: ReadOptions): ExportError {
  return errorAt(
    cell,
    field,
    `cannot read ${JSON.stringify(cell.text.trim())} as a date-time in ${options.dateFormat.label} (${options.dateFormat.pattern}); name the export's culture or pattern with --date-format (for example de-DE or "dd.MM.yyyy HH:mm:ss"), or give Unix seconds or ISO 8601`,
  );
}

/** `YYMM`, or a client build `5.00.NNNN.NNNN` mapped to its release by the importer's table. */
function releaseOf(cell: Cell): string {
  const t = cell.text.trim();
  if (/^\d{2}(0[1-9]|1[0-2])$/.test(t)) return t;
  const build = /^5\.0?0\.(\d{4})\.\d+$/.exec(t);
  if (build) {
    const release = releaseOfBuild(Number(build[1]));
    if (release !== null) return release;
    throw errorAt(
      cell,
      'ClientVersion',
      `build ${build[1]} is older than 1710 (5.00.8577): pass its release with --client-version`,
    );
  }
  throw errorAt(
    cell,
    'ClientVersion',
    `${JSON.stringify(t)} is not a client version: expected a release YYMM such as 2403, or a build such as 5.00.9128.1000`,
  );
}
