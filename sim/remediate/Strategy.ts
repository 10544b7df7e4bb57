/**
 * Remediation strategies for clients stuck in provisioning mode, as `provsim remediate --strategy` spells them, and
 * what each one does to a fleet client's scenario. Every strategy is scripted actions run through the model (the
 * `health-script` event, docs/model.md `health-script-*`), or a registry value, never a formula. Pure.
 *
 * - `wait`: nothing; the built-in timeout alone.
 * - `max=<minutes>`: `ProvisioningMaxMinutes` = minutes on every client (1 to 4294967295, a REG_DWORD; 0 would mean
 *   the default 48 hours, so it is refused as a strategy).
 * - `force-daily@HH:MM`: every day at HH:MM, the client-health script repairs any client whose registry says
 *   provisioning mode (registry "false", then `SetClientProvisioningMode($false)`), whatever its timestamp.
 * - `window-daily@HH:MM[/WINDOW]`: the same, only for clients in the mode for longer than WINDOW (default 4h) by
 *   `ProvisioningEnabledTime`.
 * - `registry-only-daily@HH:MM`: the script writes `ProvisioningMode = "false"` alone.
 *
 * Times of day are UTC (fleet files give no time zones); the schedule follows simulation time from the fleet's
 * start, as a scheduled task follows the device's clock.
 */
import { formatDuration, parseDuration } from '../scenario/Duration.js';
import type { HealthScriptAction, Scenario, ScenarioEvent } from '../scenario/Scenario.js';

const MINUTE = 60_000;
const DAY = 86_400_000;
const DEFAULT_WINDOW_MS = 4 * 3_600_000;
const MAX_DWORD = 4_294_967_295;

export type Strategy =
  | { readonly kind: 'wait'; readonly label: string }
  | { readonly kind: 'max'; readonly label: string; readonly maxMinutes: number }
  | {
      readonly kind: 'daily';
      readonly label: string;
      readonly action: HealthScriptAction;
      /** Time of day, milliseconds after 00:00 UTC. */
      readonly atMsOfDay: number;
      readonly windowMs: number;
    };

export const STRATEGY_FORMS =
  'wait, max=<minutes>, force-daily@HH:MM, window-daily@HH:MM[/WINDOW] or registry-only-daily@HH:MM';

/** The strategy a `--strategy` value names, or a message saying what is wrong and what is allowed. */
export function parseStrategy(text: string): Strategy | string {
  const t = text.trim();
  const bad = (why: string) => `--strategy ${JSON.stringify(text)}: ${why}; expected ${STRATEGY_FORMS}`;
  if (t === 'wait') return { kind: 'wait', label: 'wait' };
  const max = /^max=(\d+)$/.exec(t);
  if (max !== null) {
    const minutes = Number(max[1]);
    if (!Number.isSafeInteger(minutes) || minutes < 1 || minutes > MAX_DWORD) {
      return bad(`ProvisioningMaxMinutes must be a whole number from 1 to ${MAX_DWORD}`);
    }
    return { kind: 'max', label: `max=${minutes}`, maxMinutes: minutes };
  }
  const daily = /^(force|window|registry-only)-daily@(\d{2}):(\d{2})(?:\/(.+))?$/.exec(t);
  if (daily === null) return bad('not a strategy');
  const action = daily[1] as HealthScriptAction;
  const hours = Number(daily[2]);
  const minutes = Number(daily[3]);
  if (hours > 23 || minutes > 59) return bad(`${daily[2]}:${daily[3]} is not a time of day (00:00 to 23:59)`);
  let windowMs = DEFAULT_WINDOW_MS;
  if (daily[4] !== undefined) {
    if (action !== 'window') return bad('only window-daily takes a /WINDOW');
    const w = parseDuration(daily[4]);
    if (w === null || w <= 0) return bad(`window ${JSON.stringify(daily[4])} is not a positive duration such as 4h`);
    windowMs = w;
  }
  const atMsOfDay = (hours * 60 + minutes) * MINUTE;
  const clock = `${daily[2]}:${daily[3]}`;
  const label = action === 'window' ? `window-daily@${clock}/${formatDuration(windowMs)}` : `${action}-daily@${clock}`;
  return { kind: 'daily', label, action, atMsOfDay, windowMs };
}

/**
 * The client's scenario under a daily strategy: the script's runs added as one repeated event. (`max=` is applied
 * to the fleet before the client is drawn, so that every other draw stays the same; see `fleetUnder`.)
 */
export function withStrategy(scenario: Scenario, strategy: Strategy): Scenario {
  if (strategy.kind !== 'daily') return scenario;
  // The first run at or after the scenario's start whose wall clock (UTC) reads the strategy's time of day.
  const intoDay = (((scenario.startMs % DAY) + DAY) % DAY) as number;
  const firstAtMs = (strategy.atMsOfDay - intoDay + DAY) % DAY;
  if (firstAtMs > scenario.horizonMs) return scenario;
  const count = Math.floor((scenario.horizonMs - firstAtMs) / DAY) + 1;
  const script: ScenarioEvent = {
    type: 'health-script',
    atMs: firstAtMs,
    action: strategy.action,
    windowMs: strategy.windowMs,
    ...(count > 1 ? { repeat: { everyMs: DAY, count } } : {}),
  };
  return { ...scenario, events: [...scenario.events, script] };
}
