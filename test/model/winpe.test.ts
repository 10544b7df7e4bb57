/**
 * The Windows PE rules of spec/model.md (docs/model.md, rules winpe-*), each in a small scenario with the expected
 * times computed by hand in the comments. Defaults unless stated: start 2026-01-01T00:00:00Z, boot 2m, service
 * restart 10s, check and policy every 60m, ccmeval every 24h, release 2403, default assumptions.
 */
import { describe, expect, it } from 'vitest';
import { runModel } from '../../sim/model/runModel.js';
import type { TraceEntry } from '../../sim/model/types.js';
import { buildReport, type Report } from '../../sim/report/Report.js';
import { createScenario, type ScenarioOptions, type StepOptions } from '../../sim/scenario/createScenario.js';
import type { ScenarioEvent } from '../../sim/scenario/Scenario.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

function simulate(options: ScenarioOptions): Report {
  return buildReport(runModel(createScenario(options)));
}

function at<T extends TraceEntry['type']>(r: Report, type: T): number[] {
  return r.trace.filter((e) => e.type === type).map((e) => e.atMs);
}

const kinds = (r: Report) => [...new Set(r.hazards.map((h) => h.kind))].sort();

/**
 * A wipe-and-load, started at 5m in the installed OS (CcmExec running since 0):
 *   0 Restart in Windows PE        5m -  6m, restart winpe: CcmExec stops at 6m, Windows PE up at 8m
 *   1 Partition disk               8m - 10m   (Windows PE)
 *   2 Apply operating system      10m - 30m   (Windows PE)
 *   3 Apply device drivers        30m - 38m   (Windows PE)
 *   4 Setup Windows and ConfigMgr 38m - 53m   provisioningAt: enters at 38m; restart os: the OS is up at 55m
 *   5 Install applications        55m - 1h35m (OS)
 *   6 Install software updates  1h35m - 2h05m (OS): success, exit ts-success at 2h05m
 */
const WIPE_AND_LOAD: StepOptions[] = [
  { name: 'Restart in Windows PE', durationMs: M, restart: 'winpe' },
  { name: 'Partition disk', durationMs: 2 * M },
  { name: 'Apply operating system', durationMs: 20 * M },
  { name: 'Apply device drivers', durationMs: 8 * M },
  { name: 'Setup Windows and ConfigMgr', durationMs: 15 * M, restart: 'os' },
  { name: 'Install applications', durationMs: 40 * M },
  { name: 'Install software updates', durationMs: 30 * M },
];

function wipeAndLoad(events: ScenarioEvent[] = [], steps = WIPE_AND_LOAD): Report {
  return simulate({
    horizonMs: D,
    taskSequence: { startAtMs: 5 * M, provisioningAtStep: 4, steps },
    events: [{ type: 'deployment', atMs: 10 * M, name: 'VPN client' }, ...events],
  });
}

describe('a wipe-and-load that succeeds (winpe-restart-target, winpe-no-client)', () => {
  const run = (): Report => wipeAndLoad();

  it('enters at the client install step and leaves at the end in the installed OS', () => {
    const r = run();
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 38 * M, exitedAtMs: 2 * H + 5 * M, exitReason: 'ts-success', enteredBy: 'task-sequence-step' },
    ]);
    expect(r.taskSequence).toMatchObject({ outcome: 'success', startedAtMs: 5 * M, endedAtMs: 2 * H + 5 * M });
    expect(kinds(r)).toEqual([]);
  });

  it('runs no CcmExec from the restart into Windows PE until the OS boots', () => {
    const r = run();
    // 0: at boot; 55m: the OS boot; 2h05m10s: after the exit's restart.
    expect(at(r, 'service-start')).toEqual([0, 55 * M, 2 * H + 5 * M + 10 * S]);
    expect(at(r, 'service-stop')).toEqual([6 * M, 2 * H + 5 * M]);
    expect(
      r.trace.filter((e) => e.type === 'environment').map((e) => [e.atMs, e.type === 'environment' && e.environment]),
    ).toEqual([
      [6 * M, 'winpe'],
      [53 * M, 'os'],
    ]);
    // The check loop begins when CcmExec starts in the OS: 17 minutes after the entry.
    expect(r.checks[0]).toEqual({ atMs: 55 * M, elapsedSeconds: 17 * 60, maxMinutes: 2880, expired: false });
  });

  it('retrieves no policy in Windows PE: the deployment waits for the exit', () => {
    const r = run();
    // Retrievals: 0 (CcmExec start); the policy timer stops with CcmExec at 6m, before its first tick; in the OS
    // from 55m CcmExec is in provisioning mode (ticks skipped); the exit's restart retrieves at 2h05m10s.
    expect(r.deployments[0]?.processedAtMs).toBe(2 * H + 5 * M + 10 * S);
    expect(at(r, 'policy-retrieval').slice(0, 2)).toEqual([0, 2 * H + 5 * M + 10 * S]);
  });
});

describe('a power loss in Windows PE before the client is installed (winpe-interrupt-stays)', () => {
  // Power lost at 20m in "Apply operating system", 5m down: Windows PE boots again, up at 27m, and the step resumes
  // from its start: 27m-47m; drivers 47m-55m; Setup 55m-1h10m (enters at 55m), the OS is up at 1h12m; apps
  // 1h12m-1h52m; updates 1h52m-2h22m: exit at 2h22m.
  const run = (): Report =>
    wipeAndLoad([
      { type: 'power-loss', atMs: 20 * M, downtimeMs: 5 * M, recoverable: true },
      { type: 'ccmeval', atMs: 30 * M },
      { type: 'admin-wmi', atMs: 31 * M, enable: false },
      { type: 'service-restart', atMs: 32 * M },
    ]);

  it('boots Windows PE again and resumes the interrupted step there', () => {
    const r = run();
    // `resumed` marks a step started when a boot ends (after each planned restart, and after the power loss).
    expect(at(r, 'device-up')).toEqual([8 * M, 27 * M, 72 * M]);
    expect(
      r.trace.filter((e) => e.type === 'ts-step-start').map((e) => [e.atMs, e.type === 'ts-step-start' && e.resumed]),
    ).toEqual([
      [5 * M, false],
      [8 * M, true],
      [10 * M, false],
      [27 * M, true],
      [47 * M, false],
      [55 * M, false],
      [72 * M, true],
      [112 * M, false],
    ]);
  });

  it('runs nothing of the client until the OS boots', () => {
    const r = run();
    expect(at(r, 'service-start')).toEqual([0, 72 * M, 142 * M + 10 * S]);
    expect(at(r, 'check')[0]).toBe(72 * M);
    const ignored = r.trace.filter((e) => e.type === 'ignored').map((e) => [e.atMs, e.type === 'ignored' && e.what]);
    expect(ignored).toEqual([
      [30 * M, 'ccmeval'],
      [31 * M, 'SetClientProvisioningMode'],
      [32 * M, 'service-restart'],
    ]);
  });

  it('enters at the client install step and leaves at the end in the OS', () => {
    const r = run();
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 55 * M, exitedAtMs: 142 * M, exitReason: 'ts-success', enteredBy: 'task-sequence-step' },
    ]);
    expect(r.deployments[0]?.processedAtMs).toBe(142 * M + 10 * S);
    expect(kinds(r)).toEqual([]);
  });
});

describe('the sequence ending in Windows PE (winpe-ts-end-stuck)', () => {
  // startAt 10m, no provisioningAt: enters at 10m (timestamp 00:10:00), CcmExec restarts, back at 10m10s.
  // Install applications 10m-40m; Restart computer 40m-41m, restart winpe by mistake: Windows PE up at 43m;
  // Install software updates 43m-1h03m in Windows PE: success at 1h03m, no exit, ended-in-winpe.
  const steps: StepOptions[] = [
    { name: 'Install applications', durationMs: 30 * M },
    { name: 'Restart computer', durationMs: M, restart: 'winpe' },
    { name: 'Install software updates', durationMs: 20 * M },
  ];

  it('stays in provisioning mode with nothing to take it out', () => {
    // Never back in the OS: stuck to the horizon (3d), past entry + max + checkInterval = 49h10m.
    const r = simulate({ horizonMs: 3 * D, taskSequence: { startAtMs: 10 * M, steps } });
    expect(r.taskSequence).toMatchObject({ outcome: 'success', endedAtMs: 63 * M });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 10 * M, exitedAtMs: null, exitReason: null, enteredBy: 'task-sequence' },
    ]);
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([
      ['ended-in-winpe', 63 * M],
      ['exceeded-timeout', 49 * H + 10 * M + 1],
      ['stuck-at-horizon', 3 * D],
    ]);
    expect(r.final.registry).toMatchObject({ ProvisioningMode: 'true' });
    expect(at(r, 'service-start')).toEqual([0, 10 * M + 10 * S]);
    // The scheduled ccmeval at 24h and 48h is skipped in Windows PE; the schedule goes on.
    expect(r.trace.filter((e) => e.type === 'ccmeval').map((e) => [e.atMs, e.type === 'ccmeval' && e.action])).toEqual([
      [D, 'skipped-winpe'],
      [2 * D, 'skipped-winpe'],
      [3 * D, 'skipped-winpe'],
    ]);
  });

  it('times out from the next OS boot where CcmExec starts', () => {
    // The last step restarts into the OS after the end: OS up at 1h05m, CcmExec reads "true" and checks at
    // 1h05m + k h, elapsed 55m + k h: strictly more than 48h first at k = 48, 49h05m.
    const withRestart = steps.map((st, i) => (i === steps.length - 1 ? { ...st, restart: 'os' as const } : st));
    const r = simulate({ horizonMs: 3 * D, taskSequence: { startAtMs: 10 * M, steps: withRestart } });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 10 * M, exitedAtMs: 49 * H + 5 * M, exitReason: 'timeout', enteredBy: 'task-sequence' },
    ]);
    expect(at(r, 'service-start')).toEqual([0, 10 * M + 10 * S, 65 * M, 49 * H + 5 * M + 10 * S]);
    expect(r.checks[1]).toEqual({ atMs: 65 * M, elapsedSeconds: 55 * 60, maxMinutes: 2880, expired: false });
    expect(kinds(r)).toEqual(['ended-in-winpe']);
  });

  it('raises nothing when the sequence had not entered provisioning mode, or was abandoned', () => {
    const notEntered = simulate({
      horizonMs: D,
      client: { startsIn: 'winpe' },
      taskSequence: {
        startAtMs: 0,
        provisioningAtStep: 1,
        steps: [{ name: 'Partition', durationMs: M, fails: true }, ...steps],
      },
    });
    expect(notEntered.taskSequence.outcome).toBe('failed');
    expect(kinds(notEntered)).toEqual([]);
    const crashed = simulate({
      horizonMs: D,
      taskSequence: { startAtMs: 10 * M, steps },
      events: [{ type: 'ts-crash', atMs: 50 * M }],
    });
    expect(crashed.taskSequence.outcome).toBe('abandoned');
    expect(kinds(crashed)).toEqual(['stuck-at-horizon']);
  });
});

describe('a device that starts in Windows PE (winpe-starts-in, winpe-client-absent)', () => {
  it('boots Windows PE at time 0 when off, and starts CcmExec only in the OS', () => {
    // Off at 0: Windows PE up at 2m; the step 2m-12m restarts into the OS: up at 14m, CcmExec starts.
    const r = simulate({
      horizonMs: H,
      client: { poweredOn: false, startsIn: 'winpe' },
      taskSequence: { startAtMs: 0, steps: [{ name: 'Apply image', durationMs: 10 * M, restart: 'os' }] },
    });
    expect(r.trace[0]).toMatchObject({ atMs: 0, type: 'environment', environment: 'winpe', cause: 'initial' });
    expect(at(r, 'device-up')).toEqual([2 * M, 14 * M]);
    expect(at(r, 'service-start')).toEqual([14 * M]);
    expect(at(r, 'ts-step-start')).toEqual([2 * M]);
  });

  it('changes no startup type in a disablesClient step run in Windows PE, but applies registry edits', () => {
    const r = simulate({
      horizonMs: H,
      client: { startsIn: 'winpe' },
      taskSequence: {
        startAtMs: 0,
        steps: [{ name: 'Setup', durationMs: 10 * M, disablesClient: true, restart: 'os' }],
      },
      events: [{ type: 'registry-set', atMs: 5 * M, name: 'ProvisioningMaxMinutes', value: 120 }],
    });
    expect(at(r, 'startup-type')).toEqual([]);
    expect(r.final.service).toEqual({ startup: 'auto', status: 'running' });
    expect(r.final.registry.ProvisioningMaxMinutes).toBe(120);
    // Entered at 0 in Windows PE; the OS is up at 12m and CcmExec's first check reads max 120.
    expect(r.checks[0]).toMatchObject({ atMs: 12 * M, maxMinutes: 120, expired: false });
  });

  it('keeps a device in Windows PE there across a reboot event', () => {
    const r = simulate({
      horizonMs: H,
      client: { startsIn: 'winpe' },
      events: [{ type: 'reboot', atMs: 10 * M, downtimeMs: 0, recoverable: true }],
    });
    expect(at(r, 'device-up')).toEqual([12 * M]);
    expect(at(r, 'service-start')).toEqual([]);
    expect(at(r, 'environment')).toEqual([0]);
  });
});

describe('Windows PE in the trace', () => {
  const environments = (r: Report) =>
    r.trace.filter((e) => e.type === 'environment').map((e) => ({ ...e }) as TraceEntry);

  it('records each change of environment with its cause, and no entry for a restart that keeps it', () => {
    // Starts in Windows PE; A 0-10m restarts into the OS (up at 12m); B 12m-22m restarts into the OS again.
    const r = simulate({
      horizonMs: H,
      client: { startsIn: 'winpe' },
      taskSequence: {
        startAtMs: 0,
        steps: [
          { name: 'A', durationMs: 10 * M, restart: 'os' },
          { name: 'B', durationMs: 10 * M, restart: 'os' },
        ],
      },
    });
    expect(environments(r)).toEqual([
      { atMs: 0, type: 'environment', environment: 'winpe', cause: 'initial' },
      { atMs: 10 * M, type: 'environment', environment: 'os', cause: 'planned-restart' },
    ]);
  });

  it('leaves a client configured disabled as it is after a disabling step in Windows PE', () => {
    // Setup (disablesClient) 0-10m in Windows PE changes no startup type, so its end enables nothing.
    const r = simulate({
      horizonMs: H,
      client: { startsIn: 'winpe', startup: 'disabled' },
      taskSequence: { startAtMs: 0, steps: [{ name: 'Setup', durationMs: 10 * M, disablesClient: true }] },
    });
    expect(r.trace.filter((e) => e.type === 'startup-type')).toEqual([]);
    expect(r.final.service).toEqual({ startup: 'disabled', status: 'stopped' });
  });

  it('says why a sequence that ended in Windows PE left the client in provisioning mode', () => {
    const r = simulate({
      horizonMs: H,
      client: { startsIn: 'winpe' },
      taskSequence: { startAtMs: 0, steps: [{ name: 'A', durationMs: 10 * M }] },
    });
    expect(r.hazards.filter((h) => h.kind === 'ended-in-winpe').map((h) => [h.atMs, h.detail])).toEqual([
      [
        10 * M,
        "the task sequence ended (success) in Windows PE, where the installed OS's client does not exist; nothing took the client out of provisioning mode",
      ],
    ]);
  });
});
