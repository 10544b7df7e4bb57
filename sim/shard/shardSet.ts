/**
 * What every shard report must satisfy before `provsim merge` adds it to the others, whatever command wrote it
 * (`fleet --shard`, `remediate --shard`): its envelope (a JSON object of a known kind and schema version, a shard
 * header, a digest that matches its body), and, over the set, that the files are the N slices of one run, each
 * once, none missing, each holding exactly the clients `shardRange` gives it. Pure; every refusal is a
 * `ShardError` naming the file and what does not fit (the command line prints it as one line, exit 2).
 */
import { shardRange } from '../fleet/run/simulateRange.js';
import { bodyOf, digestOf } from './digest.js';
import { count, integer, object, type Shape, shapeProblem, typeOf } from './shape.js';

/** A shard report that cannot be merged: the message names the file and what does not add up. */
export class ShardError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShardError';
  }
}

/** The most shards a run is cut into (`--shard I/N`). */
export const MAX_SHARDS = 100_000;

/** The schema version of the shard reports this provsim writes and reads. */
export const SHARD_SCHEMA_VERSION = 1;

/** The kinds of shard report, by their `kind` field. */
export const SHARD_KINDS = {
  'provsim-fleet-report': { noun: 'fleet', command: 'provsim fleet --shard I/N' },
  'provsim-remediate-report': { noun: 'remediate', command: 'provsim remediate --shard I/N' },
} as const;
export type ShardKind = keyof typeof SHARD_KINDS;

/** Which slice of the clients a report holds: shard `index` of `count` (1-based), clients `[fromClient, toClient)`. */
export interface ShardHeader {
  readonly index: number;
  readonly count: number;
  readonly fromClient: number;
  readonly toClient: number;
}

/** A shard header's shape; `extra` adds the fields of one kind. */
export function shardHeaderShape(extra: Readonly<Record<string, Shape>> = {}): Shape {
  return object({
    index: integer(1, MAX_SHARDS),
    count: integer(1, MAX_SHARDS),
    fromClient: count,
    toClient: count,
    ...extra,
  });
}

/** A file and the JSON value read from it. */
export interface ShardFile {
  readonly file: string;
  readonly value: unknown;
}

/** The kind of a shard report, checked with its schema version, its shard header's presence and its digest. */
export function checkEnvelope(f: ShardFile): ShardKind {
  const { file, value } = f;
  const known = Object.keys(SHARD_KINDS).map((k) => `"${k}"`);
  if (typeOf(value) !== 'object') {
    throw new ShardError(`${file}: not a provsim shard report (a JSON ${typeOf(value)}, where an object is expected)`);
  }
  const r = value as Record<string, unknown>;
  if (typeof r.kind !== 'string' || !Object.hasOwn(SHARD_KINDS, r.kind)) {
    throw new ShardError(`${file}: not a provsim shard report (its "kind" is not ${known.join(' or ')})`);
  }
  const kind = r.kind as ShardKind;
  const { command } = SHARD_KINDS[kind];
  if (r.schemaVersion !== SHARD_SCHEMA_VERSION) {
    throw new ShardError(
      `${file}: schemaVersion ${JSON.stringify(r.schemaVersion) ?? 'missing'}; this provsim merges schemaVersion ${SHARD_SCHEMA_VERSION} (re-run the shard with this version of provsim)`,
    );
  }
  if (r.shard === null || r.shard === undefined) {
    throw new ShardError(`${file}: a whole-fleet report, not a shard; merge takes the files of ${command}`);
  }
  if (typeof r.digest !== 'string') {
    throw new ShardError(
      `${file}: no "digest" field; ${command} writes one beside the report (edited, or written by an older provsim?)`,
    );
  }
  if (digestOf(bodyOf(r)) !== r.digest) {
    throw new ShardError(`${file}: the report does not match its digest (edited or damaged since ${command} wrote it)`);
  }
  return kind;
}

/** `value` fits `shape`, or a `ShardError` naming the file and the first field that does not. */
export function checkShape(file: string, value: unknown, shape: Shape): void {
  const problem = shapeProblem(value, shape, '');
  if (problem !== null) throw new ShardError(`${file}: ${problem}`);
}

/** A fact about one shard that must hold, or a `ShardError` naming the file and what does not add up. */
export function mustHold(file: string, holds: boolean, what: () => string): void {
  if (!holds) throw new ShardError(`${file}: ${what()}`);
}

/** One shard of a set, as the set check sees it. */
export interface SetMember {
  readonly file: string;
  readonly shard: ShardHeader;
  /** What must be equal across the shards of one run (the fleet as simulated, its overrides, seed, strategies). */
  readonly identity: string;
  /** The clients of the whole fleet. */
  readonly fleetClients: number;
  /** Clients this report says it holds. */
  readonly clients: number;
}

/**
 * The members are the N slices of one run: the same identity and shard count, each index once, none missing, each
 * holding the clients `shardRange` gives it.
 */
export function checkShardSet(members: readonly SetMember[], noun: string): void {
  const first = members[0];
  if (first === undefined) throw new ShardError(`merge needs the shard files of one ${noun} run`);
  const count = first.shard.count;
  const seen = new Map<number, string>();
  for (const m of members) {
    const { file, shard } = m;
    if (m.identity !== first.identity) {
      throw new ShardError(
        `${file}: a shard of another ${noun} run than ${first.file} (the fleet, its overrides, its seed or the strategies differ)`,
      );
    }
    if (shard.count !== count) {
      throw new ShardError(`${file}: shard ${shard.index}/${shard.count}, but ${first.file} is one of ${count} shards`);
    }
    if (shard.index > count) throw new ShardError(`${file}: shard ${shard.index}/${count} does not exist`);
    const other = seen.get(shard.index);
    if (other !== undefined)
      throw new ShardError(`${file}: shard ${shard.index}/${count} is given twice (also ${other})`);
    seen.set(shard.index, file);
    const expected = shardRange(m.fleetClients, shard.index, count);
    if (
      shard.fromClient !== expected.from ||
      shard.toClient !== expected.to ||
      m.clients !== expected.to - expected.from
    ) {
      throw new ShardError(
        `${file}: shard ${shard.index}/${count} does not hold clients ${expected.from}..${expected.to - 1} of ${m.fleetClients}`,
      );
    }
  }
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0) {
    const shown = missing.slice(0, 20).map((i) => `${i}/${count}`);
    if (missing.length > 20) shown.push(`and ${missing.length - 20} more`);
    throw new ShardError(`missing shard${missing.length > 1 ? 's' : ''} ${shown.join(', ')}; merge needs all ${count}`);
  }
}
