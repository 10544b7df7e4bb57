/**
 * The fleet's fast path: one client's `ClientOutcome`, identical to what `buildReport(runModel(scenario))` says
 * (the `--explain` equivalence test checks it on clients from every branch), at a fraction of the cost.
 *
 * Two branches:
 * - **closed form** (`quiet` clients: no task sequence, never in provisioning mode, in the installed OS from time 0,
 *   only deployments, power losses and restarts). Nothing they do changes anything but when policy is retrieved,
 *   so the outcome is computed without running the model: CcmExec runs from time 0 and from the end of each outage to the next one; it retrieves policy
 *   at each start after a boot and every `policyInterval` after a start; a deployment waits for the first retrieval
 *   at or after its publication. Event counts follow from the same periods. Its core (`quietRetrievals`,
 *   `Retrievals`) works on numbers: a fleet run takes its quiet clients straight from the draws, with no scenario
 *   (`sim/fleet/run/quietClients.ts`), and this function for any other caller.
 * - **skipping** (every other client): the model's own driver loop (`sim/model/driver.ts`, the one `runModel`
 *   runs on), except that a tick the model calls routine (`isRoutineTick` in `sim/model/queries.ts`: policy ticks
 *   with nothing to retrieve or skipped in provisioning mode, healthy ccmeval runs and those skipped while off or in
 *   Windows PE, checks that cannot expire yet, `nextExpiringCheck`) is counted instead of fired, and the periodic
 *   timers are moved past every routine tick up to the next event that can change something. Such a tick changes no
 *   state and emits only routine trace entries, so skipping it changes nothing but the trace, whose routine entries
 *   are counted exactly (policy cycles skipped, events). It runs the transitions in place (`transitionInPlace`):
 *   nothing here keeps an earlier state.
 *
 * Determinism: the same scenario gives the same outcome (the driver's order is the kernel's).
 */
import { ModelDriver, scriptedOccurrences, TIMER_KEYS } from '../../model/driver.js';
import { isPeriodic, isRoutineTick, nextExpiringCheck, type PeriodicKey, periodOf } from '../../model/queries.js';
import { finish, isRegistryInconsistent, registrySaysProvisioning } from '../../model/transition.js';
import type { ClientState, TraceEntry } from '../../model/types.js';
import { type ProvisioningInterval, trackInterval } from '../../model/intervals.js';
import type { Scenario, ScenarioEvent, TaskSequenceOutcome } from '../../scenario/Scenario.js';
import { type ClientOutcome, emptyHazardCounts, stuckTime } from './ClientOutcome.js';

export type FastPath = 'closed-form' | 'skipping';

/** Which branch `simulateClient` takes for a scenario. */
export function fastPathOf(scenario: Scenario): FastPath {
  const { client } = scenario;
  const quiet =
    scenario.taskSequence === null &&
    client.startup === 'auto' &&
    client.poweredOn &&
    client.startsIn === 'os' &&
    !registrySaysProvisioning(client.registry) &&
    !isRegistryInconsistent({ ProvisioningMode: 'false', SystemTaskExcludes: '', ...client.registry }) &&
    scenario.events.every((e) => e.type === 'deployment' || e.type === 'power-loss' || e.type === 'reboot');
  return quiet ? 'closed-form' : 'skipping';
}

/** The client's outcome, by the branch `path` (by default the one `fastPathOf` chooses; the closed form needs it). */
export function simulateClient(scenario: Scenario, path: FastPath = fastPathOf(scenario)): ClientOutcome {
  return path === 'closed-form' ? closedForm(scenario) : skipping(scenario);
}

// ---------------------------------------------------------------------------------------------------------------
// Deployments, and the retrievals that process them

/**
 * The publication times of every deployment at or before the horizon, in increasing order: the order of the
 * report's `deployments` (the model publishes by time, then file order; deployments published at the same instant
 * are processed by the same retrieval, so their waits are equal and their order among themselves does not matter).
 */
function publications(scenario: Scenario): number[] {
  const { events, horizonMs } = scenario;
  // Each deployment is a progression: `left` publications `every` apart from `next`; they are merged by time.
  const next: number[] = [];
  const every: number[] = [];
  const left: number[] = [];
  let total = 0;
  for (const e of events) {
    if (e.type !== 'deployment' || e.atMs > horizonMs) continue;
    const r = e.repeat;
    const count = r === undefined ? 1 : Math.min(r.count, Math.floor((horizonMs - e.atMs) / r.everyMs) + 1);
    next.push(e.atMs);
    every.push(r === undefined ? 0 : r.everyMs);
    left.push(count);
    total += count;
  }
  const out: number[] = new Array<number>(total);
  for (let k = 0; k < total; k++) {
    let best = -1;
    for (let j = 0; j < next.length; j++) {
      if ((left[j] as number) > 0 && (best < 0 || (next[j] as number) < (next[best] as number))) best = j;
    }
    out[k] = next[best] as number;
    next[best] = (next[best] as number) + (every[best] as number);
    left[best] = (left[best] as number) - 1;
  }
  return out;
}

/**
 * When policy is retrieved, as runs of `count` retrievals `step` apart from `fromMs`, in time order. Deployments
 * touch nothing in the model but the retrievals that process them, so the fast path runs the model without them and
 * reads each one's processing time off this list: the first retrieval at or after its publication (a publication
 * runs before anything else at its instant but time 0's setup, whose retrieval is left out of the list). Reusable
 * (`reset`): the quiet clients' loop keeps one.
 */
export class Retrievals {
  private runs = new Float64Array(48);
  private length = 0;
  /** Where `waitAt` resumes its search (an index into `runs`). */
  private cursor = 0;

  reset(): void {
    this.length = 0;
  }

  add(fromMs: number, stepMs: number, count: number): void {
    if (count <= 0) return;
    if (this.length + 3 > this.runs.length) {
      const runs = new Float64Array(this.runs.length * 2);
      runs.set(this.runs);
      this.runs = runs;
    }
    this.runs[this.length++] = fromMs;
    this.runs[this.length++] = stepMs;
    this.runs[this.length++] = count;
  }

  /**
   * The wait of a publication at `at` (-1: never processed), the publications asked for in time order after
   * `cursor = 0`: the first retrieval at or after it.
   */
  private waitAt(at: number): number {
    const runs = this.runs;
    for (let i = this.cursor; i < this.length; i += 3) {
      const from = runs[i] as number;
      const step = runs[i + 1] as number;
      if (from + ((runs[i + 2] as number) - 1) * step >= at) {
        this.cursor = i;
        return (from >= at ? from : from + Math.ceil((at - from) / step) * step) - at;
      }
    }
    this.cursor = this.length;
    return -1;
  }

  /**
   * Into `out[k]`, the wait of the publication at `published[k] + shift` (NaN: never processed); the publications
   * are in time order.
   */
  waitsInto(published: ArrayLike<number>, shift: number, out: Float64Array): void {
    this.cursor = 0;
    for (let k = 0; k < published.length; k++) {
      const wait = this.waitAt((published[k] as number) + shift);
      out[k] = wait < 0 ? Number.NaN : wait;
    }
  }

  /**
   * Adds the waits of `count` publications of deployment `entry`, at `firstMs + k * everyMs` (k from 0, in time
   * order), to `sink`: what `waitsInto` finds for them, a run of retrievals at a time where it can. When `everyMs` is a
   * multiple of a run's step, the publications after the run's first retrieval and up to its last wait alike (each
   * is as far from the next retrieval), so they are added at once; the others one by one.
   */
  addSeriesWaits(entry: number, firstMs: number, everyMs: number, count: number, sink: LatencySink): void {
    const runs = this.runs;
    let i = 0;
    let k = 0;
    while (k < count) {
      const at = firstMs + k * everyMs;
      while (i < this.length && (runs[i] as number) + ((runs[i + 2] as number) - 1) * (runs[i + 1] as number) < at) {
        i += 3;
      }
      if (i >= this.length) {
        sink.addLatency(entry, null, count - k);
        return;
      }
      const from = runs[i] as number;
      const step = runs[i + 1] as number;
      if (from >= at) {
        sink.addLatency(entry, from - at, 1);
        k++;
        continue;
      }
      // `at` is after the run's first retrieval and at or before its last (so `step` > 0).
      const wait = from + Math.ceil((at - from) / step) * step - at;
      const last = from + ((runs[i + 2] as number) - 1) * step;
      const times =
        everyMs > 0 && everyMs % step === 0 ? Math.min(count - k, Math.floor((last - at) / everyMs) + 1) : 1;
      sink.addLatency(entry, wait, times);
      k += times;
    }
  }

  /** Each publication's wait (`null`: never processed); `published` is in time order. */
  waits(published: readonly number[]): (number | null)[] {
    const out = new Float64Array(published.length);
    this.waitsInto(published, 0, out);
    const waits: (number | null)[] = new Array<number | null>(out.length);
    for (let k = 0; k < out.length; k++) waits[k] = Number.isNaN(out[k]) ? null : (out[k] as number);
    return waits;
  }
}

/** Where `Retrievals.addSeriesWaits` adds waits: `times` publications of deployment `entry` that waited `wait` (null: never processed). */
export interface LatencySink {
  addLatency(entry: number, wait: number | null, times: number): void;
}

/** A client's outages (power losses and restarts) in the kernel's order: when each starts, and its downtime. */
export interface Outages {
  readonly atMs: ArrayLike<number>;
  readonly downtimeMs: ArrayLike<number>;
  readonly count: number;
}

/**
 * The closed form's core: when a quiet client retrieves policy (into `retrievals`) and how many events its outages,
 * boots and policy ticks make. CcmExec runs from `fromMs`: time 0 (whose retrieval processes nothing) or the end of
 * a boot (which retrieves). While it runs, a policy tick every P retrieves; a tick at the instant of a stop still
 * runs (it comes first).
 */
export function quietRetrievals(
  outages: Outages,
  horizonMs: number,
  client: { readonly policyIntervalMs: number; readonly bootTimeMs: number },
  retrievals: Retrievals,
): number {
  const P = client.policyIntervalMs;
  let eventCount = 0;
  let on = true;
  let fromMs = 0;
  let bootAt = -1;
  for (let k = 0; k < outages.count; k++) {
    const atMs = outages.atMs[k] as number;
    // The end of a boot (Priority.boot) runs before an action at the same instant (Priority.action + index).
    if (bootAt >= 0 && bootAt <= atMs) {
      eventCount++;
      on = true;
      fromMs = bootAt;
      retrievals.add(bootAt, 0, 1);
      bootAt = -1;
    }
    eventCount++;
    if (on) {
      const ticks = Math.floor((atMs - fromMs) / P);
      retrievals.add(fromMs + P, P, ticks);
      eventCount += ticks;
      on = false;
    }
    // [provsim] An outage while the device is off starts it over: the pending boot is replaced.
    bootAt = atMs + (outages.downtimeMs[k] as number) + client.bootTimeMs;
  }
  if (bootAt >= 0 && bootAt <= horizonMs) {
    eventCount++;
    on = true;
    fromMs = bootAt;
    retrievals.add(bootAt, 0, 1);
  }
  if (on) {
    const ticks = Math.floor((horizonMs - fromMs) / P);
    retrievals.add(fromMs + P, P, ticks);
    eventCount += ticks;
  }
  return eventCount;
}

/** How many scheduled ccmeval runs fall in [0, horizon]. */
export function ccmevalRuns(
  ccmeval: { enabled: boolean; everyMs: number },
  firstMs: number,
  horizonMs: number,
): number {
  return ccmeval.enabled && firstMs <= horizonMs ? Math.floor((horizonMs - firstMs) / ccmeval.everyMs) + 1 : 0;
}

function taskSequenceOutcome(status: ClientState['taskSequence']['status']): TaskSequenceOutcome {
  if (status === 'scheduled' || status === 'waiting-boot') return 'not-started';
  return status;
}

// ---------------------------------------------------------------------------------------------------------------
// Closed form

// What every quiet client shares (read-only, so one object serves them all).
const NO_INTERVALS: readonly ProvisioningInterval[] = Object.freeze([]);
const NO_HAZARDS = Object.freeze(emptyHazardCounts());
const NO_TASK_SEQUENCE: ClientOutcome['taskSequence'] = Object.freeze({
  outcome: 'none',
  startedAtMs: null,
  endedAtMs: null,
  abandonedAtMs: null,
});

function closedForm(scenario: Scenario): ClientOutcome {
  const { client, horizonMs } = scenario;
  const published = publications(scenario);
  const retrievals = new Retrievals();
  const atMs: number[] = [];
  const downtimeMs: number[] = [];
  let others = 0;
  for (const o of scriptedOccurrences(scenario.events, horizonMs, notDeployment)) {
    const e = o.event;
    if (e.type === 'power-loss' || e.type === 'reboot') {
      atMs.push(o.atMs);
      downtimeMs.push(e.downtimeMs);
    } else others++; // never in a quiet client (fastPathOf); it would change nothing here but the count
  }
  const eventCount =
    1 + // init
    published.length +
    others +
    quietRetrievals({ atMs, downtimeMs, count: atMs.length }, horizonMs, client, retrievals) +
    ccmevalRuns(client.ccmeval, client.ccmeval.firstMs, horizonMs);
  return {
    intervals: NO_INTERVALS,
    totalMs: 0,
    stuckMs: 0,
    policyCyclesSkipped: 0,
    hazards: NO_HAZARDS,
    taskSequence: NO_TASK_SEQUENCE,
    deploymentWaits: retrievals.waits(published),
    eventCount,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Skipping

const notDeployment = (e: ScenarioEvent): boolean => e.type !== 'deployment';

/** The periodic timers in the order the skipping path moves them. */
const PERIODIC_KEYS: readonly PeriodicKey[] = ['policy', 'ccmeval', 'check'];
const CHECK_BIT = 1 << PERIODIC_KEYS.indexOf('check');

function skipping(scenario: Scenario): ClientOutcome {
  const run = new SkippingRun(scenario, new Retrievals());
  run.driver.runUntil(scenario.horizonMs);
  const published = publications(scenario);
  return run.outcome(run.retrievals.waits(published), published.length);
}

/**
 * The skipping path for a caller that reads the deployment waits itself (the fleet's run, whose publications are
 * the same for every client up to its phase): the outcome with no `deploymentWaits` (an empty list), the client's
 * retrievals left in `retrievals` (reset first: one object serves client after client) for
 * `Retrievals.waitsInto`. `publicationCount` is how many publications the scenario has (they count as events).
 */
export function skippingRetrievals(
  scenario: Scenario,
  retrievals: Retrievals,
  publicationCount: number,
): ClientOutcome {
  retrievals.reset();
  const run = new SkippingRun(scenario, retrievals);
  run.driver.runUntil(scenario.horizonMs);
  return run.outcome(NO_WAITS, publicationCount);
}

const NO_WAITS: readonly (number | null)[] = Object.freeze([]);

/**
 * One client on the model's driver loop without its deployments (their processing times are read off the
 * retrievals), taking the routine ticks (`isRoutineTick`) instead of the model: each is counted, and every periodic
 * timer that is routine in the current state is moved past the ticks before the next event able to change something.
 */
class SkippingRun {
  readonly driver: ModelDriver;
  /** Ticks moved past (never fired): events the model would have fired. */
  private skipped = 0;
  // The outcome, read from the trace as it is produced.
  private readonly intervals: ProvisioningInterval[] = [];
  private readonly hazards = emptyHazardCounts();
  private policyCyclesSkipped = 0;
  private abandonedAtMs: number | null = null;

  constructor(
    private readonly scenario: Scenario,
    /** Where the client's retrievals go (empty). */
    readonly retrievals: Retrievals,
  ) {
    this.driver = new ModelDriver(
      scenario,
      scenario.horizonMs,
      {
        onTransition: (trace, event) => this.read(trace, event.type === 'init'),
        onPeriodic: (key, nowMs) => this.onPeriodic(key, nowMs),
      },
      { inPlace: true },
    );
    scenario.events.forEach((event, index) => {
      if (notDeployment(event)) this.driver.scheduleScripted(event, index);
    });
  }

  /** Reads a transition's trace; the setup at time 0 retrieves with nothing published yet (left out). */
  private read(entries: readonly TraceEntry[], setup: boolean): void {
    for (const e of entries) {
      switch (e.type) {
        case 'provisioning-enter':
        case 'provisioning-exit':
          trackInterval(this.intervals, e);
          break;
        case 'policy-retrieval':
          if (!setup) this.retrievals.add(e.atMs, 0, 1);
          break;
        case 'policy-skipped':
          this.policyCyclesSkipped++;
          break;
        case 'hazard':
          this.hazards[e.kind]++;
          break;
        case 'ts-abandoned':
          this.abandonedAtMs = e.atMs;
          break;
        default:
          break;
      }
    }
  }

  /** A routine tick is counted and rescheduled (what the model would log and do), then the others moved on. */
  private onPeriodic(key: PeriodicKey, nowMs: number): boolean {
    const { driver, scenario } = this;
    if (!isRoutineTick(scenario, driver.state, key, nowMs)) return false;
    if (key === 'policy') this.policyTicks(nowMs, 1);
    driver.scheduleTimer(key, nowMs + periodOf(scenario.client, key));
    this.fastForward();
    return true;
  }

  /** `count` policy ticks `P` apart from `fromMs` that the model would run in the current state, counted. */
  private policyTicks(fromMs: number, count: number): void {
    if (this.driver.state.effectiveMode) this.policyCyclesSkipped += count;
    else this.retrievals.add(fromMs, this.scenario.client.policyIntervalMs, count);
  }

  /**
   * Moves every periodic timer that is routine in the current state past the ticks that fall before the next event
   * able to change something (a scripted event, another timer, the first check that can expire), counting them.
   */
  private fastForward(): void {
    const { driver, scenario } = this;
    const state = driver.state;
    let bound = Math.min(scenario.horizonMs + 1, driver.nextScriptedMs());
    // The periodic timers that are routine now (by their index in PERIODIC_KEYS); every other timer bounds.
    let routine = 0;
    for (const key of TIMER_KEYS) {
      const atMs = driver.timerMs(key);
      if (atMs === undefined) continue;
      if (isPeriodic(key) && isRoutineTick(scenario, state, key, atMs)) routine |= 1 << PERIODIC_KEYS.indexOf(key);
      else bound = Math.min(bound, atMs);
    }
    if ((routine & CHECK_BIT) !== 0) {
      bound = Math.min(bound, nextExpiringCheck(scenario, state, driver.timerMs('check') as number));
    }
    for (let i = 0; i < PERIODIC_KEYS.length; i++) {
      if ((routine & (1 << i)) === 0) continue;
      const key = PERIODIC_KEYS[i] as PeriodicKey;
      const atMs = driver.timerMs(key) as number;
      if (atMs >= bound) continue;
      const period = periodOf(scenario.client, key);
      const k = Math.ceil((bound - atMs) / period);
      this.skipped += k;
      if (key === 'policy') this.policyTicks(atMs, k);
      driver.moveTimer(key, atMs + k * period);
    }
  }

  /** The outcome, once the driver has run to the horizon, with the deployment waits given and their number. */
  outcome(deploymentWaits: readonly (number | null)[], publicationCount: number): ClientOutcome {
    const { driver, scenario, intervals } = this;
    const { horizonMs } = scenario;
    this.read(finish(driver.state, horizonMs), false);
    const ts = driver.state.taskSequence;
    const taskSequence = {
      outcome: taskSequenceOutcome(ts.status),
      startedAtMs: ts.startedAtMs,
      endedAtMs: ts.endedAtMs,
      abandonedAtMs: this.abandonedAtMs,
    };
    let totalMs = 0;
    for (const i of intervals) totalMs += (i.exitedAtMs ?? horizonMs) - i.enteredAtMs;
    return {
      intervals,
      totalMs,
      stuckMs: stuckTime(intervals, taskSequence, 0, horizonMs),
      policyCyclesSkipped: this.policyCyclesSkipped,
      hazards: this.hazards,
      taskSequence,
      deploymentWaits,
      eventCount: driver.eventCount + this.skipped + publicationCount,
    };
  }
}
