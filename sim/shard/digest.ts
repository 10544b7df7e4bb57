/**
 * The digest a shard report carries beside its body, so that `provsim merge` can tell a shard as `fleet --shard`
 * (or `remediate --shard`) wrote it from one edited or cut short since: `"digest": "sha256:<hex>"`, the SHA-256 of
 * the body's canonical JSON. Canonical: keys sorted (by UTF-16 code units), no white space, numbers and strings as
 * `JSON.stringify` writes them; so the digest depends on the values alone, not on the layout of the file.
 *
 * [provsim] Only shard reports carry a digest, and `schemaVersion` stays 1 (docs/model.md, "Merging shards and
 * report sets"). The digest guards against accidents (an edit, a truncated copy, a merge of the wrong files), not
 * against someone who recomputes it: `merge` also checks every field's shape and that the counts add up.
 */
import { createHash } from 'node:crypto';

/** The canonical JSON of a value (keys sorted, no white space). */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** `sha256:<hex>` of the canonical JSON of `value`. */
export function digestOf(value: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(value), 'utf8').digest('hex')}`;
}

/** The report with its digest added as the last field (the digest of every other field). */
export function sealShard<T extends object>(report: T): T & { readonly digest: string } {
  return { ...report, digest: digestOf(report) };
}

/** The body a digest covers: every field of the report but `digest`. */
export function bodyOf(report: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(report).filter(([key]) => key !== 'digest'));
}
