/**
 * The benchmark's fleet lower bound makes the same draws as `clientScenario`, client by client: otherwise the
 * comparison of the fleet with it would measure different work.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { drawClient, fleetLowerBound, Sfc32 } from '../../sim/bench/fleetLowerBound.js';
import { clientScenario, phaseOf } from '../../sim/fleet/simulate/clientScenario.js';
import { parseFleet } from '../../sim/fleet/load/loadFleet.js';

const dir = join(import.meta.dirname, '../../scenarios/fleets');
const fleets = readdirSync(dir)
  .filter((f) => f.endsWith('.fleet.yaml'))
  .map((f) => parseFleet(readFileSync(join(dir, f), 'utf8'), f));

describe('fleetLowerBound', () => {
  it.each(fleets.map((f) => [f.name, f] as const))('draws what clientScenario draws (%s)', (_, fleet) => {
    const rng = new Sfc32();
    const out = new Float64Array(4);
    let withTaskSequence = 0;
    for (let i = 0; i < 600; i++) {
      const s = clientScenario(fleet, i);
      drawClient(fleet, i, rng, out);
      const interruptions = s.events.filter((e) => e.type === 'power-loss' || e.type === 'reboot').length;
      const ts = s.taskSequence === null ? -1 : fleet.taskSequences.findIndex((k) => k.name === s.taskSequence?.name);
      expect([out[0], out[3]]).toEqual([phaseOf(fleet, s), interruptions]);
      if (ts >= 0) {
        withTaskSequence++;
        expect([out[1], (out[2] as number) + phaseOf(fleet, s)]).toEqual([ts, s.taskSequence?.startAtMs]);
      } else if (out[1] !== -1) expect((out[2] as number) > fleet.horizonMs).toBe(true); // drawn past a short horizon
    }
    if (fleet.taskSequences.length > 0) expect(withTaskSequence).toBeGreaterThan(0);
  });

  it('gives the same checksum for the same clients', () => {
    const fleet = fleets[0];
    if (fleet === undefined) throw new Error('no bundled fleet');
    expect(fleetLowerBound(fleet, 0, 500)).toBe(fleetLowerBound(fleet, 0, 500));
    expect(fleetLowerBound(fleet, 0, 500)).not.toBe(fleetLowerBound(fleet, 500, 1000));
  });
});
