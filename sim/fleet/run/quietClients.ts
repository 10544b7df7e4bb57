/**
 * The quiet clients of a fleet drawn straight into numbers: the closed form of `simulateClient.ts` for the clients
 * `clientScenario` would make quiet (not stuck from before, no task sequence starting within the horizon), with no
 * `Scenario`, no event list and no per-client list of publications, added to the summary as it goes. A fleet's
 * publications are the same for every client up to its phase, so they are listed once per fleet; the draws come
 * from one reseeded generator (`Sfc32`, the bits of `createRandom`), the outages go to buffers reused from client to
 * client. Every other client gets `false` from `tryAdd` and takes the general path (`clientScenario`,
 * `simulateClient`).
 *
 * This mirrors `clientScenario` draw for draw and shares `closedForm`'s core (`quietRetrievals`, `Retrievals`); `test/fleet/run/quietClients.test.ts`
 * holds its summaries to those of the general path, client by client, on every bundled fleet.
 */
import type { Fleet, Interruptions } from '../load/Fleet.js';
import type { FleetSummary } from '../summary/FleetSummary.js';
import { taskSequenceFor } from '../simulate/clientScenario.js';
import { clientSeed, fmix32, pickIndex, sampleDuration, Sfc32 } from '../simulate/sample.js';
import { ccmevalRuns, quietRetrievals, Retrievals } from '../simulate/simulateClient.js';

const HOUR = 3_600_000;

/** Rounds down to whole seconds (as `clientScenario`). */
const seconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

export class QuietClients {
  private readonly rng = new Sfc32();
  /** Each outage's start and its downtime (client time), for the client at hand. */
  private outageAt = new Float64Array(64);
  private outageDown = new Float64Array(64);
  private readonly retrievals = new Retrievals();
  private readonly publications: FleetPublications;

  constructor(readonly fleet: Fleet) {
    this.publications = new FleetPublications(fleet);
  }

  /** Adds client `index` to `summary` if it is quiet, and says whether it did. */
  tryAdd(index: number, summary: FleetSummary): boolean {
    const { fleet, rng } = this;
    const c = fleet.client;
    const H = fleet.horizonMs;
    const seed = clientSeed(fleet.seed, index);
    // The client's own stream, as clientScenario draws it.
    rng.seed(seed);
    const phase = seconds(rng.nextFloat() * c.policyIntervalMs);
    const release = pickIndex(fleet.releases, rng);
    const max = pickIndex(fleet.maxMinutes, rng);
    const ccmevalFirst = seconds(rng.nextFloat() * c.ccmeval.everyMs);
    if (fleet.initiallyStuck !== null && rng.nextFloat() < fleet.initiallyStuck.share) return false;
    const kind = taskSequenceFor(fleet, rng.nextFloat());
    if (kind !== null) {
      // The task sequence's stream: its start is its first draw.
      rng.seed(fmix32(seed ^ 0x1b873593));
      const to = kind.startWindow.toMs ?? H;
      if (seconds(kind.startWindow.fromMs + rng.nextFloat() * (to - kind.startWindow.fromMs)) <= H) return false;
    }
    const count = this.drawOutages(seed, phase);
    // closedForm (simulateClient.ts) on numbers: its events are init, the publications, the outages, boots and
    // policy ticks, and the ccmeval runs.
    const horizonMs = H + phase;
    this.retrievals.reset();
    const outages = { atMs: this.outageAt, downtimeMs: this.outageDown, count };
    const eventCount =
      1 +
      this.publications.count +
      quietRetrievals(outages, horizonMs, c, this.retrievals) +
      ccmevalRuns(c.ccmeval, ccmevalFirst, horizonMs);
    summary.addQuiet(release, max, eventCount);
    this.publications.addWaits(this.retrievals, phase, summary);
    return true;
  }

  /** The interruptions' stream, as `drawInterruptions` draws it, into the outage buffers; returns their number. */
  private drawOutages(seed: number, phase: number): number {
    const { fleet, rng } = this;
    const power = fleet.powerLoss?.perHour ?? 0;
    const total = power + (fleet.reboot?.perHour ?? 0);
    if (total <= 0) return 0;
    rng.seed(fmix32(seed ^ 0xcc9e2d51));
    const meanMs = HOUR / total;
    let n = 0;
    for (let t = -Math.log(1 - rng.nextFloat()) * meanMs; t < fleet.horizonMs;) {
      const spec = (rng.nextFloat() * total < power ? fleet.powerLoss : fleet.reboot) as Interruptions;
      const downtimeMs = sampleDuration(spec.downtime, rng);
      rng.nextFloat(); // unrecoverable: a power loss and a restart are alike to a quiet client
      if (n === this.outageAt.length) this.growOutages();
      this.outageAt[n] = seconds(t) + phase;
      this.outageDown[n] = downtimeMs;
      n++;
      t += -Math.log(1 - rng.nextFloat()) * meanMs;
    }
    return n;
  }

  private growOutages(): void {
    const at = new Float64Array(this.outageAt.length * 2);
    const down = new Float64Array(this.outageAt.length * 2);
    at.set(this.outageAt);
    down.set(this.outageDown);
    this.outageAt = at;
    this.outageDown = down;
  }
}

/**
 * A fleet's publications, listed once: each deployment as a series (its first publication, fleet time, its period
 * and how many fall within the horizon), and the waits of one client's publications added to a summary from its
 * retrievals, series by series.
 */
export class FleetPublications {
  private readonly firstMs: Float64Array;
  private readonly everyMs: Float64Array;
  private readonly counts: Int32Array;
  /** How many publications in all (each counts as an event of every client's model). */
  readonly count: number;

  constructor(fleet: Fleet) {
    const H = fleet.horizonMs;
    const d = fleet.deployments;
    this.firstMs = Float64Array.from(d, (x) => x.atMs);
    this.everyMs = Float64Array.from(d, (x) => x.everyMs ?? 0);
    // As fleetPublications lists them: nothing after the horizon, a periodic one up to it.
    this.counts = Int32Array.from(d, (x) =>
      x.atMs > H ? 0 : x.everyMs === null ? 1 : Math.floor((H - x.atMs) / x.everyMs) + 1,
    );
    this.count = this.counts.reduce((a, b) => a + b, 0);
  }

  /**
   * Adds the waits of a client whose scenario starts `phase` before the fleet and retrieves policy at `retrievals`
   * to each deployment's latency.
   */
  addWaits(retrievals: Retrievals, phase: number, summary: FleetSummary): void {
    for (let e = 0; e < this.counts.length; e++) {
      const count = this.counts[e] as number;
      if (count > 0) {
        retrievals.addSeriesWaits(e, (this.firstMs[e] as number) + phase, this.everyMs[e] as number, count, summary);
      }
    }
  }
}
