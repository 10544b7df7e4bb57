/**
 * The rule names: unique, kebab-case, the same list as docs/model.md, and each one shown firing by the trace of a
 * small scenario built to reach it (so exploration coverage can count every rule).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countRuleFirings, createRuleTracker, RULE_NAMES, RULES, type RuleName } from '../../sim/model/rules.js';
import { runModel } from '../../sim/model/runModel.js';
import { WMI_FAILS_WHILE_STOPPED } from '../../sim/model/transition.js';
import type { TraceBody } from '../../sim/model/types.js';
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

  it('cite the sources docs/model.md gives them', () => {
    const doc = readFileSync(new URL('../../docs/model.md', import.meta.url), 'utf8');
    const from = doc.indexOf('## Rules by name');
    const section = doc.slice(from, doc.indexOf('\n## ', from + 1));
    // | `name` | what it does | [a][b] | shown by |
    const documented = [...section.matchAll(/^\| `([a-z0-9-]+)` \| .* \| ((?:\[[a-zA-Z -]+\])+) \| .* \|$/gm)].map(
      (m) => ({ name: m[1], sources: [...(m[2] ?? '').matchAll(/\[([^\]]+)\]/g)].map((s) => s[1]) }),
    );
    expect(documented).toEqual(RULES.map((r) => ({ name: r.name, sources: [...r.sources] })));
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
    // Every source file of sim/: a choice is tagged where it is made, wherever that is.
    const sim = new URL('../../sim/', import.meta.url);
    const code = readdirSync(sim, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .map((f) => readFileSync(new URL(f, sim), 'utf8'))
      .join('\n');
    const tagged = new Set(
      [...code.matchAll(/\[provsim(?:, docs\/model\.md)?\]? \(?choice (\d+)\)?/g)].map((m) => Number(m[1])),
    );
    expect(numbers.filter((n) => !tagged.has(n))).toEqual([]);
  });
});

describe('the rule tracker, entry by entry', () => {
  /** Feeds the entries to one tracker in order and returns the rules each one shows firing. */
  const observe = (bodies: TraceBody[]): RuleName[][] => {
    const tracker = createRuleTracker();
    return bodies.map((body, i) => tracker.observe({ atMs: i, ...body }));
  };
  /** Checks each entry's rules, exactly: nothing missing and nothing extra. */
  const expectRules = (steps: [TraceBody, RuleName[]][]) => {
    expect(observe(steps.map(([body]) => body))).toEqual(steps.map(([, rules]) => rules));
  };
  const disabledByStep: TraceBody = { type: 'startup-type', startup: 'disabled', cause: 'task-sequence step' };

  it('names the rules of CcmExec stops, starts and the startup type, remembering a restart under way', () => {
    expectRules([
      [{ type: 'service-start', cause: 'boot' }, ['start-reads-registry', 'boot-starts-ccmexec']],
      [{ type: 'service-stop', cause: 'provisioning-enter', restartAtMs: 10 }, ['enter-restarts-service']],
      [disabledByStep, ['step-disables-client', 'disable-cancels-restart']],
      // The disable ended the restart under way, and a step now holds CcmExec disabled.
      [disabledByStep, ['step-disables-client']],
      [{ type: 'ccmeval', manual: false, action: 'healthy' }, ['ccmeval-healthy']],
      [
        { type: 'ccmeval', manual: false, action: 'enabled-and-started' },
        ['ccmeval-enables-disabled', 'ccmeval-in-disabling-step'],
      ],
      [{ type: 'startup-type', startup: 'auto', cause: 'ccmeval' }, []],
      [{ type: 'service-start', cause: 'ccmeval' }, ['start-reads-registry']],
      [{ type: 'ts-step-end', index: 0, name: 'A', failed: false, continued: false }, []],
      [{ type: 'ccmeval', manual: true, action: 'enabled-and-started' }, ['ccmeval-enables-disabled']],
      [{ type: 'startup-type', startup: 'auto', cause: 'task-sequence step' }, ['step-end-enables-client']],
      [{ type: 'ts-step-start', index: 1, name: 'B', resumed: false }, []],
      [{ type: 'ts-step-start', index: 1, name: 'B', resumed: true }, ['interruption-resumes-step']],
      [{ type: 'ts-step-end', index: 1, name: 'B', failed: true, continued: true }, ['step-fails-continues']],
      [{ type: 'ts-step-end', index: 1, name: 'B', failed: true, continued: false }, ['step-fails-ends-sequence']],
      // A stop with no restart leaves none under way; so does a power loss after a stop with one.
      [{ type: 'service-stop', cause: 'task-sequence step', restartAtMs: null }, []],
      [disabledByStep, ['step-disables-client']],
      [{ type: 'ts-abandoned', cause: 'ts-crash', stepIndex: 1 }, ['ts-abandoned']],
      [{ type: 'ccmeval', manual: true, action: 'enabled-and-started' }, ['ccmeval-enables-disabled']],
      [{ type: 'service-stop', cause: 'service-restart', restartAtMs: 20 }, ['service-restart-restarts-running']],
      [{ type: 'device-down', cause: 'power-loss', downtimeMs: 0, upAtMs: 30 }, ['outage-then-boot']],
      [disabledByStep, ['step-disables-client']],
      [{ type: 'device-down', cause: 'reboot', downtimeMs: 0, upAtMs: 30 }, ['outage-while-off-starts-over']],
      [{ type: 'device-up' }, []],
      [{ type: 'service-stop', cause: 'timeout', restartAtMs: 40 }, ['timeout-restarts-service']],
      [{ type: 'service-start', cause: 'restart' }, ['start-reads-registry', 'restart-starts-ccmexec']],
      [disabledByStep, ['step-disables-client']],
      [{ type: 'service-stop', cause: 'provisioning-exit', restartAtMs: 50 }, ['exit-restarts-service']],
      [{ type: 'service-stop', cause: 'power-loss', restartAtMs: null }, []],
      [{ type: 'service-start', cause: 'service-restart' }, ['start-reads-registry', 'service-restart-starts-stopped']],
      [{ type: 'service-start', cause: 'task-sequence' }, ['start-reads-registry']],
    ]);
  });

  it('names the rules of entries, exits, checks and policy', () => {
    expectRules([
      [
        { type: 'provisioning-enter', cause: 'manual', newInterval: true, timestampSeconds: 5 },
        ['enter-registry-and-timestamp', 'enter-timestamp-from-1902', 'wmi-enters'],
      ],
      [
        { type: 'provisioning-enter', cause: 'manual', newInterval: false, timestampSeconds: null },
        ['enter-registry-and-timestamp', 'reentry-resets-timestamp', 'wmi-enters'],
      ],
      [
        { type: 'provisioning-enter', cause: 'task-sequence-step', newInterval: true, timestampSeconds: null },
        ['enter-registry-and-timestamp', 'ts-enters-at-step'],
      ],
      [
        { type: 'provisioning-enter', cause: 'registry-edit', newInterval: true, timestampSeconds: null },
        ['registry-edit-read-at-start'],
      ],
      [
        { type: 'provisioning-enter', cause: 'initial', newInterval: true, timestampSeconds: 5 },
        ['initial-mode-from-registry'],
      ],
      [
        { type: 'provisioning-exit', reason: 'manual', closedInterval: true },
        ['exit-registry-keeps-timestamp', 'wmi-exits'],
      ],
      [
        { type: 'provisioning-exit', reason: 'ts-failure', closedInterval: false },
        ['exit-registry-keeps-timestamp', 'ts-failure-exits', 'exit-after-exit'],
      ],
      [{ type: 'provisioning-exit', reason: 'registry-edit', closedInterval: true }, ['registry-edit-read-at-start']],
      [{ type: 'check', wallMs: 0, elapsedSeconds: null, maxMinutes: 1, expired: true }, ['missing-timestamp-expires']],
      [{ type: 'check', wallMs: 0, elapsedSeconds: null, maxMinutes: 1, expired: false }, ['missing-timestamp-waits']],
      [{ type: 'check', wallMs: 0, elapsedSeconds: 61, maxMinutes: 1, expired: true }, ['check-timeout-strictly-more']],
      [{ type: 'check', wallMs: 0, elapsedSeconds: 60, maxMinutes: 1, expired: false }, ['check-waits-interval']],
      [{ type: 'check-loop', action: 'start', firstAtMs: 12 }, ['start-begins-check-loop']],
      [{ type: 'check-loop', action: 'start', firstAtMs: 99 }, ['continuous-loop-on-entry']],
      [{ type: 'check-loop', action: 'end', firstAtMs: null }, ['check-loop-ends-when-out']],
      [{ type: 'policy-retrieval', cause: 'tick', processed: [] }, ['tick-retrieves-policy']],
      [
        { type: 'policy-retrieval', cause: 'exit', processed: ['App'] },
        ['exit-retrieves-policy', 'deployment-processed-once'],
      ],
      [{ type: 'policy-retrieval', cause: 'service-start', processed: [] }, ['start-retrieves-policy']],
      [{ type: 'policy-skipped' }, ['tick-skipped-in-mode']],
      [{ type: 'admin-wmi', enable: true }, []],
      [{ type: 'hazard', kind: 'premature-exit', detail: '' }, ['hazard-premature-exit']],
      [{ type: 'ignored', what: 'SetClientProvisioningMode', reason: 'the device is off' }, ['wmi-needs-device-on']],
      [{ type: 'ignored', what: 'CcmExec start', reason: 'its startup type is disabled' }, []],
    ]);
  });

  it('says a sequence ended without entering only when no entry of its own came after its start', () => {
    const entered: TraceBody = {
      type: 'provisioning-enter',
      cause: 'task-sequence',
      newInterval: true,
      timestampSeconds: 5,
    };
    expectRules([
      [{ type: 'ts-start', name: 'A' }, ['ts-starts']],
      [entered, ['enter-registry-and-timestamp', 'enter-timestamp-from-1902', 'ts-enters-at-start']],
      [{ type: 'ts-end', outcome: 'success' }, []],
      [{ type: 'ts-start', name: 'B' }, ['ts-starts']],
      // An administrator's entry and a CcmExec start by the sequence are not the sequence's entry.
      [
        { type: 'provisioning-enter', cause: 'manual', newInterval: true, timestampSeconds: 6 },
        ['enter-registry-and-timestamp', 'enter-timestamp-from-1902', 'wmi-enters'],
      ],
      [{ type: 'service-start', cause: 'task-sequence' }, ['start-reads-registry']],
      [{ type: 'ts-end', outcome: 'failed' }, ['ts-ends-without-entering']],
      [{ type: 'ts-start', name: 'C' }, ['ts-starts']],
      [
        { type: 'provisioning-enter', cause: 'task-sequence-step', newInterval: false, timestampSeconds: 7 },
        ['enter-registry-and-timestamp', 'enter-timestamp-from-1902', 'reentry-resets-timestamp', 'ts-enters-at-step'],
      ],
      [{ type: 'ts-end', outcome: 'success' }, []],
    ]);
  });

  it('names the health-script rules by what the script did and why', () => {
    expectRules([
      [{ type: 'health-script', action: 'force', acted: true, reason: 'r' }, ['health-script-repairs']],
      [{ type: 'health-script', action: 'registry-only', acted: true, reason: 'r' }, ['health-script-registry-only']],
      [
        { type: 'health-script', action: 'window', acted: false, reason: 'no ProvisioningEnabledTime: x' },
        ['health-script-window-waits'],
      ],
      [
        { type: 'health-script', action: 'window', acted: false, reason: 'in the mode for 5s, within the window' },
        ['health-script-window-waits'],
      ],
      [
        {
          type: 'health-script',
          action: 'window',
          acted: false,
          reason: 'the registry does not say provisioning mode',
        },
        ['health-script-nothing-to-do'],
      ],
      [
        { type: 'health-script', action: 'force', acted: false, reason: 'no ProvisioningEnabledTime' },
        ['health-script-nothing-to-do'],
      ],
      [
        { type: 'health-script', action: 'window', acted: false, reason: 'the device is off' },
        ['health-script-nothing-to-do'],
      ],
    ]);
  });

  it('names the Windows PE rules while the device runs Windows PE, and only then', () => {
    expectRules([
      [{ type: 'environment', environment: 'winpe', cause: 'initial' }, ['winpe-starts-in']],
      [
        { type: 'device-down', cause: 'power-loss', downtimeMs: 0, upAtMs: 1 },
        ['outage-then-boot', 'winpe-interrupt-stays'],
      ],
      [
        { type: 'device-down', cause: 'reboot', downtimeMs: 0, upAtMs: 1 },
        ['outage-while-off-starts-over', 'winpe-interrupt-stays'],
      ],
      // Off in Windows PE: what is ignored is ignored for its own reason.
      [{ type: 'ignored', what: 'service-restart', reason: 'the device is off' }, ['service-restart-ignored']],
      [
        { type: 'health-script', action: 'force', acted: false, reason: 'the device is off' },
        ['health-script-nothing-to-do'],
      ],
      [{ type: 'device-up' }, ['winpe-no-client']],
      [{ type: 'ignored', what: 'ts-crash', reason: 'no task sequence is running' }, ['ts-crash-ignored']],
      [{ type: 'ignored', what: 'service-restart', reason: 'x' }, ['winpe-client-absent']],
      [{ type: 'ignored', what: 'ccmeval', reason: 'x' }, ['winpe-client-absent']],
      [{ type: 'health-script', action: 'force', acted: false, reason: 'x' }, ['winpe-client-absent']],
      [{ type: 'ccmeval', manual: false, action: 'skipped-winpe' }, ['winpe-client-absent']],
      [{ type: 'device-down', cause: 'planned-restart', downtimeMs: 0, upAtMs: 2 }, ['step-restart-reboots']],
      [{ type: 'environment', environment: 'os', cause: 'planned-restart' }, ['winpe-restart-target']],
      [{ type: 'device-down', cause: 'power-loss', downtimeMs: 0, upAtMs: 3 }, ['outage-while-off-starts-over']],
      [{ type: 'device-up' }, []],
      [{ type: 'hazard', kind: 'ended-in-winpe', detail: '' }, ['hazard-ended-in-winpe', 'winpe-ts-end-stuck']],
      [{ type: 'ignored', what: 'service-restart', reason: 'x' }, ['service-restart-ignored']],
      [
        { type: 'ignored', what: 'SetClientProvisioningMode', reason: WMI_FAILS_WHILE_STOPPED },
        ['wmi-fails-while-stopped'],
      ],
      [{ type: 'ccmeval', manual: false, action: 'skipped-device-off' }, ['ccmeval-skipped-device-off']],
      [{ type: 'device-down', cause: 'powered-off', downtimeMs: 0, upAtMs: 4 }, ['powered-off-boots-at-zero']],
    ]);
  });
});
