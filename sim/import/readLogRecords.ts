/**
 * Reads the records of one task-sequence log file, whatever form it came in: CMTrace lines
 * (`<![LOG[...]LOG]!><time=... date=... component=...>`, a message may span several lines), the flattened form
 * CMTrace copies to the clipboard (`message<TAB>component<TAB>date time<TAB>thread (0x...)`), UTF-8 with or
 * without a byte-order mark, UTF-16, or Windows-1252. Pure: bytes in, records and problems out.
 *
 * A line that cannot be read is skipped and counted, with its line number and why; nothing is thrown for bad
 * content. Times are converted to UTC with the record's own bias (UTC = local + bias); a record without a bias (the
 * clipboard form has none) is read in `timeZone`, UTC by default.
 */
import { type TimeZone, UTC } from '../time/TimeZone.js';

export interface LogRecord {
  readonly file: string;
  /** 1-based, the first physical line of the record. */
  readonly line: number;
  readonly message: string;
  readonly component: string;
  readonly utcMs: number;
  /** As written; `null` when the record carried none and `timeZone` was assumed. */
  readonly biasMinutes: number | null;
  readonly type: number | null;
  readonly form: 'cmtrace' | 'clipboard';
}

export interface LogProblem {
  readonly file: string;
  /** 1-based; `null` for the file as a whole. */
  readonly line: number | null;
  readonly message: string;
}

export interface ReadLog {
  readonly file: string;
  readonly records: LogRecord[];
  /** Problems with the file or with lines, in line order. */
  readonly problems: LogProblem[];
  /** Physical lines skipped because they could not be read. */
  readonly skippedLines: number;
  /** Physical lines in the file. */
  readonly lineCount: number;
  /** Which encoding was read. */
  readonly encoding: 'utf-8' | 'utf-8-bom' | 'utf-16le' | 'utf-16be' | 'windows-1252' | 'none';
}

export interface ReadOptions {
  /** The zone of records without a bias (the clipboard form). Default UTC. */
  readonly timeZone?: TimeZone;
}

const OPEN = '<![LOG[';
const CLOSED = /\]LOG\]!>(<[^<>]*>)\s*$/;
const ATTRIBUTE = /([A-Za-z]+)="([^"]*)"/g;
const TIME = /^(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?([+-]\d{1,4})?$/;
const DATE = /^(\d{1,2})-(\d{1,2})-(\d{4})$/;
const CLIPBOARD = /^(.*)\t([^\t]*)\t([^\t]+)\t\s*(\d+)(?:\s*\(0x[0-9A-Fa-f]+\))?\s*$/;

/** Decodes the bytes of a log; `null` text when the file is binary. */
export function decodeLog(bytes: Uint8Array): { text: string | null; encoding: ReadLog['encoding'] } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8').decode(bytes.subarray(3)), encoding: 'utf-8-bom' };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le' };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be' };
  }
  if (bytes.includes(0)) {
    // UTF-16 without a mark: text in the even bytes, zeros in the odd ones.
    const n = Math.min(bytes.length - (bytes.length % 2), 512);
    let oddZeros = 0;
    let evenZeros = 0;
    for (let i = 0; i < n; i += 2) {
      if (bytes[i] === 0) evenZeros++;
      if (bytes[i + 1] === 0) oddZeros++;
    }
    if (n > 0 && oddZeros > 0.9 * (n / 2) && evenZeros < 0.1 * (n / 2)) {
      return { text: new TextDecoder('utf-16le').decode(bytes), encoding: 'utf-16le' };
    }
    return { text: null, encoding: 'none' };
  }
  let text: string;
  let encoding: ReadLog['encoding'] = 'utf-8';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
    encoding = 'windows-1252';
  }
  // Control characters other than tab, line ends and form feed do not occur in a text log.
  let control = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 12 && c !== 13) || c === 127) control++;
  }
  if (control > Math.max(2, text.length / 100)) return { text: null, encoding: 'none' };
  return { text, encoding };
}

/** Local wall-clock milliseconds (read as if UTC) of `date` and `time`, or a reason why they cannot be read. */
function localOf(
  month: number,
  day: number,
  year: number,
  hour: number,
  minute: number,
  second: number,
  milli: number,
): number | null {
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second, milli);
  const d = new Date(ms);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return ms;
}

/** UTC of a local time in `zone` (the bias of the instant itself, found in two rounds for daylight-saving zones). */
export function utcOfLocal(localMs: number, zone: TimeZone): number {
  const guess = localMs + zone.biasMinutes(localMs) * 60_000;
  return localMs + zone.biasMinutes(guess) * 60_000;
}

const fractionMs = (digits: string | undefined) =>
  digits === undefined ? 0 : Number(digits.padEnd(3, '0').slice(0, 3));

/** Clipboard date-times: `10/18/2019 10:21:00 AM`, `10/18/2019 10:21:00.123`, `10-18-2019 ...`, `2019-10-18 ...`. */
function parseClipboardDateTime(text: string): number | null {
  const t = text.trim();
  const us = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})\s+(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?:\s*([AaPp][Mm]))?$/.exec(
    t,
  );
  if (us) {
    const [, mo, d, y, h, mi, s, frac, ampm] = us;
    let hour = Number(h);
    if (ampm !== undefined) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (/p/i.test(ampm) ? 12 : 0);
    }
    return localOf(Number(mo), Number(d), Number(y), hour, Number(mi), Number(s), fractionMs(frac));
  }
  const iso = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?$/.exec(t);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac] = iso;
    return localOf(Number(mo), Number(d), Number(y), Number(h), Number(mi), Number(s), fractionMs(frac));
  }
  return null;
}

/** The empty, binary or blank file refused with its one problem, or the decoded text. */
function decodeOrRefuse(
  file: string,
  bytes: Uint8Array,
): { refused: ReadLog } | { text: string; encoding: ReadLog['encoding'] } {
  const refuse = (message: string, encoding: ReadLog['encoding']) => ({
    refused: { file, records: [], problems: [{ file, line: null, message }], skippedLines: 0, lineCount: 0, encoding },
  });
  if (bytes.length === 0) return refuse('the file is empty', 'none');
  const { text, encoding } = decodeLog(bytes);
  if (text === null) return refuse('a binary file, not a text log (it holds NUL or control bytes)', encoding);
  if (text.trim() === '') return refuse('the file is empty (only blank lines)', encoding);
  return { text, encoding };
}

/** One complete CMTrace record (`raw`, from `<![LOG[` to its closing `>`), or why it cannot be read. */
function cmtraceRecord(file: string, line: number, raw: string, zone: TimeZone): LogRecord | string {
  const closed = CLOSED.exec(raw);
  if (!closed) return 'a truncated CMTrace record (no closing `]LOG]!><... >`)';
  const message = raw.slice(OPEN.length, closed.index);
  const attrs = new Map<string, string>();
  for (const m of (closed[1] ?? '').matchAll(ATTRIBUTE)) attrs.set((m[1] ?? '').toLowerCase(), m[2] ?? '');
  const timeText = attrs.get('time');
  const dateText = attrs.get('date');
  if (timeText === undefined || dateText === undefined) {
    return `a CMTrace record without ${timeText === undefined ? 'a time' : 'a date'} attribute`;
  }
  const t = TIME.exec(timeText);
  if (!t) return `unknown time "${timeText}" (expected HH:mm:ss.fff+bias)`;
  const d = DATE.exec(dateText);
  const [, hh, mi, ss, frac, biasText] = t;
  const local =
    d === null
      ? null
      : localOf(Number(d[1]), Number(d[2]), Number(d[3]), Number(hh), Number(mi), Number(ss), fractionMs(frac));
  if (local === null) {
    return `unknown date "${dateText}" with time "${timeText}" (expected a date MM-dd-yyyy that exists)`;
  }
  const biasMinutes = biasText === undefined ? null : Number(biasText);
  const typeText = attrs.get('type');
  return {
    file,
    line,
    message: message.replace(/\r\n|\r/g, '\n'),
    component: attrs.get('component') ?? '',
    utcMs: biasMinutes === null ? utcOfLocal(local, zone) : local + biasMinutes * 60_000,
    biasMinutes,
    type: typeText === undefined || !/^\d$/.test(typeText) ? null : Number(typeText),
    form: 'cmtrace',
  };
}

/** Reads one file's records; never throws for bad content. */
export function readLogRecords(file: string, bytes: Uint8Array, options: ReadOptions = {}): ReadLog {
  const zone = options.timeZone ?? UTC;
  const decoded = decodeOrRefuse(file, bytes);
  if ('refused' in decoded) return decoded.refused;
  const { text, encoding } = decoded;
  const records: LogRecord[] = [];
  const problems: LogProblem[] = [];
  let skippedLines = 0;
  const lines = text.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();

  const skip = (line: number, count: number, message: string) => {
    skippedLines += count;
    problems.push({ file, line, message });
  };

  const finishCmtrace = (line: number, count: number, raw: string) => {
    const read = cmtraceRecord(file, line, raw, zone);
    if (typeof read === 'string') skip(line, count, read);
    else records.push(read);
  };

  let open: { line: number; count: number; text: string } | null = null;
  let pending: { line: number; texts: string[] } | null = null;
  const dropPending = () => {
    if (pending !== null) {
      skip(
        pending.line,
        pending.texts.length,
        pending.texts.length === 1
          ? `an unreadable line: ${JSON.stringify(pending.texts[0]?.slice(0, 60))}`
          : `${pending.texts.length} unreadable lines`,
      );
      pending = null;
    }
  };

  lines.forEach((raw, i) => {
    const n = i + 1;
    const lineText = raw.replace(/^\uFEFF/, '');
    if (open !== null) {
      if (lineText.trimStart().startsWith(OPEN)) {
        skip(open.line, open.count, 'a truncated CMTrace record (the next record starts before it ends)');
        open = null;
      } else {
        open.text += `\n${lineText}`;
        open.count++;
        if (CLOSED.test(open.text)) {
          finishCmtrace(open.line, open.count, open.text);
          open = null;
        }
        return;
      }
    }
    const trimmed = lineText.trimStart();
    if (trimmed.startsWith(OPEN)) {
      dropPending();
      if (CLOSED.test(trimmed)) finishCmtrace(n, 1, trimmed);
      else open = { line: n, count: 1, text: trimmed };
      return;
    }
    if (trimmed === '') return;
    const clip = CLIPBOARD.exec(lineText);
    if (clip) {
      const [, message = '', component = '', when = '', ,] = clip;
      const local = parseClipboardDateTime(when);
      const first = pending?.line ?? n;
      const count = (pending?.texts.length ?? 0) + 1;
      const fullMessage = pending === null ? message : `${pending.texts.join('\n')}\n${message}`;
      pending = null;
      if (local === null) return skip(first, count, `unknown date and time "${when}"`);
      records.push({
        file,
        line: first,
        message: fullMessage,
        component: component.trim(),
        utcMs: utcOfLocal(local, zone),
        biasMinutes: null,
        type: null,
        form: 'clipboard',
      });
      return;
    }
    // A line of a multi-line message in the clipboard form, or a line that cannot be read: the next line decides.
    if (pending === null) pending = { line: n, texts: [lineText] };
    else pending.texts.push(lineText);
    if (pending.texts.length > 50) dropPending();
  });
  if (open !== null) {
    const o: { line: number; count: number } = open;
    skip(o.line, o.count, 'a truncated CMTrace record (the file ends inside it)');
  }
  dropPending();
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { file, records, problems, skippedLines, lineCount: lines.length, encoding };
}
