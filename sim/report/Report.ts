/**
 * The JSON report of one run (README, "Reports"), computed from the trace and the final state alone.
 * Pure: the same run gives the same report, key order included, so the serialized JSON is byte-identical.
 */
import type { RunResult } from '../model/runModel.js';
import { hasTimeout, maxMinutesOf } from '../model/timeout.js';
import { isRegistryInconsistent, registrySaysProvisioning } from '../model/transition.js';
import { type ProvisioningInterval, trackInterval } from '../model/intervals.js';
import type { TraceEntry } from '../model/types.js';
import type { Assumptions, HazardKind, TaskSequenceOutcome } from '../scenario/Scenario.js';
import type { Violation } from '../verify/invariants.js';
import { type ExpectationResult, judge } from './judge.js';

// The intervals are the model's reading of its trace; re-exported for the report's readers.
export { type ProvisioningInterval, trackInterval } from '../model/intervals.js';

export interface Report {
  schemaVersion: 1;
  scenario: { name: string; file: string | null; seed: number; start: string; horizonMs: number; description: string };
  assumptions: Assumptions;
  client: { version: string; timeoutApplies: boolean; maxMinutes: number };
  provisioning: { intervals: ProvisioningInterval[]; totalMs: number; policyCyclesSkipped: number };
  checks: { atMs: number; elapsedSeconds: number | null; maxMinutes: number; expired: boolean }[];
  taskSequence: {
    name: string | null;
    outcome: TaskSequenceOutcome;
    startedAtMs: number | null;
    endedAtMs: number | null;
    abandonedAtMs: number | null;
  };
  deployments: { name: string; publishedAtMs: number; processedAtMs: number | null; waitMs: number | null }[];
  hazards: { kind: HazardKind; atMs: number; detail: string }[];
  final: {
    provisioningMode: boolean;
    registry: {
      ProvisioningMode?: string;
      SystemTaskExcludes?: string;
      ProvisioningEnabledTime?: number;
      ProvisioningMaxMinutes?: number;
    };
    service: { startup: 'auto' | 'disabled'; status: 'running' | 'stopped' };
    device: 'on' | 'off';
    consistent: boolean;
    wallClock: string;
  };
  expectations: ExpectationResult[];
  /** Violations of the invariants that apply (sim/verify), when the run was verified; [] when none. */
  invariants: Violation[];
  eventCount: number;
  trace: TraceEntry[];
}

export function buildReport(run: RunResult, violations: readonly Violation[] = []): Report {
  const { scenario, trace, state } = run;
  const intervals: ProvisioningInterval[] = [];
  const checks: Report['checks'] = [];
  const hazards: Report['hazards'] = [];
  let policyCyclesSkipped = 0;
  let abandonedAtMs: number | null = null;

  for (const e of trace) {
    switch (e.type) {
      case 'provisioning-enter':
      case 'provisioning-exit':
        trackInterval(intervals, e);
        break;
      case 'check':
        checks.push({ atMs: e.atMs, elapsedSeconds: e.elapsedSeconds, maxMinutes: e.maxMinutes, expired: e.expired });
        break;
      case 'policy-skipped':
        policyCyclesSkipped++;
        break;
      case 'hazard':
        hazards.push({ kind: e.kind, atMs: e.atMs, detail: e.detail });
        break;
      case 'ts-abandoned':
        abandonedAtMs = e.atMs;
        break;
      default:
        break;
    }
  }

  const totalMs = intervals.reduce((sum, i) => sum + (i.exitedAtMs ?? scenario.horizonMs) - i.enteredAtMs, 0);
  const ts = state.taskSequence;
  const report: Report = {
    schemaVersion: 1,
    scenario: {
      name: scenario.name,
      file: scenario.file,
      seed: scenario.seed,
      start: new Date(scenario.startMs).toISOString(),
      horizonMs: scenario.horizonMs,
      description: scenario.description,
    },
    assumptions: { ...scenario.assumptions },
    client: {
      version: scenario.client.version,
      timeoutApplies: hasTimeout(scenario.client.version),
      maxMinutes: maxMinutesOf(state.registry),
    },
    provisioning: { intervals, totalMs, policyCyclesSkipped },
    checks,
    taskSequence: {
      name: scenario.taskSequence?.name ?? null,
      outcome: outcomeOf(ts.status),
      startedAtMs: ts.startedAtMs,
      // [provsim] (choice 16) An abandoned sequence never ends: `endedAtMs` stays null, `abandonedAtMs` is set.
      endedAtMs: ts.endedAtMs,
      abandonedAtMs,
    },
    deployments: state.deployments.map((d) => ({
      name: d.name,
      publishedAtMs: d.publishedAtMs,
      processedAtMs: d.processedAtMs,
      waitMs: d.processedAtMs === null ? null : d.processedAtMs - d.publishedAtMs,
    })),
    hazards,
    final: {
      provisioningMode: state.effectiveMode,
      registry: { ...state.registry },
      service: { startup: state.service.startup, status: state.service.status },
      device: state.device,
      // [provsim] (choice 15) Consistent: not the inconsistent-registry state, and the mode obeyed is the registry's.
      consistent:
        !isRegistryInconsistent(state.registry) && state.effectiveMode === registrySaysProvisioning(state.registry),
      wallClock: new Date(scenario.startMs + scenario.horizonMs + state.clockOffsetMs).toISOString(),
    },
    expectations: [],
    invariants: [...violations],
    eventCount: run.eventCount,
    trace: [...trace],
  };
  report.expectations = scenario.expect === null ? [] : judge(scenario.expect, report);
  return report;
}

function outcomeOf(status: RunResult['state']['taskSequence']['status']): TaskSequenceOutcome {
  switch (status) {
    case 'none':
      return 'none';
    case 'scheduled':
    case 'waiting-boot':
      return 'not-started';
    default:
      return status;
  }
}
