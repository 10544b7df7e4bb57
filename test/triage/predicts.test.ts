/**
 * Triage predicts what the simulator then does: a simulated fleet (every kind of client the categories name) is
 * exported at T in each input shape and triaged as of T; each device's category and forecast is then checked
 * against what the full simulation of that client does after T.
 */
import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../sim/triage/categorize.js';
import { triage } from '../../sim/triage/triage.js';
import { parseTimeZone, UTC } from '../../sim/time/TimeZone.js';
import {
  AS_OF_MS,
  cmpivotExports,
  exitAfterT,
  jsonExport,
  simulateFleet,
  tsRunningAtT,
  wideCsvExport,
} from './simulatedFleet.js';

const fleet = simulateFleet();
const SHAPES = [
  ['CMPivot long CSV', cmpivotExports(fleet), {}],
  ['Export-Csv wide CSV (en-US, New York)', [wideCsvExport(fleet)], { zone: parseTimeZone('America/New_York') ?? UTC }],
  ['ConvertTo-Json', [jsonExport(fleet)], {}],
] as const;

describe.each(SHAPES)('triage of the %s export at T', (_, files, options) => {
  const { report } = triage(files, { asOfMs: AS_OF_MS, ...options });
  const byDevice = new Map(report.devices.map((d) => [d.device.toLowerCase(), d]));
  const cases = fleet.map((c) => [c.kind.name, c] as const);

  it('covers every category', () => {
    expect(new Set(report.devices.map((d) => d.category))).toEqual(new Set(CATEGORIES));
    expect(report.devices).toHaveLength(fleet.length);
  });

  it.each(cases)('%s: category and forecast match the full simulation', (_, c) => {
    const d = byDevice.get(c.device.toLowerCase());
    expect(d).toBeDefined();
    if (d === undefined) return;
    expect(d.category).toBe(c.kind.expected);
    const actual = exitAfterT(c);
    if (tsRunningAtT(c)) {
      // The sequence may end provisioning mode before the timeout, never after it.
      expect(d.action).not.toBe('fix-now');
      if (d.exitBy !== null && actual !== null) expect(actual).toBeLessThanOrEqual(d.exitBy);
      return;
    }
    if (d.category === 'never-exits') expect(actual).toBeNull();
    if (d.category === 'overdue') {
      const stamp = c.state.registry.ProvisioningEnabledTime as number;
      expect(AS_OF_MS).toBeGreaterThan(stamp * 1000 + 2880 * 60_000 + 3_600_000);
    }
    if (d.exitAfter !== null && d.exitBy !== null) {
      expect(actual).not.toBeNull();
      expect(actual as number).toBeGreaterThanOrEqual(d.exitAfter);
      expect(actual as number).toBeLessThanOrEqual(d.exitBy);
      if (d.exitAfter === d.exitBy) expect(actual).toBe(d.exitBy);
    }
  });

  it('gives fix-now to no client whose task sequence is still running within the window', () => {
    for (const c of fleet.filter(tsRunningAtT))
      expect(byDevice.get(c.device.toLowerCase())?.action).not.toBe('fix-now');
  });
});

describe('the known check phase', () => {
  it('gives an exact exit where the export says when CcmExec started', () => {
    const { report } = triage([jsonExport(fleet)], { asOfMs: AS_OF_MS });
    const exact = report.devices.filter((d) => d.exitBy !== null && d.exitAfter === d.exitBy);
    expect(exact.length).toBeGreaterThanOrEqual(3);
  });
});
