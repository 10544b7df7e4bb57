/**
 * Rule coverage of an exploration: how many times each rule of the model (by its docs/model.md name) fired over
 * every run, read from the traces with the model's own rule tracker (`sim/model/rules.ts`), never by instrumenting
 * the model's code. A rule that never fired was not exercised: the search said nothing about it.
 */
import { createRuleTracker, RULE_NAMES, type RuleName } from '../model/rules.js';
import type { TraceEntry } from '../model/types.js';

export interface RuleCoverage {
  readonly rule: RuleName;
  /** Firings over every run. */
  readonly fired: number;
  /** Runs in which it fired at least once. */
  readonly runs: number;
}

export class CoverageTally {
  private readonly fired = new Map<RuleName, number>(RULE_NAMES.map((n) => [n, 0]));
  private readonly runs = new Map<RuleName, number>(RULE_NAMES.map((n) => [n, 0]));

  /** Counts the rules one run's trace shows firing. */
  add(trace: readonly TraceEntry[]): void {
    const tracker = createRuleTracker();
    const seen = new Set<RuleName>();
    for (const entry of trace) {
      for (const rule of tracker.observe(entry)) {
        this.fired.set(rule, (this.fired.get(rule) ?? 0) + 1);
        seen.add(rule);
      }
    }
    for (const rule of seen) this.runs.set(rule, (this.runs.get(rule) ?? 0) + 1);
  }

  /** Adds the counts of another tally's `summary` (a worker thread's, for instance). */
  addSummary(summary: readonly RuleCoverage[]): void {
    for (const c of summary) {
      this.fired.set(c.rule, (this.fired.get(c.rule) ?? 0) + c.fired);
      this.runs.set(c.rule, (this.runs.get(c.rule) ?? 0) + c.runs);
    }
  }

  /** Every rule in the order of docs/model.md, with its counts (0 when it never fired). */
  summary(): RuleCoverage[] {
    return RULE_NAMES.map((rule) => ({ rule, fired: this.fired.get(rule) ?? 0, runs: this.runs.get(rule) ?? 0 }));
  }
}

/** The rules that never fired. */
export function neverFired(coverage: readonly RuleCoverage[]): RuleName[] {
  return coverage.filter((c) => c.fired === 0).map((c) => c.rule);
}
