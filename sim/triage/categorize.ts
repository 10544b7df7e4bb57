/**
 * Categories and actions (README, "Triage: from a CMPivot query to a fix list"; docs/model.md, "Triage"), decided
 * from the model's runs: the reasons quote what the runs show. Pure.
 */
import { hasTimeout, TIMEOUT_RELEASE } from '../model/timeout.js';
import type { DeviceSnapshot } from './snapshot.js';
import { type Forecast, iso, type PhaseRun } from './forecast.js';

export const CATEGORIES = [
  'healthy',
  'inconsistent-registry',
  'will-exit',
  'overdue',
  'never-exits',
  'rescued-by-ccmeval',
  'future-timestamp',
] as const;
export type Category = (typeof CATEGORIES)[number];
export type Action = 'none' | 'fix-now' | 'wait-for-ts' | 'wait' | 'investigate';

export interface DeviceTriage {
  readonly device: string;
  readonly category: Category;
  readonly action: Action;
  /** Epoch ms of `ProvisioningEnabledTime`, or null. */
  readonly enteredAt: number | null;
  /** `ProvisioningEnabledTime + max`: the documented timeout instant, or null. */
  readonly deadline: number | null;
  /** The forecast window of the exit (equal when the check phase is known), or null. */
  readonly exitAfter: number | null;
  readonly exitBy: number | null;
  readonly reasons: readonly string[];
  readonly defaulted: readonly string[];
}

export interface CategorizeOptions {
  readonly asOfMs: number;
  readonly tsWindowMs: number;
  readonly checkIntervalMs: number;
}

/** [provsim] The categories in the order of docs/model.md, Triage 7. */
export function categorize(snap: DeviceSnapshot, f: Forecast, o: CategorizeOptions): DeviceTriage {
  const stamp = snap.registry.ProvisioningEnabledTime;
  const enteredAt = stamp === undefined ? null : stamp * 1000;
  // [provsim] Out of provisioning mode the timestamp only records the last entry: no deadline applies.
  const base = { device: snap.device, enteredAt, deadline: f.inMode ? f.deadlineMs : null, defaulted: snap.defaulted };
  const hours = (ms: number) => `${(ms / 3_600_000).toFixed(1).replace(/\.0$/, '')}h`;
  if (!f.inMode) {
    if (f.inconsistent) {
      const reasons = [
        `ProvisioningMode is ${JSON.stringify(snap.registry.ProvisioningMode ?? '')} but SystemTaskExcludes still lists ${(snap.registry.SystemTaskExcludes ?? '').split(';').filter((t) => t !== '').length} task(s): a registry-only edit left the client half in provisioning mode (hazard inconsistent-registry); SetClientProvisioningMode($false) clears both`,
      ];
      return {
        ...base,
        category: 'inconsistent-registry',
        exitAfter: null,
        exitBy: null,
        ...fixNow(enteredAt, o, reasons),
      };
    }
    return {
      ...base,
      category: 'healthy',
      action: 'none',
      exitAfter: null,
      exitBy: null,
      reasons: ['not in provisioning mode; the registry is consistent'],
    };
  }
  const reasons: string[] = [];
  const live = f.runs.filter((r) => !r.contradicted);
  const exits = live.map((r) => r.exitWallMs);
  if (live.length === 0) {
    // One run: the phase is known and that run's exit is the one; several: the latest exit over every phase.
    const latest =
      f.runs.length === 1 || f.firstExpiringMs === null
        ? Math.max(...f.runs.map((r) => r.exitWallMs ?? 0))
        : f.firstExpiringMs + o.checkIntervalMs - 1;
    reasons.push(
      `by the model a running CcmExec takes it out at its first check after the deadline${f.deadlineMs === null ? '' : ` ${iso(f.deadlineMs)}`}, by ${iso(latest)} at the latest; yet it is still in provisioning mode at ${iso(o.asOfMs)}: something the model does not see stops the check (CcmExec not running, the clock)`,
    );
    return {
      ...base,
      category: 'overdue',
      action: 'investigate',
      exitAfter: null,
      exitBy: null,
      reasons: [...reasons, f.phase],
    };
  }
  if (exits.some((e) => e === null)) {
    if (!hasTimeout(snap.version))
      reasons.push(`release ${snap.version} has no timeout (the timeout exists from release ${TIMEOUT_RELEASE} on)`);
    for (const h of hazards(live, ['no-timestamp', 'client-disabled'])) reasons.push(h);
    const horizon = live[0] as PhaseRun;
    reasons.push(
      `the model runs it ${hours(horizon.scenario.horizonMs)} forward and it never leaves provisioning mode`,
    );
    return {
      ...base,
      category: 'never-exits',
      exitAfter: null,
      exitBy: null,
      ...fixNow(enteredAt, o, [...reasons, f.phase]),
    };
  }
  const times = exits as number[];
  const exitAfter = Math.min(...times);
  const exitBy = Math.max(...times);
  const last = live.find((r) => r.exitWallMs === exitBy) as PhaseRun;
  const check = last.run.trace.filter((e) => e.type === 'check').at(-1);
  if (check?.type === 'check' && check.expired) {
    reasons.push(
      check.elapsedSeconds === null
        ? `the check at ${iso(exitBy)} finds no timestamp and, under missingTimestamp: expired, takes it out`
        : `the check at ${iso(exitBy)} finds ${check.elapsedSeconds} s elapsed, more than max ${check.maxMinutes} min × 60: the timeout takes it out`,
    );
  }
  if (exitAfter !== exitBy)
    reasons.push(`over every possible check phase it exits between ${iso(exitAfter)} and ${iso(exitBy)}`);
  const window = { exitAfter, exitBy };
  reasons.push(f.phase);
  if (enteredAt !== null && enteredAt > o.asOfMs && hasTimeout(snap.version)) {
    reasons.unshift(
      `ProvisioningEnabledTime ${iso(enteredAt)} is after --as-of ${iso(o.asOfMs)} (a clock set back, or skew): the timeout counts from it, so it exits late`,
    );
    return { ...base, category: 'future-timestamp', action: 'investigate', ...window, reasons };
  }
  const rescue = last.run.trace.find(
    (e) => e.type === 'ccmeval' && (e.action === 'enabled-and-started' || e.action === 'started'),
  );
  if (!snap.running && rescue !== undefined) {
    reasons.unshift(
      `CcmExec is ${snap.startMode === 'disabled' ? 'disabled' : 'stopped'}: ccmeval starts it (at its next daily run), then the check applies`,
    );
    return { ...base, category: 'rescued-by-ccmeval', action: 'wait', ...window, reasons };
  }
  return { ...base, category: 'will-exit', action: 'wait', ...window, reasons };
}

/** The hazards of the given kinds the runs raised, in the model's words. */
function hazards(runs: readonly PhaseRun[], kinds: readonly string[]): string[] {
  const out = new Set<string>();
  for (const r of runs)
    for (const e of r.run.trace) if (e.type === 'hazard' && kinds.includes(e.kind)) out.add(`${e.kind}: ${e.detail}`);
  return [...out];
}

/** `fix-now`, unless the device entered less than `--ts-window` ago: a task sequence may still be running. */
function fixNow(
  enteredAt: number | null,
  o: CategorizeOptions,
  reasons: string[],
): { action: Action; reasons: string[] } {
  const window = `${o.tsWindowMs / 60_000} min`;
  if (enteredAt === null) {
    return {
      action: 'fix-now',
      reasons: [
        ...reasons,
        `no ProvisioningEnabledTime: whether a task sequence is still running (--ts-window ${window}) could not be checked`,
      ],
    };
  }
  const ago = o.asOfMs - enteredAt;
  if (ago < o.tsWindowMs) {
    return {
      action: 'wait-for-ts',
      reasons: [
        ...reasons,
        `entered ${Math.round(ago / 60_000)} min before --as-of, less than --ts-window ${window}: a task sequence may still be running`,
      ],
    };
  }
  return {
    action: 'fix-now',
    reasons: [...reasons, `entered ${Math.round(ago / 60_000)} min before --as-of, outside --ts-window ${window}`],
  };
}
