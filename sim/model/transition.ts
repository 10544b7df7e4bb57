/**
 * The client model as a pure transition: `transition(config, state, event, nowMs)` returns the next state, the
 * timer effects for a driver to apply, and the trace entries of what happened. It reads no clock, touches no
 * global, and never mutates its input state, so the same model runs on the kernel, on a fake-timers clock and, for
 * fleets, many clients at once.
 *
 * Each rule cites its source and its name in docs/model.md ("Rules by name"; `rules.ts` lists them): [fr] the
 * French seed (2019), [en] the English seed (2021), [ts-flow] and [client-flow] the two flow diagrams, [spec] the
 * specification where it fixes a detail the seeds leave open, [assumption X] for the switches, and [provsim] for a
 * choice of ours, numbered under "Choices" in docs/model.md.
 *
 * Gotchas: timers run on simulation time and a clock jump moves none of them; timestamps are read from the wall
 * clock. The effective mode survives a CcmExec stop (it is what the client obeyed last) and is re-read from the
 * registry only when CcmExec starts.
 */
import type { Environment, HealthScriptAction, Scenario, ScenarioEvent } from '../scenario/Scenario.js';
import {
  type ClientState,
  type DeviceDownCause,
  type Effect,
  type EntryCause,
  type ModelEvent,
  Priority,
  type Registry,
  type ServiceStartCause,
  type TimerKey,
  type TraceBody,
  type TraceEntry,
} from './types.js';
import {
  type DeadlineInForce,
  deadlineInForce,
  deadlineWallMs,
  hasTimeout,
  isExpired,
  maxMinutesInForce,
  maxMinutesOf,
} from './timeout.js';

/** Rules a test can break on purpose, to show that the invariants catch a broken model. */
export interface ModelFaults {
  /** Expire when `elapsed >= max` instead of strictly more. */
  readonly checkAtOrAfterMax?: boolean;
  /** Skip the evaluation that a CcmExec start owes to a client in provisioning mode. */
  readonly skipCheckAtStart?: boolean;
}

/** What the model needs of a scenario: everything but the scripted events (the driver schedules those). */
export type ModelConfig = Pick<Scenario, 'startMs' | 'client' | 'assumptions' | 'taskSequence'> & {
  readonly faults?: ModelFaults;
};

export interface Transition {
  readonly state: ClientState;
  readonly effects: readonly Effect[];
  readonly trace: readonly TraceEntry[];
}

/** The `ignored` reason of a `SetClientProvisioningMode` call that fails under `wmiWhileStopped: fails`. */
export const WMI_FAILS_WHILE_STOPPED = 'CcmExec is not running (wmiWhileStopped: fails)';

/** [spec] The tasks excluded while in provisioning mode (registry `SystemTaskExcludes`). */
export const PROVISIONING_EXCLUDES =
  'SchedulerStartup;SchedulerShutdown;SchedulerLogon;SchedulerLogoff;ClientRegistrationStartup';

// The timeout rule lives in `timeout.ts`; these are re-exported for the modules that import them from here.
export { DEFAULT_MAX_MINUTES, hasTimeout, maxMinutesOf } from './timeout.js';

/** Why an action on the installed OS's client does nothing in Windows PE (winpe-client-absent). */
const WINPE_REASON = "the device runs Windows PE, where the installed OS's client does not exist";

/** [spec] The registry value is read case-insensitively. */
export function registrySaysProvisioning(registry: Registry): boolean {
  return registry.ProvisioningMode?.toLowerCase() === 'true';
}

/** [spec] Registry says "false" (or nothing) while tasks are still excluded: what a registry-only edit leaves. */
export function isRegistryInconsistent(registry: Registry): boolean {
  return !registrySaysProvisioning(registry) && (registry.SystemTaskExcludes ?? '') !== '';
}

export function initialState(config: ModelConfig): ClientState {
  // [spec] ProvisioningMode defaults to "false" and SystemTaskExcludes to ""; the other two values are absent.
  const registry = cloneRegistry({ ProvisioningMode: 'false', SystemTaskExcludes: '', ...config.client.registry });
  return {
    device: config.client.poweredOn ? 'on' : 'off',
    // [spec] `client.startsIn` says where the device runs at time 0 (winpe-starts-in).
    environment: config.client.startsIn,
    registry,
    service: { startup: config.client.startup, status: 'stopped', maxMinutesAtStart: maxMinutesOf(registry) },
    // [provsim] (choice 2) `initial-mode-from-registry`: before anything runs, the client obeys what its registry
    // says (it was last run with it).
    effectiveMode: registrySaysProvisioning(registry),
    checkLoopActive: false,
    clockOffsetMs: 0,
    lastEntryMs: null,
    taskSequence: {
      status: config.taskSequence === null ? 'none' : 'scheduled',
      stepIndex: 0,
      inStep: false,
      awaitingBoot: false,
      holdsDisabled: false,
      entered: false,
      startedAtMs: null,
      endedAtMs: null,
    },
    deployments: [],
    raised: { clientDisabled: false, noTimestamp: false, inconsistent: false, exceeded: false },
  };
}

/**
 * A copy with only the present values. Built key by key (never with `delete`), so registry objects keep one fast
 * shape: copying the state is most of the model's cost per event.
 */
function cloneRegistry(r: Registry): Registry {
  const out: Registry = {};
  if (r.ProvisioningMode !== undefined) out.ProvisioningMode = r.ProvisioningMode;
  if (r.SystemTaskExcludes !== undefined) out.SystemTaskExcludes = r.SystemTaskExcludes;
  if (r.ProvisioningEnabledTime !== undefined) out.ProvisioningEnabledTime = r.ProvisioningEnabledTime;
  if (r.ProvisioningMaxMinutes !== undefined) out.ProvisioningMaxMinutes = r.ProvisioningMaxMinutes;
  return out;
}

/** A deep copy, written out field by field: object spreads here cost most of the model's time per event. */
function cloneState(s: ClientState): ClientState {
  const ts = s.taskSequence;
  return {
    device: s.device,
    environment: s.environment,
    registry: cloneRegistry(s.registry),
    service: { startup: s.service.startup, status: s.service.status, maxMinutesAtStart: s.service.maxMinutesAtStart },
    effectiveMode: s.effectiveMode,
    checkLoopActive: s.checkLoopActive,
    clockOffsetMs: s.clockOffsetMs,
    lastEntryMs: s.lastEntryMs,
    taskSequence: {
      status: ts.status,
      stepIndex: ts.stepIndex,
      inStep: ts.inStep,
      awaitingBoot: ts.awaitingBoot,
      holdsDisabled: ts.holdsDisabled,
      entered: ts.entered,
      startedAtMs: ts.startedAtMs,
      endedAtMs: ts.endedAtMs,
    },
    deployments: s.deployments.map((d) => ({
      name: d.name,
      publishedAtMs: d.publishedAtMs,
      processedAtMs: d.processedAtMs,
    })),
    raised: {
      clientDisabled: s.raised.clientDisabled,
      noTimestamp: s.raised.noTimestamp,
      inconsistent: s.raised.inconsistent,
      exceeded: s.raised.exceeded,
    },
  };
}

export function transition(config: ModelConfig, state: ClientState, event: ModelEvent, nowMs: number): Transition {
  return step(config, state, cloneState(state), event, nowMs);
}

/**
 * `transition` on `state` itself instead of a copy: the same effects and trace, and `state` becomes the new state.
 * For a driver that keeps no earlier state (the fleet's skipping path), where the copy is most of the cost.
 */
export function transitionInPlace(
  config: ModelConfig,
  state: ClientState,
  event: ModelEvent,
  nowMs: number,
): Transition {
  return step(config, state, state, event, nowMs);
}

function step(
  config: ModelConfig,
  state: ClientState,
  working: ClientState,
  event: ModelEvent,
  nowMs: number,
): Transition {
  // At `init` nothing was in force before: a client preset in provisioning mode starts under its deadline.
  const before = event.type === 'init' ? null : deadlineInForce(state, config.client.version, config.assumptions);
  const step = new Step(config, working, nowMs, before);
  step.handle(event);
  step.monitor();
  step.noteDeadline();
  return { state: step.s, effects: step.effects, trace: step.trace };
}

/**
 * [spec] `hazard-stuck-at-horizon`: the hazard a run still in provisioning mode at its end reports (the driver calls
 * this once, at the horizon).
 */
export function finish(state: ClientState, horizonMs: number): readonly TraceEntry[] {
  if (!state.effectiveMode) return [];
  return [
    {
      atMs: horizonMs,
      type: 'hazard',
      kind: 'stuck-at-horizon',
      detail: 'still in provisioning mode when the run ends',
    },
  ];
}

/** One transition's working area: a private copy of the state, and the effects and trace it produces. */
class Step {
  readonly effects: Effect[] = [];
  readonly trace: TraceEntry[] = [];

  constructor(
    private readonly config: ModelConfig,
    readonly s: ClientState,
    private readonly now: number,
    /** The deadline last in force (before this transition, then as last noted in the trace). */
    private deadline: DeadlineInForce | null,
  ) {}

  // -- plumbing ------------------------------------------------------------------------------------------------

  private log(body: TraceBody): void {
    this.trace.push({ atMs: this.now, ...body });
  }

  private schedule(key: TimerKey, atMs: number, priority: number, event: ModelEvent): void {
    this.effects.push({ type: 'schedule', key, atMs, priority, event });
  }

  private cancel(key: TimerKey): void {
    this.effects.push({ type: 'cancel', key });
  }

  private get wallMs(): number {
    // [spec] Wall clock = start + simulation time + every clock jump so far.
    return this.config.startMs + this.now + this.s.clockOffsetMs;
  }

  private get timeoutApplies(): boolean {
    return hasTimeout(this.config.client.version);
  }

  // -- dispatch ------------------------------------------------------------------------------------------------

  handle(event: ModelEvent): void {
    switch (event.type) {
      case 'init':
        return this.init();
      case 'scripted':
        return this.scripted(event.event);
      case 'boot-end':
        return this.bootEnd();
      case 'service-start':
        return this.startService(event.cause ?? 'restart');
      case 'ts-start':
        return this.taskSequenceStart();
      case 'ts-resume':
        return this.taskSequenceResume();
      case 'ts-step-end':
        return this.stepEnd();
      case 'policy-tick':
        return this.policyTick();
      case 'check':
        return this.evaluate();
      case 'ccmeval-tick':
        return this.ccmevalTick();
      case 'watchdog':
        return this.watchdog();
    }
  }

  private init(): void {
    const { client, taskSequence } = this.config;
    if (this.s.effectiveMode) {
      this.log({
        type: 'provisioning-enter',
        cause: 'initial',
        newInterval: true,
        timestampSeconds: this.s.registry.ProvisioningEnabledTime ?? null,
      });
      this.s.lastEntryMs = this.now;
      this.scheduleWatchdog();
    }
    // [spec] winpe-starts-in: a device that starts in Windows PE says so first (only then: a run that never sees
    // Windows PE keeps its trace as it was).
    if (this.s.environment === 'winpe') this.log({ type: 'environment', environment: 'winpe', cause: 'initial' });
    if (client.poweredOn) {
      // [spec] `boot-starts-ccmexec`: powered on at time 0, already booted, CcmExec running if its startup is auto
      // (in the installed OS: winpe-no-client).
      if (this.s.service.startup === 'auto') this.startService('boot');
    } else {
      // [provsim] (choice 1) `powered-off-boots-at-zero`: a device off at time 0 is switched on then.
      this.deviceDown('powered-off', 0);
    }
    if (taskSequence !== null) this.schedule('ts', taskSequence.startAtMs, Priority.taskSequence, { type: 'ts-start' });
    if (client.ccmeval.enabled) {
      // [client-flow] ccmeval runs on its own schedule, first at `first`, then every `every`.
      this.schedule('ccmeval', client.ccmeval.firstMs, Priority.ccmeval, { type: 'ccmeval-tick' });
    }
  }

  private scripted(e: ScenarioEvent): void {
    switch (e.type) {
      case 'power-loss':
      case 'reboot':
        this.deviceDown(e.type, e.downtimeMs);
        this.interruptTaskSequence(e.type, e.recoverable);
        return;
      case 'deployment':
        // [spec] `deployment-published`: a deployment event publishes a required deployment at its time.
        this.s.deployments.push({ name: e.name, publishedAtMs: this.now, processedAtMs: null });
        this.log({ type: 'deployment-published', name: e.name });
        return;
      case 'admin-wmi':
        this.log({ type: 'admin-wmi', enable: e.enable });
        if (this.s.device === 'off') {
          // [provsim] (choice 5) The call needs the device on (`wmi-needs-device-on`).
          this.log({ type: 'ignored', what: 'SetClientProvisioningMode', reason: 'the device is off' });
        } else if (this.s.environment === 'winpe') {
          // [spec] winpe-client-absent: the WMI class belongs to the installed OS's client, absent in Windows PE.
          this.log({ type: 'ignored', what: 'SetClientProvisioningMode', reason: WINPE_REASON });
        } else if (this.s.service.status !== 'running' && this.config.assumptions.wmiWhileStopped === 'fails') {
          // [assumption wmiWhileStopped: fails] The WMI method fails while CcmExec is stopped (`wmi-fails-while-stopped`).
          this.log({ type: 'ignored', what: 'SetClientProvisioningMode', reason: WMI_FAILS_WHILE_STOPPED });
        } else if (e.enable) {
          // [assumption wmiWhileStopped: works] While CcmExec is stopped too: the call starts nothing (only a running
          // CcmExec restarts), and the new mode is what CcmExec reads at its next start.
          // [en] `wmi-enters`: SetClientProvisioningMode($true) enters, and resets the timestamp even when already
          // in the mode.
          this.enter('manual');
        } else {
          // [en] `wmi-exits`: SetClientProvisioningMode($false) is the supported way out.
          this.exit('manual');
        }
        return;
      case 'registry-set':
        this.writeRegistry(e.name, e.value);
        return;
      case 'registry-delete':
        this.writeRegistry(e.name, null);
        return;
      case 'clock-jump':
        // [spec] `clock-jump-moves-wall-only`: timers keep running on simulation time.
        this.s.clockOffsetMs += e.byMs;
        this.log({ type: 'clock-jump', byMs: e.byMs, wallMs: this.wallMs });
        return;
      case 'service-restart':
        this.serviceRestartCommand();
        return;
      case 'ts-crash':
        if (this.s.taskSequence.status === 'running') this.abandon('ts-crash');
        // [provsim] `ts-crash-ignored`: with no sequence running there is nothing to crash.
        else this.log({ type: 'ignored', what: 'ts-crash', reason: 'no task sequence is running' });
        return;
      case 'ccmeval':
        this.ccmeval(true);
        return;
      case 'health-script':
        this.healthScript(e.action, e.windowMs);
        return;
    }
  }

  /**
   * A client-health script's provisioning-mode repair [health-script-*, docs/model.md]. The widely used script
   * (ConfigMgr Client Health, `Test-ProvisioningMode`) reads `ProvisioningMode` and, when it is "true" (PowerShell's
   * `-eq` ignores case), writes "false" to the registry, then calls `SetClientProvisioningMode($false)`; its fork
   * acts only past a window; some tools write the registry value alone. [provsim] The script runs in the installed
   * OS, so it needs the device on; `window` needs `ProvisioningEnabledTime` to measure the window and does nothing
   * without it (it cannot tell a sequence that is still running); the window is passed when the wall clock is more
   * than `windowMs` past the timestamp (strictly, like the timeout).
   */
  // [provsim] (choice 18) The health-script event, as docs/model.md describes it.
  private healthScript(action: HealthScriptAction, windowMs: number): void {
    const s = this.s;
    const skip = (reason: string) => this.log({ type: 'health-script', action, acted: false, reason });
    if (s.device === 'off') return skip('the device is off');
    // [spec] winpe-client-absent: the script is a task of the installed OS; it does not run in Windows PE.
    if (s.environment === 'winpe') return skip(WINPE_REASON);
    if (!registrySaysProvisioning(s.registry)) return skip('the registry does not say provisioning mode');
    if (action === 'window') {
      const enabled = s.registry.ProvisioningEnabledTime;
      if (enabled === undefined) return skip('no ProvisioningEnabledTime: the window cannot be checked');
      const elapsedSeconds = Math.floor(this.wallMs / 1000) - enabled;
      if (elapsedSeconds * 1000 <= windowMs)
        return skip(`in provisioning mode for ${elapsedSeconds}s, within the window`);
    }
    this.log({ type: 'health-script', action, acted: true, reason: 'the registry says provisioning mode' });
    this.writeRegistry('ProvisioningMode', 'false');
    // [en] The registry edit alone does not take the client out; the WMI call is the supported way.
    if (action !== 'registry-only') this.exit('manual');
  }

  // -- device --------------------------------------------------------------------------------------------------

  /**
   * [spec] `outage-then-boot`: the device goes off now and is up again after `downtimeMs` plus a boot of
   * `bootTime`. [provsim] (choice 3) `outage-while-off-starts-over`: an outage
   * while the device is already off starts the outage over from now.
   */
  private deviceDown(cause: DeviceDownCause, downtimeMs: number, target?: Environment): void {
    if (this.s.service.status === 'running') this.stopService(cause, null);
    this.cancel('service-start');
    this.s.device = 'off';
    const upAtMs = this.now + downtimeMs + this.config.client.bootTimeMs;
    this.log({ type: 'device-down', cause, downtimeMs, upAtMs });
    // [spec] winpe-restart-target: a planned restart boots where its step says; the environment changes as the
    // restart powers the device down. winpe-interrupt-stays: any other outage boots the same environment again.
    if (target !== undefined && target !== this.s.environment) {
      this.s.environment = target;
      this.log({ type: 'environment', environment: target, cause: 'planned-restart' });
    }
    this.schedule('boot', upAtMs, Priority.boot, { type: 'boot-end' });
  }

  private bootEnd(): void {
    this.s.device = 'on';
    this.log({ type: 'device-up' });
    // [spec] `boot-starts-ccmexec`: at the end of a boot CcmExec starts if its startup type is auto; a boot into
    // Windows PE starts no CcmExec (winpe-no-client, in startService).
    if (this.s.service.startup === 'auto') this.startService('boot');
    const ts = this.s.taskSequence;
    // [spec] The task sequence resumes (or starts) when the boot ends; it does not wait for CcmExec.
    if (ts.awaitingBoot) this.schedule('ts', this.now, Priority.taskSequence, { type: 'ts-resume' });
  }

  // -- CcmExec -------------------------------------------------------------------------------------------------

  private startService(cause: ServiceStartCause): void {
    const s = this.s;
    // [spec] winpe-no-client: in Windows PE the installed OS's client does not exist, so nothing starts it.
    if (s.device === 'off' || s.environment === 'winpe' || s.service.status === 'running') return;
    if (s.service.startup === 'disabled') {
      this.log({ type: 'ignored', what: 'CcmExec start', reason: 'its startup type is disabled' });
      return;
    }
    this.cancel('service-start');
    s.service.status = 'running';
    this.log({ type: 'service-start', cause });

    // 1. [spec] `start-reads-registry`: the effective mode is read from the registry each time CcmExec starts.
    //    [provsim] (choice 6) `registry-edit-read-at-start`: a change opens or closes an interval, reason
    //    `registry-edit`, with no timestamp written.
    const before = s.effectiveMode;
    s.effectiveMode = registrySaysProvisioning(s.registry);
    if (s.effectiveMode && !before) {
      this.log({ type: 'provisioning-enter', cause: 'registry-edit', newInterval: true, timestampSeconds: null });
      s.lastEntryMs = this.now;
      s.raised.exceeded = false;
      this.scheduleWatchdog();
    } else if (!s.effectiveMode && before) {
      this.log({ type: 'provisioning-exit', reason: 'registry-edit', closedInterval: true });
      this.cancel('watchdog');
    }
    // 2. [en] `hazard-inconsistent-registry`: "Just changing the registry value doesn't fully take the client out
    //    of provisioning mode."
    if (isRegistryInconsistent(s.registry) && !s.raised.inconsistent) {
      s.raised.inconsistent = true;
      this.hazard(
        'inconsistent-registry',
        `ProvisioningMode is "${s.registry.ProvisioningMode ?? ''}" but SystemTaskExcludes still holds "${s.registry.SystemTaskExcludes}"`,
      );
    }
    // [assumption maxMinutesRead] The value a `service-start` reading keeps for this run of CcmExec; under
    // `service-start` it is the max the client now obeys, so the `exceeded-timeout` bound moves with it.
    const maxBefore = s.service.maxMinutesAtStart;
    s.service.maxMinutesAtStart = maxMinutesOf(s.registry);
    if (this.config.assumptions.maxMinutesRead === 'service-start' && maxBefore !== s.service.maxMinutesAtStart) {
      if (s.effectiveMode) this.scheduleWatchdog();
    }
    // 4. [spec] The policy timer ticks every policyInterval from now; out of provisioning mode, retrieve now
    //    (`start-retrieves-policy`).
    this.schedule('policy', this.now + this.config.client.policyIntervalMs, Priority.policy, { type: 'policy-tick' });
    if (!s.effectiveMode) this.retrievePolicy('service-start');
    // 3. [client-flow] `start-begins-check-loop`: "Ccmexec starts -> Is client in provisioning mode?": a check loop
    //    starts with an evaluation.
    else if (this.timeoutApplies) {
      s.checkLoopActive = true;
      if (this.config.faults?.skipCheckAtStart) {
        const firstAtMs = this.now + this.config.client.checkIntervalMs;
        this.log({ type: 'check-loop', action: 'start', firstAtMs });
        this.schedule('check', firstAtMs, Priority.check, { type: 'check' });
      } else {
        this.log({ type: 'check-loop', action: 'start', firstAtMs: this.now });
        this.evaluate();
      }
    }
  }

  /** CcmExec stops; `restartAtMs` is when it starts again, if a restart is under way. */
  private stopService(cause: string, restartAtMs: number | null): void {
    const s = this.s;
    s.service.status = 'stopped';
    // [spec] A stop ends the check loop and the policy timer; the next start begins new ones (`start-reads-registry`).
    s.checkLoopActive = false;
    this.cancel('check');
    this.cancel('policy');
    this.log({ type: 'service-stop', cause, restartAtMs });
  }

  /** [spec] `restart-starts-ccmexec`: stops a running CcmExec and starts it again after `serviceRestart`. */
  private restartService(cause: string): void {
    const at = this.now + this.config.client.serviceRestartMs;
    this.stopService(cause, at);
    this.schedule('service-start', at, Priority.serviceStart, { type: 'service-start' });
  }

  /**
   * A scripted `service-restart`: [provsim] (choice 4) `service-restart-restarts-running` restarts a running
   * CcmExec, `service-restart-starts-stopped` starts a stopped auto one after the delay, `service-restart-ignored`.
   */
  private serviceRestartCommand(): void {
    const s = this.s;
    if (s.device === 'off') {
      this.log({ type: 'ignored', what: 'service-restart', reason: 'the device is off' });
    } else if (s.environment === 'winpe') {
      // [spec] winpe-client-absent.
      this.log({ type: 'ignored', what: 'service-restart', reason: WINPE_REASON });
    } else if (s.service.status === 'running') {
      this.restartService('service-restart');
    } else if (s.service.startup === 'disabled') {
      this.log({ type: 'ignored', what: 'service-restart', reason: "CcmExec's startup type is disabled" });
    } else {
      // The start names its cause, so that the trace shows this rule (`service-restart-starts-stopped`).
      this.schedule('service-start', this.now + this.config.client.serviceRestartMs, Priority.serviceStart, {
        type: 'service-start',
        cause: 'service-restart',
      });
    }
  }

  private setStartup(startup: 'auto' | 'disabled', cause: string): void {
    if (this.s.service.startup === startup) return;
    this.s.service.startup = startup;
    this.log({ type: 'startup-type', startup, cause });
  }

  // -- provisioning mode ---------------------------------------------------------------------------------------

  /** [ts-flow] "Client placed in provisioning mode -> Timestamped"; [en] `$true` does the same. */
  private enter(cause: EntryCause): void {
    const s = this.s;
    const newInterval = !s.effectiveMode;
    // 1. [spec] `enter-registry-and-timestamp`: registry ProvisioningMode = "true", SystemTaskExcludes = the five
    //    tasks; effective mode on.
    s.registry.ProvisioningMode = 'true';
    s.registry.SystemTaskExcludes = PROVISIONING_EXCLUDES;
    s.effectiveMode = true;
    // (The registry is consistent again: `monitor` ends the inconsistent-registry episode after this transition.)
    // 2. [fr][en] `enter-timestamp-from-1902`, `reentry-resets-timestamp`: the timestamp, Unix seconds, UTC, reset
    //    at every entry.
    let timestampSeconds: number | null = null;
    if (this.timeoutApplies) {
      timestampSeconds = Math.floor(this.wallMs / 1000);
      s.registry.ProvisioningEnabledTime = timestampSeconds;
    }
    this.log({ type: 'provisioning-enter', cause, newInterval, timestampSeconds });
    s.lastEntryMs = this.now;
    s.raised.exceeded = false;
    this.scheduleWatchdog();
    if (s.service.status !== 'running') return;
    if (this.config.assumptions.setRestartsService) {
      // 3. [assumption setRestartsService] `enter-restarts-service`: a running CcmExec restarts (and so begins a new
      //    check loop).
      this.restartService('provisioning-enter');
    } else if (this.config.assumptions.checkLoop === 'continuous' && !s.checkLoopActive && this.timeoutApplies) {
      // [assumption checkLoop: continuous] `continuous-loop-on-entry`: entry while running begins a loop, first
      // evaluation one interval on.
      s.checkLoopActive = true;
      const firstAtMs = this.now + this.config.client.checkIntervalMs;
      this.log({ type: 'check-loop', action: 'start', firstAtMs });
      this.schedule('check', firstAtMs, Priority.check, { type: 'check' });
    }
  }

  /** [ts-flow] "Task sequence finishes -> Provisioning mode exits"; [en] `$false`; [client-flow] the timeout. */
  private exit(reason: 'ts-success' | 'ts-failure' | 'manual' | 'timeout'): void {
    const s = this.s;
    const closedInterval = s.effectiveMode;
    // 1. [spec] `exit-registry-keeps-timestamp`: registry "false" and no excluded tasks; the timestamp stays.
    //    [provsim] (choice 9) `exit-after-exit`: an exit while already out still rewrites the registry and, under
    //    setRestartsService, restarts CcmExec; the interval keeps its first reason (`closedInterval: false`).
    s.registry.ProvisioningMode = 'false';
    s.registry.SystemTaskExcludes = '';
    s.effectiveMode = false;
    this.log({ type: 'provisioning-exit', reason, closedInterval });
    this.cancel('watchdog');
    // [spec] `hazard-premature-exit`: the timeout while the task sequence runs (its planned restarts included).
    if (reason === 'timeout' && s.taskSequence.status === 'running') {
      this.hazard(
        'premature-exit',
        `the timeout ended provisioning mode while the task sequence was at step ${s.taskSequence.stepIndex + 1}`,
      );
    }
    if (s.service.status !== 'running') return;
    if (reason === 'timeout' || this.config.assumptions.setRestartsService) {
      // 2. [en] `timeout-restarts-service`: the timeout "exits provisioning mode and restarts its process";
      //    [assumption setRestartsService] `exit-restarts-service`.
      //    The restart's start retrieves policy (rule 3, after the restart).
      this.restartService(reason === 'timeout' ? 'timeout' : 'provisioning-exit');
    } else {
      // 3. [spec] `exit-retrieves-policy`: policy is retrieved at once when running and out of provisioning mode.
      this.retrievePolicy('exit');
    }
  }

  // -- check loop ----------------------------------------------------------------------------------------------

  /** One evaluation of [client-flow]: "Is client in provisioning mode? -> Greater than 48 hours? -> WAIT 60 minutes". */
  private evaluate(): void {
    const s = this.s;
    const { assumptions, client } = this.config;
    // 1. [client-flow] `check-loop-ends-when-out`: effective mode off, the loop ends ("Is client in provisioning
    //    mode? -> NO"). [provsim] (choice 10) No exit cancels the loop: this evaluation is where it ends.
    if (!s.effectiveMode) {
      s.checkLoopActive = false;
      this.log({ type: 'check-loop', action: 'end', firstAtMs: null });
      return;
    }
    // 2. [assumption maxMinutesRead] The max read now, or as read when CcmExec started.
    const maxMinutes = maxMinutesInForce(s, assumptions);
    this.noteDeadline();
    const stamp = s.registry.ProvisioningEnabledTime;
    let elapsedSeconds: number | null = null;
    let expired: boolean;
    if (stamp === undefined) {
      // 3. [assumption missingTimestamp] `missing-timestamp-expires` / `missing-timestamp-waits`.
      expired = assumptions.missingTimestamp === 'expired';
    } else {
      // 4. [en] `check-timeout-strictly-more` / `check-waits-interval`: "more than 48 hours", strictly more. A clock
      //    set back makes `elapsed` smaller, even negative.
      elapsedSeconds = Math.floor(this.wallMs / 1000) - stamp;
      expired = this.config.faults?.checkAtOrAfterMax
        ? elapsedSeconds >= maxMinutes * 60
        : isExpired(elapsedSeconds, maxMinutes);
    }
    this.log({ type: 'check', wallMs: this.wallMs, elapsedSeconds, maxMinutes, expired });
    if (expired) this.exit('timeout');
    else this.schedule('check', this.now + client.checkIntervalMs, Priority.check, { type: 'check' });
  }

  /**
   * [spec] `exceeded-timeout` (`hazard-exceeded-timeout`): in provisioning mode for longer than `max + checkInterval`
   * of simulation time since the last entry, `max` being the one the client obeys (`maxMinutesInForce`: under
   * `maxMinutesRead: service-start`, the one read at the last CcmExec start). [provsim] The watchdog fires one
   * millisecond after that bound, before anything else at that instant, with `max` as in force then.
   */
  private scheduleWatchdog(): void {
    const s = this.s;
    if (!this.timeoutApplies || s.lastEntryMs === null || s.raised.exceeded) return;
    const at = Math.max(this.now, s.lastEntryMs + this.exceededBoundMs() + 1);
    this.schedule('watchdog', at, Priority.first, { type: 'watchdog' });
  }

  private exceededBoundMs(): number {
    return maxMinutesInForce(this.s, this.config.assumptions) * 60_000 + this.config.client.checkIntervalMs;
  }

  /**
   * The watchdog fires only past its bound, in the mode, with no flag raised: it is scheduled only then, cancelled at
   * every exit, and scheduled again at every entry and at every change of the bound (never before the bound).
   */
  private watchdog(): void {
    this.s.raised.exceeded = true;
    this.hazard(
      'exceeded-timeout',
      `in provisioning mode for more than ProvisioningMaxMinutes (${maxMinutesInForce(this.s, this.config.assumptions)}) + checkInterval since the last entry`,
    );
  }

  // -- policy --------------------------------------------------------------------------------------------------

  /** A tick of the policy timer, which runs while CcmExec runs (every stop cancels it). */
  private policyTick(): void {
    this.schedule('policy', this.now + this.config.client.policyIntervalMs, Priority.policy, { type: 'policy-tick' });
    // [fr][en] `tick-skipped-in-mode`: in provisioning mode "the client doesn't process policy from the site";
    // [spec] `tick-retrieves-policy` out of it.
    if (this.s.effectiveMode) this.log({ type: 'policy-skipped' });
    else this.retrievePolicy('tick');
  }

  /**
   * [spec] `deployment-processed-once`: each deployment published at or before now is processed, exactly once (a
   * deployment joins the state at its publication, so every one in it is published).
   */
  private retrievePolicy(cause: 'service-start' | 'exit' | 'tick'): void {
    const processed: string[] = [];
    for (const d of this.s.deployments) {
      if (d.processedAtMs === null) {
        d.processedAtMs = this.now;
        processed.push(d.name);
      }
    }
    this.log({ type: 'policy-retrieval', cause, processed });
  }

  // -- registry edits ------------------------------------------------------------------------------------------

  /**
   * [spec] `registry-edit-unnoticed`: a scripted registry edit changes the value; the running client does not
   * notice until CcmExec starts (`start-reads-registry`).
   */
  private writeRegistry(name: keyof Registry, value: string | number | null): void {
    const reg = this.s.registry as Record<string, string | number | undefined>;
    reg[name] = value ?? undefined;
    this.s.registry = cloneRegistry(this.s.registry);
    this.log({ type: 'registry-edit', name, value });
    // Under `each-check` the new max is obeyed at once: the exceeded-timeout bound moves now.
    if (
      name === 'ProvisioningMaxMinutes' &&
      this.s.effectiveMode &&
      this.config.assumptions.maxMinutesRead === 'each-check'
    ) {
      this.scheduleWatchdog();
    }
  }

  // -- ccmeval -------------------------------------------------------------------------------------------------

  private ccmevalTick(): void {
    const { ccmeval } = this.config.client;
    this.schedule('ccmeval', this.now + ccmeval.everyMs, Priority.ccmeval, { type: 'ccmeval-tick' });
    this.ccmeval(false);
  }

  /**
   * [client-flow] `ccmeval-enables-disabled`: "Is ccmexec disabled? -> YES -> Ccmeval enables ccmexec -> Ccmexec
   * starts". [provsim] (choice 13) `ccmeval-in-disabling-step`: also inside a `disablesClient` step.
   */
  private ccmeval(manual: boolean): void {
    const s = this.s;
    if (s.device === 'off') {
      // [spec] `ccmeval-skipped-device-off`: a run missed while the device is off is skipped.
      this.log({ type: 'ccmeval', manual, action: 'skipped-device-off' });
    } else if (s.environment === 'winpe') {
      // [spec] winpe-client-absent: a scheduled run is skipped (the schedule goes on), a scripted one ignored.
      if (manual) this.log({ type: 'ignored', what: 'ccmeval', reason: WINPE_REASON });
      else this.log({ type: 'ccmeval', manual, action: 'skipped-winpe' });
    } else if (s.service.startup === 'disabled') {
      this.log({ type: 'ccmeval', manual, action: 'enabled-and-started' });
      this.setStartup('auto', 'ccmeval');
      this.startService('ccmeval');
    } else if (s.service.status === 'stopped') {
      // [spec] `ccmeval-starts-stopped`: startup auto but stopped, ccmeval starts it.
      this.log({ type: 'ccmeval', manual, action: 'started' });
      this.startService('ccmeval');
    } else {
      this.log({ type: 'ccmeval', manual, action: 'healthy' });
    }
  }

  // -- task sequence -------------------------------------------------------------------------------------------

  private get steps() {
    return this.config.taskSequence?.steps ?? [];
  }

  /** [spec] `ts-starts`, `ts-waits-for-boot`: at `startAt` if the device is on, else at the end of the next boot. */
  private taskSequenceStart(): void {
    const ts = this.s.taskSequence;
    if (this.s.device === 'off') {
      ts.status = 'waiting-boot';
      ts.awaitingBoot = true;
      this.log({ type: 'ts-wait-boot' });
      return;
    }
    this.beginTaskSequence();
  }

  private beginTaskSequence(): void {
    const ts = this.s.taskSequence;
    const config = this.config.taskSequence;
    if (config === null) return;
    ts.status = 'running';
    ts.startedAtMs = this.now;
    ts.awaitingBoot = false;
    this.log({ type: 'ts-start', name: config.name });
    // [ts-flow] `ts-enters-at-start`: "Task sequence starts -> Client placed in provisioning mode", unless a later
    // step does it.
    if (config.provisioningAtStep === null) {
      ts.entered = true;
      this.enter('task-sequence');
    }
    this.startStep(0, false);
  }

  private taskSequenceResume(): void {
    const ts = this.s.taskSequence;
    if (!ts.awaitingBoot) return;
    if (ts.status === 'waiting-boot') return this.beginTaskSequence();
    ts.awaitingBoot = false;
    // [spec] `interruption-resumes-step`: a recoverable interruption resumes at the start of the interrupted step;
    // a planned restart, at the next.
    this.startStep(ts.stepIndex, true);
  }

  private startStep(index: number, resumed: boolean): void {
    const ts = this.s.taskSequence;
    const step = this.steps[index];
    if (step === undefined) return;
    ts.stepIndex = index;
    ts.inStep = true;
    this.log({ type: 'ts-step-start', index, name: step.name, resumed });
    // [spec] `ts-enters-at-step`: with `provisioningAt`, that step's start enters (Upgrade OS: "Setting the client
    // into provisioning mode"). [provsim] (choice 8) A resumed step enters again, and so resets the timestamp.
    if (this.config.taskSequence?.provisioningAtStep === index) {
      ts.entered = true;
      this.enter('task-sequence-step');
    }
    if (step.disablesClient && this.s.environment === 'winpe') {
      // [spec] winpe-client-absent: in Windows PE the step changes no startup type.
      // [provsim] (choice 19) In Windows PE the step holds nothing, so its end re-enables nothing.
      ts.holdsDisabled = false;
    } else if (step.disablesClient) {
      // [spec] `step-disables-client`: setup disables the client at the step's start. [provsim] (choice 11)
      // `disable-cancels-restart`: a CcmExec restart under way is cancelled (its start would fail).
      ts.holdsDisabled = true;
      this.setStartup('disabled', 'task-sequence step');
      if (this.s.service.status === 'running') this.stopService('task-sequence step', null);
      this.cancel('service-start');
    }
    this.schedule('ts', this.now + step.durationMs, Priority.taskSequence, { type: 'ts-step-end' });
  }

  private stepEnd(): void {
    const ts = this.s.taskSequence;
    const index = ts.stepIndex;
    const step = this.steps[index];
    if (step === undefined) return;
    ts.inStep = false;
    const stops = step.fails && !step.continueOnError;
    this.log({
      type: 'ts-step-end',
      index,
      name: step.name,
      failed: step.fails,
      continued: step.fails && step.continueOnError,
    });
    if (step.disablesClient && ts.holdsDisabled) {
      // [spec] `step-end-enables-client`: at the step's end CcmExec becomes auto and starts ("Resume SCCM Client"
      // in real logs). [provsim] (choice 12) Before the sequence's own exit at the same instant; only a step that
      // did disable it (not one that ran in Windows PE: winpe-client-absent).
      ts.holdsDisabled = false;
      this.setStartup('auto', 'task-sequence step');
      this.startService('task-sequence');
    }
    if (stops) {
      // [spec] `step-fails-ends-sequence`: a handled failure ends the sequence `failed` (`ts-failure-exits`).
      // [provsim] (choice 7) The failing step's planned restart does not happen: the sequence stops there.
      return this.endTaskSequence('failed');
    }
    const last = index === this.steps.length - 1;
    if (last) this.endTaskSequence('success');
    if (step.restart) {
      // [spec] `step-restart-reboots`: a planned restart after the step (after the exit, on the last step); resume
      // with the next step.
      ts.stepIndex = index + 1;
      ts.awaitingBoot = !last;
      this.deviceDown('planned-restart', 0, step.restart);
    } else if (!last) {
      this.startStep(index + 1, false);
    }
  }

  private endTaskSequence(outcome: 'success' | 'failed'): void {
    const ts = this.s.taskSequence;
    ts.status = outcome;
    ts.endedAtMs = this.now;
    ts.awaitingBoot = false;
    this.log({ type: 'ts-end', outcome });
    // [spec] `ts-ends-without-entering`: nothing to do when it ended before the step that would have entered it.
    if (!ts.entered) return;
    if (this.s.environment === 'winpe') {
      // [spec] winpe-ts-end-stuck: ended in Windows PE, the sequence cannot reach the client of the installed OS;
      // provisioning mode stays as it is.
      this.hazard(
        'ended-in-winpe',
        `the task sequence ended (${outcome}) in Windows PE, where the installed OS's client does not exist; nothing took the client out of provisioning mode`,
      );
      return;
    }
    // [ts-flow][en] `ts-success-exits`, `ts-failure-exits`: "When the task sequence completes, either success or
    // handled failure, it exits client provisioning mode".
    this.exit(outcome === 'success' ? 'ts-success' : 'ts-failure');
  }

  /** [ts-flow] `ts-abandoned`: "Task sequence fails -> END": an unexpected failure leaves provisioning mode as it is. */
  private abandon(cause: 'power-loss' | 'reboot' | 'ts-crash'): void {
    const ts = this.s.taskSequence;
    this.log({ type: 'ts-abandoned', cause, stepIndex: ts.stepIndex });
    ts.status = 'abandoned';
    ts.inStep = false;
    ts.awaitingBoot = false;
    // [spec] CcmExec keeps whatever startup type it had (disabled inside a disablesClient step).
    ts.holdsDisabled = false;
    this.cancel('ts');
  }

  private interruptTaskSequence(cause: 'power-loss' | 'reboot', recoverable: boolean): void {
    const ts = this.s.taskSequence;
    if (ts.status !== 'running') return;
    if (!recoverable) return this.abandon(cause);
    // [spec] Recoverable (the default): the sequence resumes after the boot at the start of the interrupted step.
    if (ts.inStep) {
      ts.inStep = false;
      this.cancel('ts');
    }
    ts.awaitingBoot = true;
  }

  // -- hazards -------------------------------------------------------------------------------------------------

  private hazard(kind: Extract<TraceBody, { type: 'hazard' }>['kind'], detail: string): void {
    this.log({ type: 'hazard', kind, detail });
  }

  /** After every transition: raise the state-based hazards when their condition begins, once per episode. */
  monitor(): void {
    const s = this.s;
    const ts = s.taskSequence;
    // [spec] `hazard-client-disabled`: CcmExec disabled while no task-sequence step holds it disabled (a step holds
    // it only while the sequence runs: an end or an abandon lets go).
    const disabled = s.service.startup === 'disabled' && !ts.holdsDisabled;
    if (disabled && !s.raised.clientDisabled) {
      this.hazard(
        'client-disabled',
        'CcmExec is disabled and no task-sequence step holds it so; only ccmeval or an administrator can start it',
      );
    }
    s.raised.clientDisabled = disabled;
    // [spec] `hazard-no-timestamp`: in provisioning mode with no ProvisioningEnabledTime (release 1902 or later).
    const noStamp = s.effectiveMode && this.timeoutApplies && s.registry.ProvisioningEnabledTime === undefined;
    if (noStamp && !s.raised.noTimestamp) {
      this.hazard(
        'no-timestamp',
        `in provisioning mode with no ProvisioningEnabledTime (missingTimestamp: ${this.config.assumptions.missingTimestamp})`,
      );
    }
    s.raised.noTimestamp = noStamp;
    if (!isRegistryInconsistent(s.registry)) s.raised.inconsistent = false;
  }

  /**
   * [provsim, docs/model.md choice 20] Before each check and after every transition: when the deadline in force (timestamp and `max` as the client obeys it) differs from
   * the one before the transition, the trace records the new one, so that reports draw the deadline the checks use.
   */
  noteDeadline(): void {
    const before = this.deadline;
    const after = deadlineInForce(this.s, this.config.client.version, this.config.assumptions);
    this.deadline = after;
    if (after === null) return;
    if (before?.timestampSeconds === after.timestampSeconds && before.maxMinutes === after.maxMinutes) return;
    this.log({
      type: 'deadline',
      timestampSeconds: after.timestampSeconds,
      maxMinutes: after.maxMinutes,
      wallMs: deadlineWallMs(after.timestampSeconds, after.maxMinutes),
    });
  }
}
