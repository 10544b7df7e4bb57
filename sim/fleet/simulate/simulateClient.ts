/**
 * The fleet's fast path: one client's `ClientOutcome`, identical to what `buildReport(runModel(scenario))` says
 * (the `--explain` equivalence test checks it on clients from every branch), at a fraction of the cost.
 *
 * Two branches:
 * - **closed form** (`quiet` clients: no task sequence, never in provisioning mode, in the installed OS from time 0,
 *   only deployments, power losses and restarts). Nothing they do changes anything but when policy is retrieved, so the outcome is computed without
 *   running the model: CcmExec runs from time 0 and from the end of each outage to the next one; it retrieves policy
 *   at each start after a boot and every `policyInterval` after a start; a deployment waits for the first retrieval
 *   at or after its publication. Event counts follow from the same periods.
 * - **skipping** (every other client): the model's own `transition` on the kernel, like `runModel`, except that a
 *   run of periodic ticks that provably change nothing (policy ticks with nothing to retrieve or skipped in
 *   provisioning mode, healthy ccmeval runs and those skipped while off or in Windows PE, checks that cannot expire
 *   yet) is counted instead of fired, up to the
 *   next event that can change something. Such a tick changes no state and emits only routine trace entries, so
 *   skipping it changes nothing but the trace, whose routine entries are counted exactly (policy cycles skipped,
 *   events).
 *
 * Determinism: the same scenario gives the same outcome. Events that share a time and priority never exist in the
 * model (each timer key and scripted event has its own priority), so the order of events here is the kernel's.
 */
import { Simulator, type TimerHandle } from '../../kernel/index.js';
import {
  finish,
  initialState,
  isRegistryInconsistent,
  maxMinutesOf,
  registrySaysProvisioning,
  transition,
} from '../../model/transition.js';
import {
  type ClientState,
  type ModelEvent,
  Priority,
  scriptedPriority,
  type TimerKey,
  type TraceEntry,
} from '../../model/types.js';
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
// Scripted events, expanded

interface Occurrence {
  readonly atMs: number;
  readonly priority: number;
  readonly event: ScenarioEvent;
}

/**
 * Every occurrence at or before the horizon of the scripted events other than deployments, in the kernel's order
 * (time, priority).
 */
function actions(scenario: Scenario): Occurrence[] {
  const out: Occurrence[] = [];
  scenario.events.forEach((event, index) => {
    if (event.type === 'deployment') return;
    const priority = scriptedPriority(event.type) + index;
    const count = event.repeat?.count ?? 1;
    const every = event.repeat?.everyMs ?? 0;
    for (let k = 0; k < count; k++) {
      const atMs = event.atMs + k * every;
      if (atMs > scenario.horizonMs) break;
      out.push({ atMs, priority, event });
    }
  });
  const later = (a: Occurrence, b: Occurrence) => a.atMs - b.atMs || a.priority - b.priority;
  for (let i = 1; i < out.length; i++) {
    if (later(out[i - 1] as Occurrence, out[i] as Occurrence) > 0) return out.sort(later);
  }
  return out;
}

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
 * runs before anything else at its instant but time 0's setup, whose retrieval is left out of the list).
 */
class Retrievals {
  private readonly runs: number[] = [];

  add(fromMs: number, stepMs: number, count: number): void {
    if (count > 0) this.runs.push(fromMs, stepMs, count);
  }

  /** Each publication's wait (`null`: never processed); `published` is in time order. */
  waits(published: readonly number[]): (number | null)[] {
    const out: (number | null)[] = new Array<number | null>(published.length);
    const runs = this.runs;
    let i = 0;
    for (let k = 0; k < published.length; k++) {
      const at = published[k] as number;
      let processedAt: number | null = null;
      while (i < runs.length) {
        const from = runs[i] as number;
        const step = runs[i + 1] as number;
        const last = from + ((runs[i + 2] as number) - 1) * step;
        if (last >= at) {
          processedAt = from >= at ? from : from + Math.ceil((at - from) / step) * step;
          break;
        }
        i += 3;
      }
      out[k] = processedAt === null ? null : processedAt - at;
    }
    return out;
  }
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
  const P = client.policyIntervalMs;
  const published = publications(scenario);
  const retrievals = new Retrievals();
  let eventCount = 1 + published.length; // init, and each publication
  let on = true;
  // CcmExec runs from `fromMs`: time 0 (whose retrieval processes nothing) or the end of a boot (which retrieves).
  // While it runs, a policy tick every P retrieves; a tick at the instant of a stop still runs (it comes first).
  let fromMs = 0;
  let bootAt = -1;
  for (const o of actions(scenario)) {
    // The end of a boot (Priority.boot) runs before an action at the same instant (Priority.action + index).
    if (bootAt >= 0 && bootAt <= o.atMs) {
      eventCount++;
      on = true;
      fromMs = bootAt;
      retrievals.add(bootAt, 0, 1);
      bootAt = -1;
    }
    eventCount++;
    const e = o.event;
    if (e.type === 'power-loss' || e.type === 'reboot') {
      if (on) {
        const ticks = Math.floor((o.atMs - fromMs) / P);
        retrievals.add(fromMs + P, P, ticks);
        eventCount += ticks;
        on = false;
      }
      // [provsim] An outage while the device is off starts it over: the pending boot is replaced.
      bootAt = o.atMs + e.downtimeMs + client.bootTimeMs;
    }
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
  const cc = client.ccmeval;
  if (cc.enabled && cc.firstMs <= horizonMs) eventCount += Math.floor((horizonMs - cc.firstMs) / cc.everyMs) + 1;

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

type Payload =
  | { readonly kind: 'model'; readonly key: TimerKey | null; readonly event: ModelEvent }
  | { readonly kind: 'scripted'; readonly occurrence: Occurrence };

const PERIODIC: readonly TimerKey[] = ['policy', 'ccmeval', 'check'];

function skipping(scenario: Scenario): ClientOutcome {
  const { client, horizonMs, assumptions } = scenario;
  const sim = new Simulator<Payload>();
  const timers = new Map<TimerKey, TimerHandle<Payload>>();
  const script = actions(scenario);
  const published = publications(scenario);
  const retrievals = new Retrievals();
  let next = 0;
  let scriptHandle: TimerHandle<Payload> | null = null;
  let state = initialState(scenario);
  let skipped = 0;
  let setup = true;

  // The outcome, read from the trace as it is produced.
  const intervals: ProvisioningInterval[] = [];
  const hazards = emptyHazardCounts();
  let policyCyclesSkipped = 0;
  let abandonedAtMs: number | null = null;
  const read = (entries: readonly TraceEntry[]) => {
    for (const e of entries) {
      switch (e.type) {
        case 'provisioning-enter':
        case 'provisioning-exit':
          trackInterval(intervals, e);
          break;
        case 'policy-retrieval':
          if (!setup) retrievals.add(e.atMs, 0, 1);
          break;
        case 'policy-skipped':
          policyCyclesSkipped++;
          break;
        case 'hazard':
          hazards[e.kind]++;
          break;
        case 'ts-abandoned':
          abandonedAtMs = e.atMs;
          break;
        default:
          break;
      }
    }
  };

  const scheduleNextScripted = () => {
    const o = script[next];
    scriptHandle = o === undefined ? null : sim.schedule(o.atMs, o.priority, { kind: 'scripted', occurrence: o });
  };

  const apply = (event: ModelEvent, nowMs: number) => {
    const t = transition(scenario, state, event, nowMs);
    state = t.state;
    read(t.trace);
    for (const effect of t.effects) {
      const pending = timers.get(effect.key);
      if (pending !== undefined) {
        sim.cancel(pending);
        timers.delete(effect.key);
      }
      if (effect.type === 'schedule') {
        timers.set(
          effect.key,
          sim.schedule(effect.atMs, effect.priority, { kind: 'model', key: effect.key, event: effect.event }),
        );
      }
    }
  };

  const periodOf = (key: TimerKey): number =>
    key === 'policy' ? client.policyIntervalMs : key === 'check' ? client.checkIntervalMs : client.ccmeval.everyMs;

  /** The first check at `fromMs` or a later tick of the loop that would find the timeout expired (or Infinity). */
  const firstExpiringCheck = (fromMs: number): number => {
    const maxMinutes =
      assumptions.maxMinutesRead === 'each-check' ? maxMinutesOf(state.registry) : state.service.maxMinutesAtStart;
    const stamp = state.registry.ProvisioningEnabledTime;
    if (stamp === undefined) return assumptions.missingTimestamp === 'expired' ? fromMs : Number.POSITIVE_INFINITY;
    // expired <=> floor(wall / 1000) - stamp > max * 60 <=> wall >= (stamp + max * 60 + 1) * 1000
    const expiresAt = (stamp + maxMinutes * 60 + 1) * 1000 - scenario.startMs - state.clockOffsetMs;
    if (fromMs >= expiresAt) return fromMs;
    return fromMs + Math.ceil((expiresAt - fromMs) / client.checkIntervalMs) * client.checkIntervalMs;
  };

  /**
   * Whether a tick of `key` at `atMs` changes no state (see the file comment). A policy tick never does here: the
   * model runs without deployments, so a tick out of provisioning mode only retrieves (recorded in `retrievals`).
   */
  const isNoop = (key: TimerKey, atMs: number): boolean => {
    const s = state;
    switch (key) {
      case 'policy':
        return s.service.status === 'running';
      case 'ccmeval':
        // Skipped while off or in Windows PE (winpe-client-absent), a healthy run on a running CcmExec.
        return (
          s.device === 'off' ||
          s.environment === 'winpe' ||
          (s.service.startup === 'auto' && s.service.status === 'running')
        );
      case 'check':
        return s.effectiveMode && firstExpiringCheck(atMs) > atMs;
      default:
        return false;
    }
  };

  /** `count` policy ticks `P` apart from `fromMs` that the model would run in the current state, counted. */
  const policyTicks = (fromMs: number, count: number) => {
    if (state.effectiveMode) policyCyclesSkipped += count;
    else retrievals.add(fromMs, client.policyIntervalMs, count);
  };

  /**
   * Called when a periodic tick turned out to be a no-op: moves every periodic timer that is a no-op in the current
   * state past the ticks that fall before the next event able to change something, counting them.
   */
  const fastForward = () => {
    let bound = horizonMs + 1;
    if (scriptHandle !== null) bound = Math.min(bound, sim.timeOf(scriptHandle));
    const skippable: TimerKey[] = [];
    for (const [key, handle] of timers) {
      const atMs = sim.timeOf(handle);
      if (PERIODIC.includes(key) && isNoop(key, atMs)) skippable.push(key);
      else bound = Math.min(bound, atMs);
    }
    const check = timers.get('check');
    if (check !== undefined && skippable.includes('check')) {
      bound = Math.min(bound, firstExpiringCheck(sim.timeOf(check)));
    }
    for (const key of skippable) {
      const handle = timers.get(key) as TimerHandle<Payload>;
      const atMs = sim.timeOf(handle);
      if (atMs >= bound) continue;
      const period = periodOf(key);
      const k = Math.ceil((bound - atMs) / period);
      skipped += k;
      if (key === 'policy') policyTicks(atMs, k);
      const priority = sim.priorityOf(handle);
      const payload = sim.payloadOf(handle) as Payload;
      sim.cancel(handle);
      timers.set(key, sim.schedule(atMs + k * period, priority, payload));
    }
  };

  sim.schedule(0, Priority.first, { kind: 'model', key: null, event: { type: 'init' } });
  scheduleNextScripted();

  sim.runUntil(horizonMs, (payload, nowMs) => {
    if (payload.kind === 'scripted') {
      next++;
      scheduleNextScripted();
      apply({ type: 'scripted', event: payload.occurrence.event }, nowMs);
      return;
    }
    const key = payload.key;
    if (key !== null) timers.delete(key);
    if (key !== null && PERIODIC.includes(key) && isNoop(key, nowMs)) {
      // The tick changes no state: what the model would log and reschedule, counted and rescheduled here.
      if (key === 'policy') policyTicks(nowMs, 1);
      timers.set(key, sim.schedule(nowMs + periodOf(key), priorityOf(key), payload));
      fastForward();
      return;
    }
    apply(payload.event, nowMs);
    setup = false;
  });
  read(finish(state, horizonMs));

  const ts = state.taskSequence;
  const taskSequence = {
    outcome: taskSequenceOutcome(ts.status),
    startedAtMs: ts.startedAtMs,
    endedAtMs: ts.endedAtMs,
    abandonedAtMs,
  };
  let totalMs = 0;
  for (const i of intervals) totalMs += (i.exitedAtMs ?? horizonMs) - i.enteredAtMs;
  return {
    intervals,
    totalMs,
    stuckMs: stuckTime(intervals, taskSequence, 0, horizonMs),
    policyCyclesSkipped,
    hazards,
    taskSequence,
    deploymentWaits: retrievals.waits(published),
    eventCount: sim.eventCount + skipped + published.length,
  };
}

function priorityOf(key: TimerKey): number {
  return key === 'policy' ? Priority.policy : key === 'check' ? Priority.check : Priority.ccmeval;
}
