/**
 * A client's scenario is a pure function of the fleet and its index, valid, within its horizon, true to the
 * fleet's mixes, and drawn so that changing ProvisioningMaxMinutes (as `tune` does) changes nothing else.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientScenario, phaseOf } from '../../../sim/fleet/simulate/clientScenario.js';
import type { Fleet } from '../../../sim/fleet/load/Fleet.js';
import { parseFleet } from '../../../sim/fleet/load/loadFleet.js';
import { withMaxMinutes } from '../../../sim/fleet/tune/runTune.js';

const file = join(import.meta.dirname, '../../../scenarios/fleets/default.fleet.yaml');
const fleet: Fleet = parseFleet(readFileSync(file, 'utf8'), 'default.fleet.yaml');
const DAY = 86_400_000;

describe('clientScenario', () => {
  it('gives the same scenario for the same client, and different ones for different clients', () => {
    expect(clientScenario(fleet, 12_345)).toEqual(clientScenario(fleet, 12_345));
    expect(clientScenario(fleet, 12_345)).not.toEqual(clientScenario(fleet, 12_346));
    expect(clientScenario({ ...fleet, seed: 1 }, 12_345)).not.toEqual(clientScenario(fleet, 12_345));
  });

  it('starts each client at its own policy phase and keeps every event in the fleet window', () => {
    const phases = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const s = clientScenario(fleet, i);
      const phase = phaseOf(fleet, s);
      phases.add(phase);
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(fleet.client.policyIntervalMs);
      expect(s.horizonMs).toBe(fleet.horizonMs + phase);
      for (const e of s.events) {
        expect(e.atMs).toBeGreaterThanOrEqual(phase);
        expect(e.atMs + (e.repeat === undefined ? 0 : (e.repeat.count - 1) * e.repeat.everyMs)).toBeLessThanOrEqual(
          s.horizonMs,
        );
      }
      if (s.taskSequence !== null) expect(s.taskSequence.startAtMs).toBeLessThanOrEqual(s.horizonMs);
    }
    expect(phases.size).toBeGreaterThan(1000);
  });

  it('follows the fleet mixes', () => {
    const n = 20_000;
    let legacy = 0;
    let max240 = 0;
    let upgrades = 0;
    for (let i = 0; i < n; i++) {
      const s = clientScenario(fleet, i);
      if (s.client.version === '1810') legacy++;
      if (s.client.registry.ProvisioningMaxMinutes === 240) max240++;
      if (s.taskSequence?.name === 'Windows 11 in-place upgrade') upgrades++;
    }
    expect(legacy / n).toBeCloseTo(0.1, 1);
    expect(max240 / n).toBeCloseTo(0.1, 1);
    expect(upgrades / n).toBeGreaterThan(0.025);
    expect(upgrades / n).toBeLessThan(0.035);
  });

  it('changes nothing but ProvisioningMaxMinutes when tune sets it', () => {
    const tuned = withMaxMinutes(fleet, 120);
    for (let i = 0; i < 500; i++) {
      const a = clientScenario(fleet, i);
      const b = clientScenario(tuned, i);
      expect(b.client.registry.ProvisioningMaxMinutes).toBe(120);
      expect({ ...b.client.registry, ProvisioningMaxMinutes: 0 }).toEqual({
        ...a.client.registry,
        ProvisioningMaxMinutes: 0,
      });
      expect({ ...b, client: { ...b.client, registry: {} } }).toEqual({ ...a, client: { ...a.client, registry: {} } });
    }
  });

  it('drops what falls after a horizon that --days shortened', () => {
    const week = { ...fleet, horizonMs: 7 * DAY };
    for (let i = 0; i < 300; i++) {
      const s = clientScenario(week, i);
      expect(s.events.some((e) => e.type === 'deployment' && e.atMs > s.horizonMs)).toBe(false);
      expect(
        s.events.filter((e) => e.type === 'deployment').map((e) => (e.type === 'deployment' ? e.name : '')),
      ).not.toContain('Patch Tuesday');
    }
  });

  it('refuses an index outside the fleet', () => {
    expect(() => clientScenario(fleet, fleet.clients)).toThrow(/from 0 to 999999/);
    expect(() => clientScenario(fleet, -1)).toThrow(RangeError);
  });
});
