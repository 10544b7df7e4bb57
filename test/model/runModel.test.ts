/**
 * The driver of the model (sim/model/runModel.ts): repeats, the horizon, injected events. Times computed by hand;
 * defaults as in transition.test.ts (start 2026-01-01, boot 2m, service restart 10s).
 */
import { describe, expect, it } from 'vitest';
import { ModelRunner, runModel } from '../../sim/model/runModel.js';
import { createScenario } from '../../sim/scenario/createScenario.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

describe('runModel', () => {
  it('runs a repeated event exactly count times, every everyMs', () => {
    const run = runModel(
      createScenario({
        horizonMs: 10 * H,
        events: [{ type: 'service-restart', atMs: H, repeat: { everyMs: H, count: 3 } }],
      }),
    );
    expect(run.trace.filter((e) => e.type === 'service-stop').map((e) => e.atMs)).toEqual([H, 2 * H, 3 * H]);
  });

  it('runs an event at the horizon, and none after it', () => {
    const run = runModel(
      createScenario({
        horizonMs: 2 * H,
        events: [
          { type: 'deployment', atMs: 2 * H, name: 'At' },
          { type: 'deployment', atMs: 2 * H + 1, name: 'After' },
        ],
      }),
    );
    expect(run.state.deployments.map((d) => d.name)).toEqual(['At']);
  });

  it('runs injected events now, after what is already due, and a task sequence on demand', () => {
    const runner = new ModelRunner(
      createScenario({ horizonMs: 10 * H, taskSequence: { startAtMs: 9 * H, steps: [{ name: 'A', durationMs: H }] } }),
    );
    runner.runUntil(H);
    expect(runner.now).toBe(H);
    runner.inject({ type: 'admin-wmi', enable: true });
    runner.inject({ type: 'admin-wmi', enable: false });
    runner.runUntil(H);
    expect(runner.trace.filter((e) => e.type === 'admin-wmi').map((e) => e.atMs)).toEqual([H, H]);
    expect(runner.state.effectiveMode).toBe(false);
    runner.startTaskSequence();
    runner.runUntil(H + 10 * S);
    expect(runner.state.taskSequence).toMatchObject({ status: 'running', startedAtMs: H });
    expect(runner.eventCount).toBeGreaterThan(0);
    const result = runner.finish();
    expect(result.state.taskSequence.startedAtMs).toBe(H);
  });
});
