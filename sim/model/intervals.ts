/**
 * The provisioning intervals a trace shows: each entry into provisioning mode that opens one, closed by the exit
 * that ends it. Pure; the report and the fleet both fold traces with it.
 */
import type { ExitReason } from '../scenario/Scenario.js';
import type { EntryCause, TraceEntry } from './types.js';

export interface ProvisioningInterval {
  enteredAtMs: number;
  exitedAtMs: number | null;
  exitReason: ExitReason | null;
  enteredBy: EntryCause;
}

/** Folds a `provisioning-enter` or `provisioning-exit` entry into the list of intervals (other entries: no-op). */
export function trackInterval(intervals: ProvisioningInterval[], e: TraceEntry): void {
  if (e.type === 'provisioning-enter' && e.newInterval) {
    intervals.push({ enteredAtMs: e.atMs, exitedAtMs: null, exitReason: null, enteredBy: e.cause });
  } else if (e.type === 'provisioning-exit') {
    const open = intervals[intervals.length - 1];
    if (e.closedInterval && open !== undefined && open.exitedAtMs === null) {
      open.exitedAtMs = e.atMs;
      open.exitReason = e.reason;
    }
  }
}
