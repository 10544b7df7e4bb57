/**
 * Setup for `npm run mutate` (vitest.mutate.config.ts): every fast-check property without a seed of its own runs with
 * one fixed seed, so that @fast-check/vitest gives it the same name ("... (with seed=N)") on every run. StrykerJS
 * ties coverage to test names: a name that changes between its coverage run and a mutant run loses the test.
 */
import fc from 'fast-check';

fc.configureGlobal({ ...fc.readConfigureGlobal(), seed: Number(process.env.PROVSIM_SEED ?? 20261122) });
