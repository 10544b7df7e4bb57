import { describe, expect, it } from 'vitest';
import { formatIsoSeconds, formatLocal, formatOffset, formatWall } from '../../sim/time/formatWall.js';

const T = Date.UTC(2026, 2, 4, 18, 30);

describe('formatWall', () => {
  it('prints UTC with a space and milliseconds only when there are some', () => {
    expect(formatWall(T)).toBe('2026-03-04 18:30:00Z');
    expect(formatWall(T + 250)).toBe('2026-03-04 18:30:00.250Z');
    expect(formatIsoSeconds(T)).toBe('2026-03-04T18:30:00Z');
    expect(formatIsoSeconds(T + 5)).toBe('2026-03-04T18:30:00.005Z');
  });

  it('prints offsets and the local clock of a log bias (UTC = local + bias)', () => {
    expect([formatOffset(120), formatOffset(-330), formatOffset(0), formatOffset(-0)]).toEqual([
      '+02:00',
      '-05:30',
      '+00:00',
      '+00:00',
    ]);
    expect(formatLocal(T, -120)).toBe('2026-03-04 20:30:00');
    expect(formatLocal(T + 500, 300)).toBe('2026-03-04 13:30:00.500');
  });
});
