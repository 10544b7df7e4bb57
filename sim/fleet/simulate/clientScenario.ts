/**
 * One client of a fleet as an ordinary scenario: `clientScenario(fleet, index)` is a pure function of the fleet and
 * the client's index, drawn from the kernel's seeded source, so `provsim fleet --explain N` prints exactly what the
 * fleet simulated for client N, and `provsim run` on it gives the same outcome.
 *
 * Gotchas:
 * - Each client's policy cycle has its own phase (real clients do not all retrieve policy on the hour). A scenario
 *   starts CcmExec at its time 0, so the client's scenario starts `phase` before the fleet: fleet time t is the
 *   scenario's time t + phase, and its horizon is the fleet's plus the phase. `phaseOf` gives it back.
 * - Draws come from three independent streams (the client, its task sequence, its interruptions), so a change of
 *   one part of the fleet (a mix, the horizon) leaves the other draws of every client as they were: `provsim tune`
 *   compares the same clients under each `ProvisioningMaxMinutes`.
 */
import { createRandom, type Random } from '../../kernel/Random.js';
import { hasTimeout, PROVISIONING_EXCLUDES } from '../../model/transition.js';
import type {
  RegistryValues,
  Scenario,
  ScenarioEvent,
  TaskSequence,
  TaskSequenceStep,
} from '../../scenario/Scenario.js';
import type { Fleet, FleetTaskSequence, Interruptions } from '../load/Fleet.js';
import { chance, clientSeed, fmix32, pick, sampleDuration, sampleExponential } from './sample.js';

const HOUR = 3_600_000;

/** Rounds down to whole seconds. */
const seconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** Where the client's scenario starts, before the fleet start: the phase of its policy cycle (whole seconds). */
export function phaseOf(fleet: Fleet, scenario: Scenario): number {
  return fleet.startMs - scenario.startMs;
}

export function clientScenario(fleet: Fleet, index: number): Scenario {
  if (!Number.isInteger(index) || index < 0 || index >= fleet.clients) {
    throw new RangeError(`client index must be a whole number from 0 to ${fleet.clients - 1}, got ${index}`);
  }
  const seed = clientSeed(fleet.seed, index);
  const rng = createRandom(seed);
  const H = fleet.horizonMs;
  const c = fleet.client;

  // The client itself: phase of its policy cycle, release, ProvisioningMaxMinutes, ccmeval phase, stuck from before.
  const phase = seconds(rng.nextFloat() * c.policyIntervalMs);
  const version = pick(fleet.releases, rng);
  const maxMinutes = pick(fleet.maxMinutes, rng);
  const ccmevalFirst = seconds(rng.nextFloat() * c.ccmeval.everyMs);
  const stuck = fleet.initiallyStuck !== null && chance(fleet.initiallyStuck.share, rng);
  const enteredAgo = stuck && fleet.initiallyStuck !== null ? sampleDuration(fleet.initiallyStuck.enteredAgo, rng) : 0;
  const tsKind = pickTaskSequence(fleet, rng);
  const startMs = fleet.startMs - phase;

  const registry: { -readonly [K in keyof RegistryValues]: RegistryValues[K] } = {};
  if (stuck) {
    registry.ProvisioningMode = 'true';
    registry.SystemTaskExcludes = PROVISIONING_EXCLUDES;
    if (hasTimeout(version)) registry.ProvisioningEnabledTime = Math.floor((startMs - enteredAgo) / 1000);
  }
  if (maxMinutes !== null) registry.ProvisioningMaxMinutes = maxMinutes;

  const events: ScenarioEvent[] = [];
  for (const d of fleet.deployments) {
    if (d.atMs > H) continue; // published after a horizon that --days shortened
    const at = d.atMs + phase;
    if (d.everyMs === null) events.push({ type: 'deployment', name: d.name, atMs: at });
    else {
      const count = Math.floor((H - d.atMs) / d.everyMs) + 1;
      events.push({
        type: 'deployment',
        name: d.name,
        atMs: at,
        ...(count > 1 ? { repeat: { everyMs: d.everyMs, count } } : {}),
      });
    }
  }

  const drawn = tsKind === null ? null : drawTaskSequence(fleet, tsKind, createRandom(fmix32(seed ^ 0x1b873593)));
  let taskSequence: TaskSequence | null = null;
  if (drawn !== null && drawn.startMs <= H) {
    taskSequence = {
      name: drawn.kind.name,
      startAtMs: drawn.startMs + phase,
      provisioningAtStep: drawn.kind.provisioningAtStep,
      steps: drawn.steps,
    };
    if (drawn.crashMs !== null && drawn.crashMs <= H) events.push({ type: 'ts-crash', atMs: drawn.crashMs + phase });
  }

  drawInterruptions(fleet, phase, createRandom(fmix32(seed ^ 0xcc9e2d51)), events);

  return {
    name: `${fleet.name}-client-${index}`,
    description: describe(fleet),
    file: null,
    startMs,
    horizonMs: H + phase,
    seed,
    client: {
      version,
      bootTimeMs: c.bootTimeMs,
      serviceRestartMs: c.serviceRestartMs,
      checkIntervalMs: c.checkIntervalMs,
      policyIntervalMs: c.policyIntervalMs,
      ccmeval: { enabled: c.ccmeval.enabled, everyMs: c.ccmeval.everyMs, firstMs: ccmevalFirst },
      startup: 'auto',
      poweredOn: true,
      startsIn: 'os',
      registry,
    },
    assumptions: fleet.assumptions,
    taskSequence,
    events,
    expect: null,
  };
}

const descriptions = new WeakMap<Fleet, string>();

/** The description every client of a fleet shares (built once per fleet: a million clients share it). */
function describe(fleet: Fleet): string {
  let text = descriptions.get(fleet);
  if (text === undefined) {
    const start = new Date(fleet.startMs).toISOString().replace('.000Z', 'Z');
    text =
      `A client of fleet ${fleet.name} (seed ${fleet.seed}), as provsim fleet --explain prints it. Its policy cycle ` +
      `has its own phase, so this scenario starts that phase (under one policy interval) before the fleet's start, ` +
      `${start}: the fleet's time t is this scenario's time t + (${start} - start).`;
    descriptions.set(fleet, text);
  }
  return text;
}

interface DrawnTaskSequence {
  readonly kind: FleetTaskSequence;
  readonly startMs: number;
  readonly steps: TaskSequenceStep[];
  readonly crashMs: number | null;
}

/** Which task sequence the client runs, if any: exactly one draw. */
function pickTaskSequence(fleet: Fleet, rng: Random): FleetTaskSequence | null {
  return taskSequenceFor(fleet, rng.nextFloat());
}

/** The task sequence a client runs for its uniform draw `u` (null: none). */
export function taskSequenceFor(fleet: Fleet, u: number): FleetTaskSequence | null {
  let cumulative = 0;
  for (const ts of fleet.taskSequences) {
    cumulative += ts.share;
    if (u < cumulative) return ts;
  }
  return null;
}

/** When the client starts `kind` (fleet time), its step durations, failures and crash. */
function drawTaskSequence(fleet: Fleet, kind: FleetTaskSequence, rng: Random): DrawnTaskSequence {
  const from = kind.startWindow.fromMs;
  const to = kind.startWindow.toMs ?? fleet.horizonMs;
  const startMs = seconds(from + rng.nextFloat() * (to - from));
  let spanMs = 0;
  const steps = kind.steps.map((s): TaskSequenceStep => {
    const durationMs = sampleDuration(s.duration, rng);
    const disablesClient = chance(s.disablesClient, rng);
    const fails = chance(s.fails, rng);
    spanMs += durationMs + (s.restart ? fleet.client.bootTimeMs : 0);
    return { name: s.name, durationMs, restart: s.restart, disablesClient, fails, continueOnError: s.continueOnError };
  });
  const crashes = chance(kind.crash, rng);
  const crashAt = seconds(startMs + rng.nextFloat() * spanMs);
  return { kind, startMs, steps, crashMs: crashes ? crashAt : null };
}

/**
 * Power losses and restarts over [0, H) in fleet time, appended to `events` in client time: one Poisson process of
 * both rates together, each arrival a power loss or a restart in proportion to their rates (the same in law as two
 * independent processes, from one stream).
 */
function drawInterruptions(fleet: Fleet, phase: number, rng: Random, events: ScenarioEvent[]): void {
  const power = fleet.powerLoss?.perHour ?? 0;
  const restart = fleet.reboot?.perHour ?? 0;
  const total = power + restart;
  if (total <= 0) return;
  const meanMs = HOUR / total;
  const H = fleet.horizonMs;
  let t = 0;
  for (;;) {
    t += sampleExponential(rng, meanMs);
    if (t >= H) return;
    const isPowerLoss = rng.nextFloat() * total < power;
    const spec = (isPowerLoss ? fleet.powerLoss : fleet.reboot) as Interruptions;
    const downtimeMs = sampleDuration(spec.downtime, rng);
    const recoverable = !chance(spec.unrecoverable, rng);
    events.push({ type: isPowerLoss ? 'power-loss' : 'reboot', atMs: seconds(t) + phase, downtimeMs, recoverable });
  }
}
