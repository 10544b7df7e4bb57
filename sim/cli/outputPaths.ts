/**
 * Output paths checked before anything runs, so that a long run never ends in a write error and nothing is left
 * half-written: a file where a folder is needed (or the reverse), a device such as /dev/null, a symbolic link that
 * leads nowhere, a folder the user cannot write, a read-only file system, a pseudo-filesystem (/proc, /sys, where a
 * recursive mkdir can loop for ever). Each refusal is an `OutputError`: one line naming the option and the path,
 * exit 2. The writes themselves can still fail (a full disk); `writeAtomic` catches those.
 */
import { accessSync, constants, lstatSync, type Stats, statfsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { OutputError } from './writeAtomic.js';

/** statfs magic numbers of kernel pseudo-filesystems (linux/magic.h): nothing a report can be written to. */
const PSEUDO_FILESYSTEMS: ReadonlyMap<number, string> = new Map([
  [0x9fa0, 'proc'],
  [0x62656572, 'sysfs'],
  [0x63677270, 'cgroup2'],
  [0x27e0eb, 'cgroup'],
  [0x64626720, 'debugfs'],
  [0x74726163, 'tracefs'],
  [0x73636673, 'securityfs'],
  [0x1cd1, 'devpts'],
  [0x6165676c, 'pstorefs'],
  [0xcafe4a11, 'bpf'],
]);

function statOrNull(path: string, follow: boolean): Stats | null {
  try {
    return follow ? statSync(path) : lstatSync(path);
  } catch {
    return null;
  }
}

function kindOf(stats: Stats): string {
  if (stats.isFile()) return 'a file';
  if (stats.isDirectory()) return 'a folder';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Refuses an existing path that cannot hold `what`; returns whether it exists. */
function checkExisting(option: string, path: string, what: 'folder' | 'file'): boolean {
  const link = statOrNull(path, false);
  if (link === null) return false;
  const target = statOrNull(path, true);
  if (target === null) {
    throw new OutputError(`${option} ${path}: a symbolic link to a missing target; remove it or point it somewhere`);
  }
  if (what === 'folder' && !target.isDirectory()) {
    throw new OutputError(`${option} ${path}: ${kindOf(target)}, where a folder is needed; name a folder`);
  }
  if (what === 'file' && !target.isFile()) {
    throw new OutputError(`${option} ${path}: ${kindOf(target)}, where a file is needed; name a file`);
  }
  return true;
}

/** The folder that will hold the output: `path` itself or its nearest existing ancestor must be writable. */
function checkWritableFolder(option: string, shown: string, folder: string): void {
  let existing = resolve(folder);
  while (statOrNull(existing, true) === null) {
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const stats = statOrNull(existing, true);
  if (stats !== null && !stats.isDirectory()) {
    throw new OutputError(`${option} ${shown}: ${existing} is ${kindOf(stats)}, where a folder is needed`);
  }
  try {
    const type = statfsSync(existing).type;
    const pseudo = PSEUDO_FILESYSTEMS.get(type);
    if (pseudo !== undefined) {
      throw new OutputError(
        `${option} ${shown}: ${existing} is on the ${pseudo} pseudo-filesystem; name a real folder`,
      );
    }
  } catch (error) {
    if (error instanceof OutputError) throw error;
  }
  try {
    accessSync(existing, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'error';
    const why = code === 'EROFS' ? 'a read-only file system' : 'permission denied';
    throw new OutputError(`${option} ${shown}: cannot write in ${existing}: ${why} (${code})`);
  }
}

/** `--out DIR` and the like: a folder, existing or to be made, that can be written. */
export function checkOutputFolder(option: string, dir: string): void {
  checkExisting(option, dir, 'folder');
  checkWritableFolder(option, dir, dir);
}

/** `--junit FILE`, `import --out FILE`: a regular file (or none yet) in a folder that can be written. */
export function checkOutputFile(option: string, file: string): void {
  checkExisting(option, file, 'file');
  checkWritableFolder(option, file, dirname(file));
}
