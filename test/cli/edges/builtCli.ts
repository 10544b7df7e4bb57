/**
 * Runs the built command (`bin/provsim.js`, compiled by `npm test`'s build step) in a child process, as a user
 * would: exit code, standard output and standard error. `asNobody` runs it as an unprivileged user, for the cases
 * root would mask (an unwritable folder); the folder it writes to must then be writable by that user.
 */
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const BIN = resolve(import.meta.dirname, '../../../bin/provsim.js');

export interface Outcome {
  readonly code: number | null;
  readonly signal: string | null;
  readonly out: string;
  readonly err: string;
}

export interface ProvsimOptions {
  readonly cwd?: string;
  readonly input?: string;
  readonly env?: Record<string, string>;
  readonly asNobody?: boolean;
  readonly timeoutMs?: number;
}

/** The unprivileged user and group (nobody/nogroup) that `asNobody` runs as. */
export const NOBODY = 65534;

export function provsim(args: readonly string[], options: ProvsimOptions = {}): Outcome {
  const node = [process.execPath, BIN, ...args];
  const [command, ...rest] = options.asNobody
    ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', ...node]
    : node;
  const spawnOptions: SpawnSyncOptions = {
    encoding: 'utf8',
    cwd: options.cwd ?? tmpdir(),
    env: { ...process.env, ...options.env },
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 64 * 1024 * 1024,
    ...(options.input === undefined ? {} : { input: options.input }),
  };
  const r = spawnSync(command as string, rest, spawnOptions);
  return { code: r.status, signal: r.signal, out: String(r.stdout ?? ''), err: String(r.stderr ?? '') };
}

/** Exit 2 with exactly one line on standard error, no stack trace, matching `message`. */
export function expectOneLineError(r: Outcome, message: RegExp): void {
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+|node:internal|Error: /);
  expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  expect(r.code).toBe(2);
}

/** A new temporary folder, world-writable when `open` (so that `asNobody` runs can write in it). */
export function tempDir(open = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'provsim-edges-'));
  if (open) chmodSync(dir, 0o777);
  return dir;
}

export function writeFile(dir: string, name: string, text: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

export const VALID = `name: edge-valid
horizon: 4h
taskSequence:
  name: Upgrade
  startAt: 10m
  steps:
    - { name: Download content, duration: 20m }
    - { name: Upgrade operating system, duration: 30m, restart: true }
`;
