/**
 * The timeout rule, written once: the release gate, the `max` in force, the strict comparison and the deadline.
 * Everything else (the transition, the report, the importer, the fleet) asks these queries instead of knowing the
 * numbers. Pure. (The independent oracle in `sim/verify/invariants.ts` keeps its own copy on purpose.)
 *
 * Rules (docs/model.md, "Rules by name"): `check-timeout-strictly-more`, `check-waits-interval`,
 * `enter-timestamp-from-1902`.
 */

// This module imports nothing, so that any layer (the scenario loader's help texts included) can state these facts
// by asking it, without a circle of imports. The types below are the parts of `ClientState` and `Assumptions` used.

/** What the timeout reads of the registry. */
interface MaxRegistry {
  readonly ProvisioningMaxMinutes?: number;
  readonly ProvisioningEnabledTime?: number;
}

/** What the timeout reads of the client's state (`ClientState`). */
interface TimeoutState {
  readonly effectiveMode: boolean;
  readonly registry: MaxRegistry;
  readonly service: { readonly maxMinutesAtStart: number };
}

/** The assumption the timeout depends on (`Assumptions`). */
interface MaxMinutesRead {
  readonly maxMinutesRead: 'each-check' | 'service-start';
}

/** [en] "If this value doesn't exist or is 0, the client uses the default 48 hours." */
export const DEFAULT_MAX_MINUTES = 2880;

/** [fr] "À compter de la version 1902": the first release with the timestamp and the timeout. */
export const TIMEOUT_RELEASE = '1902';

/** [fr] The timestamp and the timeout exist from release `TIMEOUT_RELEASE` on (`enter-timestamp-from-1902`). */
export function hasTimeout(version: string): boolean {
  return Number(version) >= Number(TIMEOUT_RELEASE);
}

/** [en] `ProvisioningMaxMinutes` where present and > 0, else `DEFAULT_MAX_MINUTES` (48 hours). */
export function maxMinutesOf(registry: MaxRegistry): number {
  const v = registry.ProvisioningMaxMinutes;
  return v !== undefined && v > 0 ? v : DEFAULT_MAX_MINUTES;
}

/**
 * The `max` the client obeys now [assumption maxMinutesRead]: under `each-check` the registry's value; under
 * `service-start` the value read when CcmExec last started.
 */
export function maxMinutesInForce(state: TimeoutState, assumptions: MaxMinutesRead): number {
  return assumptions.maxMinutesRead === 'each-check' ? maxMinutesOf(state.registry) : state.service.maxMinutesAtStart;
}

/** [en] "more than 48 hours": a check expires when `elapsed` is strictly more than `max` (`check-timeout-strictly-more`). */
export function isExpired(elapsedSeconds: number, maxMinutes: number): boolean {
  return elapsedSeconds > maxMinutes * 60;
}

/**
 * The deadline: the wall-clock instant (ms) at which the wait reaches `max` since `ProvisioningEnabledTime`. A
 * check at it does not expire yet (strictly more); the first check a full second or more after it does.
 */
export function deadlineWallMs(timestampSeconds: number, maxMinutes: number): number {
  return (timestampSeconds + maxMinutes * 60) * 1000;
}

/**
 * The first wall-clock instant (ms) at which a check finds the timeout expired: `elapsed` counts whole seconds
 * (`floor(wall / 1000) - timestamp`), and must be strictly more than `max * 60`, so a full second after the deadline.
 * `atOrAfter` (the fault `checkAtOrAfterMax` only) expires at the deadline itself.
 */
export function firstExpiredWallMs(timestampSeconds: number, maxMinutes: number, atOrAfter = false): number {
  return deadlineWallMs(timestampSeconds, maxMinutes) + (atOrAfter ? 0 : 1000);
}

/** The (timestamp, max) pair that decides the timeout now, or null when no timeout can fire from this state. */
export interface DeadlineInForce {
  readonly timestampSeconds: number;
  readonly maxMinutes: number;
}

/**
 * The deadline the client is under: in provisioning mode (the effective mode), on a release with the timeout, with
 * a timestamp; `max` as in force (`maxMinutesInForce`). Null otherwise.
 */
export function deadlineInForce(
  state: TimeoutState,
  version: string,
  assumptions: MaxMinutesRead,
): DeadlineInForce | null {
  const stamp = state.registry.ProvisioningEnabledTime;
  if (!state.effectiveMode || !hasTimeout(version) || stamp === undefined) return null;
  return { timestampSeconds: stamp, maxMinutes: maxMinutesInForce(state, assumptions) };
}
