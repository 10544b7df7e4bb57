/**
 * A CSV reader for the files PowerShell's `Export-Csv` / `ConvertTo-Csv` and the CMPivot console write (RFC 4180
 * quoting: every field in double quotes in Windows PowerShell 5.1, `""` for a quote inside a field). Written here
 * rather than taken from a library because every cell must keep its line and column for error messages, and the
 * dialect is small. Pure.
 *
 * Handled: a UTF-8 byte-order mark; the `#TYPE System.Management.Automation.PSCustomObject` first line that
 * Windows PowerShell 5.1 writes without `-NoTypeInformation`; `;` as the delimiter where the header uses it
 * (`Export-Csv -UseCulture` in de-DE and fr-FR), or a tab where it uses one (Excel's "Unicode Text", which is
 * UTF-16 with a byte-order mark); CRLF or LF line ends; blank lines at the end.
 */
import { ExportError, type Source } from './ExportError.js';

export interface Cell extends Source {
  readonly text: string;
}

export interface CsvTable {
  readonly header: readonly Cell[];
  readonly rows: readonly (readonly Cell[])[];
}

/** Parses CSV text; throws `ExportError` with the line and column of the first problem. */
export function readCsv(text: string, file: string): CsvTable {
  const records = tokenize(text.replace(/^\uFEFF/, ''), file);
  let i = 0;
  if (records[0]?.length === 1 && /^#TYPE\b/.test(records[0][0]?.text ?? '')) i = 1;
  const header = records[i];
  if (header === undefined) {
    throw new ExportError(file, 1, 1, null, 'the file is empty: expected a header line such as Device,Property,Value');
  }
  const rows: Cell[][] = [];
  for (const record of records.slice(i + 1)) {
    const first = record[0] as Cell;
    if (record.length !== header.length) {
      throw new ExportError(
        file,
        first.line,
        first.column,
        null,
        `this row has ${record.length} fields but the header (line ${(header[0] as Cell).line}) has ${header.length}`,
      );
    }
    rows.push(record);
  }
  return { header, rows };
}

/**
 * Splits into records of cells; blank lines are skipped. The delimiter is the first line's (outside quotes): a tab
 * where it has one (Excel's "Unicode Text", `Export-Csv -Delimiter "`t"`), else `;` where it has one and no comma,
 * else a comma.
 */
function tokenize(text: string, file: string): Cell[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  const delimiter = unquoted.includes('\t') ? '\t' : unquoted.includes(';') && !unquoted.includes(',') ? ';' : ',';
  const records: Cell[][] = [];
  let record: Cell[] = [];
  let line = 1;
  let column = 1;
  let pos = 0;
  const n = text.length;
  const newline = (): void => {
    line++;
    column = 1;
  };
  while (pos < n) {
    const startLine = line;
    const startColumn = column;
    let value = '';
    const quoted = text[pos] === '"';
    if (quoted) {
      pos++;
      column++;
      for (;;) {
        if (pos >= n) throw new ExportError(file, startLine, startColumn, null, 'a quoted field is never closed');
        const ch = text[pos] as string;
        if (ch === '"') {
          if (text[pos + 1] === '"') {
            value += '"';
            pos += 2;
            column += 2;
            continue;
          }
          pos++;
          column++;
          break;
        }
        value += ch;
        pos++;
        if (ch === '\n') newline();
        else column++;
      }
      const next = text[pos];
      if (pos < n && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new ExportError(
          file,
          line,
          column,
          null,
          `unexpected ${JSON.stringify(next)} after a closing quote: expected "${delimiter}" or the end of the line`,
        );
      }
    } else {
      while (pos < n && text[pos] !== delimiter && text[pos] !== '\n' && text[pos] !== '\r') {
        value += text[pos];
        pos++;
        column++;
      }
    }
    record.push({ text: value, file, line: startLine, column: startColumn });
    if (pos < n && text[pos] === delimiter) {
      pos++;
      column++;
      if (pos >= n) record.push({ text: '', file, line, column });
      continue;
    }
    // End of a record (a line end or the end of the text).
    if (text[pos] === '\r') pos++;
    if (text[pos] === '\n') pos++;
    newline();
    if (!(record.length === 1 && value === '' && !quoted)) records.push(record);
    record = [];
    // Skip blank lines.
    while (pos < n && (text[pos] === '\n' || text[pos] === '\r')) {
      if (text[pos] === '\n') newline();
      pos++;
    }
  }
  return records;
}
