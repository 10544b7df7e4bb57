/**
 * The time zone CMTrace-format logs are written in, as the log's own `bias`: minutes such that UTC = local + bias
 * (a client in Paris in winter writes `-60`, one in New York in summer `+240`). Pure; an IANA zone is resolved with
 * the runtime's `Intl` data, so its bias can change across a daylight-saving change inside one run: ask for the
 * bias of each instant.
 */
import { formatOffset } from './formatWall.js';

export interface TimeZone {
  /** As the user wrote it, normalised: `UTC`, `+02:00`, `Europe/Paris`. */
  readonly label: string;
  /** Minutes with UTC = local + bias at the instant `utcMs`. */
  biasMinutes(utcMs: number): number;
}

export const UTC: TimeZone = { label: 'UTC', biasMinutes: () => 0 };

const FIXED = /^(?:UTC|GMT)?([+-])(\d{1,2})(?::?(\d{2}))?$/i;

/** What `parseTimeZone` accepts, for error messages. */
export const TIME_ZONE_FORMS = 'UTC, a fixed offset such as +02:00 or -05:00, or an IANA name such as Europe/Paris';

/** A fixed offset from UTC: `offsetMinutes` is local minus UTC (Paris in winter: +60, so its bias is -60). */
export function fixedOffsetZone(offsetMinutes: number): TimeZone {
  return { label: formatOffset(offsetMinutes), biasMinutes: () => -offsetMinutes || 0 };
}

/** Reads a time zone; `null` when the text is none of {@link TIME_ZONE_FORMS}. */
export function parseTimeZone(text: string): TimeZone | null {
  const t = text.trim();
  if (/^(UTC|GMT|Z|Etc\/UTC)$/i.test(t)) return UTC;
  const fixed = FIXED.exec(t);
  if (fixed) {
    const [, sign, h, m] = fixed;
    const hours = Number(h);
    const minutes = Number(m ?? '0');
    if (hours > 14 || minutes > 59) return null;
    return fixedOffsetZone((sign === '-' ? -1 : 1) * (hours * 60 + minutes));
  }
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(t)) return null;
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: t,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  } catch {
    return null;
  }
  const label = format.resolvedOptions().timeZone;
  return {
    label,
    biasMinutes(utcMs: number): number {
      // The local wall clock of this instant, read back as if it were UTC, minus the instant: local - UTC.
      const seconds = Math.floor(utcMs / 1000) * 1000;
      const parts: Record<string, number> = {};
      for (const p of format.formatToParts(seconds)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
      const local = Date.UTC(
        parts.year ?? 1970,
        (parts.month ?? 1) - 1,
        parts.day ?? 1,
        parts.hour ?? 0,
        parts.minute ?? 0,
        parts.second ?? 0,
      );
      return -Math.round((local - seconds) / 60_000) || 0;
    },
  };
}
