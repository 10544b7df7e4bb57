/**
 * The fleet's other clients (not quiet: a task sequence within the horizon, stuck from before), each as its scenario
 * on the skipping path of `simulateClient.ts`, with what a fleet run can share from client to client: one
 * `Retrievals` reused, and the waits read off the fleet's publications (listed once, `FleetPublications`) straight
 * into the summary instead of a list of publications and a list of waits per client.
 * `test/fleet/run/skippingClients.test.ts` holds its summaries to those of the general path, client by client.
 */
import type { Fleet } from '../load/Fleet.js';
import type { FleetSummary } from '../summary/FleetSummary.js';
import { clientScenario, phaseOf } from '../simulate/clientScenario.js';
import { fastPathOf, Retrievals, simulateClient, skippingRetrievals } from '../simulate/simulateClient.js';
import { FleetPublications } from './quietClients.js';

export class SkippingClients {
  private readonly retrievals = new Retrievals();
  private readonly publications: FleetPublications;

  constructor(readonly fleet: Fleet) {
    this.publications = new FleetPublications(fleet);
  }

  /** Adds client `index` to `summary`. */
  add(index: number, summary: FleetSummary): void {
    const { fleet } = this;
    const scenario = clientScenario(fleet, index);
    const path = fastPathOf(scenario);
    const phase = phaseOf(fleet, scenario);
    if (path === 'closed-form') {
      // Never for a client QuietClients turned down; any other caller gets the general path.
      summary.add(index, scenario, phase, simulateClient(scenario, path), path);
      return;
    }
    const outcome = skippingRetrievals(scenario, this.retrievals, this.publications.count);
    summary.add(index, scenario, phase, outcome, path);
    this.publications.addWaits(this.retrievals, phase, summary);
  }
}
