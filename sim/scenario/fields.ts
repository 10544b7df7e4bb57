/**
 * A small field-definition language for the scenario file format. Each definition does two things from one place:
 * it validates a YAML value (keeping source positions, so every issue points at a line and column) into typed
 * output, and it emits its JSON Schema (draft 2020-12). The loader and `scenarios/scenario.schema.json` are both
 * built from these definitions, so they cannot drift apart.
 *
 * Defaults are written in the file's own form (`'7d'`, not `604800000`): the schema shows them as a user would
 * write them, and the loader reads them through the same definition as a value found in the file.
 */

import { type Document, isAlias, isMap, isScalar, isSeq } from 'yaml';
import { closest } from './closest.js';
import { DURATION_FORMS, durationPattern, parseDuration } from '../time/Duration.js';

// ---------------------------------------------------------------------------------------------------------------
// Values with positions

/** A YAML value with the offset of its first character in the source (`null` for a value the loader supplied). */
export type Val = ScalarVal | MapVal | SeqVal;
export interface ScalarVal {
  readonly kind: 'scalar';
  readonly value: unknown;
  readonly offset: number | null;
  /** The scalar as written, when it was a plain (unquoted) scalar. */
  readonly plainSource: string | null;
}
export interface MapEntry {
  /** The key as text; `null` when the key is not a scalar (`? [a, b]`) or is empty. */
  readonly key: string | null;
  readonly keyOffset: number | null;
  readonly value: Val;
}
export interface MapVal {
  readonly kind: 'map';
  readonly entries: readonly MapEntry[];
  readonly offset: number | null;
}
export interface SeqVal {
  readonly kind: 'seq';
  readonly items: readonly Val[];
  readonly offset: number | null;
}

/** Thrown by `fromYaml` when the document (its aliases expanded, if it has any) holds more than `MAX_NODES` values. */
export class TooManyNodes extends Error {
  constructor(readonly throughAliases: boolean) {
    super(`more than ${MAX_NODES} values`);
  }
}
export const MAX_NODES = 100_000;

/**
 * Converts a parsed YAML node into a `Val`, resolving aliases. An alias that refers to a node containing it is
 * reported through `report` and read as `null`.
 */
export function fromYaml(node: unknown, doc: Document, report: (offset: number | null, message: string) => void): Val {
  let count = 0;
  let aliases = false;
  const stack = new Set<unknown>();
  const offsetOf = (n: unknown): number | null => {
    const range = (n as { range?: readonly number[] | null } | null)?.range;
    return range?.[0] ?? null;
  };
  const walk = (n: unknown, fallback: number | null): Val => {
    if (++count > MAX_NODES) throw new TooManyNodes(aliases);
    if (n === null || n === undefined) return { kind: 'scalar', value: null, offset: fallback, plainSource: null };
    if (isAlias(n)) {
      aliases = true;
      const target = n.resolve(doc);
      const at = offsetOf(n) ?? fallback;
      if (target === undefined) return { kind: 'scalar', value: null, offset: at, plainSource: null };
      if (stack.has(target)) {
        report(at, `the alias *${n.source} refers to a node that contains it; a scenario cannot be recursive`);
        return { kind: 'scalar', value: null, offset: at, plainSource: null };
      }
      const v = walk(target, at);
      // Report issues at the alias, where the user wrote the reference.
      return { ...v, offset: at };
    }
    const offset = offsetOf(n) ?? fallback;
    if (isScalar(n)) {
      const plain = n.type === 'PLAIN' && typeof n.source === 'string' ? n.source : null;
      return { kind: 'scalar', value: n.value, offset, plainSource: plain };
    }
    if (isMap(n) || isSeq(n)) {
      stack.add(n);
      try {
        if (isSeq(n)) return { kind: 'seq', items: n.items.map((item) => walk(item, offset)), offset };
        const entries: MapEntry[] = [];
        for (const pair of n.items) {
          const keyNode: unknown = pair.key;
          const keyOffset = offsetOf(keyNode) ?? offsetOf(pair.value) ?? offset;
          let key: string | null = null;
          if (isScalar(keyNode) && keyNode.value !== null && typeof keyNode.value !== 'object') {
            key = String(keyNode.value);
          }
          entries.push({ key, keyOffset, value: walk(pair.value, keyOffset) });
        }
        return { kind: 'map', entries, offset };
      } finally {
        stack.delete(n);
      }
    }
    return { kind: 'scalar', value: null, offset, plainSource: null };
  };
  return walk(node, null);
}

/** Builds a position-less `Val` from a plain JSON value (used for defaults). */
export function fromJson(value: unknown): Val {
  if (Array.isArray(value)) return { kind: 'seq', items: value.map(fromJson), offset: null };
  if (value !== null && typeof value === 'object') {
    return {
      kind: 'map',
      entries: Object.entries(value).map(([key, v]) => ({ key, keyOffset: null, value: fromJson(v) })),
      offset: null,
    };
  }
  return { kind: 'scalar', value, offset: null, plainSource: null };
}

/** What a value is, for "expected X, got Y" messages. */
export function describe(v: Val): string {
  if (v.kind === 'map') return 'a mapping';
  if (v.kind === 'seq') return 'a list';
  const x = v.value;
  if (x === null || x === undefined) return 'nothing (null)';
  if (typeof x === 'string') {
    const shown = x.length > 40 ? `${x.slice(0, 37)}...` : x;
    return `string ${JSON.stringify(shown)}`;
  }
  if (typeof x === 'number' && Number.isInteger(x) && !Number.isSafeInteger(x)) {
    return `number ${v.plainSource ?? String(x)}, too large to be read exactly (whole numbers stop being exact beyond 9007199254740991)`;
  }
  if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') return `${typeof x} ${String(x)}`;
  if (x instanceof Uint8Array) return 'binary data (a !!binary tag); write the value as plain text';
  if (x instanceof Date) return 'a !!timestamp; write date-times as quoted strings';
  return `a ${typeof x}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Issues and context

export interface RawIssue {
  readonly offset: number | null;
  readonly path: string;
  readonly message: string;
}

/** Collects issues during one validation; `vars` carries values that later checks depend on (the horizon). */
export class Cx {
  readonly issues: RawIssue[] = [];
  readonly vars = new Map<string, unknown>();
  issue(offset: number | null, path: string, message: string): void {
    this.issues.push({ offset, path, message });
  }
}

/** Where a value sits: its path (`events[2].downtime`) and the nearest known offset. */
export interface At {
  readonly path: string;
  readonly offset: number | null;
}

export const childPath = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`);
export const indexPath = (path: string, i: number): string => `${path}[${i}]`;

function report(cx: Cx, v: Val, at: At, message: string): Bad {
  cx.issue(v.offset ?? at.offset, at.path, message);
  return BAD;
}

// ---------------------------------------------------------------------------------------------------------------
// Specs

export const BAD: unique symbol = Symbol('invalid');
export type Bad = typeof BAD;
export type JsonSchema = { [key: string]: unknown };

export interface Spec<T> {
  parse(v: Val, at: At, cx: Cx): T | Bad;
  schema(): JsonSchema;
}

/** A spec from a parse function and a schema. */
export function custom<T>(parse: (v: Val, at: At, cx: Cx) => T | Bad, schema: () => JsonSchema): Spec<T> {
  return { parse, schema };
}

/** Runs `after` on each successfully parsed value (for values that later checks depend on). */
export function tap<T>(spec: Spec<T>, after: (value: T, cx: Cx) => void): Spec<T> {
  return {
    parse(v, at, cx) {
      const out = spec.parse(v, at, cx);
      if (out !== BAD) after(out, cx);
      return out;
    },
    schema: () => spec.schema(),
  };
}

/** `unknown key "horizn"; did you mean "horizon"? Allowed: name, ...` (the suggestion only when one is close). */
export function notAllowed(what: string, word: string, candidates: readonly string[]): string {
  const c = closest(word, candidates);
  const suggestion = c === undefined ? ';' : `; did you mean ${JSON.stringify(c)}?`;
  return `${what} ${JSON.stringify(word)}${suggestion} Allowed: ${candidates.join(', ')}`;
}

/** ` (write "2403" in quotes to make it a string)` when the value was an unquoted non-string scalar. */
function quoteHint(v: Val): string {
  if (v.kind !== 'scalar' || v.plainSource === null || typeof v.value === 'string') return '';
  if (v.plainSource === '') return ' (write "" for an empty string)';
  return ` (write ${JSON.stringify(v.plainSource)} in quotes to make it a string)`;
}

export interface StringOptions {
  readonly pattern?: RegExp;
  /** The message when the pattern does not match; receives the value. */
  readonly patternMessage?: (value: string) => string;
  /** The most characters allowed, and why (`a name names report files`). */
  readonly maxLength?: { readonly count: number; readonly why: string };
}

export function string(options: StringOptions = {}): Spec<string> {
  const { pattern, patternMessage, maxLength } = options;
  return {
    parse(v, at, cx) {
      if (v.kind !== 'scalar' || typeof v.value !== 'string') {
        return report(cx, v, at, `expected a string, got ${describe(v)}${quoteHint(v)}`);
      }
      if (pattern && !pattern.test(v.value)) {
        const text = patternMessage
          ? patternMessage(v.value)
          : `${JSON.stringify(v.value)} does not match the pattern ${pattern.source}`;
        return report(cx, v, at, text);
      }
      if (maxLength !== undefined && v.value.length > maxLength.count) {
        const { count, why } = maxLength;
        return report(cx, v, at, `at most ${count} characters (${why}); this one has ${v.value.length}`);
      }
      return v.value;
    },
    schema: () => ({
      type: 'string',
      ...(pattern ? { pattern: pattern.source } : {}),
      ...(maxLength ? { maxLength: maxLength.count } : {}),
    }),
  };
}

export function boolean(): Spec<boolean> {
  return {
    parse(v, at, cx) {
      if (v.kind === 'scalar' && typeof v.value === 'boolean') return v.value;
      return report(cx, v, at, `expected true or false, got ${describe(v)}`);
    },
    schema: () => ({ type: 'boolean' }),
  };
}

/** A whole number from `min` to `max`; `message`, when given, replaces the generic text (", got ..." follows). */
export function integer(min: number, max: number, message?: string): Spec<number> {
  const allowed = message === undefined ? `expected a whole number from ${min} to ${max},` : `${message};`;
  return {
    parse(v, at, cx) {
      const x = v.kind === 'scalar' ? v.value : undefined;
      if (typeof x === 'number' && Number.isInteger(x) && x >= min && x <= max) return x;
      return report(cx, v, at, `${allowed} got ${describe(v)}`);
    },
    schema: () => ({ type: 'integer', minimum: min, maximum: max }),
  };
}

/** One of a fixed list of strings. */
export function oneOf<T extends string>(values: readonly T[]): Spec<T> {
  const list = values.join(', ');
  return {
    parse(v, at, cx) {
      if (v.kind === 'scalar' && typeof v.value === 'string') {
        const x = v.value;
        if ((values as readonly string[]).includes(x)) return x as T;
        return report(cx, v, at, notAllowed('unknown value', x, values));
      }
      return report(cx, v, at, `expected one of ${list}, got ${describe(v)}`);
    },
    schema: () => ({ type: 'string', enum: [...values] }),
  };
}

/** Exactly this string (the tag of a tagged union's branch). */
export function constant<T extends string>(value: T): Spec<T> {
  return {
    parse(v, at, cx) {
      if (v.kind === 'scalar' && v.value === value) return value;
      return report(cx, v, at, `expected ${JSON.stringify(value)}, got ${describe(v)}`);
    },
    schema: () => ({ const: value }),
  };
}

/** `spec`, or `null` written as `null`, `~` or nothing. */
export function nullable<T>(spec: Spec<T>): Spec<T | null> {
  return {
    parse(v, at, cx) {
      if (v.kind === 'scalar' && v.value === null) return null;
      return spec.parse(v, at, cx);
    },
    schema: () => ({ anyOf: [spec.schema(), { type: 'null' }] }),
  };
}

export interface DurationOptions {
  /** `positive`: more than zero; `zero`: zero or more; `signed`: any sign (a leading `-`). */
  readonly min: 'positive' | 'zero' | 'signed';
}

/** A duration string, read into integer milliseconds. */
export function duration({ min }: DurationOptions): Spec<number> {
  const signed = min === 'signed';
  return {
    parse(v, at, cx) {
      if (v.kind !== 'scalar' || typeof v.value !== 'string') {
        return report(cx, v, at, `expected a duration string such as 90m, got ${describe(v)}; use ${DURATION_FORMS}`);
      }
      const text = v.value;
      if (text !== text.trim()) {
        return report(cx, v, at, `${JSON.stringify(text)} has spaces around it; write ${JSON.stringify(text.trim())}`);
      }
      const ms = parseDuration(text, signed);
      if (ms === null) {
        if (!signed && parseDuration(text, true) !== null) {
          return report(
            cx,
            v,
            at,
            `${JSON.stringify(text)} is negative; a negative duration is not allowed here, use 0s or more`,
          );
        }
        return report(
          cx,
          v,
          at,
          `${JSON.stringify(text)} is not a duration; use ${DURATION_FORMS}${signed ? ' (with a leading - to go back)' : ''}`,
        );
      }
      if (!Number.isSafeInteger(ms)) {
        return report(
          cx,
          v,
          at,
          `${JSON.stringify(text)} is too long a duration; use at most ${Math.floor(Number.MAX_SAFE_INTEGER / 86_400_000)}d`,
        );
      }
      if (min === 'positive' && ms <= 0) {
        return report(cx, v, at, `${JSON.stringify(text)} is zero; this duration must be more than 0s, such as 1h`);
      }
      return ms === 0 ? 0 : ms; // no -0
    },
    schema: () => ({ $ref: `#/$defs/${DURATION_DEF[min]}` }),
  };
}

const DURATION_DEF = { positive: 'positiveDuration', zero: 'duration', signed: 'signedDuration' } as const;

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
export const DATE_TIME_PATTERN = DATE_TIME.source;
export const DATE_TIME_EXAMPLE = '2026-03-02T08:00:00Z';

/** Parses an ISO 8601 date-time with `Z` or an offset into epoch milliseconds; `null` if it is not one or does not exist. */
export function parseDateTime(text: string): number | null {
  const m = DATE_TIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const maxDay = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1] ?? 0;
  if (day > maxDay) return null;
  let offsetMinutes = 0;
  if (zone !== undefined && zone !== 'Z') {
    const oh = Number(zone.slice(1, 3));
    const om = Number(zone.slice(4, 6));
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (zone.startsWith('-') ? -1 : 1) * (oh * 60 + om);
  }
  const ms = frac === undefined ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const utc = new Date(0);
  utc.setUTCFullYear(year, month - 1, day);
  utc.setUTCHours(hour, minute, second, ms);
  return utc.getTime() - offsetMinutes * 60_000;
}

/** An ISO 8601 date-time with `Z` or an offset, read into epoch milliseconds. */
export function dateTime(): Spec<number> {
  return {
    parse(v, at, cx) {
      if (v.kind !== 'scalar' || typeof v.value !== 'string') {
        return report(
          cx,
          v,
          at,
          `expected an ISO 8601 date-time string such as ${DATE_TIME_EXAMPLE}, got ${describe(v)}`,
        );
      }
      const ms = parseDateTime(v.value);
      if (ms === null) {
        const why = DATE_TIME.test(v.value) ? 'is not a date and time that exists' : 'is not an ISO 8601 date-time';
        return report(
          cx,
          v,
          at,
          `${JSON.stringify(v.value)} ${why}; use the form ${DATE_TIME_EXAMPLE} or 2026-03-02T09:00:00+01:00 (Z or an offset is required)`,
        );
      }
      return ms;
    },
    schema: () => ({ $ref: '#/$defs/dateTime' }),
  };
}

/** The shared definitions that schemas refer to with `{ $ref: '#/$defs/NAME' }`. */
export function schemaDefs(): Record<string, JsonSchema> {
  return {
    duration: {
      type: 'string',
      description: `A duration of 0s or more: ${DURATION_FORMS}.`,
      pattern: durationPattern(false),
      not: { pattern: '^(P|P.*T)?$' },
      examples: ['0s', '90m', '1h30m', 'PT1H30M'],
    },
    positiveDuration: {
      type: 'string',
      description: `A duration of more than 0s: ${DURATION_FORMS}.`,
      pattern: durationPattern(false),
      not: { pattern: '^([0dhms]*|P[0DTHMS.]*|P.*T)$' },
      examples: ['90m', '1h30m', '2d', 'PT1H30M'],
    },
    signedDuration: {
      type: 'string',
      description: `A duration, with a leading - for a negative one: ${DURATION_FORMS}.`,
      pattern: durationPattern(true),
      not: { pattern: '^-?(P|P.*T)?$' },
      examples: ['-2h', '30m', '-PT90M'],
    },
    dateTime: {
      type: 'string',
      format: 'date-time',
      description: `An ISO 8601 date-time with Z or an offset, such as ${DATE_TIME_EXAMPLE} or 2026-03-02T09:00:00+01:00.`,
      pattern: DATE_TIME_PATTERN,
      examples: [DATE_TIME_EXAMPLE],
    },
  };
}

export interface ListOptions {
  readonly minItems?: number;
  /** The message for a list shorter than `minItems`. */
  readonly tooShort?: string;
  /** A limit checked before any item is read, so a huge list is refused without being expanded. */
  readonly maxItems?: number;
  /** The message for a list longer than `maxItems` (the count is appended). */
  readonly tooLong?: string;
}

export function list<T>(item: Spec<T>, options: ListOptions = {}): Spec<T[]> {
  const minItems = options.minItems ?? 0;
  return {
    parse(v, at, cx) {
      if (v.kind !== 'seq') return report(cx, v, at, `expected a list, got ${describe(v)}`);
      if (v.items.length < minItems) {
        return report(cx, v, at, options.tooShort ?? `expected at least ${minItems} item(s), got ${v.items.length}`);
      }
      if (options.maxItems !== undefined && v.items.length > options.maxItems) {
        const limit = options.tooLong ?? `at most ${options.maxItems} items are allowed`;
        return report(cx, v, at, `${limit}; this list has ${v.items.length}`);
      }
      const out: T[] = [];
      let ok = true;
      v.items.forEach((x, i) => {
        const r = item.parse(x, { path: indexPath(at.path, i), offset: x.offset ?? v.offset ?? at.offset }, cx);
        if (r === BAD) ok = false;
        else out.push(r);
      });
      return ok ? out : BAD;
    },
    schema: () => ({
      type: 'array',
      items: item.schema(),
      ...(minItems > 0 ? { minItems } : {}),
      ...(options.maxItems === undefined ? {} : { maxItems: options.maxItems }),
    }),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Objects

const lowerFirst = (s: string): string => (s.charAt(0).toLowerCase() + s.slice(1)).replace(/\.$/, '');

export type Mode = 'required' | 'optional' | 'default';
export interface Prop<T, M extends Mode> {
  readonly spec: Spec<T>;
  readonly mode: M;
  /** The default in the file's own form, for `default` props. */
  readonly default?: unknown;
  readonly description: string;
}
export type Props = { readonly [key: string]: Prop<unknown, Mode> };

export const required = <T>(spec: Spec<T>, description: string): Prop<T, 'required'> => ({
  spec,
  mode: 'required',
  description,
});
export const optional = <T>(spec: Spec<T>, description: string): Prop<T, 'optional'> => ({
  spec,
  mode: 'optional',
  description,
});
export const withDefault = <T>(spec: Spec<T>, def: unknown, description: string): Prop<T, 'default'> => ({
  spec,
  mode: 'default',
  default: def,
  description,
});

export type Values<P extends Props> = {
  -readonly [K in keyof P]: P[K] extends Prop<infer T, infer M> ? (M extends 'optional' ? T | undefined : T) : never;
};

/** What `check` and `build` get besides the values. */
export interface ObjectCx {
  readonly cx: Cx;
  readonly at: At;
  /** The value written for `key`, if any. */
  raw(key: string): Val | undefined;
  /** Reports an issue at `key`'s value (or at the mapping when `key` is null or absent). */
  issue(key: string | null, message: string): void;
  /** Parses the value written for `key` with `spec`. */
  parse<T>(key: string, spec: Spec<T>): T | Bad;
}

export interface ObjectDef<P extends Props, R> {
  readonly title?: string;
  readonly description: string;
  /** What the object is, for "expected ..." messages (`the client settings`). */
  readonly what: string;
  readonly props: P;
  /** Cross-field checks; runs even when some fields are invalid (those are `undefined`). */
  readonly check?: (values: Partial<Values<P>>, o: ObjectCx) => void;
  /** Builds the output; runs only when every field is valid. */
  readonly build: (values: Values<P>, o: ObjectCx) => R | Bad;
  /** Extra schema keywords (for example `allOf` for dependent fields). */
  readonly schemaExtra?: JsonSchema;
}

export interface ObjectSpec<P extends Props, R> extends Spec<R> {
  readonly def: ObjectDef<P, R>;
}

export function object<P extends Props, R>(def: ObjectDef<P, R>): ObjectSpec<P, R> {
  const keys = Object.keys(def.props);
  const allowed = keys.join(', ');
  return {
    def,
    parse(v, at, cx) {
      if (v.kind !== 'map') {
        return report(cx, v, at, `expected ${def.what}: a mapping with keys ${allowed}; got ${describe(v)}`);
      }
      const byKey = new Map<string, MapEntry>();
      let ok = true;
      for (const e of v.entries) {
        if (e.key === null) {
          cx.issue(e.keyOffset, at.path, `keys must be plain names; allowed: ${allowed}`);
          ok = false;
        } else if (byKey.has(e.key)) {
          cx.issue(e.keyOffset, childPath(at.path, e.key), `duplicate key ${JSON.stringify(e.key)}`);
          ok = false;
        } else if (!Object.hasOwn(def.props, e.key)) {
          cx.issue(e.keyOffset, childPath(at.path, e.key), notAllowed('unknown key', e.key, keys));
          byKey.set(e.key, e);
          ok = false;
        } else {
          byKey.set(e.key, e);
        }
      }
      const here: At = { path: at.path, offset: v.offset ?? at.offset };
      const childAt = (key: string, val: Val): At => ({
        path: childPath(at.path, key),
        offset: val.offset ?? byKey.get(key)?.keyOffset ?? here.offset,
      });
      const o: ObjectCx = {
        cx,
        at: here,
        raw: (key) => (Object.hasOwn(def.props, key) ? byKey.get(key)?.value : undefined),
        issue(key, message) {
          const val = key === null ? undefined : byKey.get(key)?.value;
          const offset = val === undefined ? here.offset : (val.offset ?? here.offset);
          cx.issue(offset, key === null ? at.path : childPath(at.path, key), message);
        },
        parse(key, spec) {
          const val = byKey.get(key)?.value;
          if (val === undefined) return BAD;
          return spec.parse(val, childAt(key, val), cx);
        },
      };
      const values: Record<string, unknown> = {};
      for (const key of keys) {
        const prop = def.props[key] as Prop<unknown, Mode>;
        const entry = byKey.get(key);
        let val: Val;
        if (entry !== undefined) val = entry.value;
        else if (prop.mode === 'default') val = fromJson(prop.default);
        else {
          if (prop.mode === 'required') {
            cx.issue(
              here.offset,
              childPath(at.path, key),
              `missing required key ${JSON.stringify(key)}: ${lowerFirst(prop.description)}`,
            );
            ok = false;
          }
          continue;
        }
        const r = prop.spec.parse(val, childAt(key, val), cx);
        if (r === BAD) ok = false;
        else values[key] = r;
      }
      def.check?.(values as Partial<Values<P>>, o);
      return ok ? def.build(values as Values<P>, o) : BAD;
    },
    schema() {
      const properties: Record<string, JsonSchema> = {};
      const requiredKeys: string[] = [];
      for (const key of keys) {
        const prop = def.props[key] as Prop<unknown, Mode>;
        properties[key] = {
          ...prop.spec.schema(),
          description: prop.description,
          ...(prop.mode === 'default' ? { default: prop.default } : {}),
        };
        if (prop.mode === 'required') requiredKeys.push(key);
      }
      return {
        ...(def.title === undefined ? {} : { title: def.title }),
        description: def.description,
        type: 'object',
        properties,
        ...(requiredKeys.length > 0 ? { required: requiredKeys } : {}),
        additionalProperties: false,
        ...def.schemaExtra,
      };
    },
  };
}

/** `{ if: <key equals value>, then }`: the schema that applies when an object's `key` is `value`. */
export function whenEquals(key: string, value: string, then: JsonSchema): JsonSchema {
  return { if: { properties: { [key]: { const: value } }, required: [key] }, then };
}

type Output<S> = S extends Spec<infer T> ? T : never;

/**
 * A tagged union of objects: the value of `tag` chooses the branch, and the branch (an object that declares `tag`
 * as a `constant`) validates the rest.
 */
export function tagged<B extends { readonly [tag: string]: Spec<unknown> }>(
  tag: string,
  branches: B,
  what: string,
  tagDescription: string,
): Spec<Output<B[keyof B]>> {
  const names = Object.keys(branches);
  const list = names.join(', ');
  return {
    parse(v, at, cx) {
      if (v.kind !== 'map') {
        return report(
          cx,
          v,
          at,
          `expected ${what}: a mapping with a ${JSON.stringify(tag)} key (${list}); got ${describe(v)}`,
        );
      }
      const entry = v.entries.find((e) => e.key === tag);
      if (entry === undefined) {
        cx.issue(
          v.offset ?? at.offset,
          childPath(at.path, tag),
          `missing required key ${JSON.stringify(tag)}: one of ${list}`,
        );
        return BAD;
      }
      const t = entry.value;
      const tagAt: At = { path: childPath(at.path, tag), offset: t.offset ?? entry.keyOffset };
      if (t.kind !== 'scalar' || typeof t.value !== 'string') {
        return report(cx, t, tagAt, `expected one of ${list}, got ${describe(t)}`);
      }
      const branch = Object.hasOwn(branches, t.value) ? branches[t.value] : undefined;
      if (branch === undefined) {
        return report(cx, t, tagAt, notAllowed(`unknown ${what} ${tag}`, t.value, names));
      }
      return branch.parse(v, at, cx) as Output<B[keyof B]> | Bad;
    },
    schema() {
      return {
        type: 'object',
        required: [tag],
        properties: { [tag]: { type: 'string', enum: names, description: tagDescription } },
        allOf: Object.entries(branches).map(([name, branch]) => whenEquals(tag, name, branch.schema())),
      };
    },
  };
}
