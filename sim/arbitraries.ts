/**
 * `provsim/arbitraries`: fast-check arbitraries for your own properties over generated scenarios (valid by
 * construction; see docs/library.md and docs/verification.md).
 */
export { EDGE_MAX_MINUTES, scenarioArbitrary } from './verify/arbitraries.js';
export type { ScenarioArbitraryOptions } from './verify/arbitraries.js';
