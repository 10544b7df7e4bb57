/**
 * Durations as scenario files write them: `45s`, `90m`, `1h30m`, `2d`, `1d2h`, `250ms`, or ISO 8601 `PT1H30M`,
 * `P1DT2H`, `PT0.5S`; an optional leading `-` where a signed duration is allowed (clock jumps). Pure.
 */

const MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as const;
type Unit = keyof typeof MS;
const UNIT_ORDER: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];

/** What the error messages show as the allowed forms. */
export const DURATION_FORMS = '45s, 90m, 1h30m, 2d, 1d2h, 250ms or ISO 8601 PT1H30M';

/** The JSON Schema pattern equivalent to `parseDuration` (signed when `signed`). */
export function durationPattern(signed: boolean): string {
  const compact = '(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?(\\d+ms)?';
  const iso = 'P(\\d+D)?(T(\\d+H)?(\\d+M)?(\\d+(\\.\\d{1,3})?S)?)?';
  return `^${signed ? '-?' : ''}(${compact}|${iso})$`;
}

const COMPACT = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$/;
const ISO = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,3}))?S)?)?$/;

/**
 * Parses a duration into integer milliseconds, or returns `null` when the text is not one of the allowed forms.
 * A sign is accepted only with `signed`. The empty string, a bare `P`/`PT` and a unit-less number are refused.
 */
export function parseDuration(text: string, signed = false): number | null {
  let body = text.trim();
  let sign = 1;
  if (body.startsWith('-')) {
    if (!signed) return null;
    sign = -1;
    body = body.slice(1);
  }
  if (body === '') return null;
  const compact = COMPACT.exec(body);
  if (compact) {
    const [, d, h, m, s, ms] = compact;
    return sign * total([d, h, m, s, ms]);
  }
  const iso = ISO.exec(body);
  if (iso && body !== 'P' && !body.endsWith('T')) {
    const [, d, h, m, s, frac] = iso;
    const fracMs = frac === undefined ? 0 : Number(frac.padEnd(3, '0'));
    return sign * (total([d, h, m, s, undefined]) + fracMs);
  }
  return null;
}

function total(parts: readonly (string | undefined)[]): number {
  let ms = 0;
  parts.forEach((part, i) => {
    if (part !== undefined) ms += Number(part) * MS[UNIT_ORDER[i] as Unit];
  });
  return ms;
}

/** The shortest compact form that `parseDuration` reads back to the same value: `1d2h`, `90s`, `0s`, `-2h`. */
export function formatDuration(ms: number): string {
  return compact(ms, UNIT_ORDER);
}

/** Like `formatDuration` but in hours at most (`49h0m10s`, not `2d1h0m10s`): how engineers count this timeout. */
export function formatHours(ms: number): string {
  return compact(ms, UNIT_ORDER.slice(1));
}

function compact(ms: number, units: readonly Unit[]): string {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`a duration must be an integer number of ms, got ${ms}`);
  if (ms === 0) return '0s';
  let rest = Math.abs(ms);
  let out = ms < 0 ? '-' : '';
  for (const unit of units) {
    const n = Math.floor(rest / MS[unit]);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * MS[unit];
    }
  }
  return out;
}

/** A clock reading for timelines: `2d 03:04:05.250` or `03:04:05` (sign kept). */
export function formatClock(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  const d = Math.floor(rest / MS.d);
  rest -= d * MS.d;
  const h = Math.floor(rest / MS.h);
  rest -= h * MS.h;
  const m = Math.floor(rest / MS.m);
  rest -= m * MS.m;
  const s = Math.floor(rest / MS.s);
  const milli = rest - s * MS.s;
  const pad = (n: number) => String(n).padStart(2, '0');
  const hms = `${pad(h)}:${pad(m)}:${pad(s)}${milli ? `.${String(milli).padStart(3, '0')}` : ''}`;
  return `${sign}${d ? `${d}d ` : ''}${hms}`;
}
