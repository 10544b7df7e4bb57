import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findScenarioFiles } from '../../sim/cli/files.js';
import { createScenario, type ScenarioOptions } from '../../sim/scenario/createScenario.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';
import { checkInvariants, INVARIANTS } from '../../sim/verify/invariants.js';
import { verifyScenario } from '../../sim/verify/verifyScenario.js';

const M = 60_000;
const H = 60 * M;
const D = 24 * H;

const names = (options: ScenarioOptions, faults?: Parameters<typeof verifyScenario>[1]) => [
  ...new Set(verifyScenario(createScenario(options), faults).violations.map((v) => v.invariant)),
];

const stuck: ScenarioOptions = {
  horizonMs: 4 * D,
  taskSequence: { startAtMs: 0, steps: [{ name: 'Upgrade', durationMs: 2 * H }] },
  events: [{ type: 'ts-crash', atMs: H }],
};

describe('invariants', () => {
  const root = join(import.meta.dirname, '../../scenarios');
  // Bundled regression scenarios that pin a violation the model has by design (see their header comments).
  const byDesign: Record<string, string[]> = {
    'counterexamples/no-restart-flow-never-checked.yaml': ['exit-within-timeout'],
  };
  it.each(findScenarioFiles([root]).map((f) => [f.slice(root.length + 1), f]))('hold in bundled %s', (name, file) => {
    const scenario = parseScenario(readFileSync(file, 'utf8'), file);
    const found = [...new Set(verifyScenario(scenario).violations.map((v) => v.invariant))];
    expect(found).toEqual(byDesign[name] ?? []);
  });

  it('each has a name, a description and a statement of where it applies', () => {
    for (const i of INVARIANTS) {
      expect(i.name).toMatch(/^[a-z-]+$/);
      expect(i.description.length).toBeGreaterThan(20);
      expect(i.appliesTo(createScenario()) === null || typeof i.appliesTo(createScenario()) === 'string').toBe(true);
    }
  });

  it('finds the documented gap: no restart and a flow loop leave an entry unchecked', () => {
    const gap: ScenarioOptions = {
      horizonMs: 4 * D,
      assumptions: { setRestartsService: false },
      events: [{ type: 'admin-wmi', atMs: 30 * M, enable: true }],
    };
    expect(names(gap)).toEqual(['exit-within-timeout']);
    expect(names({ ...gap, assumptions: { setRestartsService: false, checkLoop: 'continuous' } })).toEqual([]);
  });

  it('catches a check that expires at max instead of after it', () => {
    // serviceRestart 0: the loop starts at the entry instant, so the check one hour later sees exactly 60 min.
    const edge: ScenarioOptions = {
      ...stuck,
      client: { serviceRestartMs: 0, registry: { ProvisioningMaxMinutes: 60 } },
    };
    expect(names(edge)).toEqual([]);
    expect(names(edge, { faults: { checkAtOrAfterMax: true } })).toEqual(['no-early-timeout']);
  });

  it('catches a CcmExec start that skips its check', () => {
    // Stuck since 0 (deadline 48h); the device is off from 47h30m for 40m + 2m boot: the start at 48h12m must
    // time out at once; the faulty model waits for the check an hour later.
    const late: ScenarioOptions = {
      ...stuck,
      events: [
        { type: 'ts-crash', atMs: H },
        { type: 'power-loss', atMs: 47 * H + 30 * M, downtimeMs: 40 * M, recoverable: true },
      ],
    };
    expect(names(late)).toEqual([]);
    expect(names(late, { faults: { skipCheckAtStart: true } })).toEqual(['exit-within-timeout']);
  });

  it('reports two runs that part, at the first entry that differs', () => {
    const { run } = verifyScenario(createScenario(stuck));
    const rerunTrace = run.trace.map((e, i) => (i === 5 ? { ...e, atMs: e.atMs + 1 } : e));
    const violations = checkInvariants({ ...run, rerunTrace }, { only: ['deterministic'] });
    expect(violations).toEqual([
      { invariant: 'deterministic', atMs: run.trace[5]?.atMs, message: 'two runs part at trace entry 5' },
    ]);
  });

  it('lets a clock set back lift the obligation', () => {
    expect(
      names({
        ...stuck,
        events: [
          { type: 'ts-crash', atMs: H },
          { type: 'clock-jump', atMs: 48 * H + 30 * M, byMs: -D },
        ],
      }),
    ).toEqual([]);
  });

  it('knows that a sequence ending in Windows PE leaves the mode as it is, and that no client runs there', () => {
    const endsInWinpe: ScenarioOptions = {
      horizonMs: D,
      taskSequence: {
        startAtMs: 0,
        steps: [
          { name: 'Restart computer', durationMs: M, restart: 'winpe' },
          { name: 'Install updates', durationMs: 10 * M, restart: 'os' },
        ],
      },
    };
    expect(names(endsInWinpe)).toEqual([]);
    const { run } = verifyScenario(createScenario(endsInWinpe));
    // A trace whose sequence ended in Windows PE without the hazard, or with CcmExec starting there, is caught.
    const endAt = run.trace.findIndex((e) => e.type === 'hazard' && e.kind === 'ended-in-winpe');
    const noHazard = run.trace.filter((_, i) => i !== endAt);
    const withoutHazard = checkInvariants({ ...run, trace: noHazard, snapshots: [] }, { only: ['handled-ends-exit'] });
    expect(withoutHazard.map((v) => v.message)).toEqual([
      'the task sequence ended (success) in Windows PE: no ended-in-winpe hazard',
    ]);
    const upAt = run.trace.findIndex((e) => e.type === 'device-up');
    const started = [...run.trace];
    started.splice(upAt + 1, 0, { atMs: run.trace[upAt]?.atMs ?? 0, type: 'service-start', cause: 'boot' });
    expect(checkInvariants({ ...run, trace: started }, { only: ['no-client-in-winpe'] })).toEqual([
      { invariant: 'no-client-in-winpe', atMs: 3 * M, message: 'service-start in Windows PE' },
    ]);
  });

  it('flags a deployment left unprocessed while policy was retrievable', () => {
    // No fault in the model does this; a scenario out of provisioning mode processes within a policy interval.
    expect(names({ horizonMs: 5 * H, events: [{ type: 'deployment', atMs: H + 1, name: 'X' }] })).toEqual([]);
  });
});
