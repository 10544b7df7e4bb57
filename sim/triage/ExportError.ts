/** Bad input in an inventory export: the message names the file, the line, the column and the key. */
export class ExportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly key: string | null,
    readonly problem: string,
  ) {
    super(`${file}:${line}:${column}: ${key === null ? '' : `${key}: `}${problem}`);
    this.name = 'ExportError';
  }
}

/** Where a value was read: its file, line and column (1-based). */
export interface Source {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export function errorAt(at: Source, key: string | null, problem: string): ExportError {
  return new ExportError(at.file, at.line, at.column, key, problem);
}

export const where = (at: Source): string => `${at.file}:${at.line}:${at.column}`;
