/**
 * The validated, typed form of a fleet file (`*.fleet.yaml`): a population of ConfigMgr clients described by
 * distributions. Every duration is integer milliseconds, every share a fraction in [0, 1], every default filled in.
 * `parseFleet` (loadFleet.ts) is the only code that builds one from text; `clientScenario` turns one client of it
 * into an ordinary `Scenario`.
 *
 * A `Fleet` is plain data (no functions, no class instances), so it crosses to worker threads unchanged.
 */
import type { Assumptions, Environment } from '../../scenario/Scenario.js';

/** A random duration: fixed, uniform between two bounds, or log-normal given its median and 95th percentile. */
export type DurationDistribution =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly p95Ms: number };

/** One entry of a mix: `share` of the clients get `value`. The shares of a mix add up to 1. */
export interface MixEntry<T> {
  readonly value: T;
  readonly share: number;
}

export interface FleetStep {
  readonly name: string;
  readonly duration: DurationDistribution;
  /** Where the device restarts after the step, or `false` (model.md, Windows PE). */
  readonly restart: Environment | false;
  /** The probability that this step disables CcmExec in a run (0: never, 1: always). */
  readonly disablesClient: number;
  /** The probability that this step fails in a run. */
  readonly fails: number;
  readonly continueOnError: boolean;
}

export interface FleetTaskSequence {
  readonly name: string;
  /** The share of the clients that start this task sequence within the start window. */
  readonly share: number;
  /**
   * The start time is uniform in [fromMs, toMs] (fleet time; `toMs: null` is the horizon); a start past the horizon
   * (after `--days` shortened it) means the client runs none within the run.
   */
  readonly startWindow: { readonly fromMs: number; readonly toMs: number | null };
  /** Index of the step whose start enters provisioning mode; `null`: the sequence's start does. */
  readonly provisioningAtStep: number | null;
  readonly steps: readonly FleetStep[];
  /** The probability that the run crashes (`ts-crash`) at a uniform moment of its nominal span. */
  readonly crash: number;
}

/** A Poisson process of device interruptions. */
export interface Interruptions {
  /** Expected interruptions per client per hour. */
  readonly perHour: number;
  readonly downtime: DurationDistribution;
  /** The probability that an interruption is unrecoverable for a task sequence running at that moment. */
  readonly unrecoverable: number;
}

/** Clients already in provisioning mode at the start (stuck from before the run). */
export interface InitiallyStuck {
  readonly share: number;
  /** How long before the start they entered (sets `ProvisioningEnabledTime` on releases with the timeout: `hasTimeout`). */
  readonly enteredAgo: DurationDistribution;
}

/** A deployment published to every client at `atMs` (fleet time), and again every `everyMs` up to the horizon. */
export interface FleetDeployment {
  readonly name: string;
  readonly atMs: number;
  readonly everyMs: number | null;
}

export interface FleetClientSettings {
  readonly bootTimeMs: number;
  readonly serviceRestartMs: number;
  readonly checkIntervalMs: number;
  readonly policyIntervalMs: number;
  /** ccmeval every `everyMs`; each client's first run is at a random phase within the first `everyMs`. */
  readonly ccmeval: { readonly enabled: boolean; readonly everyMs: number };
}

export interface Fleet {
  readonly name: string;
  readonly description: string;
  /** Where the fleet was read from; `null` for one built in code. */
  readonly file: string | null;
  readonly clients: number;
  /** Wall clock at fleet time 0, Unix epoch milliseconds (UTC). */
  readonly startMs: number;
  readonly horizonMs: number;
  readonly seed: number;
  readonly releases: readonly MixEntry<string>[];
  /** The `ProvisioningMaxMinutes` mix; `null` is an absent value (48 hours). */
  readonly maxMinutes: readonly MixEntry<number | null>[];
  readonly client: FleetClientSettings;
  readonly assumptions: Assumptions;
  readonly taskSequences: readonly FleetTaskSequence[];
  readonly powerLoss: Interruptions | null;
  readonly reboot: Interruptions | null;
  readonly initiallyStuck: InitiallyStuck | null;
  readonly deployments: readonly FleetDeployment[];
}

/** The largest fleet horizon (a year and a day): keeps every client's run far below the kernel's event limit. */
export const MAX_FLEET_HORIZON_MS = 366 * 86_400_000;
export const MAX_FLEET_CLIENTS = 1_000_000_000;
