/**
 * The fleet's other clients on the skipping path with shared buffers (`SkippingClients`) give, client by client,
 * what the general path gives for the client's scenario (`clientScenario`, `simulateClient`, `FleetSummary.add`),
 * on every bundled fleet, over its horizon and a shortened one.
 */
import { describe, expect, it } from 'vitest';
import type { Fleet } from '../../../sim/fleet/load/Fleet.js';
import { QuietClients } from '../../../sim/fleet/run/quietClients.js';
import { SkippingClients } from '../../../sim/fleet/run/skippingClients.js';
import { FleetSummary } from '../../../sim/fleet/summary/FleetSummary.js';
import { addByScenario, bundled } from './generalPath.js';

const DAY = 86_400_000;
describe('SkippingClients', () => {
  for (const base of bundled) {
    for (const days of [null, 5]) {
      const fleet: Fleet = days === null ? base : { ...base, horizonMs: days * DAY };
      const name = `${fleet.name}${days === null ? '' : ` over ${days} days`}`;
      it(`adds each client of ${name} as the general path adds it, one after another with shared buffers`, () => {
        const quiet = new QuietClients(fleet);
        const others = new SkippingClients(fleet);
        const seen = { 'closed-form': 0, skipping: 0 };
        let outside = 0;
        for (let index = 0; index < 3000 && outside < 40; index++) {
          const mine = new FleetSummary(fleet);
          const reference = new FleetSummary(fleet);
          addByScenario(fleet, index, reference);
          // Every client not quiet, and a few quiet ones (the general fallback).
          if (quiet.tryAdd(index, new FleetSummary(fleet)) && index % 50 !== 0) continue;
          others.add(index, mine);
          if (reference.fastPath.skipping === 1) outside++;
          seen[reference.fastPath.skipping === 1 ? 'skipping' : 'closed-form']++;
          expect(mine.toJSON(), `client ${index}`).toEqual(reference.toJSON());
        }
        expect(seen.skipping).toBeGreaterThan(0);
        expect(seen['closed-form']).toBeGreaterThan(0);
      });
    }
  }
});
