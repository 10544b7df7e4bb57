// Mutation testing (`npm run mutate`): StrykerJS changes one operator or condition of the kernel, the model or the
// fleet's fast path at a time and runs the tests that cover it (vitest.mutate.config.ts); a mutant that no test
// notices is a rule no test pins. Not in CI (too slow); see docs/verification.md.
//
// PROVSIM_MUTATE picks what to mutate, and vitest.mutate.config.ts the tests to run against it:
//   kernel  sim/kernel                  with test/kernel
//   model   sim/model                   with test/model (the verification folder only with all)
//   fleet   the fleet's fast path:      with test/fleet and test/model
//           sim/fleet/simulate/simulateClient.ts, sim/fleet/run/quietClients.ts, sim/fleet/run/skippingClients.ts
//   all     (the default) all three     with all four folders
// Reports: reports/mutation/<target>.html and <target>.json (and <target>.incremental.json, for the next run).
const target = process.env.PROVSIM_MUTATE ?? 'all';
const files = {
  kernel: ['sim/kernel/**/*.ts', '!sim/kernel/index.ts'],
  model: ['sim/model/**/*.ts'],
  fleet: ['sim/fleet/simulate/simulateClient.ts', 'sim/fleet/run/quietClients.ts', 'sim/fleet/run/skippingClients.ts'],
};
if (target !== 'all' && !(target in files)) {
  throw new Error(`PROVSIM_MUTATE must be one of kernel, model, fleet, all; got "${target}"`);
}

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', related: false },
  mutate: target === 'all' ? Object.values(files).flat() : files[target],
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // A mutant run is stopped (and counted as a timeout) after 1.5 times the unmutated run plus this margin.
  timeoutMS: 15_000,
  reporters: ['clear-text', 'progress-append-only', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${target}.html` },
  jsonReporter: { fileName: `reports/mutation/${target}.json` },
  // Not copied into the sandbox: the tests of these targets read neither the build nor the reports (and another
  // target's sandbox, under reports/, may be running at the same time).
  ignorePatterns: ['/dist', '/reports'],
  // One sandbox folder per target, so that two targets can run at once.
  tempDirName: `reports/mutation/.stryker-tmp-${target}`,
  // A later run re-tests only the mutants whose code or covering tests changed (--force re-tests all).
  incremental: true,
  incrementalFile: `reports/mutation/${target}.incremental.json`,
  thresholds: { high: 95, low: 90, break: null },
};
