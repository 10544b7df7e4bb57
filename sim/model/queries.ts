/**
 * Questions a driver asks about the model between events, answered from the model's own rules so that no driver
 * keeps a copy of them: which timers are periodic and how often they tick, when the check loop can next find the
 * timeout expired, and whether a tick is routine (changes nothing but its own next tick). Pure.
 *
 * The fleet's skipping path (`sim/fleet/simulate/simulateClient.ts`) counts routine ticks instead of firing them;
 * `test/model/queries.test.ts` holds these answers to what `transition` does.
 */
import { firstExpiredWallMs, maxMinutesInForce } from './timeout.js';
import type { ModelConfig } from './transition.js';
import { type ClientState, Priority, type TimerKey } from './types.js';

/** The timers that reschedule themselves: policy retrieval, ccmeval, the check loop. */
export type PeriodicKey = 'policy' | 'ccmeval' | 'check';

export function isPeriodic(key: TimerKey): key is PeriodicKey {
  return key === 'policy' || key === 'ccmeval' || key === 'check';
}

/** How often a periodic timer ticks (the client's `policyIntervalMs`, `checkIntervalMs`, `ccmeval.everyMs`). */
export function periodOf(client: ModelConfig['client'], key: PeriodicKey): number {
  return key === 'policy' ? client.policyIntervalMs : key === 'check' ? client.checkIntervalMs : client.ccmeval.everyMs;
}

/** The priority the model gives a periodic timer's ticks. */
export function periodicPriority(key: PeriodicKey): number {
  return key === 'policy' ? Priority.policy : key === 'check' ? Priority.check : Priority.ccmeval;
}

/**
 * The first check at `fromMs` or at a later tick of the loop (every `checkIntervalMs` from `fromMs`) that would find
 * the timeout expired, the state staying as it is; `Infinity` when none can. Under `missingTimestamp: expired` with
 * no timestamp, the check at `fromMs`. Honours `faults.checkAtOrAfterMax` as `evaluate` does.
 */
export function nextExpiringCheck(config: ModelConfig, state: ClientState, fromMs: number): number {
  const stamp = state.registry.ProvisioningEnabledTime;
  if (stamp === undefined) return config.assumptions.missingTimestamp === 'expired' ? fromMs : Number.POSITIVE_INFINITY;
  const maxMinutes = maxMinutesInForce(state, config.assumptions);
  // A check reads wall = startMs + now + clockOffsetMs (evaluate).
  const wallAtZero = config.startMs + state.clockOffsetMs;
  const expiresAt = firstExpiredWallMs(stamp, maxMinutes, config.faults?.checkAtOrAfterMax === true) - wallAtZero;
  if (fromMs >= expiresAt) return fromMs;
  const every = config.client.checkIntervalMs;
  return fromMs + Math.ceil((expiresAt - fromMs) / every) * every;
}

/**
 * Whether a tick of `key` at `atMs` is routine in `state`: it changes no state but scheduling its own next tick,
 * and its trace holds only routine entries (a skipped or empty policy retrieval, a healthy or skipped ccmeval, a
 * check that does not expire). A policy tick retrieves with nothing to process while CcmExec runs out of
 * provisioning mode (`tick-retrieves-policy`; the retrieval is routine only when no deployment is pending) and is
 * skipped in it (`tick-skipped-in-mode`); a ccmeval run is skipped while off or in Windows PE and healthy on a
 * running CcmExec with startup auto; a check is routine in provisioning mode until it can expire.
 */
export function isRoutineTick(config: ModelConfig, state: ClientState, key: PeriodicKey, atMs: number): boolean {
  switch (key) {
    case 'policy':
      return (
        state.service.status === 'running' &&
        (state.effectiveMode || !state.deployments.some((d) => d.processedAtMs === null && d.publishedAtMs <= atMs))
      );
    case 'ccmeval':
      return (
        state.device === 'off' ||
        state.environment === 'winpe' ||
        (state.service.startup === 'auto' && state.service.status === 'running')
      );
    case 'check':
      return state.effectiveMode && nextExpiringCheck(config, state, atMs) > atMs;
  }
}
