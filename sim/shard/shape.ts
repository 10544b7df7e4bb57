/**
 * The shape of a JSON value read back from a file, stated as data and checked in one pass: the first field that
 * does not fit is named by its path (`summary.byRelease[2].clients`) with what was expected and what was found.
 * Pure. Used by `provsim merge` on shard reports, which anyone can edit: a count is a non-negative safe integer, an
 * exact sum a count or a string of decimal digits, an object has exactly its keys.
 */

/** One field's shape. */
export type Shape =
  | { readonly kind: 'integer'; readonly min: number; readonly max: number }
  | { readonly kind: 'number' }
  | { readonly kind: 'string'; readonly pattern?: RegExp }
  | { readonly kind: 'boolean' }
  | { readonly kind: 'sum' }
  | { readonly kind: 'any'; readonly types: readonly string[] }
  | { readonly kind: 'nullable'; readonly shape: Shape }
  | { readonly kind: 'list'; readonly of: Shape; readonly maxLength: number }
  | { readonly kind: 'tuple'; readonly of: readonly Shape[] }
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, Shape>> };

/** A whole number from `min` to `max` (by default: any non-negative safe integer, a count). */
export const integer = (min = 0, max = Number.MAX_SAFE_INTEGER): Shape => ({ kind: 'integer', min, max });
export const count: Shape = integer();
/** Any finite number. */
export const number: Shape = { kind: 'number' };
export const string = (pattern?: RegExp): Shape =>
  pattern === undefined ? { kind: 'string' } : { kind: 'string', pattern };
export const boolean: Shape = { kind: 'boolean' };
/** An exact sum (`ExactSum.toJSON`): a count, or a decimal string past 2^53. */
export const sum: Shape = { kind: 'sum' };
/** Present, of one of these JSON types ('object', 'array', 'null', ...); its content is not looked at. */
export const any = (...types: string[]): Shape => ({ kind: 'any', types });
export const nullable = (shape: Shape): Shape => ({ kind: 'nullable', shape });
export const list = (of: Shape, maxLength = 10_000_000): Shape => ({ kind: 'list', of, maxLength });
export const tuple = (...of: Shape[]): Shape => ({ kind: 'tuple', of });
export const object = (fields: Readonly<Record<string, Shape>>): Shape => ({ kind: 'object', fields });
/** An object with the same shape under each of `keys`. */
export const record = (keys: readonly string[], shape: Shape): Shape =>
  object(Object.fromEntries(keys.map((k) => [k, shape])));

/** The JSON type of a value, as a message says it. */
export function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${typeOf(value)} ${text.slice(0, 37)}...` : `${typeOf(value)} ${text}`;
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);

/** The first field of `value` that does not fit `shape`, as `path: expected ..., got ...`; `null` when it fits. */
export function shapeProblem(value: unknown, shape: Shape, path: string): string | null {
  const where = path === '' ? 'the report' : path;
  switch (shape.kind) {
    case 'integer':
      return Number.isSafeInteger(value) && (value as number) >= shape.min && (value as number) <= shape.max
        ? null
        : `${where}: expected a whole number from ${shape.min} to ${shape.max}, got ${shown(value)}`;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? null
        : `${where}: expected a number, got ${shown(value)}`;
    case 'string':
      if (typeof value !== 'string') return `${where}: expected a string, got ${shown(value)}`;
      return shape.pattern === undefined || shape.pattern.test(value)
        ? null
        : `${where}: expected a string matching ${shape.pattern.source}, got ${shown(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? null : `${where}: expected true or false, got ${shown(value)}`;
    case 'sum':
      return (Number.isSafeInteger(value) && (value as number) >= 0) ||
        (typeof value === 'string' && /^\d{1,40}$/.test(value))
        ? null
        : `${where}: expected a sum (a whole number from 0, or a string of decimal digits), got ${shown(value)}`;
    case 'any':
      return shape.types.includes(typeOf(value))
        ? null
        : `${where}: expected ${shape.types.join(' or ')}, got ${shown(value)}`;
    case 'nullable':
      return value === null ? null : shapeProblem(value, shape.shape, path);
    case 'list':
      if (!Array.isArray(value)) return `${where}: expected an array, got ${shown(value)}`;
      if (value.length > shape.maxLength) {
        return `${where}: expected at most ${shape.maxLength} entries, got ${value.length}`;
      }
      return firstProblem(value.map((v, i) => () => shapeProblem(v, shape.of, `${path}[${i}]`)));
    case 'tuple':
      if (!Array.isArray(value) || value.length !== shape.of.length) {
        return `${where}: expected an array of ${shape.of.length} entries, got ${shown(value)}`;
      }
      return firstProblem(shape.of.map((s, i) => () => shapeProblem(value[i], s, `${path}[${i}]`)));
    case 'object': {
      if (typeOf(value) !== 'object') return `${where}: expected an object, got ${shown(value)}`;
      const o = value as Record<string, unknown>;
      const extra = Object.keys(o).find((k) => !Object.hasOwn(shape.fields, k));
      if (extra !== undefined) return `${join(path, extra)}: not a field of this report`;
      const missing = Object.keys(shape.fields).find((k) => !Object.hasOwn(o, k));
      if (missing !== undefined) return `${join(path, missing)}: missing`;
      return firstProblem(
        Object.entries(shape.fields).map(
          ([k, s]) =>
            () =>
              shapeProblem(o[k], s, join(path, k)),
        ),
      );
    }
  }
}

function firstProblem(checks: readonly (() => string | null)[]): string | null {
  for (const check of checks) {
    const problem = check();
    if (problem !== null) return problem;
  }
  return null;
}

/**
 * The first place where `actual` differs from `expected` (two JSON values), as `path: X in the file, Y expected`;
 * `null` when they are equal.
 */
export function firstDifference(actual: unknown, expected: unknown, path: string): string | null {
  const where = path === '' ? 'the report' : path;
  if (typeOf(actual) !== typeOf(expected)) return `${where}: ${shown(actual)} in the file, ${shown(expected)} expected`;
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) {
      return `${where}: ${actual.length} entries in the file, ${expected.length} expected`;
    }
    return firstProblem(actual.map((v, i) => () => firstDifference(v, expected[i], `${path}[${i}]`)));
  }
  if (typeOf(actual) === 'object') {
    const a = actual as Record<string, unknown>;
    const e = expected as Record<string, unknown>;
    const keys = [...new Set([...Object.keys(e), ...Object.keys(a)])];
    return firstProblem(keys.map((k) => () => firstDifference(a[k], e[k], join(path, k))));
  }
  return Object.is(actual, expected) ? null : `${where}: ${shown(actual)} in the file, ${shown(expected)} expected`;
}
