import { describe, expect, it } from 'vitest';
import { parseTimeZone } from '../../sim/time/TimeZone.js';

describe('parseTimeZone', () => {
  it('reads UTC with a bias of zero', () => {
    expect(parseTimeZone('UTC')?.biasMinutes(Date.UTC(2026, 0, 1))).toBe(0);
    expect(parseTimeZone('Z')?.label).toBe('UTC');
  });

  it('reads fixed offsets as a bias with UTC = local + bias', () => {
    expect(parseTimeZone('+02:00')?.biasMinutes(0)).toBe(-120);
    expect(parseTimeZone('-05:00')?.biasMinutes(0)).toBe(300);
    expect(parseTimeZone('+0530')?.biasMinutes(0)).toBe(-330);
    expect(parseTimeZone('-05:00')?.label).toBe('-05:00');
  });

  it('follows daylight saving time in an IANA zone', () => {
    const paris = parseTimeZone('Europe/Paris');
    // Central European Time changes at 01:00Z on the last Sunday of March 2026 (the 29th).
    expect(paris?.biasMinutes(Date.UTC(2026, 2, 29, 0, 59, 59))).toBe(-60);
    expect(paris?.biasMinutes(Date.UTC(2026, 2, 29, 1, 0, 0))).toBe(-120);
    expect(parseTimeZone('America/New_York')?.biasMinutes(Date.UTC(2019, 9, 18, 12))).toBe(240);
  });

  it('refuses what is not a time zone', () => {
    expect(parseTimeZone('Mars/Olympus')).toBeNull();
    expect(parseTimeZone('+25:00')).toBeNull();
    expect(parseTimeZone('next tuesday')).toBeNull();
  });
});
