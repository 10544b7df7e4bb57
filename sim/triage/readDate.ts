/**
 * Date-times as PowerShell writes them in an export. `Export-Csv` turns a `[datetime]` into text with the culture of
 * the session that ran it (`10/18/2019 2:20:57 PM` in en-US, `18.10.2019 14:20:57` in de-DE), in that machine's
 * local time (PSCCMClient's `Get-CCMProvisioningMode` converts `ProvisioningEnabledTime` with
 * `[timezone]::CurrentTimeZone.ToLocalTime(...)`): so the export's format and time zone are options. ISO 8601
 * (`ConvertTo-Json` in PowerShell 7), `/Date(ms)/` (`ConvertTo-Json` in Windows PowerShell 5.1) and Unix seconds
 * are read whatever the format. Pure.
 */
import { parseDateTime } from '../scenario/fields.js';
import { type TimeZone, UTC } from '../time/TimeZone.js';

/** A .NET-style pattern: d dd M MM yyyy H HH h hh m mm s ss tt, other characters literal. */
export interface DateFormat {
  readonly label: string;
  readonly pattern: string;
  readonly regex: RegExp;
  readonly fields: readonly string[];
}

/** The culture names accepted by `--date-format`, with their general date/long time pattern. */
export const CULTURES: Readonly<Record<string, string>> = {
  'en-US': 'M/d/yyyy h:mm:ss tt',
  'en-GB': 'dd/MM/yyyy HH:mm:ss',
  'de-DE': 'dd.MM.yyyy HH:mm:ss',
  'fr-FR': 'dd/MM/yyyy HH:mm:ss',
  'nl-NL': 'd-M-yyyy HH:mm:ss',
  'ja-JP': 'yyyy/MM/dd H:mm:ss',
};

const TOKENS: readonly [string, string][] = [
  ['yyyy', '(\\d{4})'],
  ['dd', '(\\d{2})'],
  ['d', '(\\d{1,2})'],
  ['MM', '(\\d{2})'],
  ['M', '(\\d{1,2})'],
  ['HH', '(\\d{2})'],
  ['H', '(\\d{1,2})'],
  ['hh', '(\\d{2})'],
  ['h', '(\\d{1,2})'],
  ['mm', '(\\d{2})'],
  ['m', '(\\d{1,2})'],
  ['ss', '(\\d{2})'],
  ['s', '(\\d{1,2})'],
  ['tt', '(AM|PM|am|pm)'],
];

/** A culture name or a pattern; `null` when the pattern has no year, month, day, hour and minute. */
export function parseDateFormat(text: string): DateFormat | null {
  const culture = Object.keys(CULTURES).find((c) => c.toLowerCase() === text.trim().toLowerCase());
  const pattern = culture === undefined ? text.trim() : (CULTURES[culture] as string);
  let source = '';
  const fields: string[] = [];
  for (let i = 0; i < pattern.length;) {
    const token = TOKENS.find(([t]) => pattern.startsWith(t, i));
    if (token !== undefined) {
      source += token[1];
      fields.push(token[0]);
      i += token[0].length;
    } else {
      source += (pattern[i] as string).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  const has = (...f: string[]) => f.some((x) => fields.includes(x));
  if (!has('yyyy') || !has('M', 'MM') || !has('d', 'dd') || !has('H', 'HH', 'h', 'hh') || !has('m', 'mm')) return null;
  if (has('h', 'hh') !== has('tt')) return null;
  return { label: culture ?? pattern, pattern, regex: new RegExp(`^${source}$`), fields };
}

const DOTNET_JSON = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;
const SORTABLE = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})$/;
/**
 * A CIM datetime (the DMTF form), as `Get-WmiObject` returns one (`Win32_OperatingSystem.LastBootUpTime`, say):
 * `yyyyMMddHHmmss.ffffff` and the offset from UTC in minutes, `+060` for UTC+1.
 */
const CIM_DATETIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})\.(\d{6})([+-])(\d{3})$/;

/**
 * Reads a date-time into epoch milliseconds, or `null`. `allowSeconds`: a bare integer is Unix seconds. A local
 * time (the export's format, or `yyyy-MM-dd HH:mm:ss` without a zone) is read in `zone`.
 */
export function readDate(text: string, format: DateFormat, zone: TimeZone, allowSeconds: boolean): number | null {
  const t = text.trim();
  if (allowSeconds && /^\d+$/.test(t)) return Number(t) * 1000;
  const cim = CIM_DATETIME.exec(t);
  if (cim) {
    const [, y, mo, d, h, mi, s, micro, sign, offset] = cim;
    const local = fromLocal(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), UTC);
    const offsetMs = (sign === '-' ? -1 : 1) * Number(offset) * 60_000;
    return local === null ? null : local + Math.floor(Number(micro) / 1000) - offsetMs;
  }
  const json = DOTNET_JSON.exec(t);
  if (json) return Number(json[1]);
  const iso = parseDateTime(t);
  if (iso !== null) return iso;
  const sortable = SORTABLE.exec(t);
  if (sortable) {
    const [, y, mo, d, h, mi, s] = sortable.map(Number) as number[];
    return fromLocal(y as number, mo as number, d as number, h as number, mi as number, s as number, zone);
  }
  const m = format.regex.exec(t);
  if (!m) return null;
  const get = (...names: string[]): number | undefined => {
    const i = format.fields.findIndex((f) => names.includes(f));
    return i < 0 ? undefined : Number(m[i + 1]);
  };
  let hour = get('H', 'HH') ?? get('h', 'hh') ?? 0;
  const ttIndex = format.fields.indexOf('tt');
  if (ttIndex >= 0) {
    if (hour < 1 || hour > 12) return null;
    const pm = (m[ttIndex + 1] as string).toUpperCase() === 'PM';
    hour = (hour % 12) + (pm ? 12 : 0);
  }
  return fromLocal(
    get('yyyy') as number,
    get('M', 'MM') as number,
    get('d', 'dd') as number,
    hour,
    get('m', 'mm') as number,
    get('s', 'ss') ?? 0,
    zone,
  );
}

/** A local wall-clock reading in `zone` to UTC milliseconds; `null` if the date does not exist. */
function fromLocal(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: TimeZone): number | null {
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return null;
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(local);
  if (check.getUTCDate() !== d || check.getUTCMonth() !== mo - 1) return null;
  // UTC = local + bias; the bias of the instant itself (two steps settle it across a daylight-saving change).
  const guess = local + zone.biasMinutes(local) * 60_000;
  return local + zone.biasMinutes(guess) * 60_000;
}
