/** What the tests of the fleet's fast paths compare with: the bundled fleets, and a client the general way. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Fleet } from '../../../sim/fleet/load/Fleet.js';
import { parseFleet } from '../../../sim/fleet/load/loadFleet.js';
import { clientScenario, phaseOf } from '../../../sim/fleet/simulate/clientScenario.js';
import { fastPathOf, simulateClient } from '../../../sim/fleet/simulate/simulateClient.js';
import type { FleetSummary } from '../../../sim/fleet/summary/FleetSummary.js';

const folder = join(import.meta.dirname, '../../../scenarios/fleets');

/** Every bundled fleet. */
export const bundled: readonly Fleet[] = readdirSync(folder)
  .filter((f) => f.endsWith('.fleet.yaml'))
  .map((f) => parseFleet(readFileSync(join(folder, f), 'utf8'), f));

/** Client `index` the general way (`clientScenario`, `simulateClient`, `FleetSummary.add`), into `summary`. */
export function addByScenario(fleet: Fleet, index: number, summary: FleetSummary): void {
  const scenario = clientScenario(fleet, index);
  const path = fastPathOf(scenario);
  summary.add(index, scenario, phaseOf(fleet, scenario), simulateClient(scenario, path), path);
}
