/**
 * The validated, typed form of a scenario file (README, "Scenario files"; the JSON Schema in `scenarios/`).
 *
 * Every duration is already converted to integer milliseconds; every default is filled in. The loader
 * (`loadScenario`) is the only code that builds one from text, and `scenarioToYaml` the only code that writes one
 * back; the model never sees the file format.
 */

/** The five open points of docs/model.md ("Assumptions"), each a switch. */
export interface Assumptions {
  /** Entering or leaving provisioning mode restarts a running CcmExec. */
  readonly setRestartsService: boolean;
  /** `flow`: a check loop begins only when CcmExec starts; `continuous`: entering while running also begins one. */
  readonly checkLoop: 'flow' | 'continuous';
  /** When `ProvisioningMaxMinutes` is read: at each evaluation, or once when CcmExec starts. */
  readonly maxMinutesRead: 'each-check' | 'service-start';
  /** What a missing `ProvisioningEnabledTime` means to the check: wait forever, or already expired. */
  readonly missingTimestamp: 'never-expires' | 'expired';
  /** `SetClientProvisioningMode` while CcmExec is stopped: takes effect, or fails and changes nothing. */
  readonly wmiWhileStopped: 'works' | 'fails';
}

export const DEFAULT_ASSUMPTIONS: Assumptions = {
  setRestartsService: true,
  checkLoop: 'flow',
  maxMinutesRead: 'each-check',
  missingTimestamp: 'never-expires',
  wmiWhileStopped: 'works',
};

/** The allowed values of each assumption, in the order the documentation lists them (default first). */
export const ASSUMPTION_VALUES = {
  setRestartsService: [true, false],
  checkLoop: ['flow', 'continuous'],
  maxMinutesRead: ['each-check', 'service-start'],
  missingTimestamp: ['never-expires', 'expired'],
  wmiWhileStopped: ['works', 'fails'],
} as const satisfies { readonly [K in keyof Assumptions]: readonly Assumptions[K][] };

/** Names of the registry values under `HKLM\Software\Microsoft\CCM\CcmExec` that a scenario may touch. */
export type RegistryName =
  'ProvisioningMode' | 'SystemTaskExcludes' | 'ProvisioningEnabledTime' | 'ProvisioningMaxMinutes';

export const REGISTRY_NAMES: readonly RegistryName[] = [
  'ProvisioningMode',
  'SystemTaskExcludes',
  'ProvisioningEnabledTime',
  'ProvisioningMaxMinutes',
];

/**
 * Registry values. `ProvisioningMode` and `SystemTaskExcludes` are REG_SZ strings; `ProvisioningEnabledTime` is
 * Unix seconds; `ProvisioningMaxMinutes` is a REG_DWORD (0 to 4294967295). An absent key means the value is absent.
 */
export interface RegistryValues {
  readonly ProvisioningMode?: string;
  readonly SystemTaskExcludes?: string;
  readonly ProvisioningEnabledTime?: number;
  readonly ProvisioningMaxMinutes?: number;
}

export interface CcmEvalConfig {
  readonly enabled: boolean;
  readonly everyMs: number;
  readonly firstMs: number;
}

export interface ClientConfig {
  /** ConfigMgr release `YYMM`, as written (for example `"2403"`). */
  readonly version: string;
  readonly bootTimeMs: number;
  readonly serviceRestartMs: number;
  readonly checkIntervalMs: number;
  readonly policyIntervalMs: number;
  readonly ccmeval: CcmEvalConfig;
  readonly startup: 'auto' | 'disabled';
  readonly poweredOn: boolean;
  /** Where the device runs at time 0: the installed OS or Windows PE, the boot image (docs/model.md, "Windows PE"). */
  readonly startsIn: Environment;
  readonly registry: RegistryValues;
}

/** Where the device runs: the installed OS (where the client lives) or Windows PE, the boot image. */
export type Environment = 'os' | 'winpe';

export const ENVIRONMENTS: readonly Environment[] = ['os', 'winpe'];

export interface TaskSequenceStep {
  readonly name: string;
  readonly durationMs: number;
  /** Where the device restarts after the step (`restart: true` in a file means `os`); `false`: no restart. */
  readonly restart: Environment | false;
  readonly disablesClient: boolean;
  readonly fails: boolean;
  readonly continueOnError: boolean;
}

export interface TaskSequence {
  readonly name: string;
  readonly startAtMs: number;
  /** Index into `steps` of the step whose start enters provisioning mode; `null`: the sequence's start does. */
  readonly provisioningAtStep: number | null;
  readonly steps: readonly TaskSequenceStep[];
}

export interface Repeat {
  readonly everyMs: number;
  /** Total number of occurrences, the first one included. */
  readonly count: number;
}

interface EventBase {
  readonly atMs: number;
  readonly repeat?: Repeat;
}

export type ScenarioEvent =
  | (EventBase & { readonly type: 'power-loss'; readonly downtimeMs: number; readonly recoverable: boolean })
  | (EventBase & { readonly type: 'reboot'; readonly downtimeMs: number; readonly recoverable: boolean })
  | (EventBase & { readonly type: 'deployment'; readonly name: string })
  | (EventBase & { readonly type: 'admin-wmi'; readonly enable: boolean })
  | (EventBase & {
      readonly type: 'registry-set';
      readonly name: 'ProvisioningMode' | 'SystemTaskExcludes';
      readonly value: string;
    })
  | (EventBase & {
      readonly type: 'registry-set';
      readonly name: 'ProvisioningEnabledTime' | 'ProvisioningMaxMinutes';
      readonly value: number;
    })
  | (EventBase & { readonly type: 'registry-delete'; readonly name: RegistryName })
  | (EventBase & { readonly type: 'clock-jump'; readonly byMs: number })
  | (EventBase & { readonly type: 'service-restart' })
  | (EventBase & { readonly type: 'ts-crash' })
  | (EventBase & { readonly type: 'ccmeval' })
  | (EventBase & {
      readonly type: 'health-script';
      readonly action: HealthScriptAction;
      /** `window` only: act on clients in provisioning mode for longer than this, by `ProvisioningEnabledTime`. */
      readonly windowMs: number;
    });

/**
 * What a client-health script does to a client whose registry says provisioning mode (see docs/model.md,
 * `health-script-*`): `force` writes the registry and calls `SetClientProvisioningMode($false)` whatever the
 * timestamp; `window` does the same only past a window after `ProvisioningEnabledTime`; `registry-only` writes the
 * registry value alone.
 */
export type HealthScriptAction = 'force' | 'window' | 'registry-only';

export const HEALTH_SCRIPT_ACTIONS: readonly HealthScriptAction[] = ['force', 'window', 'registry-only'];

export type ScenarioEventType = ScenarioEvent['type'];

export const EVENT_TYPES: readonly ScenarioEventType[] = [
  'power-loss',
  'reboot',
  'deployment',
  'admin-wmi',
  'registry-set',
  'registry-delete',
  'clock-jump',
  'service-restart',
  'ts-crash',
  'ccmeval',
  'health-script',
];

export type ExitReason = 'ts-success' | 'ts-failure' | 'timeout' | 'manual' | 'registry-edit';
export type TaskSequenceOutcome = 'success' | 'failed' | 'abandoned' | 'running' | 'not-started' | 'none';
export type HazardKind =
  | 'stuck-at-horizon'
  | 'exceeded-timeout'
  | 'premature-exit'
  | 'inconsistent-registry'
  | 'client-disabled'
  | 'no-timestamp'
  | 'ended-in-winpe';

export const HAZARD_KINDS: readonly HazardKind[] = [
  'stuck-at-horizon',
  'exceeded-timeout',
  'premature-exit',
  'inconsistent-registry',
  'client-disabled',
  'no-timestamp',
  'ended-in-winpe',
];

/**
 * The invariants' names (the invariants themselves are in `sim/verify/invariants.ts`, in this order; a test keeps
 * the two in step). They live here so that a scenario's `expect.violations` can name them.
 */
export const INVARIANT_NAMES = [
  'no-policy-in-provisioning',
  'exit-within-timeout',
  'no-early-timeout',
  'legacy-never-times-out',
  'proper-exit-is-consistent',
  'timestamp-tracks-entry',
  'deployments-exactly-once',
  'handled-ends-exit',
  'no-client-in-winpe',
  'deterministic',
] as const;
export type InvariantName = (typeof INVARIANT_NAMES)[number];

/** The `expect` block: each present key is one expectation that `provsim check` judges. */
export interface Expect {
  readonly finalProvisioningMode?: boolean;
  readonly exitReason?: ExitReason | null;
  readonly exitedByMs?: number;
  readonly taskSequence?: TaskSequenceOutcome;
  readonly deploymentsProcessedByMs?: number;
  readonly hazards?: readonly HazardKind[];
  /** Exactly these invariants violated (a documented gap pinned by a regression scenario); [] for none. */
  readonly violations?: readonly InvariantName[];
}

export interface Scenario {
  readonly name: string;
  readonly description: string;
  /** Where the scenario was read from, as given on the command line; `null` for one built in code. */
  readonly file: string | null;
  /** Wall clock at simulation time 0, Unix epoch milliseconds (UTC). */
  readonly startMs: number;
  readonly horizonMs: number;
  readonly seed: number;
  readonly client: ClientConfig;
  readonly assumptions: Assumptions;
  readonly taskSequence: TaskSequence | null;
  /** In file order; `repeat` is kept as written (the runner expands it). */
  readonly events: readonly ScenarioEvent[];
  readonly expect: Expect | null;
}

export const DEFAULT_START_MS = Date.UTC(2026, 0, 1);
export const DEFAULT_HORIZON_MS = 7 * 24 * 3_600_000;
