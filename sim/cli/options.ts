/**
 * The one parser for numeric command-line options (and the environment variables that stand in for them), used by
 * every command: decimal digits only, in a stated range. An empty value, a sign where none is allowed, hex
 * (`0x10`), exponents (`1e3`), fractions (`1.5`), words (`abc`) and an option given twice are refused with one
 * line naming the option, the value and the range, never silently read as 0, 16, 1000 or NaN.
 */
import { InputError } from './InputError.js';

export interface IntegerOptionSpec {
  /** How the value is named in the message: `--seed`, or `PROVSIM_RUNS` for an environment variable. */
  readonly name: string;
  readonly min: number;
  readonly max: number;
  /** The unit, named in the message: "a decimal number of days". */
  readonly unit?: string;
  /** Appended to the message, e.g. "(0: the default 48 hours)". */
  readonly note?: string;
}

const DECIMAL = /^-?\d+$/;

function show(n: number): string {
  return n.toLocaleString('en-US');
}

function rangeText(spec: IntegerOptionSpec): string {
  return `a whole number from ${show(spec.min)} to ${show(spec.max)}, in decimal digits${spec.note ? ` ${spec.note}` : ''}`;
}

/**
 * A whole number written in decimal digits within [min, max], or undefined when the option is absent. Throws a
 * InputError (exit 2, one line) for anything else. Numbers beyond 2^53 are refused as out of range before they can round.
 */
export function parseIntegerOption(raw: unknown, spec: IntegerOptionSpec): number | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) {
    throw new InputError(`${spec.name} is given ${raw.length} times; give it once (${rangeText(spec)})`);
  }
  const text = typeof raw === 'string' ? raw : String(raw);
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) {
    const shown = text === '' ? "''" : text;
    throw new InputError(`${spec.name} ${shown}: expected ${rangeText(spec)}`);
  }
  const n = Number(trimmed);
  if (!Number.isSafeInteger(n) || n < spec.min || n > spec.max) {
    throw new InputError(`${spec.name} ${trimmed}: expected ${rangeText(spec)}`);
  }
  return n;
}

/** Like `parseIntegerOption`, with a default when the option is absent. */
export function integerOption(raw: unknown, spec: IntegerOptionSpec & { readonly default: number }): number {
  return parseIntegerOption(raw, spec) ?? spec.default;
}

export const SEED_RANGE = { min: 0, max: 4_294_967_295 } as const;

/** `--seed N` (or `name`, e.g. an environment variable): 0 to 2^32 - 1. */
export function parseSeedOption(raw: unknown, name = '--seed'): number | undefined {
  return parseIntegerOption(raw, { name, ...SEED_RANGE });
}

/** A non-negative decimal number (fractions allowed, no exponent or hex), for options such as `--days 0.5`. */
export function parseDecimalOption(raw: unknown, spec: IntegerOptionSpec): number | undefined {
  if (raw === undefined) return undefined;
  if (Array.isArray(raw)) throw new InputError(`${spec.name} is given ${raw.length} times; give it once`);
  const text = String(raw).trim();
  const n = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || n < spec.min || n > spec.max) {
    throw new InputError(
      `${spec.name} ${text === '' ? "''" : text}: expected a decimal number${spec.unit ? ` of ${spec.unit}` : ''} from ${show(spec.min)} to ${show(spec.max)}${spec.note ? ` ${spec.note}` : ''}`,
    );
  }
  return n;
}
