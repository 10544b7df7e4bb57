/**
 * The quiet clients drawn straight into numbers (`QuietClients`) give, client by client, what the general path
 * gives for the client's scenario (`clientScenario`, `simulateClient`, `FleetSummary.add`): the same choice of
 * quiet clients, the same summary. On every bundled fleet, with its horizon shortened so that some task sequences
 * start after it (quiet clients with a task sequence drawn).
 */
import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../../sim/fleet/load/Fleet.js';
import { QuietClients } from '../../../sim/fleet/run/quietClients.js';
import { simulateRange } from '../../../sim/fleet/run/simulateRange.js';
import { Sfc32 } from '../../../sim/fleet/simulate/sample.js';
import { FleetSummary } from '../../../sim/fleet/summary/FleetSummary.js';
import { addByScenario, bundled } from './generalPath.js';
import { createRandom } from '../../../sim/kernel/Random.js';

const DAY = 86_400_000;
describe('Sfc32', () => {
  it('draws the bits of createRandom for the same seed, reseeded in place', () => {
    const rng = new Sfc32();
    for (const seed of [0, 1, -7, 2026, 0x7fffffff, 0xcc9e2d51]) {
      const reference = createRandom(seed);
      rng.seed(seed);
      for (let i = 0; i < 50; i++) expect(rng.nextUint32()).toBe(reference.nextUint32());
      expect(rng.nextFloat()).toBe(reference.nextFloat());
      expect(rng.nextInt(3, 9)).toBe(reference.nextInt(3, 9));
    }
  });
});

describe('QuietClients', () => {
  for (const base of bundled) {
    for (const days of [null, 5]) {
      const fleet: Fleet = days === null ? base : { ...base, horizonMs: days * DAY };
      it(`takes exactly the closed-form clients of ${fleet.name}${days === null ? '' : ` over ${days} days`}, each as the general path adds it`, () => {
        const quiet = new QuietClients(fleet);
        let taken = 0;
        for (let index = 0; index < 150; index++) {
          const mine = new FleetSummary(fleet);
          const reference = new FleetSummary(fleet);
          const took = quiet.tryAdd(index, mine);
          addByScenario(fleet, index, reference);
          expect(took, `client ${index}`).toBe(reference.fastPath['closed-form'] === 1);
          if (took) {
            taken++;
            expect(mine.toJSON(), `client ${index}`).toEqual(reference.toJSON());
          } else {
            expect(mine.clients).toBe(0);
          }
        }
        expect(taken).toBeGreaterThan(0);
      });

      it(`sums ${fleet.name}${days === null ? '' : ` over ${days} days`} as the general path does`, () => {
        const reference = new FleetSummary(fleet);
        for (let index = 0; index < 2000; index++) addByScenario(fleet, index, reference);
        expect(simulateRange(fleet, { from: 0, to: 2000 }).toJSON()).toEqual(reference.toJSON());
      });
    }
  }
});
