/** Where a command writes: its result to `out` (stdout), progress and errors to `err` (stderr). Tests pass their own. */
export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}
