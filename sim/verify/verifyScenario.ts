/**
 * Runs a scenario with everything the invariants need (state snapshots, a second run for determinism) and checks
 * them. Pure apart from the CPU time it takes.
 */
import { DEFAULT_MAX_TRACE_ENTRIES, type RunOptions, runModel, TraceLimitError } from '../model/runModel.js';
import type { Scenario } from '../scenario/Scenario.js';
import { type CheckOptions, checkInvariants, type Snapshot, type VerifiedRun, type Violation } from './invariants.js';

export interface VerifyOptions extends CheckOptions {
  readonly faults?: RunOptions['faults'];
  readonly maxEvents?: number;
  /** The trace budget, applied to the trace and to the state snapshots alike (see `TraceLimitError`). */
  readonly maxTraceEntries?: number;
  /** Run a second time for `deterministic` (default true). */
  readonly rerun?: boolean;
}

export interface Verification {
  readonly run: VerifiedRun;
  readonly violations: readonly Violation[];
}

export function verifyScenario(scenario: Scenario, options: VerifyOptions = {}): Verification {
  const snapshots: Snapshot[] = [];
  const base = {
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }),
    ...(options.maxTraceEntries === undefined ? {} : { maxTraceEntries: options.maxTraceEntries }),
  };
  const maxSnapshots = options.maxTraceEntries ?? DEFAULT_MAX_TRACE_ENTRIES;
  const result = runModel(scenario, {
    ...base,
    observe: (event, atMs, state, traceLength) => {
      if (snapshots.length >= maxSnapshots) throw new TraceLimitError(maxSnapshots, atMs, 'state snapshots');
      snapshots.push({ event, atMs, state, traceLength });
    },
  });
  const run: VerifiedRun = {
    ...result,
    snapshots,
    ...(options.rerun === false ? {} : { rerunTrace: runModel(scenario, base).trace }),
  };
  return { run, violations: checkInvariants(run, options) };
}
