/**
 * The rule names: unique, kebab-case, the same list as docs/model.md, and each one shown firing by the trace of a
 * small scenario built to reach it (so exploration coverage can count every rule).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countRuleFirings, RULE_NAMES, RULES, type RuleName } from '../../sim/model/rules.js';
import { runModel } from '../../sim/model/runModel.js';
import { createScenario, type ScenarioOptions } from '../../sim/scenario/createScenario.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;

function fired(options: ScenarioOptions): Set<RuleName> {
  const counts = countRuleFirings(runModel(createScenario(options)).trace);
  return new Set(RULE_NAMES.filter((name) => counts[name] > 0));
}

/** Small scenarios, each with the rules it must show firing. */
const cases: { name: string; options: ScenarioOptions; rules: RuleName[] }[] = [
  {
    name: 'a sequence that starts in Windows PE, goes to the OS and ends back in Windows PE',
    options: {
      horizonMs: 6 * H,
      client: { startsIn: 'winpe' },
      taskSequence: {
        startAtMs: 10 * M,
        steps: [
          { name: 'Apply', durationMs: 30 * M, restart: 'os' },
          { name: 'Apps', durationMs: 10 * M, restart: 'winpe' },
          { name: 'Copy logs', durationMs: 5 * M },
        ],
      },
      events: [
        { type: 'reboot', atMs: 5 * M, downtimeMs: 0, recoverable: true },
        { type: 'ccmeval', atMs: 20 * M },
      ],
    },
    rules: [
      'winpe-starts-in',
      'winpe-restart-target',
      'winpe-no-client',
      'winpe-interrupt-stays',
      'winpe-client-absent',
      'winpe-ts-end-stuck',
      'hazard-ended-in-winpe',
    ],
  },
  {
    name: 'a task sequence that restarts, is interrupted and succeeds',
    options: {
      horizonMs: 6 * H,
      taskSequence: {
        startAtMs: 10 * M,
        steps: [
          { name: 'Apply', durationMs: 30 * M, restart: 'os' },
          { name: 'Setup', durationMs: 60 * M, disablesClient: true },
          { name: 'Apps', durationMs: 30 * M, fails: true, continueOnError: true },
        ],
      },
      events: [
        { type: 'deployment', atMs: 20 * M, name: 'App' },
        { type: 'power-loss', atMs: 50 * M, downtimeMs: 5 * M, recoverable: true },
        { type: 'clock-jump', atMs: 4 * H, byMs: -H },
        { type: 'ccmeval', atMs: 5 * H },
      ],
    },
    rules: [
      'boot-starts-ccmexec',
      'ts-starts',
      'ts-enters-at-start',
      'enter-registry-and-timestamp',
      'enter-timestamp-from-1902',
      'enter-restarts-service',
      'restart-starts-ccmexec',
      'start-reads-registry',
      'start-begins-check-loop',
      'check-waits-interval',
      'deployment-published',
      'step-restart-reboots',
      'outage-then-boot',
      'interruption-resumes-step',
      'step-disables-client',
      'step-end-enables-client',
      'step-fails-continues',
      'ts-success-exits',
      'exit-registry-keeps-timestamp',
      'exit-restarts-service',
      'start-retrieves-policy',
      'deployment-processed-once',
      'tick-retrieves-policy',
      'clock-jump-moves-wall-only',
      'ccmeval-healthy',
    ],
  },
  {
    name: 'a device off at time 0, an outage during the boot, actions while off',
    options: {
      horizonMs: 2 * H,
      client: { poweredOn: false, ccmeval: { firstMs: 0 } },
      taskSequence: { startAtMs: 0, steps: [{ name: 'Apply', durationMs: 10 * M }] },
      events: [
        { type: 'power-loss', atMs: 1 * M, downtimeMs: M, recoverable: true },
        { type: 'admin-wmi', atMs: 2 * M, enable: true },
        { type: 'service-restart', atMs: 2 * M },
        { type: 'ts-crash', atMs: 2 * M },
      ],
    },
    rules: [
      'powered-off-boots-at-zero',
      'outage-while-off-starts-over',
      'ts-waits-for-boot',
      'ccmeval-skipped-device-off',
      'wmi-needs-device-on',
      'service-restart-ignored',
      'ts-crash-ignored',
    ],
  },
  {
    name: 'no CcmExec restart, a continuous loop, a preset client without timestamp',
    options: {
      horizonMs: 6 * H,
      client: { registry: { ProvisioningMode: 'true', SystemTaskExcludes: 'x' } },
      assumptions: { setRestartsService: false, checkLoop: 'continuous' },
      events: [
        { type: 'admin-wmi', atMs: 2 * H, enable: false },
        { type: 'admin-wmi', atMs: 4 * H, enable: true },
        { type: 'admin-wmi', atMs: 4 * H + M, enable: true },
      ],
    },
    rules: [
      'initial-mode-from-registry',
      'missing-timestamp-waits',
      'hazard-no-timestamp',
      'wmi-exits',
      'exit-retrieves-policy',
      'check-loop-ends-when-out',
      'wmi-enters',
      'continuous-loop-on-entry',
      'reentry-resets-timestamp',
      'hazard-stuck-at-horizon',
    ],
  },
  {
    name: 'a missing timestamp read as expired, a task sequence ending after that exit',
    options: {
      horizonMs: 3 * H,
      client: { registry: { ProvisioningMode: 'true', SystemTaskExcludes: 'x' } },
      assumptions: { missingTimestamp: 'expired' },
      taskSequence: { startAtMs: 0, provisioningAtStep: 1, steps: [{ name: 'A', durationMs: H }] },
    },
    rules: ['missing-timestamp-expires', 'timeout-exits', 'timeout-restarts-service', 'ts-ends-without-entering'],
  },
  {
    name: 'a registry-only fix, a premature timeout and an exit after it',
    options: {
      horizonMs: 8 * H,
      client: { registry: { ProvisioningMaxMinutes: 60 } },
      taskSequence: {
        startAtMs: 0,
        provisioningAtStep: 1,
        steps: [
          { name: 'Download', durationMs: 10 * M },
          { name: 'Upgrade', durationMs: 3 * H },
        ],
      },
      events: [
        { type: 'admin-wmi', atMs: 4 * H, enable: true },
        { type: 'registry-set', atMs: 4 * H + 30 * M, name: 'ProvisioningMode', value: 'false' },
        { type: 'service-restart', atMs: 4 * H + 31 * M },
      ],
    },
    rules: [
      'ts-enters-at-step',
      'check-timeout-strictly-more',
      'tick-skipped-in-mode',
      'hazard-premature-exit',
      'exit-after-exit',
      'registry-edit-unnoticed',
      'service-restart-restarts-running',
      'registry-edit-read-at-start',
      'hazard-inconsistent-registry',
    ],
  },
  {
    name: 'a disabled client left by a crash, a restart cut by a disable, a service restart of a stopped CcmExec',
    options: {
      horizonMs: 30 * H,
      client: { version: '2403', registry: { ProvisioningMaxMinutes: 60 } },
      taskSequence: {
        startAtMs: 0,
        steps: [
          { name: 'Wait', durationMs: 5 * S },
          { name: 'Setup', durationMs: H, disablesClient: true },
        ],
      },
      events: [
        { type: 'service-restart', atMs: 10 * S + 1 },
        { type: 'ts-crash', atMs: 30 * M },
        { type: 'ccmeval', atMs: 3 * H },
        { type: 'service-restart', atMs: 4 * H },
        { type: 'service-restart', atMs: 4 * H + S },
        { type: 'ccmeval', atMs: 4 * H + 2 * S },
      ],
    },
    rules: [
      'disable-cancels-restart',
      'ts-abandoned',
      'hazard-client-disabled',
      'hazard-exceeded-timeout',
      'ccmeval-starts-stopped',
    ],
  },
  {
    name: 'a handled failure',
    options: {
      horizonMs: 3 * H,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Driver', durationMs: 10 * M, fails: true }] },
      events: [
        { type: 'service-restart', atMs: H },
        { type: 'service-restart', atMs: H + S },
      ],
    },
    rules: ['step-fails-ends-sequence', 'ts-failure-exits', 'service-restart-starts-stopped'],
  },
  {
    name: 'SetClientProvisioningMode while CcmExec is stopped, under wmiWhileStopped: fails',
    options: {
      horizonMs: 2 * H,
      assumptions: { wmiWhileStopped: 'fails' },
      events: [
        { type: 'service-restart', atMs: H },
        { type: 'admin-wmi', atMs: H + S, enable: true },
      ],
    },
    rules: ['wmi-fails-while-stopped'],
  },
  {
    name: 'ccmeval inside a disabling step',
    options: {
      horizonMs: 3 * H,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Setup', durationMs: H, disablesClient: true }] },
      events: [{ type: 'ccmeval', atMs: 30 * M }],
    },
    rules: ['ccmeval-enables-disabled', 'ccmeval-in-disabling-step'],
  },
  {
    name: 'client-health scripts on a client stuck in provisioning mode',
    options: {
      horizonMs: 12 * H,
      client: { registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: 1767225600 - 3600 } },
      events: [
        { type: 'health-script', atMs: H, action: 'window', windowMs: 4 * H },
        { type: 'health-script', atMs: 2 * H, action: 'registry-only', windowMs: 0 },
        { type: 'registry-set', atMs: 3 * H, name: 'ProvisioningMode', value: 'true' },
        { type: 'health-script', atMs: 4 * H, action: 'force', windowMs: 0 },
        { type: 'health-script', atMs: 5 * H, action: 'force', windowMs: 0 },
      ],
    },
    rules: [
      'health-script-window-waits',
      'health-script-registry-only',
      'health-script-repairs',
      'health-script-nothing-to-do',
    ],
  },
];

describe('rule names', () => {
  it('are unique and kebab-case', () => {
    expect(new Set(RULE_NAMES).size).toBe(RULE_NAMES.length);
    for (const name of RULE_NAMES) expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    for (const rule of RULES) expect(rule.sources.length).toBeGreaterThan(0);
  });

  it('are the names docs/model.md gives, in its order', () => {
    const doc = readFileSync(new URL('../../docs/model.md', import.meta.url), 'utf8');
    const from = doc.indexOf('## Rules by name');
    const section = doc.slice(from, doc.indexOf('\n## ', from + 1));
    const documented = [...section.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]);
    expect(documented).toEqual(RULE_NAMES);
  });

  for (const c of cases) {
    it(`are shown firing by the trace: ${c.name}`, () => {
      const seen = fired(c.options);
      expect(c.rules.filter((r) => !seen.has(r))).toEqual([]);
    });
  }

  it('are each shown firing by one of these scenarios', () => {
    const shown = new Set(cases.flatMap((c) => c.rules));
    expect(RULE_NAMES.filter((name) => !shown.has(name))).toEqual([]);
  });
});

describe('choices', () => {
  it('are each tagged [provsim] (choice N) at a code site', () => {
    const doc = readFileSync(new URL('../../docs/model.md', import.meta.url), 'utf8');
    const choices = doc.slice(doc.indexOf('## Choices'));
    const numbers = [...choices.matchAll(/^(\d+)\. \*\*/gm)].map((m) => Number(m[1]));
    expect(numbers.length).toBeGreaterThanOrEqual(18);
    const code = [
      'model/transition.ts',
      'model/runModel.ts',
      'model/driver.ts',
      'report/Report.ts',
      'report/judge.ts',
      'scenario/loadScenario.ts',
    ]
      .map((f) => readFileSync(new URL(`../../sim/${f}`, import.meta.url), 'utf8'))
      .join('\n');
    const tagged = new Set(
      [...code.matchAll(/\[provsim(?:, docs\/model\.md)?\]? \(?choice (\d+)\)?/g)].map((m) => Number(m[1])),
    );
    expect(numbers.filter((n) => !tagged.has(n))).toEqual([]);
  });
});
