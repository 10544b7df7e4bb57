/** Command-line overrides of a scenario: `--seed N` and `--assume key=value`. */
import { closest } from '../scenario/closest.js';
import { ASSUMPTION_VALUES, type Assumptions, type Scenario } from '../scenario/Scenario.js';
import { InputError } from './InputError.js';
import { parseSeedOption } from './options.js';

export function parseAssume(pairs: readonly string[]): Partial<Assumptions> {
  const out: Record<string, unknown> = {};
  const keys = Object.keys(ASSUMPTION_VALUES) as (keyof Assumptions)[];
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new InputError(`--assume ${pair}: expected key=value, for example --assume checkLoop=continuous`);
    const key = pair.slice(0, eq);
    const raw = pair.slice(eq + 1);
    if (!(keys as string[]).includes(key)) {
      const hint = closest(key, keys);
      throw new InputError(
        `--assume ${pair}: unknown assumption "${key}"${hint ? `; did you mean "${hint}"?` : ''} Allowed: ${keys.join(', ')}`,
      );
    }
    const allowed = ASSUMPTION_VALUES[key as keyof Assumptions] as readonly (string | boolean)[];
    const value = allowed.find((v) => String(v) === raw);
    if (value === undefined) {
      throw new InputError(`--assume ${pair}: "${raw}" is not a value of ${key}; allowed: ${allowed.join(', ')}`);
    }
    if (Object.hasOwn(out, key)) {
      throw new InputError(
        `--assume ${key} is given twice (${String(out[key])}, then ${raw}); give each assumption once`,
      );
    }
    out[key] = value;
  }
  return out as Partial<Assumptions>;
}

/** `--seed N`: strict decimal, 0 to 2^32 - 1 (see options.ts). */
export function parseSeed(raw: unknown, name = '--seed'): number | undefined {
  return parseSeedOption(raw, name);
}

export function applyOverrides(s: Scenario, seed: number | undefined, assume: Partial<Assumptions>): Scenario {
  return { ...s, seed: seed ?? s.seed, assumptions: { ...s.assumptions, ...assume } };
}
