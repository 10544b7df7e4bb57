/** The fleet pages' bar chart shows a tail bin of a few clients beside bins of thousands, and says its count. */
import { describe, expect, it } from 'vitest';
import { barChart } from '../../sim/html/svgChart.js';

describe('barChart', () => {
  const svg = barChart({
    title: 'Time in provisioning mode',
    bars: [
      { label: '0..30m', value: 25_000 },
      { label: '48h..49h', value: 3 },
      { label: '14d..', value: 0 },
    ],
    color: '#8250df',
    valueLabel: 'clients',
  });
  const heights = [...svg.matchAll(/<rect class="bar"[^>]* height="([\d.]+)"/g)].map((m) => Number(m[1]));

  it('draws a visible bar for a small count and none for zero', () => {
    expect(heights).toHaveLength(3);
    expect(heights[1]).toBeGreaterThanOrEqual(2);
    expect(heights[2]).toBe(0);
  });

  it('writes each count above its bar', () => {
    expect([...svg.matchAll(/<text class="count"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual(['25k', '3', '0']);
  });
});
