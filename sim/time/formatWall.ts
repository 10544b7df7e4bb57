/**
 * Wall-clock readings as provsim prints them: one home for every layer (scenario files, reports, the importer,
 * fleets). Pure; UTC unless a bias is given.
 */

/** `2026-03-04 18:30:00Z`, with milliseconds only when there are some (`... 07:09:02.500Z`). */
export function formatWall(utcMs: number): string {
  return new Date(utcMs)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.000Z$/, 'Z');
}

/** ISO 8601 as scenario files write it: `2026-03-04T18:30:00Z`, milliseconds only when there are some. */
export function formatIsoSeconds(utcMs: number): string {
  return new Date(utcMs).toISOString().replace('.000Z', 'Z');
}

/** `+02:00` for an offset of local minus UTC in minutes (Paris in summer: +120). */
export function formatOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/**
 * The local wall clock of a log written with `biasMinutes` (UTC = local + bias): `2026-03-04 20:00:00` (no zone
 * letter; milliseconds only when there are some).
 */
export function formatLocal(utcMs: number, biasMinutes: number): string {
  return new Date(utcMs - biasMinutes * 60_000)
    .toISOString()
    .replace('T', ' ')
    .replace(/(\.000)?Z$/, '');
}
