/**
 * Writes files so that a reader never sees half of one, and a command never leaves half a report set behind.
 *
 * Each file goes to a temporary file in its own folder. Inside `writeAllOrNothing` (which `main` wraps around every
 * command) the renames wait until the command has finished: if any write fails, or the command fails later, the
 * temporary files are removed and none of the command's files appears. Outside it, each file is renamed at once.
 * A file that cannot be written (permission, a file where a folder is needed, a full disk) is an `OutputError`:
 * one line, exit 2.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InputError } from './InputError.js';

/** A file that cannot be written: exit 2, like bad input. */
export class OutputError extends InputError {
  constructor(message: string) {
    super(message);
    this.name = 'OutputError';
  }
}

interface Staged {
  readonly tmp: string;
  readonly path: string;
}

const batch = new AsyncLocalStorage<Staged[]>();
let counter = 0;

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'a read-only file system',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is exhausted',
  ENOTDIR: 'a file is in the way where a folder is needed',
  EEXIST: 'a file is in the way where a folder is needed',
  EISDIR: 'a folder is in the way where the file should go',
  ENAMETOOLONG: 'the name is too long',
};

function outputError(path: string, error: unknown): OutputError {
  const code = (error as { code?: string }).code ?? 'error';
  return new OutputError(`cannot write ${path}: ${REASONS[code] ?? 'the write failed'} (${code})`);
}

export function writeAtomic(path: string, content: string): void {
  const tmp = join(dirname(path), `.provsim-${process.pid}-${++counter}.tmp`);
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(tmp, content);
  } catch (error) {
    discard([{ tmp, path }]);
    throw outputError(path, error);
  }
  const staged = batch.getStore();
  if (staged !== undefined) staged.push({ tmp, path });
  else commit([{ tmp, path }]);
}

function commit(files: readonly Staged[]): void {
  // A folder where a file should go is the one rename failure that can be foreseen: refuse before renaming any.
  const blocked = files.find((f) => existsSync(f.path) && statSync(f.path).isDirectory());
  if (blocked !== undefined) {
    discard(files);
    throw new OutputError(`cannot write ${blocked.path}: ${REASONS.EISDIR} (EISDIR)`);
  }
  for (const [i, f] of files.entries()) {
    try {
      renameSync(f.tmp, f.path);
    } catch (error) {
      discard(files.slice(i));
      throw outputError(f.path, error);
    }
  }
}

function discard(files: readonly Staged[]): void {
  for (const f of files) {
    try {
      rmSync(f.tmp, { force: true });
    } catch {
      // The temporary file could not even be made (its folder is a file): nothing to remove.
    }
  }
}

/**
 * Runs `work`; the files it writes with `writeAtomic` appear only when it returns, all together. When it throws,
 * they are discarded and the error goes on.
 */
export async function writeAllOrNothing<T>(work: () => Promise<T>): Promise<T> {
  const staged: Staged[] = [];
  let result: T;
  try {
    result = await batch.run(staged, work);
  } catch (error) {
    discard(staged);
    throw error;
  }
  commit(staged);
  return result;
}
