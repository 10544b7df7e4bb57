/**
 * Reads an input file safely: only a regular file (never a FIFO, a device such as /dev/zero or a socket, which
 * would block or never end), no larger than the limit of its kind, checked before a byte is read. Text is decoded
 * as UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark; anything else is refused with a
 * message naming the encoding. Every refusal is an `InputError` naming the file: one line, exit 2.
 */
import { closeSync, fstatSync, openSync, readSync, type Stats, statSync } from 'node:fs';
import { InputError } from './InputError.js';

/** The size limit of each kind of input file, in bytes. */
export const INPUT_LIMITS = {
  scenario: 1024 * 1024,
  fleet: 1024 * 1024,
  shard: 64 * 1024 * 1024,
  log: 64 * 1024 * 1024,
  export: 64 * 1024 * 1024,
} as const;

export type InputKind = keyof typeof INPUT_LIMITS;

const NOUN: Record<InputKind, string> = {
  scenario: 'a scenario file',
  fleet: 'a fleet file',
  shard: 'a shard report',
  log: 'a log file',
  export: 'an inventory export',
};

function mib(bytes: number): string {
  return `${bytes / (1024 * 1024)} MiB`;
}

function kindOf(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** What a failed look at an input path met, by the system's error code (none: the error's own words). */
const PATH_PROBLEMS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'a loop of symbolic links',
  ENOTDIR: 'a part of the path is a file, not a folder',
  ENAMETOOLONG: 'the name is too long',
};

/**
 * The one-line `InputError` for an input path that could not be looked at or read: `what` is what was wanted of it
 * ("file", "file or folder", "folder"). Every command that reads input names such failures here, so that none ends
 * in a stack trace.
 */
export function pathFailure(path: string, error: unknown, what: 'file' | 'file or folder' | 'folder'): InputError {
  const code = (error as { code?: string }).code;
  if (code === 'ENOENT') return new InputError(`${path}: no such ${what}`);
  const problem = code === undefined ? undefined : PATH_PROBLEMS[code];
  const verb = what === 'folder' ? 'list the folder' : `read the ${what}`;
  if (problem !== undefined) return new InputError(`${path}: ${problem}; cannot ${verb}`);
  return new InputError(`${path}: cannot ${verb} (${code ?? String(error)})`);
}

function failure(file: string, error: unknown): InputError {
  return pathFailure(file, error, 'file');
}

/** The bytes of a regular file no larger than the limit of `kind`. */
export function readInputBytes(file: string, kind: InputKind): Buffer {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    throw failure(file, error);
  }
  const limit = INPUT_LIMITS[kind];
  if (!stats.isFile()) {
    throw new InputError(`${file}: ${kindOf(stats)}, not a regular file; give ${NOUN[kind]}`);
  }
  if (stats.size > limit) {
    throw new InputError(
      `${file}: ${stats.size} bytes, more than the ${mib(limit)} allowed for ${NOUN[kind]}; is it the right file?`,
    );
  }
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw failure(file, error);
  }
  try {
    // Read up to one byte past the limit: a file that grows after the stat is still refused.
    const size = Math.min(fstatSync(fd).size, limit) + 1;
    const buffer = Buffer.alloc(size);
    let length = 0;
    while (length < size) {
      const n = readSync(fd, buffer, length, size - length, null);
      if (n === 0) break;
      length += n;
    }
    if (length > limit) {
      throw new InputError(`${file}: more than the ${mib(limit)} allowed for ${NOUN[kind]}; is it the right file?`);
    }
    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw failure(file, error);
  } finally {
    closeSync(fd);
  }
}

/**
 * Decodes text: UTF-8 (a byte-order mark is dropped), UTF-16 LE or BE with a byte-order mark. UTF-16 without a
 * mark, other encodings and binary data are refused, naming what was found and what to do.
 */
export function decodeText(file: string, bytes: Buffer): string {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return utf8(file, bytes.subarray(3));
  if (b0 === 0xff && b1 === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  if (b0 === 0xfe && b1 === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const utf16 = bytes.length >= 2 && (bytes[1] === 0 || bytes[0] === 0);
    throw new InputError(
      utf16
        ? `${file}: looks like UTF-16 without a byte-order mark; save it as UTF-8 (or UTF-16 with a byte-order mark)`
        : `${file}: binary data (a NUL byte at offset ${nul}), not text`,
    );
  }
  return utf8(file, bytes);
}

function utf8(file: string, bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(
      `${file}: not valid UTF-8 text (perhaps Windows-1252 or another legacy encoding, or binary data); save it as UTF-8`,
    );
  }
}

/** A text input file of `kind`: checked, size-limited and decoded. */
export function readInputText(file: string, kind: InputKind): string {
  return decodeText(file, readInputBytes(file, kind));
}
