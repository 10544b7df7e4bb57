/**
 * Each rule of spec/model.md in its own small scenario, with the expected times computed by hand in the comments.
 * Defaults unless stated: start 2026-01-01T00:00:00Z, boot 2m, service restart 10s, check and policy every 60m,
 * ccmeval every 24h, release 2403, default assumptions.
 */
import { describe, expect, it } from 'vitest';
import { runModel } from '../../sim/model/runModel.js';
import { initialState, type ModelFaults } from '../../sim/model/transition.js';
import type { TraceEntry } from '../../sim/model/types.js';
import { buildReport, type Report } from '../../sim/report/Report.js';
import { createScenario, type ScenarioOptions } from '../../sim/scenario/createScenario.js';
import type { ScenarioEvent } from '../../sim/scenario/Scenario.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const START_S = Date.UTC(2026, 0, 1) / 1000;

function simulate(options: ScenarioOptions): Report {
  return buildReport(runModel(createScenario(options)));
}

function at<T extends TraceEntry['type']>(r: Report, type: T): number[] {
  return r.trace.filter((e) => e.type === type).map((e) => e.atMs);
}

const kinds = (r: Report) => [...new Set(r.hazards.map((h) => h.kind))].sort();
const crash = (atMs: number): ScenarioEvent => ({ type: 'ts-crash', atMs });
const powerLoss = (atMs: number, downtimeMs: number, recoverable = true): ScenarioEvent => ({
  type: 'power-loss',
  atMs,
  downtimeMs,
  recoverable,
});

describe('the timeout (worked example of the issue)', () => {
  // Entered at 20m (task sequence start). CcmExec restarts: back at 20m10s, checks at 20m10s + k*1h.
  // Power loss at 2h, 10m down, 3m boot: CcmExec back at 2h13m, checks at 2h13m + k*1h.
  // Deadline: entry + 48h = 48h20m; elapsed must be strictly more than 48h: first at 49h13m.
  // Each test runs the scenario itself (not the describe body or beforeAll), so that npm run mutate's per-test
  // coverage ties the model code it runs to the test.
  const run = (): Report =>
    simulate({
      horizonMs: 72 * H,
      client: { bootTimeMs: 3 * M },
      taskSequence: { startAtMs: 20 * M, steps: [{ name: 'Upgrade', durationMs: 5 * H }] },
      events: [powerLoss(2 * H, 10 * M, false), { type: 'deployment', atMs: 3 * H, name: 'Office' }],
    });

  it('brings CcmExec back at 2h13m and exits at exactly 49h13m by timeout', () => {
    const r = run();
    expect(at(r, 'service-start')).toContain(2 * H + 13 * M);
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 20 * M, exitedAtMs: 49 * H + 13 * M, exitReason: 'timeout', enteredBy: 'task-sequence' },
    ]);
    expect(r.taskSequence).toMatchObject({
      outcome: 'abandoned',
      startedAtMs: 20 * M,
      endedAtMs: null,
      abandonedAtMs: 2 * H,
    });
  });

  it('stamps the entry second and checks strictly more than 48 hours', () => {
    const r = run();
    expect(r.final.registry.ProvisioningEnabledTime).toBe(START_S + 20 * 60);
    const last2 = r.checks.slice(-2);
    expect(last2).toEqual([
      { atMs: 48 * H + 13 * M, elapsedSeconds: 47 * 3600 + 53 * 60, maxMinutes: 2880, expired: false },
      { atMs: 49 * H + 13 * M, elapsedSeconds: 48 * 3600 + 53 * 60, maxMinutes: 2880, expired: true },
    ]);
    expect(r.checks[0]).toEqual({ atMs: 20 * M + 10 * S, elapsedSeconds: 10, maxMinutes: 2880, expired: false });
  });

  it('restarts CcmExec after the timeout and processes the waiting deployment then', () => {
    const r = run();
    expect(r.deployments).toEqual([
      {
        name: 'Office',
        publishedAtMs: 3 * H,
        processedAtMs: 49 * H + 13 * M + 10 * S,
        waitMs: 46 * H + 13 * M + 10 * S,
      },
    ]);
    // Ticks: 1h20m10s (first run of CcmExec), then from 2h13m: 3h13m .. 49h13m = 47 ticks; all in provisioning
    // mode (the one at 49h13m comes before the check at the same instant): 48.
    expect(r.provisioning.policyCyclesSkipped).toBe(48);
    expect(r.final).toMatchObject({
      provisioningMode: false,
      consistent: true,
      service: { startup: 'auto', status: 'running' },
    });
    expect(r.final.registry).toMatchObject({ ProvisioningMode: 'false', SystemTaskExcludes: '' });
    expect(kinds(r)).toEqual([]);
  });
});

describe('an in-place upgrade that succeeds', () => {
  // startAt 10m. Download 10m-30m. Upgrade (provisioningAt, disablesClient, restart) 30m-1h45m: enters at 30m,
  // the restart of CcmExec is cut short by the disable. At 1h45m: auto + start, then the planned restart, boot
  // until 1h47m; Install apps 1h47m-2h17m; success and exit at 2h17m; CcmExec restarts, back at 2h17m10s.
  // Each test runs the scenario itself (not the describe body or beforeAll), so that npm run mutate's per-test
  // coverage ties the model code it runs to the test.
  const run = (): Report =>
    simulate({
      taskSequence: {
        startAtMs: 10 * M,
        provisioningAtStep: 1,
        steps: [
          { name: 'Download', durationMs: 20 * M },
          { name: 'Upgrade', durationMs: 75 * M, restart: 'os', disablesClient: true },
          { name: 'Install apps', durationMs: 30 * M },
        ],
      },
      events: [{ type: 'deployment', atMs: 40 * M, name: 'App' }],
    });

  it('enters at the upgrade step and leaves at the end with ts-success', () => {
    const r = run();
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 30 * M, exitedAtMs: 2 * H + 17 * M, exitReason: 'ts-success', enteredBy: 'task-sequence-step' },
    ]);
    expect(r.taskSequence).toMatchObject({ outcome: 'success', startedAtMs: 10 * M, endedAtMs: 2 * H + 17 * M });
    expect(r.final.registry.ProvisioningEnabledTime).toBe(START_S + 30 * 60);
  });

  it('keeps CcmExec stopped through the disabled step and restarts the device after it', () => {
    const r = run();
    expect(at(r, 'service-start')).toEqual([0, 105 * M, 107 * M, 137 * M + 10 * S]);
    expect(at(r, 'device-down')).toEqual([105 * M]);
    expect(at(r, 'ts-step-start')).toEqual([10 * M, 30 * M, 107 * M]);
    // The restart that the entry at 30m began is cancelled by the disable: its start never comes (not even to be
    // refused).
    expect(r.trace.filter((e) => e.type === 'ignored')).toEqual([]);
  });

  it('processes the deployment right after the exit', () => {
    const r = run();
    expect(r.deployments[0]?.processedAtMs).toBe(137 * M + 10 * S);
    expect(kinds(r)).toEqual([]);
  });
});

describe('a handled failure', () => {
  const steps = [
    { name: 'Apply image', durationMs: 30 * M },
    { name: 'Install driver', durationMs: 10 * M, fails: true },
    { name: 'Apps', durationMs: 20 * M },
  ];

  it('ends the sequence failed and leaves provisioning mode at the failing step end', () => {
    const r = simulate({ taskSequence: { startAtMs: 0, steps } });
    // Entry at 0, Apply image 0-30m, Install driver 30m-40m fails: exit ts-failure at 40m; Apps never run.
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: 40 * M, exitReason: 'ts-failure', enteredBy: 'task-sequence' },
    ]);
    expect(r.taskSequence).toMatchObject({ outcome: 'failed', endedAtMs: 40 * M });
    expect(at(r, 'ts-step-start')).toEqual([0, 30 * M]);
  });

  it('goes on after a failed step with continueOnError', () => {
    const r = simulate({ taskSequence: { startAtMs: 0, steps: steps.map((s) => ({ ...s, continueOnError: true })) } });
    expect(r.provisioning.intervals[0]).toMatchObject({ exitedAtMs: 60 * M, exitReason: 'ts-success' });
    expect(r.taskSequence.outcome).toBe('success');
  });

  it('re-enables a client that the failing step had disabled, then exits', () => {
    const r = simulate({
      taskSequence: { startAtMs: 0, steps: [{ name: 'Setup', durationMs: 30 * M, disablesClient: true, fails: true }] },
    });
    expect(r.final.service).toEqual({ startup: 'auto', status: 'running' });
    expect(r.provisioning.intervals[0]).toMatchObject({ exitedAtMs: 30 * M, exitReason: 'ts-failure' });
    expect(kinds(r)).toEqual([]);
  });

  it('ends a sequence that fails before its provisioning step without touching the mode', () => {
    const r = simulate({
      taskSequence: {
        startAtMs: 0,
        provisioningAtStep: 1,
        steps: [
          { name: 'Pre', durationMs: 5 * M, fails: true },
          { name: 'Upgrade', durationMs: 5 * M },
        ],
      },
    });
    expect(r.provisioning.intervals).toEqual([]);
    expect(r.taskSequence.outcome).toBe('failed');
  });
});

describe('interruptions', () => {
  const steps = [
    { name: 'One', durationMs: 30 * M },
    { name: 'Two', durationMs: 60 * M },
    { name: 'Three', durationMs: 10 * M },
  ];

  it('resumes a recoverable interruption at the start of the interrupted step', () => {
    // Two starts at 30m; power loss at 1h, 5m down, 2m boot: up at 1h07m, Two again 1h07m-2h07m, Three until 2h17m.
    const r = simulate({ taskSequence: { startAtMs: 0, steps }, events: [powerLoss(H, 5 * M)] });
    expect(at(r, 'ts-step-start')).toEqual([0, 30 * M, 67 * M, 127 * M]);
    expect(r.taskSequence).toMatchObject({ outcome: 'success', endedAtMs: 137 * M });
    expect(r.provisioning.intervals[0]).toMatchObject({ exitedAtMs: 137 * M, exitReason: 'ts-success' });
  });

  it('abandons the sequence on an unrecoverable reboot and leaves the client in provisioning mode', () => {
    const r = simulate({
      horizonMs: 24 * H,
      taskSequence: { startAtMs: 0, steps },
      events: [{ type: 'reboot', atMs: H, downtimeMs: 0, recoverable: false }],
    });
    expect(r.taskSequence).toMatchObject({ outcome: 'abandoned', abandonedAtMs: H });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: null, exitReason: null, enteredBy: 'task-sequence' },
    ]);
    expect(kinds(r)).toEqual(['stuck-at-horizon']);
    expect(r.hazards.find((h) => h.kind === 'stuck-at-horizon')?.atMs).toBe(24 * H);
  });

  it('abandons on ts-crash and ignores a crash when no sequence runs', () => {
    const r = simulate({
      horizonMs: 4 * H,
      taskSequence: { startAtMs: 0, steps },
      events: [crash(40 * M), crash(50 * M)],
    });
    expect(r.taskSequence).toMatchObject({ outcome: 'abandoned', abandonedAtMs: 40 * M });
    expect(r.trace.filter((e) => e.type === 'ignored').map((e) => e.atMs)).toEqual([50 * M]);
    expect(r.trace.filter((e) => e.type === 'ts-abandoned')).toEqual([
      { atMs: 40 * M, type: 'ts-abandoned', cause: 'ts-crash', stepIndex: 1 },
    ]);
  });

  it('starts a sequence due while the device is off at the end of the boot', () => {
    // Power loss at 5m, 10m down, 2m boot: up at 17m; the sequence due at 10m starts then.
    const r = simulate({
      taskSequence: { startAtMs: 10 * M, steps: [{ name: 'One', durationMs: 5 * M }] },
      events: [powerLoss(5 * M, 10 * M)],
    });
    expect(r.taskSequence).toMatchObject({ startedAtMs: 17 * M, endedAtMs: 22 * M, outcome: 'success' });
  });

  it('boots a device that is off at time 0 and starts CcmExec at the end of the boot', () => {
    const r = simulate({ client: { poweredOn: false }, horizonMs: H });
    expect(at(r, 'service-start')).toEqual([2 * M]);
  });
});

describe('ccmeval', () => {
  // Entry at 10m; the first step disables the client (the CcmExec restart is cut short); crash at 1h: CcmExec
  // stays disabled. ccmeval at 24h enables and starts it: checks at 24h + k*1h; deadline 48h10m: exit at 49h.
  const base: ScenarioOptions = {
    horizonMs: 4 * D,
    taskSequence: {
      startAtMs: 10 * M,
      steps: [{ name: 'Setup Windows and ConfigMgr', durationMs: 2 * H, disablesClient: true }],
    },
    events: [crash(H)],
  };

  it('rescues a client left disabled: enabled at 24h, timeout at 49h', () => {
    const r = simulate(base);
    expect(r.trace.filter((e) => e.type === 'ccmeval').map((e) => [e.atMs, 'action' in e && e.action])).toContainEqual([
      24 * H,
      'enabled-and-started',
    ]);
    expect(r.provisioning.intervals[0]).toMatchObject({
      enteredAtMs: 10 * M,
      exitedAtMs: 49 * H,
      exitReason: 'timeout',
    });
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([['client-disabled', H]]);
  });

  it('leaves a disabled client stuck for good when ccmeval is off', () => {
    const r = simulate({ ...base, client: { ccmeval: { enabled: false } } });
    expect(r.provisioning.intervals[0]?.exitedAtMs).toBeNull();
    // Bound: max + checkInterval = 49h after the entry at 10m; flagged one millisecond later.
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([
      ['client-disabled', H],
      ['exceeded-timeout', 49 * H + 10 * M + 1],
      ['stuck-at-horizon', 4 * D],
    ]);
  });

  it('skips a run while the device is off', () => {
    const r = simulate({ horizonMs: 25 * H, events: [powerLoss(24 * H - M, 0)] });
    expect(r.trace.filter((e) => e.type === 'ccmeval').map((e) => 'action' in e && e.action)).toEqual([
      'skipped-device-off',
    ]);
  });
});

describe('clients before 1902', () => {
  it('never time out and leave only by SetClientProvisioningMode($false)', () => {
    const r = simulate({
      horizonMs: 5 * D,
      client: { version: '1810' },
      taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: 2 * H }] },
      events: [powerLoss(H, 0, false), { type: 'admin-wmi', atMs: 100 * H, enable: false }],
    });
    expect(r.checks).toEqual([]);
    expect(r.final.registry.ProvisioningEnabledTime).toBeUndefined();
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: 100 * H, exitReason: 'manual', enteredBy: 'task-sequence' },
    ]);
    expect(kinds(r)).toEqual([]);
  });
});

describe('administrator actions and registry edits', () => {
  const stuck: ScenarioOptions = {
    horizonMs: 6 * D,
    taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: 2 * H }] },
    events: [crash(H)],
  };

  it('resets the timestamp on SetClientProvisioningMode($true), which restarts the 48 hours', () => {
    // Entry at 0 (checks at 10s + k*1h). $true at 30h: stamp = start + 30h, CcmExec back at 30h0m10s,
    // checks at 30h0m10s + k*1h; deadline 78h: the check at 78h0m10s has elapsed 48h0m10s > 48h.
    const r = simulate({ ...stuck, events: [crash(H), { type: 'admin-wmi', atMs: 30 * H, enable: true }] });
    expect(r.final.registry.ProvisioningEnabledTime).toBe(START_S + 30 * 3600);
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: 78 * H + 10 * S, exitReason: 'timeout', enteredBy: 'task-sequence' },
    ]);
  });

  it('leaves a registry-only fix unnoticed until CcmExec restarts, then inconsistent', () => {
    // ProvisioningMode set to "false" at 5h: the running client goes on obeying provisioning mode. A service
    // restart at 6h: stopped, back at 6h0m10s, reads "false" with SystemTaskExcludes still set.
    const r = simulate({
      ...stuck,
      horizonMs: D,
      events: [
        crash(H),
        { type: 'registry-set', atMs: 5 * H, name: 'ProvisioningMode', value: 'false' },
        { type: 'service-restart', atMs: 6 * H },
      ],
    });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: 6 * H + 10 * S, exitReason: 'registry-edit', enteredBy: 'task-sequence' },
    ]);
    expect(r.provisioning.policyCyclesSkipped).toBe(5);
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([['inconsistent-registry', 6 * H + 10 * S]]);
    expect(r.final.consistent).toBe(false);
    expect(r.final.registry.SystemTaskExcludes).toContain('SchedulerStartup');
  });

  it('reads ProvisioningMode case-insensitively', () => {
    const r = simulate({
      horizonMs: H,
      client: { registry: { ProvisioningMode: 'TRUE', ProvisioningEnabledTime: START_S } },
    });
    expect(r.provisioning.intervals[0]).toMatchObject({ enteredAtMs: 0, enteredBy: 'initial' });
    expect(r.checks[0]).toMatchObject({ atMs: 0, elapsedSeconds: 0 });
  });

  it('re-reads ProvisioningMaxMinutes at each check by default, once per start with service-start', () => {
    // Entry at 0, checks at 10s + k*1h. Max set to 60 at 2h30m: the check at 3h0m10s (elapsed 3h0m10s) expires.
    const events: ScenarioEvent[] = [
      crash(H),
      { type: 'registry-set', atMs: 2 * H + 30 * M, name: 'ProvisioningMaxMinutes', value: 60 },
    ];
    const each = simulate({ ...stuck, events });
    expect(each.provisioning.intervals[0]).toMatchObject({ exitedAtMs: 3 * H + 10 * S, exitReason: 'timeout' });
    // service-start: the 2880 read at 10s holds until CcmExec starts again; a restart at 10h reads 60: exit at 10h0m10s.
    const once = simulate({
      ...stuck,
      assumptions: { maxMinutesRead: 'service-start' },
      events: [...events, { type: 'service-restart', atMs: 10 * H }],
    });
    expect(once.provisioning.intervals[0]).toMatchObject({ exitedAtMs: 10 * H + 10 * S, exitReason: 'timeout' });
  });

  it('treats ProvisioningMaxMinutes 0 as 48 hours and compares strictly', () => {
    // Entry at 0, CcmExec back at 10s: checks at 10s + k*1h; max 1 minute given, so elapsed 3610 > 60 at 1h0m10s.
    // With max 0 the default 2880 holds: exit at 48h0m10s + 1h = 49h0m10s (48h0m10s has elapsed 172810 > 172800).
    const zero = simulate({ ...stuck, client: { registry: { ProvisioningMaxMinutes: 0 } } });
    expect(zero.provisioning.intervals[0]?.exitedAtMs).toBe(48 * H + 10 * S);
    // Exactly equal is not more: a timestamp 10s ahead of the entry makes elapsed exactly 172800 at 48h0m10s.
    const equal = simulate({
      ...stuck,
      events: [crash(H), { type: 'registry-set', atMs: 2 * H, name: 'ProvisioningEnabledTime', value: START_S + 10 }],
    });
    expect(equal.checks.find((c) => c.atMs === 48 * H + 10 * S)).toMatchObject({
      elapsedSeconds: 172800,
      expired: false,
    });
    expect(equal.provisioning.intervals[0]?.exitedAtMs).toBe(49 * H + 10 * S);
  });

  it('waits forever with no timestamp by default, and exits at the next check with missingTimestamp: expired', () => {
    const events: ScenarioEvent[] = [
      crash(H),
      { type: 'registry-delete', atMs: 2 * H, name: 'ProvisioningEnabledTime' },
    ];
    const never = simulate({ ...stuck, events });
    expect(never.provisioning.intervals[0]?.exitedAtMs).toBeNull();
    expect(never.hazards.map((h) => [h.kind, h.atMs])).toContainEqual(['no-timestamp', 2 * H]);
    const expired = simulate({ ...stuck, events, assumptions: { missingTimestamp: 'expired' } });
    expect(expired.provisioning.intervals[0]).toMatchObject({ exitedAtMs: 2 * H + 10 * S, exitReason: 'timeout' });
  });
});

describe('clock changes', () => {
  it('delays the timeout by a clock set back, while timers keep simulation time', () => {
    // Entry at 0 (stamp = start), checks at 10s + k*1h. Clock set back 24h at 10h: elapsed is 24h smaller,
    // elapsed = t - 24h, more than 48h from t > 72h: the check at 72h0m10s. Bound for exceeded-timeout: 49h.
    const r = simulate({
      horizonMs: 5 * D,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: 2 * H }] },
      events: [crash(H), { type: 'clock-jump', atMs: 10 * H, byMs: -24 * H }],
    });
    expect(r.provisioning.intervals[0]).toMatchObject({ exitedAtMs: 72 * H + 10 * S, exitReason: 'timeout' });
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([['exceeded-timeout', 49 * H + 1]]);
    expect(r.checks.find((c) => c.atMs === 10 * H + 10 * S)?.elapsedSeconds).toBe(10 * 3600 + 10 - 24 * 3600);
  });

  it('brings the timeout forward with a clock set forward', () => {
    // Clock +40h at 5h: elapsed = t + 40h, more than 48h from t > 8h: the check at 8h0m10s.
    const r = simulate({
      horizonMs: 3 * D,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: 2 * H }] },
      events: [crash(H), { type: 'clock-jump', atMs: 5 * H, byMs: 40 * H }],
    });
    expect(r.provisioning.intervals[0]?.exitedAtMs).toBe(8 * H + 10 * S);
  });
});

describe('assumptions about the check loop', () => {
  const admin: ScenarioOptions = { horizonMs: 5 * D, events: [{ type: 'admin-wmi', atMs: 30 * M, enable: true }] };

  it('never checks a client entered without a CcmExec restart under flow (the documented gap)', () => {
    const r = simulate({ ...admin, assumptions: { setRestartsService: false } });
    expect(r.checks).toEqual([]);
    expect(kinds(r)).toEqual(['exceeded-timeout', 'stuck-at-horizon']);
  });

  it('begins a loop one interval after entry under continuous', () => {
    // Entry at 30m, first evaluation at 1h30m, then hourly; deadline 48h30m: exit at 49h30m.
    const r = simulate({ ...admin, assumptions: { setRestartsService: false, checkLoop: 'continuous' } });
    expect(r.checks[0]?.atMs).toBe(90 * M);
    expect(r.provisioning.intervals[0]).toMatchObject({
      enteredAtMs: 30 * M,
      exitedAtMs: 49 * H + 30 * M,
      exitReason: 'timeout',
    });
  });

  it('retrieves policy at once on an exit without restart', () => {
    const r = simulate({
      horizonMs: 2 * H,
      assumptions: { setRestartsService: false },
      events: [
        { type: 'admin-wmi', atMs: 10 * M, enable: true },
        { type: 'deployment', atMs: 20 * M, name: 'D' },
        { type: 'admin-wmi', atMs: 40 * M, enable: false },
      ],
    });
    expect(r.deployments[0]?.processedAtMs).toBe(40 * M);
  });
});

describe('the ordering of simultaneous events', () => {
  it('processes a deployment published at the instant of a policy tick at that tick', () => {
    // CcmExec starts at 0: ticks at 1h, 2h, ...
    const r = simulate({ horizonMs: 3 * H, events: [{ type: 'deployment', atMs: 2 * H, name: 'D' }] });
    expect(r.deployments[0]?.processedAtMs).toBe(2 * H);
    expect(r.trace.filter((e) => e.type === 'policy-retrieval').map((e) => [e.atMs, e.cause, e.processed])).toEqual([
      [0, 'service-start', []],
      [H, 'tick', []],
      [2 * H, 'tick', ['D']],
      [3 * H, 'tick', []],
    ]);
  });

  it('skips the policy tick that falls at the instant of the timeout', () => {
    // Preset in provisioning mode 47h ago: checks at 0, 1h (elapsed 48h, not more), 2h (expired). Ticks at 1h, 2h.
    const r = simulate({
      horizonMs: 3 * H,
      client: { registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: START_S - 47 * 3600 } },
    });
    expect(r.provisioning.intervals[0]?.exitedAtMs).toBe(2 * H);
    expect(r.provisioning.policyCyclesSkipped).toBe(2);
  });

  it('ends a step before a power loss at the same instant, so the next step is the interrupted one', () => {
    const r = simulate({
      taskSequence: {
        startAtMs: 0,
        steps: [
          { name: 'One', durationMs: H },
          { name: 'Two', durationMs: H },
        ],
      },
      events: [powerLoss(H, 0)],
    });
    // One 0-1h; Two starts at 1h, power lost at 1h; up at 1h02m; Two again 1h02m-2h02m.
    expect(at(r, 'ts-step-start')).toEqual([0, H, 62 * M]);
    expect(r.taskSequence.endedAtMs).toBe(122 * M);
  });

  it('applies a registry edit before a CcmExec start at the same instant', () => {
    const r = simulate({
      horizonMs: H,
      events: [
        { type: 'service-restart', atMs: 10 * M },
        { type: 'registry-set', atMs: 10 * M + 10 * S, name: 'ProvisioningMode', value: 'true' },
      ],
    });
    expect(r.provisioning.intervals[0]).toMatchObject({ enteredAtMs: 10 * M + 10 * S, enteredBy: 'registry-edit' });
  });

  it('keeps file order for scripted events of the same kind at the same instant', () => {
    const r = simulate({
      horizonMs: H,
      events: [
        { type: 'admin-wmi', atMs: 10 * M, enable: true },
        { type: 'admin-wmi', atMs: 10 * M, enable: false },
      ],
    });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 10 * M, exitedAtMs: 10 * M, exitReason: 'manual', enteredBy: 'manual' },
    ]);
  });
});

describe('restart storms and repeats', () => {
  it('checks at every CcmExec start, so a storm of power losses still times out', () => {
    // Entry at 0; power loss every 50m from 30m, 1m down + 2m boot: CcmExec starts at 33m, 1h23m, ... (30m+3m+50m*k).
    // It never runs a full hour, so every check is a start check. Deadline 48h = 2880m: the first start with
    // 33m + 50m*k > 2880m is k = 57: 2883m = 48h3m. Power losses within 72h: 30m + 50m*k <= 4320m, k <= 85: 86.
    const r = simulate({
      horizonMs: 3 * D,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: 10 * H }] },
      events: [
        {
          type: 'power-loss',
          atMs: 30 * M,
          downtimeMs: M,
          recoverable: false,
          repeat: { everyMs: 50 * M, count: 100 },
        },
      ],
    });
    expect(r.provisioning.intervals[0]).toMatchObject({ exitedAtMs: 48 * H + 3 * M, exitReason: 'timeout' });
    expect(r.provisioning.policyCyclesSkipped).toBe(0);
    expect(r.trace.filter((e) => e.type === 'device-down').length).toBe(86);
  });
});

describe('premature exit', () => {
  it('flags a timeout shorter than the running upgrade', () => {
    // ProvisioningMaxMinutes 60; entry at 0, checks at 10s, 1h0m10s (elapsed 3610 > 3600): exit mid-step.
    const r = simulate({
      client: { registry: { ProvisioningMaxMinutes: 60 } },
      taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: 3 * H }] },
    });
    expect(r.provisioning.intervals[0]).toMatchObject({ exitedAtMs: H + 10 * S, exitReason: 'timeout' });
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([['premature-exit', H + 10 * S]]);
    expect(r.taskSequence.outcome).toBe('success');
  });
});

describe('determinism', () => {
  it('gives byte-identical reports for two runs of the same scenario', () => {
    const options: ScenarioOptions = {
      taskSequence: {
        startAtMs: 0,
        steps: [
          { name: 'A', durationMs: H, restart: 'os' },
          { name: 'B', durationMs: H },
        ],
      },
      events: [powerLoss(30 * M, M), { type: 'clock-jump', atMs: 3 * H, byMs: -H }, crash(H + 30 * M)],
    };
    expect(JSON.stringify(simulate(options))).toBe(JSON.stringify(simulate(options)));
  });
});

/** The entries of one type, with their fields. */
function entries<T extends TraceEntry['type']>(r: Report, type: T): Extract<TraceEntry, { type: T }>[] {
  return r.trace.filter((e): e is Extract<TraceEntry, { type: T }> => e.type === type);
}

const stops = (r: Report) => entries(r, 'service-stop').map((e) => [e.atMs, e.cause, e.restartAtMs]);
const starts = (r: Report) => entries(r, 'service-start').map((e) => [e.atMs, e.cause]);

describe('CcmExec and the task-sequence steps', () => {
  it('stops a running CcmExec when a disabling step starts, and starts it again at the step end', () => {
    // Entry at 0: CcmExec restarts (stopped at 0, back at 10s). Prep 0-30m; Setup (disablesClient) 30m-50m stops the
    // running CcmExec at 30m with no restart; at 50m auto + start, then success: exit and restart, back at 50m10s.
    const r = simulate({
      horizonMs: 2 * H,
      taskSequence: {
        startAtMs: 0,
        steps: [
          { name: 'Prep', durationMs: 30 * M },
          { name: 'Setup', durationMs: 20 * M, disablesClient: true },
        ],
      },
    });
    expect(stops(r)).toEqual([
      [0, 'provisioning-enter', 10 * S],
      [30 * M, 'task-sequence step', null],
      [50 * M, 'provisioning-exit', 50 * M + 10 * S],
    ]);
    expect(starts(r)).toEqual([
      [0, 'boot'],
      [10 * S, 'restart'],
      [50 * M, 'task-sequence'],
      [50 * M + 10 * S, 'restart'],
    ]);
    expect(entries(r, 'startup-type').map((e) => [e.atMs, e.startup])).toEqual([
      [30 * M, 'disabled'],
      [50 * M, 'auto'],
    ]);
  });

  it('leaves the startup type alone at the end of a step that does not disable the client', () => {
    // Configured disabled: CcmExec never runs, the entry at 0 restarts nothing, the step end at 30m starts nothing.
    const r = simulate({
      horizonMs: 2 * H,
      client: { startup: 'disabled' },
      taskSequence: { startAtMs: 0, steps: [{ name: 'Apps', durationMs: 30 * M }] },
    });
    expect(entries(r, 'startup-type')).toEqual([]);
    expect(starts(r)).toEqual([]);
    expect(r.final.service).toEqual({ startup: 'disabled', status: 'stopped' });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: 30 * M, exitReason: 'ts-success', enteredBy: 'task-sequence' },
    ]);
  });

  it('does not start CcmExec twice when ccmeval re-enabled it inside a disabling step', () => {
    // Entry at 0; Setup (disablesClient) 0-26h stops CcmExec at once. ccmeval at 24h enables and starts it (check
    // at 24h: elapsed 86400 s; next at 25h). At 26h the step end finds it running: no second start, no second
    // check; success exits and restarts CcmExec, back at 26h0m10s.
    const r = simulate({
      horizonMs: 27 * H,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Setup', durationMs: 26 * H, disablesClient: true }] },
    });
    expect(starts(r)).toEqual([
      [0, 'boot'],
      [24 * H, 'ccmeval'],
      [26 * H + 10 * S, 'restart'],
    ]);
    expect(r.checks.map((c) => [c.atMs, c.elapsedSeconds])).toEqual([
      [24 * H, 24 * 3600],
      [25 * H, 25 * 3600],
    ]);
    // The step end finds CcmExec auto already: it changes no startup type.
    expect(entries(r, 'startup-type').map((e) => [e.atMs, e.startup, e.cause])).toEqual([
      [0, 'disabled', 'task-sequence step'],
      [24 * H, 'auto', 'ccmeval'],
    ]);
    expect(kinds(r)).toEqual([]);
  });
});

describe('the ts-failure exit', () => {
  it('leaves a client put in the mode by an administrator alone when the sequence fails before its provisioning step', () => {
    // $true at 5m: CcmExec restarts, back at 5m10s (checks at 5m10s, 1h5m10s). The sequence starts at 10m; Pre
    // fails at 15m, before Upgrade (the provisioning step): no exit, no restart, the administrator's mode stays.
    const r = simulate({
      horizonMs: 2 * H,
      taskSequence: {
        startAtMs: 10 * M,
        provisioningAtStep: 1,
        steps: [
          { name: 'Pre', durationMs: 5 * M, fails: true },
          { name: 'Upgrade', durationMs: 5 * M },
        ],
      },
      events: [{ type: 'admin-wmi', atMs: 5 * M, enable: true }],
    });
    expect(r.taskSequence).toMatchObject({ outcome: 'failed', endedAtMs: 15 * M });
    expect(entries(r, 'provisioning-exit')).toEqual([]);
    expect(stops(r)).toEqual([[5 * M, 'provisioning-enter', 5 * M + 10 * S]]);
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 5 * M, exitedAtMs: null, exitReason: null, enteredBy: 'manual' },
    ]);
    expect(r.final.registry.ProvisioningMode).toBe('true');
  });
});

describe('the check loop after an exit', () => {
  it('ends the loop at the first check after a manual exit without restart, with no timeout', () => {
    // Preset in the mode, stamped at the start, max 45m: CcmExec starts at 0 and checks (elapsed 0). $false at 30m
    // leaves without a restart (setRestartsService: false). The check due at 1h finds the mode off and ends the
    // loop: no evaluation (elapsed 3600 would exceed 2700), no timeout, no restart.
    const r = simulate({
      horizonMs: 4 * H,
      assumptions: { setRestartsService: false },
      client: {
        registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: START_S, ProvisioningMaxMinutes: 45 },
      },
      events: [{ type: 'admin-wmi', atMs: 30 * M, enable: false }],
    });
    expect(r.checks).toEqual([{ atMs: 0, elapsedSeconds: 0, maxMinutes: 45, expired: false }]);
    expect(entries(r, 'check-loop').map((e) => [e.atMs, e.action, e.firstAtMs])).toEqual([
      [0, 'start', 0],
      [H, 'end', null],
    ]);
    expect(entries(r, 'provisioning-exit').map((e) => [e.atMs, e.reason])).toEqual([[30 * M, 'manual']]);
    expect(stops(r)).toEqual([]);
  });

  it('lets a later entry begin a new loop under continuous, first evaluation one interval after it', () => {
    // setRestartsService false, checkLoop continuous. $true at 30m: loop, first check at 1h30m. $false at 2h; the
    // check at 2h30m ends the loop. $true at 3h: a new loop, checks at 4h, 5h, 6h (elapsed 1h, 2h, 3h).
    const r = simulate({
      horizonMs: 6 * H,
      assumptions: { setRestartsService: false, checkLoop: 'continuous' },
      events: [
        { type: 'admin-wmi', atMs: 30 * M, enable: true },
        { type: 'admin-wmi', atMs: 2 * H, enable: false },
        { type: 'admin-wmi', atMs: 3 * H, enable: true },
      ],
    });
    expect(entries(r, 'check-loop').map((e) => [e.atMs, e.action, e.firstAtMs])).toEqual([
      [30 * M, 'start', 90 * M],
      [150 * M, 'end', null],
      [3 * H, 'start', 4 * H],
    ]);
    expect(r.checks.map((c) => [c.atMs, c.elapsedSeconds])).toEqual([
      [90 * M, 3600],
      [4 * H, 3600],
      [5 * H, 7200],
      [6 * H, 10800],
    ]);
  });

  it('keeps the next check where it is on a re-entry while the loop runs under continuous', () => {
    // setRestartsService false, checkLoop continuous. $true at 30m: loop, first check at 1h30m. $true again at 1h
    // (timestamp reset to 1h): the loop goes on, no new one; checks at 1h30m and 2h30m (elapsed 30m and 1h30m).
    const r = simulate({
      horizonMs: 3 * H,
      assumptions: { setRestartsService: false, checkLoop: 'continuous' },
      events: [
        { type: 'admin-wmi', atMs: 30 * M, enable: true },
        { type: 'admin-wmi', atMs: H, enable: true },
      ],
    });
    expect(entries(r, 'check-loop').map((e) => [e.atMs, e.action, e.firstAtMs])).toEqual([[30 * M, 'start', 90 * M]]);
    expect(r.checks.map((c) => [c.atMs, c.elapsedSeconds])).toEqual([
      [90 * M, 1800],
      [150 * M, 5400],
    ]);
  });
});

describe('entering and leaving while CcmExec is stopped', () => {
  // A service restart at 30m stops CcmExec until 30m10s (startup auto, device on).
  const restart: ScenarioEvent = { type: 'service-restart', atMs: 30 * M };

  it('enters without starting CcmExec: it comes back when the restart ends and reads the mode then', () => {
    // $true at 30m5s: registry "true", no stop, no start; CcmExec back at 30m10s, enters the check loop there.
    const r = simulate({
      horizonMs: 2 * H,
      events: [restart, { type: 'admin-wmi', atMs: 30 * M + 5 * S, enable: true }],
    });
    expect(stops(r)).toEqual([[30 * M, 'service-restart', 30 * M + 10 * S]]);
    expect(starts(r)).toEqual([
      [0, 'boot'],
      [30 * M + 10 * S, 'restart'],
    ]);
    expect(r.checks.map((c) => [c.atMs, c.elapsedSeconds])).toEqual([
      [30 * M + 10 * S, 5],
      [90 * M + 10 * S, 3605],
    ]);
  });

  it('leaves without starting CcmExec', () => {
    // Preset in the mode: checks at 0. Stopped at 30m; $false at 30m5s; back at 30m10s out of the mode.
    const r = simulate({
      horizonMs: 2 * H,
      client: { registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: START_S } },
      events: [restart, { type: 'admin-wmi', atMs: 30 * M + 5 * S, enable: false }],
    });
    expect(stops(r)).toEqual([[30 * M, 'service-restart', 30 * M + 10 * S]]);
    expect(starts(r)).toEqual([
      [0, 'boot'],
      [30 * M + 10 * S, 'restart'],
    ]);
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: 30 * M + 5 * S, exitReason: 'manual', enteredBy: 'initial' },
    ]);
  });
});

describe('hazards raised once', () => {
  it('flags exceeded-timeout after an entry seen through a registry edit at CcmExec start', () => {
    // ProvisioningMode "true" written at 10m (no timestamp); the restart at 20m brings CcmExec back at 20m10s in
    // the mode: no-timestamp then, and the bound max + checkInterval = 49h passes at 49h20m10s (+1 ms).
    const r = simulate({
      horizonMs: 3 * D,
      events: [
        { type: 'registry-set', atMs: 10 * M, name: 'ProvisioningMode', value: 'true' },
        { type: 'service-restart', atMs: 20 * M },
      ],
    });
    expect(r.provisioning.intervals[0]).toMatchObject({ enteredAtMs: 20 * M + 10 * S, enteredBy: 'registry-edit' });
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([
      ['no-timestamp', 20 * M + 10 * S],
      ['exceeded-timeout', 49 * H + 20 * M + 10 * S + 1],
      ['stuck-at-horizon', 3 * D],
    ]);
  });

  it('flags inconsistent-registry once per episode, not at every CcmExec start', () => {
    // Entered at 0, the sequence crashed at 1h. "false" written at 5h: the starts at 6h0m10s and 7h0m10s see the
    // same inconsistency (one hazard). SystemTaskExcludes cleared at 8h ends the episode; set again at 9h, the start
    // at 10h0m10s raises it again.
    const r = simulate({
      horizonMs: 12 * H,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: 2 * H }] },
      events: [
        crash(H),
        { type: 'registry-set', atMs: 5 * H, name: 'ProvisioningMode', value: 'false' },
        { type: 'service-restart', atMs: 6 * H },
        { type: 'service-restart', atMs: 7 * H },
        { type: 'registry-set', atMs: 8 * H, name: 'SystemTaskExcludes', value: '' },
        { type: 'registry-set', atMs: 9 * H, name: 'SystemTaskExcludes', value: 'SchedulerStartup' },
        { type: 'service-restart', atMs: 10 * H },
      ],
    });
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([
      ['inconsistent-registry', 6 * H + 10 * S],
      ['inconsistent-registry', 10 * H + 10 * S],
    ]);
  });

  it('raises no premature-exit for a manual exit while the sequence runs', () => {
    // Entry at 0, $false at 1h in the middle of a 3h step: the sequence goes on and ends at 3h.
    const r = simulate({
      horizonMs: 4 * H,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: 3 * H }] },
      events: [{ type: 'admin-wmi', atMs: H, enable: false }],
    });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: H, exitReason: 'manual', enteredBy: 'task-sequence' },
    ]);
    expect(r.hazards).toEqual([]);
    expect(r.taskSequence).toMatchObject({ outcome: 'success', endedAtMs: 3 * H });
  });
});

describe('trace entries that reports read', () => {
  it('records each step end with its failed and continued flags, and the end of the sequence', () => {
    // A 10m (may continue on error, does not fail), B 10m (fails, continues), C 10m (fails): ends failed at 30m.
    const r = simulate({
      horizonMs: H,
      taskSequence: {
        startAtMs: 0,
        steps: [
          { name: 'A', durationMs: 10 * M, continueOnError: true },
          { name: 'B', durationMs: 10 * M, fails: true, continueOnError: true },
          { name: 'C', durationMs: 10 * M, fails: true },
        ],
      },
    });
    expect(entries(r, 'ts-step-end')).toEqual([
      { atMs: 10 * M, type: 'ts-step-end', index: 0, name: 'A', failed: false, continued: false },
      { atMs: 20 * M, type: 'ts-step-end', index: 1, name: 'B', failed: true, continued: true },
      { atMs: 30 * M, type: 'ts-step-end', index: 2, name: 'C', failed: true, continued: false },
    ]);
    expect(entries(r, 'ts-end')).toEqual([{ atMs: 30 * M, type: 'ts-end', outcome: 'failed' }]);
    expect(entries(r, 'provisioning-exit')).toEqual([
      { atMs: 30 * M, type: 'provisioning-exit', reason: 'ts-failure', closedInterval: true },
    ]);
  });

  it('records a successful end before the exit it causes', () => {
    const r = simulate({ horizonMs: H, taskSequence: { startAtMs: 0, steps: [{ name: 'A', durationMs: 10 * M }] } });
    const types = r.trace.filter((e) => e.atMs === 10 * M).map((e) => e.type);
    expect(types.slice(0, 4)).toEqual(['ts-step-end', 'ts-end', 'provisioning-exit', 'service-stop']);
    expect(entries(r, 'ts-end')).toEqual([{ atMs: 10 * M, type: 'ts-end', outcome: 'success' }]);
  });

  it('names the step that a premature exit cut short, counting from one', () => {
    // ProvisioningMaxMinutes 60: checks at 10s and 1h0m10s (elapsed 3610 > 3600), during B (the second step).
    const r = simulate({
      client: { registry: { ProvisioningMaxMinutes: 60 } },
      taskSequence: {
        startAtMs: 0,
        steps: [
          { name: 'A', durationMs: 30 * M },
          { name: 'B', durationMs: 3 * H },
        ],
      },
    });
    const premature = r.hazards.filter((h) => h.kind === 'premature-exit');
    expect(premature.map((h) => h.atMs)).toEqual([H + 10 * S]);
    expect(premature[0]?.detail).toMatch(/at step 2$/);
  });

  it('records why CcmExec stopped and when it comes back', () => {
    // Entry at 0 (restart, back at 10s); timeout with max 60 at 1h0m10s (restart, back at 1h0m20s); a power loss
    // at 2h (no restart of its own: the boot brings it back at 2h05m); a scripted restart at 3h; $true at 4h; $false
    // at 5h.
    const r = simulate({
      horizonMs: 6 * H,
      client: { registry: { ProvisioningMaxMinutes: 60 } },
      taskSequence: { startAtMs: 0, steps: [{ name: 'A', durationMs: 30 * M }] },
      events: [
        crash(20 * M),
        powerLoss(2 * H, 3 * M),
        { type: 'service-restart', atMs: 3 * H },
        { type: 'admin-wmi', atMs: 4 * H, enable: true },
        { type: 'admin-wmi', atMs: 5 * H, enable: false },
      ],
    });
    expect(stops(r)).toEqual([
      [0, 'provisioning-enter', 10 * S],
      [H + 10 * S, 'timeout', H + 20 * S],
      [2 * H, 'power-loss', null],
      [3 * H, 'service-restart', 3 * H + 10 * S],
      [4 * H, 'provisioning-enter', 4 * H + 10 * S],
      [5 * H, 'provisioning-exit', 5 * H + 10 * S],
    ]);
    expect(starts(r)).toEqual([
      [0, 'boot'],
      [10 * S, 'restart'],
      [H + 20 * S, 'restart'],
      [2 * H + 5 * M, 'boot'],
      [3 * H + 10 * S, 'restart'],
      [4 * H + 10 * S, 'restart'],
      [5 * H + 10 * S, 'restart'],
    ]);
  });

  it('records a re-entry as no new interval, with the timestamp it wrote', () => {
    // Entry at 0 by the sequence; $true at 2h while in the mode: the timestamp moves to start + 2h.
    const r = simulate({
      horizonMs: 3 * H,
      taskSequence: { startAtMs: 0, steps: [{ name: 'A', durationMs: 150 * M }] },
      events: [{ type: 'admin-wmi', atMs: 2 * H, enable: true }],
    });
    expect(entries(r, 'provisioning-enter').map((e) => [e.atMs, e.cause, e.newInterval, e.timestampSeconds])).toEqual([
      [0, 'task-sequence', true, START_S],
      [2 * H, 'manual', false, START_S + 2 * 3600],
    ]);
    expect(r.provisioning.intervals).toHaveLength(1);
  });
});

describe('what the trace says', () => {
  it('says what was ignored and why', () => {
    // Power lost at 10m for 30m (up at 42m): $true at 20m and a service restart at 25m find the device off; a crash
    // at 50m finds no sequence. Then, on a client whose CcmExec is disabled, a service restart at 1h does nothing.
    const off = simulate({
      horizonMs: 2 * H,
      events: [
        powerLoss(10 * M, 30 * M),
        { type: 'admin-wmi', atMs: 20 * M, enable: true },
        { type: 'service-restart', atMs: 25 * M },
        crash(50 * M),
      ],
    });
    expect(entries(off, 'ignored').map((e) => [e.atMs, e.what, e.reason])).toEqual([
      [20 * M, 'SetClientProvisioningMode', 'the device is off'],
      [25 * M, 'service-restart', 'the device is off'],
      [50 * M, 'ts-crash', 'no task sequence is running'],
    ]);
    const disabled = simulate({
      horizonMs: 2 * H,
      client: { startup: 'disabled' },
      events: [{ type: 'service-restart', atMs: H }],
    });
    expect(entries(disabled, 'ignored').map((e) => [e.atMs, e.what, e.reason])).toEqual([
      [H, 'service-restart', "CcmExec's startup type is disabled"],
    ]);
  });

  it('states the facts in each hazard', () => {
    // As in 'leaves a disabled client stuck for good when ccmeval is off', and a registry-only fix as above.
    const stuck = simulate({
      horizonMs: 4 * D,
      client: { ccmeval: { enabled: false } },
      taskSequence: {
        startAtMs: 10 * M,
        steps: [{ name: 'Setup Windows and ConfigMgr', durationMs: 2 * H, disablesClient: true }],
      },
      events: [crash(H), { type: 'registry-delete', atMs: 2 * H, name: 'ProvisioningEnabledTime' }],
    });
    expect(stuck.hazards.map((h) => [h.kind, h.detail])).toEqual([
      [
        'client-disabled',
        'CcmExec is disabled and no task-sequence step holds it so; only ccmeval or an administrator can start it',
      ],
      ['no-timestamp', 'in provisioning mode with no ProvisioningEnabledTime (missingTimestamp: never-expires)'],
      [
        'exceeded-timeout',
        'in provisioning mode for more than ProvisioningMaxMinutes (2880) + checkInterval since the last entry',
      ],
      ['stuck-at-horizon', 'still in provisioning mode when the run ends'],
    ]);
    const inconsistent = simulate({
      horizonMs: D,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: 2 * H }] },
      events: [
        crash(H),
        { type: 'registry-set', atMs: 5 * H, name: 'ProvisioningMode', value: 'False' },
        { type: 'service-restart', atMs: 6 * H },
      ],
    });
    expect(inconsistent.hazards.map((h) => h.detail)).toEqual([
      'ProvisioningMode is "False" but SystemTaskExcludes still holds "SchedulerStartup;SchedulerShutdown;SchedulerLogon;SchedulerLogoff;ClientRegistrationStartup"',
    ]);
  });

  it('names who changed the startup type', () => {
    // Setup (disablesClient) 0-2h, crash at 1h leaves CcmExec disabled; ccmeval enables it at 24h.
    const r = simulate({
      horizonMs: 25 * H,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Setup', durationMs: 2 * H, disablesClient: true }] },
      events: [crash(H)],
    });
    expect(entries(r, 'startup-type').map((e) => [e.atMs, e.startup, e.cause])).toEqual([
      [0, 'disabled', 'task-sequence step'],
      [24 * H, 'auto', 'ccmeval'],
    ]);
  });

  it('keeps absent registry values absent', () => {
    const r = simulate({
      horizonMs: H,
      events: [{ type: 'registry-set', atMs: M, name: 'ProvisioningMaxMinutes', value: 5 }],
    });
    expect(Object.keys(r.final.registry).sort()).toEqual([
      'ProvisioningMaxMinutes',
      'ProvisioningMode',
      'SystemTaskExcludes',
    ]);
    const bare = simulate({ horizonMs: H });
    expect(Object.keys(bare.final.registry).sort()).toEqual(['ProvisioningMode', 'SystemTaskExcludes']);
  });
});

describe('the faults a test can plant (ModelFaults)', () => {
  // Preset in the mode, stamped at the start, max 60m: CcmExec starts at 0 and checks at 0, 1h (elapsed 3600, not
  // more than 3600) and 2h (expired).
  const preset = createScenario({
    horizonMs: 3 * H,
    client: { registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: START_S, ProvisioningMaxMinutes: 60 } },
  });
  const checksOf = (faults: ModelFaults) =>
    buildReport(runModel(preset, { faults })).checks.map((c) => [c.atMs, c.elapsedSeconds, c.expired]);

  it('leaves the rules alone when none is planted', () => {
    expect(checksOf({})).toEqual([
      [0, 0, false],
      [H, 3600, false],
      [2 * H, 7200, true],
    ]);
  });

  it('expires at exactly max with checkAtOrAfterMax', () => {
    expect(checksOf({ checkAtOrAfterMax: true })).toEqual([
      [0, 0, false],
      [H, 3600, true],
    ]);
  });

  it('judges the elapsed time in seconds against max in minutes with checkAtOrAfterMax', () => {
    // Stamped 30 min before the start: elapsed 1800 s at 0 is under 60 min, 5400 s at 1h is over.
    const stampedEarlier = createScenario({
      horizonMs: 3 * H,
      client: {
        registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: START_S - 1800, ProvisioningMaxMinutes: 60 },
      },
    });
    const r = buildReport(runModel(stampedEarlier, { faults: { checkAtOrAfterMax: true } }));
    expect(r.checks.map((c) => [c.atMs, c.elapsedSeconds, c.expired])).toEqual([
      [0, 1800, false],
      [H, 5400, true],
    ]);
  });

  it('with skipCheckAtStart, a stop of CcmExec cancels the first check', () => {
    // The device goes down at 30m for an hour: CcmExec stops then, so no check runs at 1h while the device is off;
    // after the boot CcmExec starts and the loop's first check is one interval later.
    const down = {
      ...preset,
      horizonMs: 4 * H,
      events: [{ type: 'reboot' as const, atMs: 30 * M, downtimeMs: H, recoverable: true }],
    };
    const r = buildReport(runModel(down, { faults: { skipCheckAtStart: true } }));
    const startAt = entries(r, 'check-loop').map((e) => e.atMs);
    expect(startAt).toHaveLength(2);
    expect(r.checks.map((c) => c.atMs)).toEqual([(startAt[1] as number) + H]);
  });

  it('skips the evaluation at CcmExec start with skipCheckAtStart', () => {
    const r = buildReport(runModel(preset, { faults: { skipCheckAtStart: true } }));
    expect(entries(r, 'check-loop').map((e) => [e.atMs, e.action, e.firstAtMs])).toEqual([[0, 'start', H]]);
    expect(r.checks.map((c) => [c.atMs, c.expired])).toEqual([
      [H, false],
      [2 * H, true],
    ]);
  });
});

describe('ccmeval, scripted and healthy', () => {
  it('starts a CcmExec that is stopped but not disabled, and finds a running one healthy', () => {
    // A service restart at 30m stops CcmExec until 30m10s; a scripted ccmeval at 30m5s starts it then (the pending
    // restart is dropped); the scheduled run at 24h finds it healthy.
    const r = simulate({
      horizonMs: 25 * H,
      events: [
        { type: 'service-restart', atMs: 30 * M },
        { type: 'ccmeval', atMs: 30 * M + 5 * S },
      ],
    });
    expect(entries(r, 'ccmeval').map((e) => [e.atMs, e.manual, e.action])).toEqual([
      [30 * M + 5 * S, true, 'started'],
      [24 * H, false, 'healthy'],
    ]);
    expect(starts(r)).toEqual([
      [0, 'boot'],
      [30 * M + 5 * S, 'ccmeval'],
    ]);
  });
});

describe('the exceeded-timeout watchdog', () => {
  it('moves its bound when ProvisioningMaxMinutes changes in the mode', () => {
    // No restart, flow: $true at 30m is never checked. Max set to 60 at 1h: bound 60m + 60m after the entry, flagged
    // at 2h30m + 1 ms (not at 49h30m + 1 ms); once only.
    const r = simulate({
      horizonMs: 3 * D,
      assumptions: { setRestartsService: false },
      events: [
        { type: 'admin-wmi', atMs: 30 * M, enable: true },
        { type: 'registry-set', atMs: H, name: 'ProvisioningMaxMinutes', value: 60 },
      ],
    });
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([
      ['exceeded-timeout', 150 * M + 1],
      ['stuck-at-horizon', 3 * D],
    ]);
  });

  it('flags once per entry, even when ProvisioningMaxMinutes changes after the flag', () => {
    // As above, flagged at 2h30m + 1 ms; max set to 30 at 3h: no second flag.
    const r = simulate({
      horizonMs: 6 * H,
      assumptions: { setRestartsService: false },
      events: [
        { type: 'admin-wmi', atMs: 30 * M, enable: true },
        { type: 'registry-set', atMs: H, name: 'ProvisioningMaxMinutes', value: 60 },
        { type: 'registry-set', atMs: 3 * H, name: 'ProvisioningMaxMinutes', value: 30 },
      ],
    });
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([
      ['exceeded-timeout', 150 * M + 1],
      ['stuck-at-horizon', 6 * H],
    ]);
  });

  it('flags at once an edit that puts the bound in the past', () => {
    // Entry at 0 by $true without restart; max set to 1 at 5h: bound 1m + 60m long passed, flagged at 5h.
    const r = simulate({
      horizonMs: 6 * H,
      assumptions: { setRestartsService: false },
      events: [
        { type: 'admin-wmi', atMs: 0, enable: true },
        { type: 'registry-set', atMs: 5 * H, name: 'ProvisioningMaxMinutes', value: 1 },
      ],
    });
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([
      ['exceeded-timeout', 5 * H],
      ['stuck-at-horizon', 6 * H],
    ]);
  });
});

describe('the state at time 0', () => {
  it('raises each hazard whose condition already holds at time 0', () => {
    // Preset in the mode with no timestamp: no-timestamp at 0, and the bound max + checkInterval = 49h passes at
    // 49h + 1 ms. A client configured disabled: client-disabled at 0. A registry preset inconsistent: at the start.
    const noStamp = simulate({ horizonMs: 3 * D, client: { registry: { ProvisioningMode: 'true' } } });
    expect(noStamp.hazards.map((h) => [h.kind, h.atMs])).toEqual([
      ['no-timestamp', 0],
      ['exceeded-timeout', 49 * H + 1],
      ['stuck-at-horizon', 3 * D],
    ]);
    const disabled = simulate({ horizonMs: H, client: { startup: 'disabled' } });
    expect(disabled.hazards.map((h) => [h.kind, h.atMs])).toEqual([['client-disabled', 0]]);
    const inconsistent = simulate({ horizonMs: H, client: { registry: { SystemTaskExcludes: 'SchedulerStartup' } } });
    expect(inconsistent.hazards.map((h) => [h.kind, h.atMs])).toEqual([['inconsistent-registry', 0]]);
  });

  it('tells a sequence not yet started from no sequence', () => {
    const later = simulate({ horizonMs: H, taskSequence: { startAtMs: 2 * H, steps: [{ name: 'A', durationMs: M }] } });
    expect(later.taskSequence.outcome).toBe('not-started');
    expect(simulate({ horizonMs: H }).taskSequence.outcome).toBe('none');
  });

  it('keeps a deleted registry value absent', () => {
    const r = simulate({ horizonMs: H, events: [{ type: 'registry-delete', atMs: M, name: 'ProvisioningMode' }] });
    expect(Object.keys(r.final.registry)).toEqual(['SystemTaskExcludes']);
  });
});

describe('SetClientProvisioningMode while CcmExec is stopped (assumption wmiWhileStopped)', () => {
  // A disabling step holds CcmExec stopped from 10m to 2h10m; the call comes at 1h. No task sequence entry (the
  // sequence enters at a step it never reaches).
  const stopped = (wmiWhileStopped: 'works' | 'fails') =>
    simulate({
      horizonMs: 4 * H,
      assumptions: { wmiWhileStopped },
      taskSequence: {
        startAtMs: 10 * M,
        provisioningAtStep: 1,
        steps: [
          { name: 'Setup', durationMs: 2 * H, disablesClient: true },
          { name: 'Never entered', durationMs: 0 },
        ],
      },
      events: [
        { type: 'admin-wmi', atMs: H, enable: true },
        { type: 'ts-crash', atMs: 90 * M },
      ],
    });

  it('takes effect under works and starts nothing: the mode is read at the next start', () => {
    const r = stopped('works');
    expect(r.provisioning.intervals[0]).toMatchObject({ enteredAtMs: H, enteredBy: 'manual' });
    expect(r.final.registry.ProvisioningMode).toBe('true');
    expect(at(r, 'service-start')).toEqual([0]);
  });

  it('fails and changes nothing under fails, and says so in the trace', () => {
    const r = stopped('fails');
    expect(r.provisioning.intervals).toEqual([]);
    expect(r.final.registry.ProvisioningMode).toBe('false');
    expect(
      r.trace.filter((e) => e.type === 'ignored').map((e) => [e.atMs, e.what, 'reason' in e ? e.reason : null]),
    ).toEqual([[H, 'SetClientProvisioningMode', 'CcmExec is not running (wmiWhileStopped: fails)']]);
  });

  it('works the same either way while CcmExec runs', () => {
    const running = (wmiWhileStopped: 'works' | 'fails') =>
      simulate({
        horizonMs: 2 * H,
        assumptions: { wmiWhileStopped },
        events: [{ type: 'admin-wmi', atMs: H, enable: true }],
      });
    expect(running('fails').trace).toEqual(running('works').trace);
    expect(running('fails').provisioning.intervals).toHaveLength(1);
  });
});

describe('the state the model starts from', () => {
  it('starts from the defaults: device on or off as configured, nothing running, nothing raised', () => {
    const off = initialState(createScenario({ client: { poweredOn: false } }));
    expect(off).toStrictEqual({
      device: 'off',
      environment: 'os',
      registry: { ProvisioningMode: 'false', SystemTaskExcludes: '' },
      service: { startup: 'auto', status: 'stopped', maxMinutesAtStart: 2880 },
      effectiveMode: false,
      checkLoopActive: false,
      clockOffsetMs: 0,
      lastEntryMs: null,
      taskSequence: {
        status: 'none',
        stepIndex: 0,
        inStep: false,
        awaitingBoot: false,
        holdsDisabled: false,
        entered: false,
        startedAtMs: null,
        endedAtMs: null,
      },
      deployments: [],
      raised: { clientDisabled: false, noTimestamp: false, inconsistent: false, exceeded: false },
    });
    expect(initialState(createScenario()).device).toBe('on');
  });

  it('is on after the boot of a device off at time 0, and starts no disabled CcmExec then', () => {
    const run = runModel(createScenario({ horizonMs: H, client: { poweredOn: false, startup: 'disabled' } }));
    expect(run.state.device).toBe('on');
    expect(run.trace.filter((e) => e.type === 'ignored' || e.type === 'service-start')).toEqual([]);
  });

  it('records the timestamp a client preset in provisioning mode was entered with', () => {
    const r = simulate({
      horizonMs: H,
      client: { registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: START_S - 60 } },
    });
    expect(entries(r, 'provisioning-enter').map((e) => [e.atMs, e.cause, e.newInterval, e.timestampSeconds])).toEqual([
      [0, 'initial', true, START_S - 60],
    ]);
  });
});

describe('deleted registry values', () => {
  it('reads a deleted SystemTaskExcludes as empty: no inconsistency at the next start', () => {
    const r = simulate({
      horizonMs: H,
      events: [
        { type: 'registry-delete', atMs: 10 * M, name: 'SystemTaskExcludes' },
        { type: 'service-restart', atMs: 20 * M },
      ],
    });
    expect(r.hazards).toEqual([]);
    expect(Object.keys(r.final.registry)).toEqual(['ProvisioningMode']);
  });

  it('reads a deleted ProvisioningMode as "" in the inconsistent-registry hazard', () => {
    // Entered at 0 (back at 10s), the sequence crashed at 10m; ProvisioningMode deleted at 20m; the restart at 30m
    // brings CcmExec back at 30m10s out of the mode, with the five tasks still excluded.
    const r = simulate({
      horizonMs: H,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: H }] },
      events: [
        crash(10 * M),
        { type: 'registry-delete', atMs: 20 * M, name: 'ProvisioningMode' },
        { type: 'service-restart', atMs: 30 * M },
      ],
    });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: 30 * M + 10 * S, exitReason: 'registry-edit', enteredBy: 'task-sequence' },
    ]);
    expect(r.hazards.map((h) => [h.kind, h.atMs, h.detail])).toEqual([
      [
        'inconsistent-registry',
        30 * M + 10 * S,
        'ProvisioningMode is "" but SystemTaskExcludes still holds "SchedulerStartup;SchedulerShutdown;SchedulerLogon;SchedulerLogoff;ClientRegistrationStartup"',
      ],
    ]);
  });
});

describe('scripted events at the instant of a timer', () => {
  // Preset in the mode, stamped at the start, max 60m: checks at 0, 1h, 2h; the one at 2h expires.
  const preset = {
    registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: START_S, ProvisioningMaxMinutes: 60 },
  };

  it('moves the wall clock before a check at the same instant', () => {
    // A jump of +30m at 1h: the check at 1h reads elapsed 5400 > 3600 and expires.
    const r = simulate({ horizonMs: 3 * H, client: preset, events: [{ type: 'clock-jump', atMs: H, byMs: 30 * M }] });
    expect(r.checks.map((c) => [c.atMs, c.elapsedSeconds, c.expired])).toEqual([
      [0, 0, false],
      [H, 5400, true],
    ]);
  });

  it('deletes a registry value before a CcmExec start at the same instant', () => {
    // Restart at 30m; ProvisioningMode deleted at 30m10s, the instant CcmExec comes back: it reads no mode.
    const r = simulate({
      horizonMs: H,
      client: preset,
      events: [
        { type: 'service-restart', atMs: 30 * M },
        { type: 'registry-delete', atMs: 30 * M + 10 * S, name: 'ProvisioningMode' },
      ],
    });
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: 30 * M + 10 * S, exitReason: 'registry-edit', enteredBy: 'initial' },
    ]);
  });
});

describe('the timeout without setRestartsService', () => {
  it('still restarts CcmExec: the timeout always does', () => {
    const r = simulate({
      horizonMs: 3 * H,
      assumptions: { setRestartsService: false },
      client: { registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: START_S, ProvisioningMaxMinutes: 60 } },
    });
    expect(stops(r)).toEqual([[2 * H, 'timeout', 2 * H + 10 * S]]);
  });
});

describe('the check loop under checkLoop: continuous', () => {
  const continuous = { setRestartsService: false, checkLoop: 'continuous' } as const;
  const preset = { registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: START_S } };

  it('begins no second loop on a re-entry while the loop CcmExec began at its start runs', () => {
    // Loop from 0 (checks at 0, 1h, 2h); $true at 30m moves the timestamp to 30m but begins nothing.
    const r = simulate({
      horizonMs: 2 * H,
      assumptions: continuous,
      client: preset,
      events: [{ type: 'admin-wmi', atMs: 30 * M, enable: true }],
    });
    expect(entries(r, 'check-loop').map((e) => [e.atMs, e.action, e.firstAtMs])).toEqual([[0, 'start', 0]]);
    expect(r.checks.map((c) => [c.atMs, c.elapsedSeconds])).toEqual([
      [0, 0],
      [H, 1800],
      [2 * H, 5400],
    ]);
  });

  it('ends the loop at a CcmExec stop, so a later entry begins one; a stop cancels its check too', () => {
    // Loop from 0. $false at 20m (no restart). Restart at 30m: the stop ends the loop and cancels the check due at
    // 1h; back at 30m10s out of the mode. $true at 40m: a loop, first check at 1h40m. Restart at 50m: the stop
    // cancels that check; back at 50m10s in the mode: a loop with a check at once (elapsed 610), then 1h50m10s.
    const r = simulate({
      horizonMs: 2 * H,
      assumptions: continuous,
      client: preset,
      events: [
        { type: 'admin-wmi', atMs: 20 * M, enable: false },
        { type: 'service-restart', atMs: 30 * M },
        { type: 'admin-wmi', atMs: 40 * M, enable: true },
        { type: 'service-restart', atMs: 50 * M },
      ],
    });
    expect(entries(r, 'check-loop').map((e) => [e.atMs, e.action, e.firstAtMs])).toEqual([
      [0, 'start', 0],
      [40 * M, 'start', 100 * M],
      [50 * M + 10 * S, 'start', 50 * M + 10 * S],
    ]);
    expect(r.checks.map((c) => [c.atMs, c.elapsedSeconds])).toEqual([
      [0, 0],
      [50 * M + 10 * S, 610],
      [110 * M + 10 * S, 4210],
    ]);
  });
});

describe('the exceeded-timeout bound under maxMinutesRead: service-start', () => {
  it('moves when a CcmExec start reads a new ProvisioningMaxMinutes', () => {
    // $true at 0: back at 10s with max 2880 (bound 49h). The clock is set back 10h at 30m, so checks see a negative
    // elapsed time. Max set to 60 at 1h is not read until the restart at 2h: back at 2h0m10s with max 60, the bound
    // (60m + 60m after the entry) has passed: flagged at once. The checks (every hour from 2h0m10s) expire when
    // elapsed = t - 10h is more than 3600 s: at 11h0m10s.
    const r = simulate({
      horizonMs: 12 * H,
      assumptions: { maxMinutesRead: 'service-start' },
      events: [
        { type: 'admin-wmi', atMs: 0, enable: true },
        { type: 'clock-jump', atMs: 30 * M, byMs: -10 * H },
        { type: 'registry-set', atMs: H, name: 'ProvisioningMaxMinutes', value: 60 },
        { type: 'service-restart', atMs: 2 * H },
      ],
    });
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([['exceeded-timeout', 2 * H + 10 * S]]);
    expect(r.provisioning.intervals).toEqual([
      { enteredAtMs: 0, exitedAtMs: 11 * H + 10 * S, exitReason: 'timeout', enteredBy: 'manual' },
    ]);
  });
});

describe('interruptions and the end of the sequence', () => {
  it('drops the end of a step that would have come during the outage', () => {
    // One 0-30m, Two 30m-1h30m; power lost at 1h20m for 30m, boot 2m: up at 1h52m; Two again until 2h52m, Three
    // until 3h02m.
    const r = simulate({
      horizonMs: 4 * H,
      taskSequence: {
        startAtMs: 0,
        steps: [
          { name: 'One', durationMs: 30 * M },
          { name: 'Two', durationMs: 60 * M },
          { name: 'Three', durationMs: 10 * M },
        ],
      },
      events: [powerLoss(80 * M, 30 * M)],
    });
    expect(entries(r, 'ts-step-start').map((e) => [e.atMs, e.name, e.resumed])).toEqual([
      [0, 'One', false],
      [30 * M, 'Two', false],
      [112 * M, 'Two', true],
      [172 * M, 'Three', false],
    ]);
    expect(at(r, 'ts-step-end')).toEqual([30 * M, 172 * M, 182 * M]);
  });

  it('resumes nothing after a boot that follows the end of the sequence', () => {
    const r = simulate({
      horizonMs: 2 * H,
      taskSequence: { startAtMs: 0, steps: [{ name: 'A', durationMs: 10 * M }] },
      events: [powerLoss(H, 5 * M)],
    });
    expect(at(r, 'ts-step-start')).toEqual([0]);
    expect(r.taskSequence).toMatchObject({ outcome: 'success', endedAtMs: 10 * M });
  });

  it('raises client-disabled once for a client configured disabled, whether or not a sequence runs', () => {
    const r = simulate({
      horizonMs: 2 * H,
      client: { startup: 'disabled' },
      taskSequence: { startAtMs: 30 * M, steps: [{ name: 'Apps', durationMs: 30 * M }] },
    });
    expect(r.hazards.map((h) => [h.kind, h.atMs])).toEqual([['client-disabled', 0]]);
  });
});

describe('timers that a stop or an exit cancels (the events a run fires)', () => {
  // Few timers: policy every 100h, no ccmeval. Each test counts the events the kernel fires, by hand.
  const quiet = { policyIntervalMs: 100 * H, ccmeval: { enabled: false } };
  const count = (options: ScenarioOptions) => simulate({ horizonMs: 3 * H, ...options }).eventCount;

  it('cancels the exceeded-timeout watchdog at an exit', () => {
    // init, $true at 10m (watchdog due at 10m + 1m + 60m + 1 ms), $false at 20m: 3 events.
    const options = {
      client: { ...quiet, registry: { ProvisioningMaxMinutes: 1 } },
      assumptions: { setRestartsService: false },
    };
    expect(
      count({
        ...options,
        events: [
          { type: 'admin-wmi', atMs: 10 * M, enable: true },
          { type: 'admin-wmi', atMs: 20 * M, enable: false },
        ],
      }),
    ).toBe(3);
    // init, $true at 10m, "false" written at 15m, restart at 20m, start at 20m10s out of the mode: 5 events.
    expect(
      count({
        ...options,
        events: [
          { type: 'admin-wmi', atMs: 10 * M, enable: true },
          { type: 'registry-set', atMs: 15 * M, name: 'ProvisioningMode', value: 'false' },
          { type: 'service-restart', atMs: 20 * M },
        ],
      }),
    ).toBe(5);
  });

  it('cancels the policy timer when CcmExec stops', () => {
    // Policy every hour: init, power lost at 30m for 2h, the end of the boot at 2h32m (the next tick at 3h32m): 3
    // events. The tick due at 1h, while CcmExec is stopped, never comes.
    expect(count({ client: { ccmeval: { enabled: false } }, events: [powerLoss(30 * M, 2 * H)] })).toBe(3);
  });

  it('cancels a restart under way when the device goes down or ccmeval starts CcmExec first', () => {
    // init, restart at 30m, power lost at 30m5s with no downtime and a 1 s boot (up at 30m6s): 4 events; the start
    // due at 30m10s never comes.
    expect(
      count({
        client: { ...quiet, bootTimeMs: S },
        events: [{ type: 'service-restart', atMs: 30 * M }, powerLoss(30 * M + 5 * S, 0)],
      }),
    ).toBe(4);
    // init, restart at 30m, ccmeval at 30m5s starts CcmExec: 3 events.
    expect(
      count({
        client: quiet,
        events: [
          { type: 'service-restart', atMs: 30 * M },
          { type: 'ccmeval', atMs: 30 * M + 5 * S },
        ],
      }),
    ).toBe(3);
  });
});
