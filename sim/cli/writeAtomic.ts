/**
 * Writes files so that a reader never sees half of one, and a command never leaves half a report set behind.
 *
 * Each file goes to a temporary file in its own folder. Inside `writeAllOrNothing` (which `main` wraps around every
 * command) the renames wait until the command has finished: if any write fails, or the command fails later, the
 * temporary files are removed and none of the command's files appears. Outside it, each file is renamed at once.
 * A file that cannot be written (permission, a file where a folder is needed, a full disk) is an `OutputError`:
 * one line, exit 2. A report set (`replaceReportSet`) replaces the previous set in its folder as a whole.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, isAbsolute, join, normalize, relative, resolve, sep } from 'node:path';
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

/** The report-set folders declared in each open batch (`replaceReportSet`). */
const setsOf = new WeakMap<Staged[], Set<string>>();

const batch = new AsyncLocalStorage<Staged[]>();
let counter = 0;
/** Every batch still open, for the interrupt handler. */
const open = new Set<Staged[]>();
const swept = new Set<string>();
const TEMP_NAME = /^\.provsim-(\d+)-\d+\.tmp$/;

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/** Removes the temporary files an interrupted run (killed, so it could not clean up) left in `dir`. */
function sweepStale(dir: string): void {
  if (swept.has(dir)) return;
  swept.add(dir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = TEMP_NAME.exec(name)?.[1];
    if (pid !== undefined && !alive(Number(pid))) rmSync(join(dir, name), { force: true });
  }
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15, SIGHUP: 1 } as const;
let cleanupOnInterrupt = false;
const handlers = new Map<string, () => void>();

/**
 * Makes an interrupt (SIGINT, SIGTERM, SIGHUP) while a batch holds temporary files remove them (nothing of the
 * report set appears) and exit with 128 + the signal number. The handlers are installed only while files are
 * staged, so an interrupt during a long computation still ends the process at once (nothing is written then);
 * files left by a SIGKILL are removed by the next run that writes to the same folder. Called by the real process.
 */
export function removeStagedOnInterrupt(): void {
  cleanupOnInterrupt = true;
}

function armInterrupts(): void {
  if (!cleanupOnInterrupt || handlers.size > 0) return;
  for (const [signal, n] of Object.entries(SIGNALS)) {
    const handler = () => {
      for (const files of open) discard(files);
      process.stderr.write(`provsim: interrupted (${signal}); no report was written\n`);
      process.exit(128 + n);
    };
    handlers.set(signal, handler);
    process.on(signal, handler);
  }
}

function disarmInterrupts(): void {
  if (open.size > 0) return;
  for (const [signal, handler] of handlers) process.off(signal, handler);
  handlers.clear();
}

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
    sweepStale(dirname(path));
    writeFileSync(tmp, content);
  } catch (error) {
    discard([{ tmp, path }]);
    throw outputError(path, error);
  }
  const staged = batch.getStore();
  if (staged !== undefined) {
    staged.push({ tmp, path });
    armInterrupts();
  } else commit([{ tmp, path }]);
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
  open.add(staged);
  let result: T;
  try {
    result = await batch.run(staged, work);
  } catch (error) {
    discard(staged);
    throw error;
  } finally {
    open.delete(staged);
    disarmInterrupts();
  }
  commit(staged);
  for (const dir of setsOf.get(staged) ?? []) replaceSet(dir, staged);
  return result;
}

// -- Report sets -------------------------------------------------------------------------------------------------

/** The manifest of the report set in a folder: the files the last `run` (or `replay --out`) wrote there. */
export const SET_MANIFEST = '.provsim-report-set.json';

/**
 * [provsim] Declares that the files this command writes under `dir` are a report set that replaces the previous
 * one as a whole (rather than refusing a folder that holds one; docs/model.md, "Merging shards and report sets"): when the command succeeds, the files the previous set's manifest lists and this set does not write are
 * removed, and the manifest lists this set. Files provsim did not list (a README, another command's reports) are
 * never touched. Outside `writeAllOrNothing` it does nothing.
 */
export function replaceReportSet(dir: string): void {
  const staged = batch.getStore();
  if (staged === undefined) return;
  const sets = setsOf.get(staged) ?? new Set<string>();
  sets.add(resolve(dir));
  setsOf.set(staged, sets);
}

/** The files a manifest lists, relative to its folder; none when it is missing or not one of ours. */
function readManifest(root: string): string[] {
  try {
    const value = JSON.parse(readFileSync(join(root, SET_MANIFEST), 'utf8')) as { kind?: unknown; files?: unknown };
    const files = value.kind === 'provsim-report-set' && Array.isArray(value.files) ? value.files : [];
    return files.filter((f): f is string => typeof f === 'string');
  } catch {
    return [];
  }
}

/** A path a manifest may name: relative, inside the folder, not the manifest. */
function inside(rel: string): boolean {
  return (
    rel !== '' && !isAbsolute(rel) && normalize(rel) === rel && !rel.split(sep).includes('..') && rel !== SET_MANIFEST
  );
}

/**
 * After the commit: removes what the previous set listed and this one did not write (regular files only, then
 * their folders if left empty), and writes the new manifest. Best effort: this set is already in place.
 */
function replaceSet(root: string, files: readonly Staged[]): void {
  const now = files.map((f) => relative(root, resolve(f.path))).filter(inside);
  const keep = new Set(now);
  for (const rel of readManifest(root)) {
    if (keep.has(rel) || !inside(rel)) continue;
    const path = join(root, rel);
    try {
      if (!lstatSync(path).isFile()) continue;
      rmSync(path);
      const parent = dirname(path);
      if (parent !== root && readdirSync(parent).length === 0) rmdirSync(parent);
    } catch {
      // Already gone, or not ours to remove.
    }
  }
  const manifest = `${JSON.stringify({ kind: 'provsim-report-set', files: [...keep].sort() }, null, 2)}\n`;
  const tmp = join(root, `.provsim-${process.pid}-${++counter}.tmp`);
  try {
    writeFileSync(tmp, manifest);
    renameSync(tmp, join(root, SET_MANIFEST));
  } catch {
    rmSync(tmp, { force: true });
  }
}
