/**
 * The `health-script` event (docs/model.md, `health-script-*`): what a client-health script's provisioning-mode
 * repair does to the model, with every time computed by hand. Start 2026-01-01T00:00:00Z (Unix 1767225600).
 */
import { describe, expect, it } from 'vitest';
import { runModel } from '../../sim/model/runModel.js';
import { buildReport } from '../../sim/report/Report.js';
import { createScenario, type ScenarioOptions } from '../../sim/scenario/createScenario.js';
import type { HealthScriptAction } from '../../sim/scenario/Scenario.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const START_SECONDS = 1767225600;

const report = (o: ScenarioOptions) => buildReport(runModel(createScenario(o)));
const script = (atMs: number, action: HealthScriptAction, windowMs = 4 * H) =>
  ({ type: 'health-script', atMs, action, windowMs }) as const;
/** A client stuck in provisioning mode since `agoMs` before the start (no timestamp when `agoMs` is null). */
const stuck = (agoMs: number | null, version = '2403') => ({
  version,
  registry: {
    ProvisioningMode: 'true',
    SystemTaskExcludes: 'SchedulerStartup;SchedulerShutdown;SchedulerLogon;SchedulerLogoff;ClientRegistrationStartup',
    ...(agoMs === null ? {} : { ProvisioningEnabledTime: START_SECONDS - agoMs / 1000 }),
  },
});

describe('health-script', () => {
  it('force takes a client out while its task sequence runs; the sequence goes on and ends', () => {
    // Entry at 10m (the sequence's start); the script at 2h leaves (manual); the 5h step ends at 5h10m.
    const r = report({
      horizonMs: 8 * H,
      taskSequence: { startAtMs: 10 * M, steps: [{ name: 'Upgrade', durationMs: 5 * H }] },
      events: [script(2 * H, 'force')],
    });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 10 * M, exitedAtMs: 2 * H, exitReason: 'manual', enteredBy: 'task-sequence' },
    ]);
    expect(r.taskSequence.outcome).toBe('success');
    expect(r.taskSequence.endedAtMs).toBe(5 * H + 10 * M);
    expect(r.final.registry.ProvisioningMode).toBe('false');
    expect(r.final.consistent).toBe(true);
  });

  it('window acts only strictly past the window after ProvisioningEnabledTime', () => {
    // Entered 3h before the start; window 4h: at 30m 3h30m in, at 1h exactly 4h in (not more), at 1h0m1s 4h0m1s.
    const run = runModel(
      createScenario({
        horizonMs: 3 * H,
        client: stuck(3 * H),
        events: [script(30 * M, 'window'), script(H, 'window'), script(H + S, 'window')],
      }),
    );
    const r = buildReport(run);
    const runs = run.trace.filter((e) => e.type === 'health-script');
    expect(runs.map((e) => (e.type === 'health-script' ? [e.atMs, e.acted] : null))).toEqual([
      [30 * M, false],
      [H, false],
      [H + S, true],
    ]);
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: H + S, exitReason: 'manual', enteredBy: 'initial' },
    ]);
  });

  it('window does nothing without a timestamp (release 1810), force does', () => {
    const base = { horizonMs: 2 * H, client: stuck(null, '1810') };
    const waited = report({ ...base, events: [script(H, 'window')] });
    expect(waited.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: null, exitReason: null, enteredBy: 'initial' },
    ]);
    const forced = report({ ...base, events: [script(H, 'force')] });
    expect(forced.provisioning.intervals[0]?.exitedAtMs).toBe(H);
  });

  it('registry-only leaves the running client in the mode until CcmExec starts again, then inconsistent', () => {
    // The script at 1h writes "false" alone; a reboot at 2h (boot 2m) restarts CcmExec at 2h2m, which reads it.
    const r = report({
      horizonMs: 4 * H,
      client: stuck(H),
      events: [script(H, 'registry-only'), { type: 'reboot', atMs: 2 * H, downtimeMs: 0, recoverable: true }],
    });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: 2 * H + 2 * M, exitReason: 'registry-edit', enteredBy: 'initial' },
    ]);
    expect(r.hazards.filter((h) => h.kind === 'inconsistent-registry').map((h) => h.atMs)).toEqual([2 * H + 2 * M]);
    expect(r.final.consistent).toBe(false);
  });

  it('does nothing on a device that is off or a client whose registry does not say provisioning mode', () => {
    const off = report({
      horizonMs: 2 * H,
      client: stuck(H),
      events: [{ type: 'power-loss', atMs: 30 * M, downtimeMs: H, recoverable: true }, script(H, 'force')],
    });
    expect(off.provisioning.intervals[0]?.exitedAtMs).toBeNull();
    const healthy = report({ horizonMs: 2 * H, events: [script(H, 'registry-only')] });
    expect(healthy.final.registry.ProvisioningMode ?? 'false').toBe('false');
    expect(healthy.hazards).toEqual([]);
  });
});

describe('health-script in the trace', () => {
  const runs = (o: ScenarioOptions) =>
    runModel(createScenario(o))
      .trace.filter((e) => e.type === 'health-script' || e.type === 'registry-edit')
      .map((e) => ({ ...e }));

  it('says why the script did nothing, or that it acted, and writes "false"', () => {
    // Power lost at 10m for 30m (up at 42m): the script at 20m finds the device off. Then: a window run with no
    // timestamp, one within the window, a force run that acts, and a run on a client already out.
    expect(
      runs({
        horizonMs: 3 * H,
        client: stuck(null),
        events: [
          { type: 'power-loss', atMs: 10 * M, downtimeMs: 30 * M, recoverable: true },
          script(20 * M, 'force'),
          script(H, 'window'),
          script(H + M, 'registry-only'),
          script(2 * H, 'force'),
        ],
      }),
    ).toEqual([
      { atMs: 20 * M, type: 'health-script', action: 'force', acted: false, reason: 'the device is off' },
      {
        atMs: H,
        type: 'health-script',
        action: 'window',
        acted: false,
        reason: 'no ProvisioningEnabledTime: the window cannot be checked',
      },
      {
        atMs: H + M,
        type: 'health-script',
        action: 'registry-only',
        acted: true,
        reason: 'the registry says provisioning mode',
      },
      { atMs: H + M, type: 'registry-edit', name: 'ProvisioningMode', value: 'false' },
      {
        atMs: 2 * H,
        type: 'health-script',
        action: 'force',
        acted: false,
        reason: 'the registry does not say provisioning mode',
      },
    ]);
  });

  it('does nothing in Windows PE, where the installed OS is not running', () => {
    const trace = runs({ horizonMs: 2 * H, client: { ...stuck(H), startsIn: 'winpe' }, events: [script(H, 'force')] });
    expect(trace).toEqual([
      {
        atMs: H,
        type: 'health-script',
        action: 'force',
        acted: false,
        reason: "the device runs Windows PE, where the installed OS's client does not exist",
      },
    ]);
  });
});
