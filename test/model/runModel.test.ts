/**
 * The driver of the model (sim/model/runModel.ts): repeats, the horizon, injected events. Times computed by hand;
 * defaults as in transition.test.ts (start 2026-01-01, boot 2m, service restart 10s).
 */
import { describe, expect, it } from 'vitest';
import { RunawayError } from '../../sim/kernel/index.js';
import { ModelRunner, runModel, TraceLimitError } from '../../sim/model/runModel.js';
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

  it('traces nothing but timed, typed entries, in time order', () => {
    const run = runModel(
      createScenario({
        horizonMs: 3 * H,
        client: { registry: { ProvisioningMode: 'true' } },
        taskSequence: { startAtMs: H, steps: [{ name: 'A', durationMs: H }] },
      }),
    );
    expect(run.trace.length).toBeGreaterThan(5);
    for (const [i, e] of run.trace.entries()) {
      expect(typeof e.type, `entry ${i}`).toBe('string');
      expect(e.atMs, `entry ${i}`).toBeGreaterThanOrEqual(i === 0 ? 0 : (run.trace[i - 1]?.atMs ?? 0));
    }
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

describe('the trace budget', () => {
  it('keeps maxTraceEntries entries and stops at the next one, naming the limit', () => {
    const scenario = createScenario({ horizonMs: 3 * H });
    const n = runModel(scenario).trace.length;
    expect(runModel(scenario, { maxTraceEntries: n }).trace).toHaveLength(n);
    const last = runModel(scenario).trace.at(-1)?.atMs;
    const stop = () => runModel(scenario, { maxTraceEntries: n - 1 });
    expect(stop).toThrow(TraceLimitError);
    expect(stop).toThrow(RunawayError);
    let error: unknown;
    try {
      stop();
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      name: 'TraceLimitError',
      limit: n - 1,
      atMs: last,
      message:
        `Aborting at simulation time ${last} ms after keeping ${n - 1} trace entries in memory, assuming a runaway ` +
        'scenario (an interval too short for the horizon, or a repeat storm); raise the limit with --max-trace.',
    });
    expect(new TraceLimitError(5, 7, 'state snapshots').message).toMatch(/after keeping 5 state snapshots in memory/);
  });
});
