/**
 * How many runs a property test makes: its own count at the default budget, scaled by `PROVSIM_RUNS` (default 200,
 * the suite's budget), so `PROVSIM_RUNS=2000 npm test` runs every property ten times as long. At least 1.
 */
export const DEFAULT_RUNS = 200;

export function scaledRuns(atDefault: number): number {
  const budget = Number(process.env.PROVSIM_RUNS ?? DEFAULT_RUNS);
  return Math.max(1, Math.round((atDefault * budget) / DEFAULT_RUNS));
}
