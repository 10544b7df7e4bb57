/**
 * The provisioning-mode invariants: named, documented functions over a scenario and its run. Each states where it
 * applies; `checkInvariants` runs the ones that apply and returns their violations as data.
 *
 * The oracle in this file rebuilds what it needs from the trace alone — the wall clock from `clock-jump`
 * entries, CcmExec's running intervals from `service-start`/`service-stop`, provisioning intervals from
 * `provisioning-enter`/`provisioning-exit`, the timestamp and `ProvisioningMaxMinutes` from entry and registry
 * entries and the scenario's initial registry — and never reads the model's own `check` entries nor calls model
 * code, so a wrong rule in the model cannot hide behind the same wrong rule here.
 */
import type { RunResult } from '../model/runModel.js';
import type { ClientState, ModelEvent, TraceEntry } from '../model/types.js';
import { formatHours } from '../scenario/Duration.js';
import type { InvariantName, Scenario } from '../scenario/Scenario.js';

/** What one run gives the invariants: the trace, and the state after each transition with its trace length. */
export interface VerifiedRun extends RunResult {
  /** After each transition: its event, time, the state it produced, and the trace length at that point. */
  readonly snapshots: readonly Snapshot[];
  /** A second run's trace, for `deterministic`. */
  readonly rerunTrace?: readonly TraceEntry[];
}

export interface Snapshot {
  readonly event: ModelEvent;
  readonly atMs: number;
  readonly state: ClientState;
  readonly traceLength: number;
}

export interface Violation {
  readonly invariant: InvariantName;
  readonly atMs: number;
  readonly message: string;
}

// The names live with the scenario format, which lets `expect.violations` name them; the invariants are here.
export type { InvariantName } from '../scenario/Scenario.js';

export interface Invariant {
  readonly name: InvariantName;
  /** What the invariant promises, in one sentence. */
  readonly description: string;
  /** Where it claims to hold: `null` when it applies to this scenario, else the reason it does not. */
  readonly appliesTo: (scenario: Scenario) => string | null;
  readonly check: (run: VerifiedRun) => Violation[];
}

const hasTimeout = (s: Scenario) => Number(s.client.version) >= 1902;
const MAX_DEFAULT = 2880;

// ---------------------------------------------------------------------------------------------------------------
// The oracle: a sweep over the trace that keeps the few facts the invariants need.
// ---------------------------------------------------------------------------------------------------------------

interface OracleState {
  offsetMs: number;
  inProvisioning: boolean;
  running: boolean;
  stampSeconds: number | undefined;
  maxRegistry: number | undefined;
  maxAtStart: number | undefined;
  /** Where the device runs (or boots next): from `client.startsIn` and the `environment` entries. */
  environment: 'os' | 'winpe';
}

function maxOf(v: number | undefined): number {
  return v !== undefined && v > 0 ? v : MAX_DEFAULT;
}

interface SweepHooks {
  /** Called with each entry before it is applied to the oracle state. */
  readonly before?: (entry: TraceEntry, index: number, o: Readonly<OracleState>) => void;
  /** Called with each entry after it is applied. */
  readonly after?: (entry: TraceEntry, index: number, o: Readonly<OracleState>) => void;
}

/** Walks the trace in order, keeping the oracle state; returns the state after the last entry. */
function sweep(scenario: Scenario, trace: readonly TraceEntry[], hooks: SweepHooks): OracleState {
  const reg = scenario.client.registry;
  const o: OracleState = {
    offsetMs: 0,
    inProvisioning: false,
    running: false,
    stampSeconds: reg.ProvisioningEnabledTime,
    maxRegistry: reg.ProvisioningMaxMinutes,
    maxAtStart: reg.ProvisioningMaxMinutes,
    environment: scenario.client.startsIn,
  };
  trace.forEach((e, i) => {
    hooks.before?.(e, i, o);
    apply(o, e);
    hooks.after?.(e, i, o);
  });
  return o;
}

function apply(o: OracleState, e: TraceEntry): void {
  switch (e.type) {
    case 'clock-jump':
      o.offsetMs += e.byMs;
      break;
    case 'environment':
      o.environment = e.environment;
      break;
    case 'service-start':
      o.running = true;
      o.maxAtStart = o.maxRegistry;
      break;
    case 'service-stop':
      o.running = false;
      break;
    case 'provisioning-enter':
      o.inProvisioning = true;
      if (e.timestampSeconds !== null && e.cause !== 'initial') o.stampSeconds = e.timestampSeconds;
      break;
    case 'provisioning-exit':
      o.inProvisioning = false;
      break;
    case 'registry-edit':
      if (e.name === 'ProvisioningEnabledTime') o.stampSeconds = e.value === null ? undefined : Number(e.value);
      if (e.name === 'ProvisioningMaxMinutes') o.maxRegistry = e.value === null ? undefined : Number(e.value);
      break;
    default:
      break;
  }
}

/**
 * The first simulation time at which the timeout condition holds, given the oracle state (which stays fixed until
 * the next entry): `floor(wall / 1000) - stamp > max * 60`, i.e. `wall >= (stamp + max * 60 + 1) * 1000`.
 * `-Infinity` when it already holds whatever the time, `Infinity` when it never can.
 */
function expiryStartMs(scenario: Scenario, o: Readonly<OracleState>): number {
  const max = maxOf(scenario.assumptions.maxMinutesRead === 'each-check' ? o.maxRegistry : o.maxAtStart);
  if (o.stampSeconds === undefined) {
    return scenario.assumptions.missingTimestamp === 'expired' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  return (o.stampSeconds + max * 60 + 1) * 1000 - scenario.startMs - o.offsetMs;
}

function wallSeconds(scenario: Scenario, o: Readonly<OracleState>, atMs: number): number {
  return Math.floor((scenario.startMs + atMs + o.offsetMs) / 1000);
}

/** The snapshot of the transition that produced trace entry `index` (binary search: snapshots are in order). */
function snapshotOf(run: VerifiedRun, index: number): Snapshot | undefined {
  let lo = 0;
  let hi = run.snapshots.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((run.snapshots[mid]?.traceLength ?? 0) > index) hi = mid;
    else lo = mid + 1;
  }
  const snap = run.snapshots[lo];
  return snap !== undefined && snap.traceLength > index ? snap : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// The invariants
// ---------------------------------------------------------------------------------------------------------------

const noPolicyInProvisioning: Invariant = {
  name: 'no-policy-in-provisioning',
  description: 'No deployment is processed while the effective mode is on.',
  appliesTo: () => null,
  check(run) {
    const out: Violation[] = [];
    sweep(run.scenario, run.trace, {
      before: (e, _, o) => {
        if (e.type === 'policy-retrieval' && e.processed.length > 0 && o.inProvisioning) {
          out.push({
            invariant: this.name,
            atMs: e.atMs,
            message: `processed ${e.processed.join(', ')} while in provisioning mode`,
          });
        }
      },
    });
    return out;
  },
};

/**
 * Once `ProvisioningEnabledTime + max` has passed on the wall clock, the client leaves provisioning mode no later
 * than the first moment CcmExec starts, or has run a full `checkInterval` without a stop. The obligation lapses if
 * the condition stops holding first (a clock set back, a new timestamp, a larger max).
 */
const exitWithinTimeout: Invariant = {
  name: 'exit-within-timeout',
  description:
    'Release 1902 or later: once ProvisioningEnabledTime + max has passed on the wall clock, the client leaves provisioning mode no later than the first moment CcmExec starts or has run a full checkInterval without a stop.',
  appliesTo: (s) => (hasTimeout(s) ? null : `release ${s.client.version} has no timeout`),
  check(run) {
    const { scenario } = run;
    const interval = scenario.client.checkIntervalMs;
    const out: Violation[] = [];
    // The open obligation: expired since `sinceMs`; out by `byMs` (null: by the next CcmExec start).
    let due: { sinceMs: number; byMs: number | null; what: string } | null = null;
    // One violation per stay in provisioning mode: after it, nothing is owed until an exit or a lapse.
    let reported = false;
    let lastMs = 0;

    /** Time moves from the last entry to `toMs`: a bound may pass, and the condition may begin to hold. */
    const advance = (toMs: number, o: Readonly<OracleState>) => {
      if (due !== null && due.byMs !== null && toMs > due.byMs) {
        out.push({
          invariant: 'exit-within-timeout',
          atMs: due.byMs,
          message: `ProvisioningEnabledTime + max passed at ${formatHours(due.sinceMs)} and CcmExec ${due.what} at ${formatHours(due.byMs)}, yet the client was still in provisioning mode`,
        });
        due = null;
        reported = true;
      }
      if (due === null && !reported && o.inProvisioning) {
        const since = Math.max(lastMs, expiryStartMs(scenario, o));
        if (since <= toMs) {
          due = o.running
            ? { sinceMs: since, byMs: since + interval, what: 'had run a full checkInterval' }
            : { sinceMs: since, byMs: null, what: 'started' };
        }
      }
      lastMs = toMs;
    };

    const final = sweep(scenario, run.trace, {
      before: (e, _, o) => advance(e.atMs, o),
      after(e, _, o) {
        if (!o.inProvisioning || expiryStartMs(scenario, o) > e.atMs) reported = false;
        if (due === null) return;
        if (!o.inProvisioning || expiryStartMs(scenario, o) > e.atMs) due = null;
        else if (e.type === 'service-stop' && due.byMs !== null) due = { ...due, byMs: null, what: 'started' };
        else if (e.type === 'service-start') due = { ...due, byMs: e.atMs, what: 'started' };
      },
    });
    advance(scenario.horizonMs + 1, final);
    return out.filter((v) => v.atMs <= scenario.horizonMs);
  },
};

const noEarlyTimeout: Invariant = {
  name: 'no-early-timeout',
  description: 'No timeout exit happens before ProvisioningEnabledTime + max has passed on the wall clock.',
  appliesTo: (s) => (hasTimeout(s) ? null : `release ${s.client.version} has no timeout`),
  check(run) {
    const out: Violation[] = [];
    sweep(run.scenario, run.trace, {
      before: (e, _, o) => {
        if (e.type === 'provisioning-exit' && e.reason === 'timeout' && e.atMs < expiryStartMs(run.scenario, o)) {
          const stamp = o.stampSeconds ?? 'none';
          out.push({
            invariant: this.name,
            atMs: e.atMs,
            message: `timeout exit at wall second ${wallSeconds(run.scenario, o, e.atMs)} with ProvisioningEnabledTime ${stamp}: the deadline had not passed`,
          });
        }
      },
    });
    return out;
  },
};

const legacyNeverTimesOut: Invariant = {
  name: 'legacy-never-times-out',
  description: 'Releases before 1902 never leave provisioning mode by timeout.',
  appliesTo: (s) => (hasTimeout(s) ? `release ${s.client.version} has the timeout` : null),
  check(run) {
    return run.trace
      .filter((e) => e.type === 'provisioning-exit' && e.reason === 'timeout')
      .map((e) => ({ invariant: this.name, atMs: e.atMs, message: 'a pre-1902 client left by timeout' }));
  },
};

const properExitIsConsistent: Invariant = {
  name: 'proper-exit-is-consistent',
  description: 'After every proper exit the registry holds ProvisioningMode = "false" and an empty SystemTaskExcludes.',
  appliesTo: () => null,
  check(run) {
    const out: Violation[] = [];
    run.trace.forEach((e, i) => {
      if (e.type !== 'provisioning-exit' || e.reason === 'registry-edit') return;
      const snap = snapshotOf(run, i);
      // The state is the one at the end of the exit's transition: skip the check when something later in that
      // same transition (an entry, a registry edit) legitimately rewrote the values.
      const later = run.trace.slice(i + 1, snap?.traceLength ?? i + 1);
      if (later.some((x) => x.type === 'provisioning-enter' || x.type === 'registry-edit')) return;
      const reg = snap?.state.registry;
      if (reg?.ProvisioningMode !== 'false' || reg.SystemTaskExcludes !== '') {
        out.push({
          invariant: this.name,
          atMs: e.atMs,
          message: `after a ${e.reason} exit the registry holds ${JSON.stringify(reg)}`,
        });
      }
    });
    return out;
  },
};

const timestampTracksEntry: Invariant = {
  name: 'timestamp-tracks-entry',
  description: 'ProvisioningEnabledTime equals the wall-clock second of the last entry (until the registry is edited).',
  appliesTo: (s) => (hasTimeout(s) ? null : `release ${s.client.version} writes no timestamp`),
  check(run) {
    const out: Violation[] = [];
    let expected: number | null = null;
    let next = 0;
    sweep(run.scenario, run.trace, {
      before(e, _, o) {
        if (e.type === 'provisioning-enter' && e.cause !== 'initial' && e.cause !== 'registry-edit') {
          expected = wallSeconds(run.scenario, o, e.atMs);
        } else if (e.type === 'registry-edit' && e.name === 'ProvisioningEnabledTime') {
          expected = null;
        }
      },
      after(_, i) {
        // Every transition whose trace ends here: its resulting state must hold the expected timestamp.
        for (; next < run.snapshots.length && (run.snapshots[next]?.traceLength ?? 0) <= i + 1; next++) {
          const snap = run.snapshots[next];
          const actual = snap?.state.registry.ProvisioningEnabledTime;
          if (snap !== undefined && snap.traceLength === i + 1 && expected !== null && actual !== expected) {
            out.push({
              invariant: 'timestamp-tracks-entry',
              atMs: snap.atMs,
              message: `ProvisioningEnabledTime is ${actual}, the last entry was at wall second ${expected}`,
            });
            expected = null;
          }
        }
      },
    });
    return out;
  },
};

const deploymentsExactlyOnce: Invariant = {
  name: 'deployments-exactly-once',
  description:
    'Every deployment is processed at most once, and every deployment published while the client can retrieve policy (out of provisioning mode, CcmExec running) for a full policyInterval is processed.',
  appliesTo: () => null,
  check(run) {
    const { scenario } = run;
    const policyMs = scenario.client.policyIntervalMs;
    const out: Violation[] = [];
    const pending: { name: string; publishedAtMs: number; processedAtMs: number | null }[] = [];
    // Able: out of provisioning mode with CcmExec running, since `ableSince`.
    let ableSince: number | null = null;
    const overdue = (toMs: number) => {
      for (const d of pending) {
        if (d.processedAtMs !== null || ableSince === null) continue;
        const by = Math.max(ableSince, d.publishedAtMs) + policyMs;
        if (toMs > by) {
          out.push({
            invariant: this.name,
            atMs: by,
            message: `"${d.name}" (published at ${formatHours(d.publishedAtMs)}) was not processed after a full policyInterval of retrievable policy`,
          });
          d.processedAtMs = -1;
        }
      }
    };
    const final = sweep(scenario, run.trace, {
      before: (e) => {
        overdue(e.atMs);
        if (e.type === 'deployment-published')
          pending.push({ name: e.name, publishedAtMs: e.atMs, processedAtMs: null });
        if (e.type === 'policy-retrieval') {
          for (const name of e.processed) {
            const d = pending.find((p) => p.name === name && p.processedAtMs === null && p.publishedAtMs <= e.atMs);
            if (d === undefined)
              out.push({
                invariant: this.name,
                atMs: e.atMs,
                message: `"${name}" processed with no unprocessed publication left`,
              });
            else d.processedAtMs = e.atMs;
          }
        }
      },
      after: (e, _, o) => {
        const able = o.running && !o.inProvisioning;
        if (able && ableSince === null) ableSince = e.atMs;
        if (!able) ableSince = null;
      },
    });
    if (final.running && !final.inProvisioning) overdue(scenario.horizonMs + 1);
    return out.filter((v) => v.atMs <= scenario.horizonMs);
  },
};

const handledEndsExit: Invariant = {
  name: 'handled-ends-exit',
  description:
    'A task sequence that ends with success or a handled failure in the installed OS leaves provisioning mode at its end; one that ends in Windows PE leaves the mode as it was and raises ended-in-winpe.',
  appliesTo: (s) => (s.taskSequence === null ? 'no task sequence' : null),
  check(run) {
    const out: Violation[] = [];
    let entered = false;
    let wasIn = false;
    sweep(run.scenario, run.trace, {
      before: (e, i, o) => {
        if (e.type === 'provisioning-enter' && (e.cause === 'task-sequence' || e.cause === 'task-sequence-step'))
          entered = true;
        if (e.type !== 'ts-end') return;
        wasIn = o.inProvisioning;
        if (!entered) return;
        const state = snapshotOf(run, i)?.state;
        const end = run.trace.slice(i + 1, snapshotOf(run, i)?.traceLength ?? i + 1);
        const stuck = end.some((x) => x.type === 'hazard' && x.kind === 'ended-in-winpe');
        if (o.environment === 'winpe') {
          const same = state?.effectiveMode === wasIn && !end.some((x) => x.type === 'provisioning-exit');
          if (!stuck || !same) {
            out.push({
              invariant: this.name,
              atMs: e.atMs,
              message: `the task sequence ended (${e.outcome}) in Windows PE: ${stuck ? 'the provisioning mode changed' : 'no ended-in-winpe hazard'}`,
            });
          }
        } else if (stuck || state?.effectiveMode !== false || state.registry.ProvisioningMode !== 'false') {
          out.push({
            invariant: this.name,
            atMs: e.atMs,
            message: `the task sequence ended (${e.outcome}) but the client is still in provisioning mode`,
          });
        }
      },
    });
    return out;
  },
};

/** What only the installed OS's client does: none of it may appear while the device runs Windows PE. */
function clientActivity(e: TraceEntry): string | null {
  switch (e.type) {
    case 'service-start':
    case 'check':
    case 'policy-retrieval':
    case 'policy-skipped':
    case 'startup-type':
      return e.type;
    case 'ccmeval':
      return e.action === 'skipped-device-off' || e.action === 'skipped-winpe' ? null : `ccmeval ${e.action}`;
    case 'provisioning-exit':
      return `provisioning-exit ${e.reason}`;
    default:
      return null;
  }
}

const noClientInWinpe: Invariant = {
  name: 'no-client-in-winpe',
  description:
    "While the device runs Windows PE, nothing of the installed OS's client runs: no CcmExec start, check, policy, startup change, ccmeval or exit.",
  appliesTo: () => null,
  check(run) {
    const out: Violation[] = [];
    sweep(run.scenario, run.trace, {
      before: (e, _, o) => {
        const what = o.environment === 'winpe' ? clientActivity(e) : null;
        if (what !== null) out.push({ invariant: this.name, atMs: e.atMs, message: `${what} in Windows PE` });
      },
    });
    return out;
  },
};

const deterministic: Invariant = {
  name: 'deterministic',
  description: 'The same scenario and seed give an identical trace.',
  appliesTo: () => null,
  check(run) {
    if (run.rerunTrace === undefined) return [];
    const a = run.trace;
    const b = run.rerunTrace;
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a[i];
      const y = b[i];
      if (x === undefined || y === undefined || !sameEntry(x, y)) {
        return [{ invariant: this.name, atMs: x?.atMs ?? y?.atMs ?? 0, message: `two runs part at trace entry ${i}` }];
      }
    }
    return [];
  },
};

/** Trace entries are flat records (arrays of strings at most): equal field by field, in the same order. */
function sameEntry(x: TraceEntry, y: TraceEntry): boolean {
  const kx = Object.keys(x);
  const ky = Object.keys(y);
  if (kx.length !== ky.length) return false;
  const rx = x as unknown as Record<string, unknown>;
  const ry = y as unknown as Record<string, unknown>;
  for (let k = 0; k < kx.length; k++) {
    const key = kx[k] as string;
    if (key !== ky[k]) return false;
    const vx = rx[key];
    const vy = ry[key];
    if (Array.isArray(vx) && Array.isArray(vy)) {
      if (vx.length !== vy.length || vx.some((v, j) => v !== vy[j])) return false;
    } else if (vx !== vy) {
      return false;
    }
  }
  return true;
}

export const INVARIANTS: readonly Invariant[] = [
  noPolicyInProvisioning,
  exitWithinTimeout,
  noEarlyTimeout,
  legacyNeverTimesOut,
  properExitIsConsistent,
  timestampTracksEntry,
  deploymentsExactlyOnce,
  handledEndsExit,
  noClientInWinpe,
  deterministic,
];

export { INVARIANT_NAMES } from '../scenario/Scenario.js';

export interface CheckOptions {
  /** Only these invariants (default: all). */
  readonly only?: readonly InvariantName[];
  /** Check them even where they do not claim to hold. */
  readonly force?: boolean;
}

/** The violations of every selected invariant that applies to the run's scenario (or all, with `force`). */
export function checkInvariants(run: VerifiedRun, options: CheckOptions = {}): Violation[] {
  const selected = options.only === undefined ? INVARIANTS : INVARIANTS.filter((i) => options.only?.includes(i.name));
  return selected
    .filter((i) => options.force === true || i.appliesTo(run.scenario) === null)
    .flatMap((i) => i.check(run))
    .sort((a, b) => a.atMs - b.atMs);
}
