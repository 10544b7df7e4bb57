/**
 * The forecast by the model: a device's snapshot becomes scenarios that start in the exported state and are run
 * forward by `runModel` under the assumptions in force; the exits are read from the traces. Pure and deterministic.
 *
 * The check phase. A running CcmExec evaluates at its start and then every `checkInterval` (docs/model.md, rules
 * `start-begins-check-loop` and `check-waits-interval`), so its checks fall on a grid `T0 + k × checkInterval` fixed
 * by its last start `T0`. A scenario starts at the grid
 * point `S` at or before `--as-of` (the model evaluates at a scenario's time 0 when CcmExec runs; the state between
 * `S` and `--as-of` is the exported one, as no check in between changed it). `T0` is known from `CcmExecStartTime`,
 * or from `LastBootUpTime` + `bootTime` [provsim] (or, when the entry came after that boot and entering restarts
 * CcmExec, `ProvisioningEnabledTime` + `serviceRestart`, known to the second); otherwise every phase is possible.
 * A stopped or disabled CcmExec starts (with an evaluation) when ccmeval next runs, at an unknown time within
 * `ccmeval.every` of `--as-of` (rules `ccmeval-enables-disabled`, `ccmeval-starts-stopped`): the same grid, started at that run. These
 * choices are listed in docs/model.md, "Triage".
 *
 * Why a few runs bound every phase: with the registry as exported and nothing else happening, the model's exit
 * is the first grid point at or after `D`, the first wall-clock millisecond at which a check finds
 * `elapsed > max × 60` (rule `check-timeout-strictly-more`: `floor(wall / 1000) − ProvisioningEnabledTime > max × 60`). As a function of
 * the grid's start `c`, that exit is `c + k·I` with the least `k` reaching `D` (or `c` itself once `c ≥ D`): it
 * rises with slope 1 between the points where a grid point crosses `D` and drops by one interval there. Its least
 * and greatest values over an interval of `c` are therefore at the interval's ends, at `c ≡ D` (exit exactly `D`),
 * at `c ≡ D − 1` (exit `D + I − 1`) modulo the interval, or at `D − 1`, `D`, `D + 1` themselves; a phase whose
 * check before `--as-of` would already have expired contradicts the export and is dropped, which adds
 * `c ≡ --as-of` (a check right now). Those points are all run; the window is the least and greatest exit the
 * runs show, so the model, not this argument, decides every value (`D` only chooses which phases to run).
 */
import { runModel, type RunResult } from '../model/runModel.js';
import { deadlineWallMs, firstExpiredWallMs, hasTimeout, maxMinutesOf } from '../model/timeout.js';
import { isRegistryInconsistent, registrySaysProvisioning } from '../model/transition.js';
import { createScenario, DEFAULT_CLIENT } from '../scenario/createScenario.js';
import type { Assumptions, Scenario } from '../scenario/Scenario.js';
import type { DeviceSnapshot } from './snapshot.js';

export interface ForecastOptions {
  readonly asOfMs: number;
  readonly checkIntervalMs: number;
  readonly assumptions: Assumptions;
}

export interface PhaseRun {
  readonly scenario: Scenario;
  readonly run: RunResult;
  /** Wall clock of the first exit from provisioning mode, or `null` when the run ends still in it. */
  readonly exitWallMs: number | null;
  /** [provsim] (Triage 4) The phase contradicts the export: the model takes the client out at or before `--as-of` (the export shows the state after everything at `--as-of`). */
  readonly contradicted: boolean;
}

export interface Forecast {
  readonly inMode: boolean;
  readonly inconsistent: boolean;
  /** How the check phase was fixed, for the reasons. */
  readonly phase: string;
  /** The first wall-clock ms at which a check expires (`null`: no timeout applies or no timestamp). */
  readonly firstExpiringMs: number | null;
  /** `ProvisioningEnabledTime + max`, the documented timeout instant. */
  readonly deadlineMs: number | null;
  readonly runs: readonly PhaseRun[];
}

const DAY = 86_400_000;
/** [provsim] Runs stop at most this long after `--as-of` (docs/model.md, Triage 8). */
export const FORECAST_LIMIT_MS = 400 * DAY;

export function forecast(snap: DeviceSnapshot, options: ForecastOptions): Forecast {
  const { asOfMs, checkIntervalMs: I } = options;
  const everyMs = DEFAULT_CLIENT.ccmeval.everyMs;
  const inMode = registrySaysProvisioning(snap.registry);
  const stamp = snap.registry.ProvisioningEnabledTime;
  const timeout = hasTimeout(snap.version);
  const max = maxMinutesOf(snap.registry);
  const deadlineMs = timeout && stamp !== undefined ? deadlineWallMs(stamp, max) : null;
  // `check-timeout-strictly-more`: the first wall-clock instant at which a check finds the timeout expired.
  const D = timeout && stamp !== undefined ? firstExpiredWallMs(stamp, max) : null;
  const endMs = Math.min(asOfMs + FORECAST_LIMIT_MS, Math.max(asOfMs + 7 * DAY, (D ?? 0) + I + everyMs + DAY));
  const base = { snap, options, endMs };
  let phase: string;
  let runs: PhaseRun[];
  if (!inMode) {
    phase = 'not in provisioning mode: one run from --as-of';
    runs = [phaseRun(base, asOfMs, everyMs)];
  } else if (snap.running) {
    const t0 = serviceStart(snap, options);
    phase = t0.why;
    runs = uniq(t0.ranges.flatMap(([lo, hi]) => phasePoints(lo, hi, I, D, asOfMs))).map((s) =>
      phaseRun(base, s, everyMs),
    );
  } else {
    phase = `CcmExec not running: its next start is the next ccmeval run, some time within ${everyMs / 3_600_000}h of --as-of`;
    runs = phasePoints(asOfMs + 1, asOfMs + everyMs, I, D, asOfMs).map((c) => phaseRun(base, asOfMs, c - asOfMs));
  }
  if (runs.length > 1) {
    // Several phases: each scenario named and described apart, so that each can be saved and replayed alone.
    runs = runs.map((r, i) => ({
      ...r,
      scenario: {
        ...r.scenario,
        name: `${r.scenario.name}-phase-${i + 1}`,
        description: `${r.scenario.description} Phase ${i + 1} of ${runs.length}: ${
          snap.running
            ? `CcmExec checks at ${iso(r.scenario.startMs)} and every ${I / 60_000} min`
            : `ccmeval starts CcmExec at ${iso(r.scenario.startMs + r.scenario.client.ccmeval.firstMs)}`
        }.`,
      },
    }));
  }
  return {
    inMode,
    inconsistent: isRegistryInconsistent(snap.registry),
    phase,
    firstExpiringMs: D,
    deadlineMs,
    runs,
  };
}

/** [provsim] The grid starts `S` (in `(asOf − I, asOf]`) that the known facts about CcmExec's last start allow (Triage 1-3). */
function serviceStart(snap: DeviceSnapshot, o: ForecastOptions): { ranges: [number, number][]; why: string } {
  const { asOfMs, checkIntervalMs: I } = o;
  const full: [number, number][] = [[asOfMs - I + 1, asOfMs]];
  let a: number;
  let b: number;
  let why: string;
  const stamp = snap.registry.ProvisioningEnabledTime;
  if (snap.serviceStartMs !== null) {
    a = b = snap.serviceStartMs;
    why = `CcmExec started at ${iso(a)} (CcmExecStartTime): checks every ${I / 60_000} min from then`;
  } else if (snap.lastBootMs !== null) {
    const bootEnd = snap.lastBootMs + DEFAULT_CLIENT.bootTimeMs;
    if (o.assumptions.setRestartsService && stamp !== undefined && stamp * 1000 >= bootEnd) {
      a = stamp * 1000 + DEFAULT_CLIENT.serviceRestartMs;
      b = a + 999;
      why = `entered at ${iso(stamp * 1000)}, after the last boot: entering restarted CcmExec (setRestartsService), so its checks run from ${iso(a)} (to the second)`;
    } else {
      a = b = bootEnd;
      why = `last boot ${iso(snap.lastBootMs)} + bootTime ${DEFAULT_CLIENT.bootTimeMs / 1000}s: CcmExec started at ${iso(a)}, checks every ${I / 60_000} min from then`;
    }
  } else {
    return {
      ranges: full,
      why: 'no LastBootUpTime or CcmExecStartTime: the check phase is unknown, so every phase is run',
    };
  }
  if (b > asOfMs) return { ranges: full, why: `${why}; that is after --as-of, so the phase is taken as unknown` };
  if (b - a >= I - 1) return { ranges: full, why };
  const S = (t: number) => t + I * Math.floor((asOfMs - t) / I);
  const sa = S(a);
  const sb = S(b);
  return {
    ranges:
      sa <= sb
        ? [[sa, sb]]
        : [
            [sa, asOfMs],
            [asOfMs - I + 1, sb],
          ],
    why,
  };
}

/** The grid starts to run over `[lo, hi]`: see the module comment. */
export function phasePoints(lo: number, hi: number, I: number, D: number | null, asOfMs: number): number[] {
  const points = [lo, hi];
  const add = (x: number) => {
    if (x >= lo && x <= hi) points.push(x);
  };
  const congruent = (target: number) => hi - ((((hi - target) % I) + I) % I);
  add(congruent(asOfMs));
  if (D !== null) {
    for (const x of [D - 1, D, D + 1]) add(x);
    add(congruent(D));
    add(congruent(D - 1));
  }
  return uniq(points);
}

function uniq(xs: readonly number[]): number[] {
  return [...new Set(xs)].sort((x, y) => x - y);
}

interface Base {
  readonly snap: DeviceSnapshot;
  readonly options: ForecastOptions;
  readonly endMs: number;
}

/** One scenario: the device in its exported state from `startMs`, ccmeval first after `ccmevalFirstMs`. */
function phaseRun(base: Base, startMs: number, ccmevalFirstMs: number): PhaseRun {
  const { snap, options, endMs } = base;
  const scenario = triageScenario(snap, options, startMs, endMs - startMs, ccmevalFirstMs);
  const run = runModel(scenario);
  const exit = run.trace.find((e) => e.type === 'provisioning-exit');
  const exitWallMs = exit === undefined ? null : startMs + exit.atMs;
  return { scenario, run, exitWallMs, contradicted: exitWallMs !== null && exitWallMs <= options.asOfMs };
}

export function triageScenario(
  snap: DeviceSnapshot,
  options: ForecastOptions,
  startMs: number,
  horizonMs: number,
  ccmevalFirstMs: number,
): Scenario {
  const slug =
    snap.device
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 80) || 'device';
  const service = snap.running
    ? 'CcmExec running'
    : `CcmExec ${snap.startMode === 'disabled' ? 'disabled' : 'stopped'} (simulated as disabled until ccmeval starts it)`;
  return createScenario({
    name: `triage-${slug}`,
    description: `${snap.device} as exported at ${iso(options.asOfMs)}: ${service}; release ${snap.version}.`,
    startMs,
    horizonMs,
    client: {
      version: snap.version,
      checkIntervalMs: options.checkIntervalMs,
      // [provsim] (Triage 5) A stopped CcmExec, whatever its start mode, waits for ccmeval as a disabled one does.
      startup: snap.running ? 'auto' : 'disabled',
      poweredOn: true,
      registry: snap.registry,
      ccmeval: { firstMs: ccmevalFirstMs },
    },
    assumptions: options.assumptions,
  });
}

export const iso = (ms: number): string => new Date(ms).toISOString();
