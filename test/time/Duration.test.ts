import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DURATION_FORMS,
  durationPattern,
  formatClock,
  formatDuration,
  parseDuration,
} from '../../sim/time/Duration.js';
import { scaledRuns } from '../runs.js';

const H = 3_600_000;
const M = 60_000;

/** Strings built from the pieces of durations, so that most are near misses. */
const durationLike = fc
  .array(
    fc.constantFrom('0', '1', '5', '12', '90', 'd', 'h', 'm', 's', 'ms', 'P', 'T', 'D', 'H', 'M', 'S', '.', '-', ' '),
    {
      maxLength: 8,
    },
  )
  .map((parts) => parts.join(''));

describe('parseDuration', () => {
  it('reads the compact forms', () => {
    expect(parseDuration('45s')).toBe(45_000);
    expect(parseDuration('90m')).toBe(90 * M);
    expect(parseDuration('1h30m')).toBe(90 * M);
    expect(parseDuration('2d')).toBe(48 * H);
    expect(parseDuration('1d2h')).toBe(26 * H);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1m30s250ms')).toBe(90_250);
    expect(parseDuration('0s')).toBe(0);
  });

  it('reads the ISO 8601 forms', () => {
    expect(parseDuration('PT1H30M')).toBe(90 * M);
    expect(parseDuration('P1DT2H')).toBe(26 * H);
    expect(parseDuration('PT0.5S')).toBe(500);
    expect(parseDuration('PT1.25S')).toBe(1250);
    expect(parseDuration('P2D')).toBe(48 * H);
  });

  it('refuses empty, bare and unit-less text', () => {
    for (const text of ['', ' ', 'P', 'PT', 'P1DT', '90', '1.5h', '90 minutes', 'h', '1m1h', 'pt1h', '1H']) {
      expect(parseDuration(text), text).toBeNull();
    }
  });

  it('accepts a sign only when signed', () => {
    expect(parseDuration('-2h')).toBeNull();
    expect(parseDuration('-2h', true)).toBe(-2 * H);
    expect(parseDuration('-PT30M', true)).toBe(-30 * M);
    expect(parseDuration('2h', true)).toBe(2 * H);
    expect(parseDuration('-', true)).toBeNull();
  });

  it('reads back what formatDuration writes', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1e12, max: 1e12 }), (ms) => {
        expect(parseDuration(formatDuration(ms), true)).toBe(ms);
        if (ms >= 0) expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});

describe('formatDuration', () => {
  it('writes the shortest compact form', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(26 * H)).toBe('1d2h');
    expect(formatDuration(90_000)).toBe('1m30s');
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(-2 * H)).toBe('-2h');
  });

  it('refuses a non-integer', () => {
    expect(() => formatDuration(1.5)).toThrow(RangeError);
    expect(() => formatDuration(Number.NaN)).toThrow(RangeError);
  });
});

describe('durationPattern', () => {
  it('matches what parseDuration reads', () => {
    fc.assert(
      fc.property(durationLike, fc.boolean(), (text, signed) => {
        const re = new RegExp(durationPattern(signed), 'u');
        if (parseDuration(text, signed) !== null && text === text.trim()) expect(re.test(text)).toBe(true);
        // The pattern also matches the empty and bare forms ('', 'P', 'PT', 'P1DT'), which the schema excludes.
        const bare = /^-?(P|P.*T)?$/.test(text);
        if (re.test(text) && !bare) expect(parseDuration(text, signed)).not.toBeNull();
      }),
      { numRuns: scaledRuns(2000) },
    );
  });

  it('names the allowed forms', () => {
    for (const form of ['45s', '90m', '1h30m', 'PT1H30M']) {
      expect(DURATION_FORMS).toContain(form);
      expect(parseDuration(form)).not.toBeNull();
    }
  });
});

describe('formatClock', () => {
  it('writes days, hours, minutes, seconds and milliseconds', () => {
    expect(formatClock(0)).toBe('00:00:00');
    expect(formatClock(2 * 24 * H + 3 * H + 4 * M + 5_250)).toBe('2d 03:04:05.250');
    expect(formatClock(-H)).toBe('-01:00:00');
  });
});
