/** Drives the command line in-process for tests: captured output, temporary folders and scenario files. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../sim/cli/main.js';

export interface Outcome {
  code: number;
  out: string;
  err: string;
}

/** Runs `provsim ...argv` through `main`, returning its exit code and what it printed. */
export async function cli(...argv: string[]): Promise<Outcome> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

export function tempDir(prefix = 'provsim-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a scenario file (in a new temporary folder unless `dir` is given) and returns its path. */
export function scenarioFile(text: string, name = 'scenario.yaml', dir = tempDir()): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The files of `run`'s report set for scenarios `names` (each's HTML, JSON and Markdown, the index, the manifest). */
export function reportSetFiles(...names: string[]): string[] {
  const reports = names.flatMap((n) => [`${n}.html`, `${n}.json`, `${n}.md`]);
  return ['.provsim-report-set.json', 'index.html', ...reports].sort();
}
