import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { findScenarioFiles } from '../../sim/cli/files.js';
import { runModel } from '../../sim/model/runModel.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';
import { scenarioArbitrary } from '../../sim/verify/arbitraries.js';
import { runOnFakeTimers } from '../../sim/verify/runOnFakeTimers.js';

const seed = Number(process.env.PROVSIM_SEED ?? 20261122);
const runs = Number(process.env.PROVSIM_RUNS ?? 200);
const root = join(import.meta.dirname, '../../scenarios');

describe('the model on a fake-timers clock', () => {
  it.each(findScenarioFiles([root]).map((f) => [f.slice(root.length + 1), f]))(
    'gives the kernel trace for bundled %s',
    (_, file) => {
      const scenario = parseScenario(readFileSync(file, 'utf8'), file);
      const kernel = runModel(scenario);
      const fake = runOnFakeTimers(scenario);
      expect(fake.trace).toEqual(kernel.trace);
      expect(fake.state).toEqual(kernel.state);
    },
  );

  fcTest.prop([scenarioArbitrary({ assumptions: 'any' })], { numRuns: Math.ceil(runs / 4), seed })(
    'gives the kernel trace for generated scenarios, horizons past 24.8 days included',
    (scenario) => {
      expect(runOnFakeTimers(scenario).trace).toEqual(runModel(scenario).trace);
    },
  );
});
