/**
 * The client model's state, inputs, outputs and trace vocabulary.
 *
 * The model is a pure transition `(state, event, nowMs) -> (state, effects, trace)` (see `transition.ts`); a driver
 * (the kernel in `runModel.ts`, or a fake-timers clock) applies the effects. Effects name their timer by a `TimerKey`:
 * scheduling a key replaces the pending timer of that key, so the model never holds a kernel handle.
 */
import type {
  Environment,
  ExitReason,
  HazardKind,
  HealthScriptAction,
  RegistryName,
  ScenarioEvent,
  TaskSequenceOutcome,
} from '../scenario/Scenario.js';

// ---------------------------------------------------------------------------------------------------------------
// Priorities: the order of events at the same instant (the kernel's second sort key). Documented in docs/model.md.
// Scripted events add their index in the scenario file, so that ties within a band keep file order.
// ---------------------------------------------------------------------------------------------------------------

const BAND = 1_000_000;

export const Priority = {
  /** Time-0 setup, and the exceeded-timeout watchdog (it runs one millisecond after its bound, before anything). */
  first: 0,
  /** Scripted changes of the world that processing at the same instant must see: publications, ... */
  deployment: 1 * BAND,
  /** ... clock changes, ... */
  clockJump: 2 * BAND,
  /** ... and registry edits. */
  registry: 3 * BAND,
  /** Internal: the end of a boot (CcmExec starts at once when its startup is auto). */
  boot: 4 * BAND,
  /** Internal: CcmExec starting again after a restart. */
  serviceStart: 5 * BAND,
  /** Internal: the task sequence starting, resuming after a boot, or ending a step. */
  taskSequence: 6 * BAND,
  /** Internal: a policy timer tick (before the check, so a tick at a timeout instant is still skipped). */
  policy: 7 * BAND,
  /** Internal: an evaluation of the check loop. */
  check: 8 * BAND,
  /** Internal: the scheduled ccmeval run. */
  ccmeval: 9 * BAND,
  /** Scripted actions: power loss, reboot, service restart, ts-crash, admin WMI call, manual ccmeval. */
  action: 10 * BAND,
} as const;

/** The band of a scripted event (before its file index is added). */
export function scriptedPriority(type: ScenarioEvent['type']): number {
  switch (type) {
    case 'deployment':
      return Priority.deployment;
    case 'clock-jump':
      return Priority.clockJump;
    case 'registry-set':
    case 'registry-delete':
      return Priority.registry;
    default:
      return Priority.action;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// State
// ---------------------------------------------------------------------------------------------------------------

/** The registry values under HKLM\Software\Microsoft\CCM\CcmExec; a missing key is an absent value. */
export interface Registry {
  ProvisioningMode?: string;
  SystemTaskExcludes?: string;
  ProvisioningEnabledTime?: number;
  ProvisioningMaxMinutes?: number;
}

export type TaskSequenceStatus = 'none' | 'scheduled' | 'waiting-boot' | 'running' | 'success' | 'failed' | 'abandoned';

export interface TaskSequenceState {
  status: TaskSequenceStatus;
  /** The step running, or the next one to start after a boot. */
  stepIndex: number;
  /** A step is executing (its end is scheduled). */
  inStep: boolean;
  /** The sequence resumes (or starts) when the current boot ends. */
  awaitingBoot: boolean;
  /** The current step (running or interrupted and to be resumed) disabled CcmExec. */
  holdsDisabled: boolean;
  /** The sequence has put the client in provisioning mode, so its end takes it out. */
  entered: boolean;
  startedAtMs: number | null;
  endedAtMs: number | null;
}

export interface DeploymentState {
  readonly name: string;
  readonly publishedAtMs: number;
  processedAtMs: number | null;
}

export interface ClientState {
  device: 'on' | 'off';
  /**
   * Where the device runs (or, while off, what it boots): the installed OS or Windows PE, where the installed OS's
   * client does not exist. It changes when a planned restart powers the device down.
   */
  environment: Environment;
  registry: Registry;
  service: {
    startup: 'auto' | 'disabled';
    status: 'running' | 'stopped';
    /** `ProvisioningMaxMinutes` as read at the last CcmExec start (for `maxMinutesRead: service-start`). */
    maxMinutesAtStart: number;
  };
  /** What the running client obeys (and the last value obeyed while CcmExec is stopped). */
  effectiveMode: boolean;
  checkLoopActive: boolean;
  /** Wall clock minus (start + simulation time): the sum of the clock jumps so far. */
  clockOffsetMs: number;
  /** Simulation time of the last entry into provisioning mode (a re-entry counts), for `exceeded-timeout`. */
  lastEntryMs: number | null;
  taskSequence: TaskSequenceState;
  deployments: DeploymentState[];
  /** Hazards that are reported once per episode: set when raised, cleared when the condition ends. */
  raised: { clientDisabled: boolean; noTimestamp: boolean; inconsistent: boolean; exceeded: boolean };
}

// ---------------------------------------------------------------------------------------------------------------
// Inputs and effects
// ---------------------------------------------------------------------------------------------------------------

export type ServiceStartCause = 'boot' | 'restart' | 'ccmeval' | 'task-sequence' | 'service-restart';

export type ModelEvent =
  | { readonly type: 'init' }
  | { readonly type: 'scripted'; readonly event: ScenarioEvent }
  | { readonly type: 'boot-end' }
  | { readonly type: 'service-start'; readonly cause?: 'service-restart' }
  | { readonly type: 'ts-start' }
  | { readonly type: 'ts-resume' }
  | { readonly type: 'ts-step-end' }
  | { readonly type: 'policy-tick' }
  | { readonly type: 'check' }
  | { readonly type: 'ccmeval-tick' }
  | { readonly type: 'watchdog' };

export type TimerKey = 'boot' | 'service-start' | 'ts' | 'policy' | 'check' | 'ccmeval' | 'watchdog';

export type Effect =
  | {
      readonly type: 'schedule';
      readonly key: TimerKey;
      readonly atMs: number;
      readonly priority: number;
      readonly event: ModelEvent;
    }
  | { readonly type: 'cancel'; readonly key: TimerKey };

// ---------------------------------------------------------------------------------------------------------------
// Trace: what happened, in order. Reports are computed from it alone (plus the final state).
// ---------------------------------------------------------------------------------------------------------------

export type EntryCause = 'initial' | 'task-sequence' | 'task-sequence-step' | 'manual' | 'registry-edit';
export type DeviceDownCause = 'power-loss' | 'reboot' | 'planned-restart' | 'powered-off';

export type TraceBody =
  | {
      readonly type: 'device-down';
      readonly cause: DeviceDownCause;
      readonly downtimeMs: number;
      readonly upAtMs: number;
    }
  | { readonly type: 'device-up' }
  /** The device runs (or boots next) in another environment: at time 0 in Windows PE, or a planned restart's target. */
  | { readonly type: 'environment'; readonly environment: Environment; readonly cause: 'initial' | 'planned-restart' }
  | { readonly type: 'service-start'; readonly cause: ServiceStartCause }
  | { readonly type: 'service-stop'; readonly cause: string; readonly restartAtMs: number | null }
  | { readonly type: 'startup-type'; readonly startup: 'auto' | 'disabled'; readonly cause: string }
  | {
      readonly type: 'provisioning-enter';
      readonly cause: EntryCause;
      /** False when the client was already in provisioning mode (a re-entry: only the timestamp moves). */
      readonly newInterval: boolean;
      readonly timestampSeconds: number | null;
    }
  | { readonly type: 'provisioning-exit'; readonly reason: ExitReason; readonly closedInterval: boolean }
  | {
      readonly type: 'check';
      readonly wallMs: number;
      readonly elapsedSeconds: number | null;
      readonly maxMinutes: number;
      readonly expired: boolean;
    }
  | { readonly type: 'check-loop'; readonly action: 'start' | 'end'; readonly firstAtMs: number | null }
  | {
      readonly type: 'policy-retrieval';
      readonly cause: 'service-start' | 'exit' | 'tick';
      readonly processed: readonly string[];
    }
  | { readonly type: 'policy-skipped' }
  | { readonly type: 'deployment-published'; readonly name: string }
  | { readonly type: 'ts-start'; readonly name: string }
  | { readonly type: 'ts-wait-boot' }
  | { readonly type: 'ts-step-start'; readonly index: number; readonly name: string; readonly resumed: boolean }
  | {
      readonly type: 'ts-step-end';
      readonly index: number;
      readonly name: string;
      readonly failed: boolean;
      readonly continued: boolean;
    }
  | { readonly type: 'ts-end'; readonly outcome: Extract<TaskSequenceOutcome, 'success' | 'failed'> }
  | { readonly type: 'ts-abandoned'; readonly cause: 'power-loss' | 'reboot' | 'ts-crash'; readonly stepIndex: number }
  | { readonly type: 'registry-edit'; readonly name: RegistryName; readonly value: string | number | null }
  | { readonly type: 'clock-jump'; readonly byMs: number; readonly wallMs: number }
  | {
      readonly type: 'ccmeval';
      readonly manual: boolean;
      readonly action: 'enabled-and-started' | 'started' | 'healthy' | 'skipped-device-off' | 'skipped-winpe';
    }
  | { readonly type: 'admin-wmi'; readonly enable: boolean }
  | {
      readonly type: 'health-script';
      readonly action: HealthScriptAction;
      readonly acted: boolean;
      readonly reason: string;
    }
  | { readonly type: 'hazard'; readonly kind: HazardKind; readonly detail: string }
  | { readonly type: 'ignored'; readonly what: string; readonly reason: string };

export type TraceEntry = TraceBody & { readonly atMs: number };

export type TraceType = TraceBody['type'];
