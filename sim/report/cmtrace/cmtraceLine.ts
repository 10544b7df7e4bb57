/**
 * One line of a CMTrace-format log, as ConfigMgr clients write them and CMTrace reads them:
 *
 *   <![LOG[message]LOG]!><time="HH:mm:ss.fff+bias" date="MM-dd-yyyy" component="..." context="" type="1" thread="..." file="...">
 *
 * `time` and `date` are the local wall clock; `bias` is in minutes with UTC = local + bias; `type` is 1 (info),
 * 2 (warning) or 3 (error). A message may span several lines. Pure: formatting, and a strict parser that accepts
 * exactly what `formatCmtraceLine` writes (tests hold every generated log to it).
 */

export type CmtraceType = 1 | 2 | 3;

export interface CmtraceRecord {
  readonly message: string;
  /** The instant, epoch milliseconds UTC. */
  readonly utcMs: number;
  /** Minutes with UTC = local + bias. */
  readonly biasMinutes: number;
  readonly component: string;
  readonly type: CmtraceType;
  readonly thread: number;
  readonly file: string;
}

/** Line end used by the writer (the clients' own): CR LF. */
export const EOL = '\r\n';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** `+240`, `-60`, `+000` for zero, as real clients write the bias. */
export function formatBias(biasMinutes: number): string {
  if (biasMinutes === 0) return '+000';
  return `${biasMinutes < 0 ? '-' : '+'}${Math.abs(biasMinutes)}`;
}

/** The local time and date attributes of an instant: `["10:30:43.424+240", "10-18-2019"]`. */
export function formatLocal(utcMs: number, biasMinutes: number): [time: string, date: string] {
  const local = new Date(utcMs - biasMinutes * 60_000);
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}.${pad(local.getUTCMilliseconds(), 3)}${formatBias(biasMinutes)}`;
  const date = `${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}-${pad(local.getUTCFullYear(), 4)}`;
  return [time, date];
}

/**
 * A message as it can stand between `<![LOG[` and `]LOG]!>`: line ends become CR LF and a literal `]LOG]!>` (which
 * would end the message early in every reader) gets a space: `]LOG] !>`.
 */
export function sanitizeMessage(message: string): string {
  return message.replace(/\r?\n/g, EOL).replaceAll(']LOG]!>', ']LOG] !>');
}

/** Attribute values cannot hold a double quote or a line end. */
function attribute(value: string): string {
  return value.replace(/["\r\n]/g, "'");
}

/** One record, without its line end. */
export function formatCmtraceLine(r: CmtraceRecord): string {
  const [time, date] = formatLocal(r.utcMs, r.biasMinutes);
  return (
    `<![LOG[${sanitizeMessage(r.message)}]LOG]!><time="${time}" date="${date}" component="${attribute(r.component)}" ` +
    `context="" type="${r.type}" thread="${r.thread}" file="${attribute(r.file)}">`
  );
}

/** A whole log: every record followed by CR LF. */
export function formatCmtraceLog(records: readonly CmtraceRecord[]): string {
  return records.map((r) => formatCmtraceLine(r) + EOL).join('');
}

/** A strict reading failed: `line` is 1-based, of the first line of the offending record. */
export class CmtraceFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CmtraceFormatError';
  }
}

const STRICT =
  /<!\[LOG\[([\s\S]*?)\]LOG\]!><time="(\d{2}):(\d{2}):(\d{2})\.(\d{3})([+-]\d{1,4})" date="(\d{2})-(\d{2})-(\d{4})" component="([^"\r\n]+)" context="" type="([123])" thread="(\d+)" file="([^"\r\n]*)">\r\n/y;

/**
 * Reads a log written by `formatCmtraceLog`, refusing anything else: each record must match the format exactly
 * (two-digit fields, three-digit milliseconds, a bias, a date that exists, type 1 to 3, a decimal thread), end with
 * CR LF, and nothing may stand between records (a byte-order mark may stand before the first). Throws `CmtraceFormatError` naming the line.
 */
export function parseCmtraceStrict(text: string): (CmtraceRecord & { readonly line: number })[] {
  const out: (CmtraceRecord & { readonly line: number })[] = [];
  // A leading byte-order mark, as real logs (and formatCmtraceLogs) begin with.
  let offset = text.startsWith('\uFEFF') ? 1 : 0;
  let line = 1;
  while (offset < text.length) {
    STRICT.lastIndex = offset;
    const m = STRICT.exec(text);
    if (!m) {
      const snippet = text.slice(offset, offset + 60).replace(/\r?\n[\s\S]*/, '');
      throw new CmtraceFormatError(line, `not a CMTrace record: ${JSON.stringify(snippet)}`);
    }
    const [whole, message = '', hh, mi, ss, ms, bias, mo, dd, yyyy, component = '', type, thread, file = ''] = m;
    const [h, min, s, milli, month, day, year] = [hh, mi, ss, ms, mo, dd, yyyy].map(Number) as number[];
    const localMs = Date.UTC(year ?? 0, (month ?? 0) - 1, day ?? 0, h, min, s, milli);
    const check = new Date(localMs);
    if (
      (h ?? 0) > 23 ||
      (min ?? 0) > 59 ||
      (s ?? 0) > 59 ||
      check.getUTCFullYear() !== year ||
      check.getUTCMonth() + 1 !== month ||
      check.getUTCDate() !== day
    ) {
      throw new CmtraceFormatError(line, `time "${hh}:${mi}:${ss}" on date "${mo}-${dd}-${yyyy}" does not exist`);
    }
    if (/\r(?!\n)|(?<!\r)\n/.test(message))
      throw new CmtraceFormatError(line, 'a line end inside the message is not CR LF');
    const biasMinutes = Number(bias);
    out.push({
      line,
      message: message.replace(/\r\n/g, '\n'),
      utcMs: localMs + biasMinutes * 60_000,
      biasMinutes,
      component,
      type: Number(type) as CmtraceType,
      thread: Number(thread),
      file,
    });
    line += (whole.match(/\n/g) ?? []).length;
    offset += whole.length;
  }
  return out;
}
