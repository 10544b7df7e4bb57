/**
 * The stable names of the model's rules, with their sources, and how a trace shows that each one fired.
 *
 * docs/model.md ("Rules by name") gives each name, what it does, its source and the trace entry that shows it; the
 * code cites a rule by that name. These names are what exploration coverage counts: `createRuleTracker` reads a
 * trace in order and says which rules each entry shows firing. Pure and deterministic.
 *
 * Sources: [fr] [en] the seeds, [ts-flow] [client-flow] the flow diagrams, [spec] the specification, [assumption X]
 * a switch, [provsim] a choice of ours (docs/model.md, "Choices"). Windows PE rules are named `winpe-*`.
 */
import { WMI_FAILS_WHILE_STOPPED } from './transition.js';
import type { TraceEntry } from './types.js';

export type RuleSource =
  | 'fr'
  | 'en'
  | 'ts-flow'
  | 'client-flow'
  | 'spec'
  | 'provsim'
  | 'assumption setRestartsService'
  | 'assumption checkLoop'
  | 'assumption maxMinutesRead'
  | 'assumption missingTimestamp'
  | 'assumption wmiWhileStopped';

/** Every rule, in the order of docs/model.md. */
export const RULES = [
  // -- device --------------------------------------------------------------------------------------------------
  { name: 'powered-off-boots-at-zero', sources: ['provsim'] },
  { name: 'boot-starts-ccmexec', sources: ['spec'] },
  { name: 'outage-then-boot', sources: ['spec'] },
  { name: 'outage-while-off-starts-over', sources: ['provsim'] },
  // -- entering ------------------------------------------------------------------------------------------------
  { name: 'initial-mode-from-registry', sources: ['provsim'] },
  { name: 'enter-registry-and-timestamp', sources: ['ts-flow', 'en', 'spec'] },
  { name: 'enter-timestamp-from-1902', sources: ['fr'] },
  { name: 'reentry-resets-timestamp', sources: ['en'] },
  { name: 'enter-restarts-service', sources: ['assumption setRestartsService'] },
  // -- leaving -------------------------------------------------------------------------------------------------
  { name: 'exit-registry-keeps-timestamp', sources: ['ts-flow', 'en', 'spec'] },
  { name: 'timeout-restarts-service', sources: ['en'] },
  { name: 'exit-restarts-service', sources: ['assumption setRestartsService'] },
  { name: 'exit-retrieves-policy', sources: ['spec'] },
  { name: 'exit-after-exit', sources: ['provsim'] },
  // -- SetClientProvisioningMode -------------------------------------------------------------------------------
  { name: 'wmi-enters', sources: ['en'] },
  { name: 'wmi-exits', sources: ['en'] },
  { name: 'wmi-needs-device-on', sources: ['provsim'] },
  { name: 'wmi-fails-while-stopped', sources: ['assumption wmiWhileStopped'] },
  // -- client-health scripts (provsim remediate) ---------------------------------------------------------------
  { name: 'health-script-repairs', sources: ['provsim'] },
  { name: 'health-script-registry-only', sources: ['en', 'provsim'] },
  { name: 'health-script-window-waits', sources: ['provsim'] },
  { name: 'health-script-nothing-to-do', sources: ['provsim'] },
  // -- CcmExec -------------------------------------------------------------------------------------------------
  { name: 'start-reads-registry', sources: ['spec', 'client-flow'] },
  { name: 'registry-edit-read-at-start', sources: ['spec', 'provsim'] },
  { name: 'start-begins-check-loop', sources: ['client-flow', 'spec'] },
  { name: 'start-retrieves-policy', sources: ['spec'] },
  { name: 'restart-starts-ccmexec', sources: ['spec'] },
  { name: 'service-restart-restarts-running', sources: ['provsim'] },
  { name: 'service-restart-starts-stopped', sources: ['provsim'] },
  { name: 'service-restart-ignored', sources: ['provsim'] },
  // -- check loop ----------------------------------------------------------------------------------------------
  { name: 'check-loop-ends-when-out', sources: ['client-flow', 'provsim'] },
  { name: 'check-timeout-strictly-more', sources: ['en', 'client-flow', 'assumption maxMinutesRead'] },
  { name: 'check-waits-interval', sources: ['client-flow', 'assumption maxMinutesRead'] },
  { name: 'missing-timestamp-expires', sources: ['assumption missingTimestamp'] },
  { name: 'missing-timestamp-waits', sources: ['assumption missingTimestamp'] },
  { name: 'timeout-exits', sources: ['en', 'client-flow'] },
  { name: 'continuous-loop-on-entry', sources: ['assumption checkLoop'] },
  // -- policy --------------------------------------------------------------------------------------------------
  { name: 'deployment-published', sources: ['spec'] },
  { name: 'tick-skipped-in-mode', sources: ['fr', 'en'] },
  { name: 'tick-retrieves-policy', sources: ['spec'] },
  { name: 'deployment-processed-once', sources: ['spec'] },
  // -- registry and clock --------------------------------------------------------------------------------------
  { name: 'registry-edit-unnoticed', sources: ['spec'] },
  { name: 'clock-jump-moves-wall-only', sources: ['spec'] },
  // -- task sequence -------------------------------------------------------------------------------------------
  { name: 'ts-starts', sources: ['spec'] },
  { name: 'ts-waits-for-boot', sources: ['spec'] },
  { name: 'ts-enters-at-start', sources: ['ts-flow'] },
  { name: 'ts-enters-at-step', sources: ['spec'] },
  { name: 'step-restart-reboots', sources: ['spec'] },
  { name: 'step-disables-client', sources: ['spec'] },
  { name: 'disable-cancels-restart', sources: ['provsim'] },
  { name: 'step-end-enables-client', sources: ['spec', 'provsim'] },
  { name: 'step-fails-continues', sources: ['spec'] },
  { name: 'step-fails-ends-sequence', sources: ['spec', 'provsim'] },
  { name: 'ts-success-exits', sources: ['ts-flow', 'en'] },
  { name: 'ts-failure-exits', sources: ['ts-flow', 'en'] },
  { name: 'ts-ends-without-entering', sources: ['spec'] },
  { name: 'ts-abandoned', sources: ['ts-flow', 'spec'] },
  { name: 'ts-crash-ignored', sources: ['provsim'] },
  { name: 'interruption-resumes-step', sources: ['spec', 'provsim'] },
  // -- ccmeval -------------------------------------------------------------------------------------------------
  { name: 'ccmeval-enables-disabled', sources: ['client-flow'] },
  { name: 'ccmeval-in-disabling-step', sources: ['provsim'] },
  { name: 'ccmeval-starts-stopped', sources: ['spec'] },
  { name: 'ccmeval-healthy', sources: ['client-flow'] },
  { name: 'ccmeval-skipped-device-off', sources: ['spec'] },
  // -- hazards -------------------------------------------------------------------------------------------------
  { name: 'hazard-stuck-at-horizon', sources: ['spec'] },
  { name: 'hazard-exceeded-timeout', sources: ['spec', 'provsim'] },
  { name: 'hazard-premature-exit', sources: ['spec'] },
  { name: 'hazard-inconsistent-registry', sources: ['en', 'spec'] },
  { name: 'hazard-client-disabled', sources: ['spec'] },
  { name: 'hazard-no-timestamp', sources: ['spec'] },
  { name: 'hazard-ended-in-winpe', sources: ['spec'] },
  // -- Windows PE ----------------------------------------------------------------------------------------------
  { name: 'winpe-starts-in', sources: ['spec'] },
  { name: 'winpe-restart-target', sources: ['spec'] },
  { name: 'winpe-no-client', sources: ['spec'] },
  { name: 'winpe-interrupt-stays', sources: ['spec'] },
  { name: 'winpe-client-absent', sources: ['spec'] },
  { name: 'winpe-ts-end-stuck', sources: ['spec'] },
] as const satisfies readonly { readonly name: string; readonly sources: readonly RuleSource[] }[];

export type RuleName = (typeof RULES)[number]['name'];

export const RULE_NAMES: readonly RuleName[] = RULES.map((r) => r.name);

/**
 * Reads a trace entry by entry, in order, and names the rules each entry shows firing. Most rules are shown by one
 * entry alone; a few need what came before (`outage-while-off-starts-over`, `disable-cancels-restart`
 * and `ccmeval-in-disabling-step`), which the tracker remembers. One tracker per run.
 */
export interface RuleTracker {
  observe(entry: TraceEntry): RuleName[];
}

export function createRuleTracker(): RuleTracker {
  return new TraceRules();
}

/** The tracker: what it remembers between entries, and the rules of each group of entries. */
class TraceRules implements RuleTracker {
  private deviceOn = true;
  // A CcmExec restart under way (a stop with `restartAtMs`, or a `service-restart` of a stopped CcmExec).
  private restartPending = false;
  // A task-sequence step has disabled CcmExec and not ended yet.
  private stepHoldsDisabled = false;
  private sawEntry = false;
  // Where the device runs (or boots next): `environment` entries say when it changes.
  private inWinpe = false;

  observe(e: TraceEntry): RuleName[] {
    const fired: RuleName[] = [];
    if (!this.deviceAndService(e, fired) && !this.taskSequence(e, fired)) this.clientAndAdmin(e, fired);
    if (e.type === 'provisioning-enter' && (e.cause === 'task-sequence' || e.cause === 'task-sequence-step')) {
      this.sawEntry = true;
    }
    return fired;
  }

  /** The device, where it runs, and CcmExec; false when `e` is none of theirs. */
  private deviceAndService(e: TraceEntry, fired: RuleName[]): boolean {
    switch (e.type) {
      case 'device-down':
        if (e.cause === 'powered-off') fired.push('powered-off-boots-at-zero');
        else if (e.cause === 'planned-restart') fired.push('step-restart-reboots');
        else fired.push(this.deviceOn ? 'outage-then-boot' : 'outage-while-off-starts-over');
        if (this.inWinpe && (e.cause === 'power-loss' || e.cause === 'reboot')) fired.push('winpe-interrupt-stays');
        this.deviceOn = false;
        this.restartPending = false;
        return true;
      case 'device-up':
        this.deviceOn = true;
        if (this.inWinpe) fired.push('winpe-no-client');
        return true;
      case 'environment':
        this.inWinpe = e.environment === 'winpe';
        fired.push(e.cause === 'initial' ? 'winpe-starts-in' : 'winpe-restart-target');
        return true;
      case 'service-start':
        fired.push('start-reads-registry');
        if (e.cause === 'boot') fired.push('boot-starts-ccmexec');
        else if (e.cause === 'restart') fired.push('restart-starts-ccmexec');
        else if (e.cause === 'service-restart') fired.push('service-restart-starts-stopped');
        this.restartPending = false;
        return true;
      case 'service-stop':
        if (e.cause === 'provisioning-enter') fired.push('enter-restarts-service');
        else if (e.cause === 'provisioning-exit') fired.push('exit-restarts-service');
        else if (e.cause === 'timeout') fired.push('timeout-restarts-service');
        else if (e.cause === 'service-restart') fired.push('service-restart-restarts-running');
        this.restartPending = e.restartAtMs !== null;
        return true;
      case 'startup-type':
        if (e.cause === 'task-sequence step') {
          if (e.startup === 'disabled') {
            fired.push('step-disables-client');
            if (this.restartPending) fired.push('disable-cancels-restart');
            this.restartPending = false;
            this.stepHoldsDisabled = true;
          } else {
            fired.push('step-end-enables-client');
          }
        }
        return true;
      default:
        return false;
    }
  }

  /** The task sequence and ccmeval (which a disabling step concerns); false when `e` is none of theirs. */
  private taskSequence(e: TraceEntry, fired: RuleName[]): boolean {
    switch (e.type) {
      case 'ts-start':
        fired.push('ts-starts');
        this.sawEntry = false;
        return true;
      case 'ts-wait-boot':
        fired.push('ts-waits-for-boot');
        return true;
      case 'ts-step-start':
        if (e.resumed) fired.push('interruption-resumes-step');
        return true;
      case 'ts-step-end':
        this.stepHoldsDisabled = false;
        if (e.continued) fired.push('step-fails-continues');
        else if (e.failed) fired.push('step-fails-ends-sequence');
        return true;
      case 'ts-end':
        if (!this.sawEntry) fired.push('ts-ends-without-entering');
        return true;
      case 'ts-abandoned':
        fired.push('ts-abandoned');
        this.stepHoldsDisabled = false;
        return true;
      case 'ccmeval':
        fired.push(ccmevalRule(e.action));
        if (e.action === 'enabled-and-started' && this.stepHoldsDisabled) fired.push('ccmeval-in-disabling-step');
        return true;
      default:
        return false;
    }
  }

  /** Provisioning mode, the check loop, policy, the registry, the clock, admins, scripts, hazards, what is ignored. */
  private clientAndAdmin(e: TraceEntry, fired: RuleName[]): void {
    switch (e.type) {
      case 'provisioning-enter':
        fired.push(...enterRules(e));
        break;
      case 'provisioning-exit':
        fired.push(...exitRules(e));
        break;
      case 'check':
        if (e.elapsedSeconds === null) fired.push(e.expired ? 'missing-timestamp-expires' : 'missing-timestamp-waits');
        else fired.push(e.expired ? 'check-timeout-strictly-more' : 'check-waits-interval');
        break;
      case 'check-loop':
        if (e.action === 'end') fired.push('check-loop-ends-when-out');
        else if (e.firstAtMs === e.atMs) fired.push('start-begins-check-loop');
        else fired.push('continuous-loop-on-entry');
        break;
      case 'policy-retrieval':
        fired.push(RETRIEVAL_RULE[e.cause]);
        if (e.processed.length > 0) fired.push('deployment-processed-once');
        break;
      case 'policy-skipped':
        fired.push('tick-skipped-in-mode');
        break;
      case 'deployment-published':
        fired.push('deployment-published');
        break;
      case 'registry-edit':
        fired.push('registry-edit-unnoticed');
        break;
      case 'clock-jump':
        fired.push('clock-jump-moves-wall-only');
        break;
      case 'health-script':
        fired.push(this.healthScriptRule(e));
        break;
      case 'hazard':
        fired.push(`hazard-${e.kind}`);
        if (e.kind === 'ended-in-winpe') fired.push('winpe-ts-end-stuck');
        break;
      case 'ignored':
        // In Windows PE what acts on the installed OS's client is ignored for that reason alone.
        if (this.inWinpe && this.deviceOn && e.what !== 'ts-crash') fired.push('winpe-client-absent');
        else fired.push(...ignoredRules(e.what, e.reason));
        break;
      default:
        // admin-wmi: its effects show in the entries it causes.
        break;
    }
  }

  private healthScriptRule(e: Extract<TraceEntry, { type: 'health-script' }>): RuleName {
    if (!e.acted && this.inWinpe && this.deviceOn) return 'winpe-client-absent';
    if (e.acted) return e.action === 'registry-only' ? 'health-script-registry-only' : 'health-script-repairs';
    if (e.action === 'window' && (e.reason.startsWith('no ') || e.reason.includes('within the window')))
      return 'health-script-window-waits';
    return 'health-script-nothing-to-do';
  }
}

function enterRules(e: Extract<TraceEntry, { type: 'provisioning-enter' }>): RuleName[] {
  const fired: RuleName[] = [];
  if (e.cause === 'initial') return ['initial-mode-from-registry'];
  if (e.cause === 'registry-edit') return ['registry-edit-read-at-start'];
  fired.push('enter-registry-and-timestamp');
  if (e.timestampSeconds !== null) fired.push('enter-timestamp-from-1902');
  if (!e.newInterval) fired.push('reentry-resets-timestamp');
  if (e.cause === 'manual') fired.push('wmi-enters');
  else if (e.cause === 'task-sequence') fired.push('ts-enters-at-start');
  else fired.push('ts-enters-at-step');
  return fired;
}

const RETRIEVAL_RULE = {
  'service-start': 'start-retrieves-policy',
  exit: 'exit-retrieves-policy',
  tick: 'tick-retrieves-policy',
} as const satisfies Record<Extract<TraceEntry, { type: 'policy-retrieval' }>['cause'], RuleName>;

function exitRules(e: Extract<TraceEntry, { type: 'provisioning-exit' }>): RuleName[] {
  if (e.reason === 'registry-edit') return ['registry-edit-read-at-start'];
  const reason: Record<typeof e.reason, RuleName> = {
    timeout: 'timeout-exits',
    manual: 'wmi-exits',
    'ts-success': 'ts-success-exits',
    'ts-failure': 'ts-failure-exits',
  };
  const fired: RuleName[] = ['exit-registry-keeps-timestamp', reason[e.reason]];
  if (!e.closedInterval) fired.push('exit-after-exit');
  return fired;
}

function ccmevalRule(action: Extract<TraceEntry, { type: 'ccmeval' }>['action']): RuleName {
  switch (action) {
    case 'enabled-and-started':
      return 'ccmeval-enables-disabled';
    case 'started':
      return 'ccmeval-starts-stopped';
    case 'healthy':
      return 'ccmeval-healthy';
    case 'skipped-device-off':
      return 'ccmeval-skipped-device-off';
    case 'skipped-winpe':
      return 'winpe-client-absent';
  }
}

function ignoredRules(what: string, reason: string): RuleName[] {
  switch (what) {
    case 'SetClientProvisioningMode':
      return [reason === WMI_FAILS_WHILE_STOPPED ? 'wmi-fails-while-stopped' : 'wmi-needs-device-on'];
    case 'service-restart':
      return ['service-restart-ignored'];
    case 'ts-crash':
      return ['ts-crash-ignored'];
    default:
      return [];
  }
}

/** How many times each rule fired in a trace (every rule is a key, 0 when it never fired), in `RULES` order. */
export function countRuleFirings(trace: readonly TraceEntry[]): Record<RuleName, number> {
  const counts = Object.fromEntries(RULE_NAMES.map((n) => [n, 0])) as Record<RuleName, number>;
  const tracker = createRuleTracker();
  for (const entry of trace) for (const name of tracker.observe(entry)) counts[name] += 1;
  return counts;
}
