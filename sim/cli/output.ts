/**
 * Machine-readable output, the same way for every command. The pattern a command follows (new ones too):
 *
 * 1. take `--format` with `formatOption(y)` (`text` and `json`, and any formats of its own);
 * 2. build one result object; with `json`, print it with `printJson` and nothing else on standard output;
 * 3. send progress and notes through `notesIo(io, format)`: standard output in text, standard error in JSON;
 * 4. report "something is wrong" with exit 1 (through `setCode`), bad input with an `InputError` (exit 2);
 * 5. describe the JSON shape in `docs/schemas/<command>.schema.json`, with a `kind` of `provsim-<command>`, and
 *    add the command to `test/cli/jsonOutput.test.ts`, which validates its output against that schema.
 */
import type { Argv } from 'yargs';

export interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

export const TEXT_AND_JSON = ['text', 'json'] as const;

/** `--format text|json`, defaulting to `text` (a command with more formats lists them in its own option). */
export function formatOption<T>(y: Argv<T>) {
  return y.option('format', {
    choices: TEXT_AND_JSON,
    default: 'text' as const,
    describe: 'what goes to standard output (json: one JSON document, nothing else)',
  });
}

/** The one JSON document of a command: two-space indented, a final newline. */
export function printJson(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** Where notes and progress go: with `json`, standard output carries the document alone. */
export function notesIo(io: Io, format: string): Io {
  return format === 'json' ? { out: io.err, err: io.err } : io;
}
