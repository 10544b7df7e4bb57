/**
 * The fleet's lower bound for `npm run bench`: a tight loop that makes, for every client, exactly the random draws
 * `clientScenario` makes (the client's own, its task sequence's, its interruptions'), on the same generator
 * (sfc32 seeded through splitmix32, as `createRandom`), with one generator object reused for every stream, no
 * object per client and no model: what any fleet simulation of these clients must at least do. It keeps a few
 * numbers per client (its phase, task sequence and interruption count) so that nothing is optimised away and so
 * that a test can check, client by client, that the draws are `clientScenario`'s own.
 */
import type { DurationDistribution, Fleet, Interruptions } from '../fleet/load/Fleet.js';
import { clientSeed, fmix32, Sfc32 } from '../fleet/simulate/sample.js';

export { Sfc32 };

const HOUR = 3_600_000;
const Z95 = 1.6448536269514722;

function duration(d: DurationDistribution, rng: Sfc32): number {
  if (d.kind === 'fixed') return d.ms;
  if (d.kind === 'uniform') {
    const x = Math.round((d.minMs + rng.nextFloat() * (d.maxMs - d.minMs)) / 1000) * 1000;
    return Math.min(d.maxMs, Math.max(d.minMs, x));
  }
  let n: number;
  for (;;) {
    const u = 2 * rng.nextFloat() - 1;
    const v = 2 * rng.nextFloat() - 1;
    const s = u * u + v * v;
    if (s > 0 && s < 1) {
      n = u * Math.sqrt((-2 * Math.log(s)) / s);
      break;
    }
  }
  const mu = Math.log(d.medianMs);
  return Math.round(Math.exp(mu + ((Math.log(d.p95Ms) - mu) / Z95) * n) / 1000) * 1000;
}

/** What the loop keeps of client `i`: `out[0]` its phase, `out[1]` its task sequence (-1 none), `out[2]` its start, `out[3]` its interruptions. */
export type ClientDraws = Float64Array;

/**
 * Makes client `index`'s draws into `out` (see `ClientDraws`). Mirrors `clientScenario` draw for draw; the
 * equivalence test holds it to that.
 */
export function drawClient(fleet: Fleet, index: number, rng: Sfc32, out: ClientDraws): void {
  const seed = clientSeed(fleet.seed, index);
  const c = fleet.client;
  rng.seed(seed);
  const phase = Math.floor((rng.nextFloat() * c.policyIntervalMs) / 1000) * 1000;
  rng.nextFloat(); // release
  rng.nextFloat(); // ProvisioningMaxMinutes
  rng.nextFloat(); // ccmeval phase
  const stuck = fleet.initiallyStuck;
  if (stuck !== null && rng.nextFloat() < stuck.share) duration(stuck.enteredAgo, rng);
  const u = rng.nextFloat();
  let ts = -1;
  let cumulative = 0;
  for (let k = 0; k < fleet.taskSequences.length; k++) {
    cumulative += (fleet.taskSequences[k] as Fleet['taskSequences'][number]).share;
    if (u < cumulative) {
      ts = k;
      break;
    }
  }
  let tsStart = -1;
  const kind = fleet.taskSequences[ts];
  if (kind !== undefined) {
    rng.seed(fmix32(seed ^ 0x1b873593));
    const from = kind.startWindow.fromMs;
    const to = kind.startWindow.toMs ?? fleet.horizonMs;
    tsStart = Math.floor((from + rng.nextFloat() * (to - from)) / 1000) * 1000;
    for (const s of kind.steps) {
      duration(s.duration, rng);
      rng.nextFloat();
      rng.nextFloat();
    }
    rng.nextFloat();
    rng.nextFloat();
  }
  let interruptions = 0;
  const power = fleet.powerLoss?.perHour ?? 0;
  const total = power + (fleet.reboot?.perHour ?? 0);
  if (total > 0) {
    rng.seed(fmix32(seed ^ 0xcc9e2d51));
    const meanMs = HOUR / total;
    for (
      let t = -Math.log(1 - rng.nextFloat()) * meanMs;
      t < fleet.horizonMs;
      t += -Math.log(1 - rng.nextFloat()) * meanMs
    ) {
      const spec = (rng.nextFloat() * total < power ? fleet.powerLoss : fleet.reboot) as Interruptions;
      duration(spec.downtime, rng);
      rng.nextFloat();
      interruptions++;
    }
  }
  out[0] = phase;
  out[1] = ts;
  out[2] = tsStart;
  out[3] = interruptions;
}

/** The loop over clients `[from, to)`: returns a checksum of what it kept (so that the work cannot be skipped). */
export function fleetLowerBound(fleet: Fleet, from: number, to: number): number {
  const rng = new Sfc32();
  const out = new Float64Array(4);
  let checksum = 0;
  for (let i = from; i < to; i++) {
    drawClient(fleet, i, rng, out);
    checksum += (out[0] as number) / 1000 + (out[1] as number) + (out[3] as number);
  }
  return checksum;
}
