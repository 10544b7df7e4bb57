/**
 * The test run that `npm run mutate` (StrykerJS, stryker.config.mjs) repeats for each mutant: the tests of the
 * mutated code (the folders below, by PROVSIM_MUTATE), with a fixed fast-check seed so that property tests keep their
 * names between runs, fewer runs per property (PROVSIM_RUNS, 100 unless set) and the cheapest test files first, so
 * that the run stays within reach of a small machine.
 */
import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import base from './vitest.config.js';

/** The test folders run against each target of stryker.config.mjs (PROVSIM_MUTATE). */
const folders: Record<string, string[]> = {
  kernel: ['kernel'],
  // The verification folder (generated scenarios, about 150 s a run here under instrumentation) would cost every
  // surviving model mutant that long; its invariants are checked by `all` and by `npm test`.
  model: ['model'],
  fleet: ['fleet', 'model'],
  all: ['kernel', 'model', 'verify', 'fleet'],
};
const target = process.env.PROVSIM_MUTATE ?? 'all';

/** Test files by cost, cheapest first: a mutant run stops at the first failing test, so cheap tests go first. */
const ORDER = [
  'test/model/',
  'test/kernel/EventQueue.test',
  'test/kernel/Simulator',
  'test/kernel/Random',
  'test/kernel/',
  'test/verify/invariants',
  'test/verify/runOnFakeTimers',
  'test/fleet/',
  'test/verify/modelBased',
  'test/verify/',
];

class CheapFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = ORDER.findIndex((prefix) => f.moduleId.includes(prefix));
      return i < 0 ? ORDER.length : i;
    };
    return Promise.resolve([...files].sort((a, b) => rank(a) - rank(b) || a.moduleId.localeCompare(b.moduleId)));
  }
}

// Spread, not mergeConfig: mergeConfig would append these folders to the base config's `include` instead of
// replacing it.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: (folders[target] ?? []).map((f) => `test/${f}/**/*.test.ts`),
    setupFiles: ['test/support/fixedSeed.ts'],
    // One worker for all the files of a run (StrykerJS runs one at a time): the imports (vitest, fast-check, the
    // model) are paid once per mutant instead of once per file, a third of the time on a loaded machine. StrykerJS
    // starts a new worker for each mutant run, so a mutant of a module-level constant is still evaluated afresh.
    isolate: false,
    // Instrumented code under load is many times slower; StrykerJS stops a mutant that loops (timeoutMS) itself.
    testTimeout: 600_000,
    sequence: { ...base.test?.sequence, sequencer: CheapFirst },
    env: { PROVSIM_RUNS: process.env.PROVSIM_RUNS ?? '100' },
  },
});
