import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { parseDuration } from '../../sim/time/Duration.js';
import {
  parseScenario,
  ScenarioError,
  type ScenarioIssue,
  scenarioJsonSchema,
  scenarioToYaml,
} from '../../sim/scenario/loadScenario.js';
import {
  DEFAULT_ASSUMPTIONS,
  DEFAULT_HORIZON_MS,
  DEFAULT_START_MS,
  type Environment,
  EVENT_TYPES,
  HAZARD_KINDS,
  REGISTRY_NAMES,
  type Scenario,
  type ScenarioEvent,
} from '../../sim/scenario/Scenario.js';
import { scaledRuns } from '../runs.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

/** The example of interface.md. */
const EXAMPLE = `# yaml-language-server: $schema=./scenario.schema.json
name: upgrade-power-loss-unrecoverable      # required; [a-z0-9-]+
description: Power is lost during the upgrade step and the task sequence cannot resume.
start: 2026-03-02T08:00:00Z                 # wall clock at simulation time 0 (UTC); default 2026-01-01T00:00:00Z
horizon: 72h                                # how long to simulate; default 7d
seed: 42                                    # for anything random; default 1
client:
  version: "2403"                           # ConfigMgr release YYMM
  bootTime: 2m
  serviceRestart: 10s
  checkInterval: 60m
  policyInterval: 60m
  ccmeval: { every: 24h, first: 24h }
  startup: auto                             # CcmExec startup type at start: auto | disabled
  poweredOn: true                           # device on at time 0 (already booted, CcmExec running if auto)
  startsIn: os                              # os | winpe: where the device runs at time 0 (see model.md, Windows PE)
  registry:                                 # initial HKLM\\Software\\Microsoft\\CCM\\CcmExec values
    ProvisioningMaxMinutes: 0
assumptions:                                # see model.md; omitted keys take their defaults
  setRestartsService: true
  checkLoop: flow
  maxMinutesRead: each-check
  missingTimestamp: never-expires
taskSequence:
  name: Windows 11 in-place upgrade
  startAt: 10m
  provisioningAt: Upgrade operating system  # optional: the step whose start enters provisioning mode
  steps:
    - { name: Download content, duration: 20m }
    - { name: Upgrade operating system, duration: 75m, restart: true, disablesClient: true }   # restart: os | winpe | true (= os)
    - { name: Install applications, duration: 30m, fails: true, continueOnError: false }
events:
  - { at: 50m, type: power-loss, downtime: 5m, recoverable: false }
  - { at: 2h, type: deployment, name: Office security update }
  - { at: 30h, type: admin-wmi, enable: false }          # SetClientProvisioningMode($false)
  - { at: 3h, type: registry-set, name: ProvisioningMaxMinutes, value: 240 }
  - { at: 3h, type: registry-delete, name: ProvisioningEnabledTime }
  - { at: 4h, type: clock-jump, by: -2h }
  - { at: 5h, type: reboot, downtime: 0s }               # graceful restart
  - { at: 6h, type: service-restart }
  - { at: 7h, type: ts-crash }
  - { at: 8h, type: ccmeval }                            # a manual ccmeval run
  - { at: 1h, type: power-loss, downtime: 1m, repeat: { every: 50m, count: 20 } }
expect:                                     # checked by \`provsim check\`
  finalProvisioningMode: false
  exitReason: timeout                       # reason of the last exit: ts-success | ts-failure | timeout | manual
  exitedBy: 50h                             # out of provisioning mode, for good, by this time
  taskSequence: abandoned                   # success | failed | abandoned | running | not-started | none
  deploymentsProcessedBy: 51h
  hazards: [stuck-at-horizon]               # exactly these kinds, in any order; [] for none
`;

/** Uses every key the format has, at least once. */
const FULL = `
name: full
start: 2026-03-02T09:00:00+01:00
horizon: P3D
client:
  version: 1902
  ccmeval: { enabled: false, every: 12h, first: 0s }
  startup: disabled
  poweredOn: false
  registry:
    ProvisioningMode: "true"
    SystemTaskExcludes: SchedulerStartup
    ProvisioningEnabledTime: 2026-03-02T07:30:00.900Z
    ProvisioningMaxMinutes: 4294967295
assumptions:
  { setRestartsService: false, checkLoop: continuous, maxMinutesRead: service-start, missingTimestamp: expired, wmiWhileStopped: fails }
taskSequence:
  steps:
    - { name: a, duration: 0s }
events:
  - { type: registry-set, at: 1h, name: ProvisioningMode, value: "false" }
  - { type: registry-set, at: 1h, name: SystemTaskExcludes, value: "" }
  - { type: registry-set, at: 1h, name: ProvisioningEnabledTime, value: 1772438400 }
  - { type: registry-set, at: 1h, name: ProvisioningEnabledTime, value: 2026-03-02T08:00:00Z }
  - { type: reboot, at: 2h, recoverable: false }
expect:
  exitReason: null
  hazards: []
  violations: []
`;

/** Every event type, each with every field and a repeat. */
const EVERY_EVENT = `
name: every-event
horizon: 30d
events:
  - { type: power-loss, at: 1h, downtime: 1m, recoverable: false, repeat: { every: 1h, count: 2 } }
  - { type: reboot, at: 1h, downtime: 0s, recoverable: true, repeat: { every: 1h, count: 2 } }
  - { type: deployment, at: 1h, name: Office, repeat: { every: 1h, count: 2 } }
  - { type: admin-wmi, at: 1h, enable: true, repeat: { every: 1h, count: 2 } }
  - { type: registry-set, at: 1h, name: ProvisioningMaxMinutes, value: 0, repeat: { every: 1h, count: 2 } }
  - { type: registry-delete, at: 1h, name: ProvisioningMode, repeat: { every: 1h, count: 2 } }
  - { type: clock-jump, at: 1h, by: 90m, repeat: { every: 1h, count: 2 } }
  - { type: service-restart, at: 1h, repeat: { every: 1h, count: 2 } }
  - { type: ts-crash, at: 1h, repeat: { every: 1h, count: 2 } }
  - { type: ccmeval, at: 0s, repeat: { every: 1d, count: 31 } }
  - { type: health-script, at: 2h, action: window, window: 12h, repeat: { every: 1d, count: 29 } }
`;

const MINIMAL = 'name: minimal\n';

const VALID: readonly string[] = [
  EXAMPLE,
  FULL,
  EVERY_EVENT,
  MINIMAL,
  '{"name": "json-file", "horizon": "1h", "events": []}',
];

function issuesOf(text: string): ScenarioIssue[] {
  try {
    parseScenario(text, 'test.yaml');
  } catch (e) {
    if (e instanceof ScenarioError) return [...e.issues];
    throw e;
  }
  throw new Error(`expected issues for:\n${text}`);
}

/** The single issue of `text`. */
function issueOf(text: string): ScenarioIssue {
  const issues = issuesOf(text);
  expect(issues, issues.map((i) => `${i.line}:${i.column} ${i.path}: ${i.message}`).join('\n')).toHaveLength(1);
  return issues[0] as ScenarioIssue;
}

const scenarioWith = (yaml: string): Scenario => parseScenario(`name: x\n${yaml}`, 'x.yaml');
const issueWith = (yaml: string): ScenarioIssue => issueOf(`name: x\n${yaml}`);

// ---------------------------------------------------------------------------------------------------------------

describe('parseScenario', () => {
  it('reads the example of interface.md', () => {
    const s = parseScenario(EXAMPLE, 'example.yaml');
    expect(s.file).toBe('example.yaml');
    expect(s.startMs).toBe(Date.UTC(2026, 2, 2, 8));
    expect(s.horizonMs).toBe(72 * H);
    expect(s.seed).toBe(42);
    expect(s.client.registry).toStrictEqual({ ProvisioningMaxMinutes: 0 });
    expect(s.taskSequence?.provisioningAtStep).toBe(1);
    expect(s.taskSequence?.steps[1]).toStrictEqual({
      name: 'Upgrade operating system',
      durationMs: 75 * M,
      restart: 'os',
      disablesClient: true,
      fails: false,
      continueOnError: false,
    });
    expect(s.events).toHaveLength(11);
    expect(s.events[0]).toStrictEqual({ type: 'power-loss', atMs: 50 * M, downtimeMs: 5 * M, recoverable: false });
    expect(s.events[5]).toStrictEqual({ type: 'clock-jump', atMs: 4 * H, byMs: -2 * H });
    expect(s.events[10]).toStrictEqual({
      type: 'power-loss',
      atMs: H,
      downtimeMs: M,
      recoverable: true,
      repeat: { everyMs: 50 * M, count: 20 },
    });
    expect(s.expect).toStrictEqual({
      finalProvisioningMode: false,
      exitReason: 'timeout',
      exitedByMs: 50 * H,
      taskSequence: 'abandoned',
      deploymentsProcessedByMs: 51 * H,
      hazards: ['stuck-at-horizon'],
    });
  });

  it('fills in every default', () => {
    expect(parseScenario(MINIMAL, 'min.yaml')).toStrictEqual({
      name: 'minimal',
      description: '',
      file: 'min.yaml',
      startMs: DEFAULT_START_MS,
      horizonMs: DEFAULT_HORIZON_MS,
      seed: 1,
      client: {
        version: '2403',
        bootTimeMs: 2 * M,
        serviceRestartMs: 10 * S,
        checkIntervalMs: H,
        policyIntervalMs: H,
        ccmeval: { enabled: true, everyMs: D, firstMs: D },
        startup: 'auto',
        poweredOn: true,
        startsIn: 'os',
        registry: {},
      },
      assumptions: DEFAULT_ASSUMPTIONS,
      taskSequence: null,
      events: [],
      expect: null,
    } satisfies Scenario);
  });

  it('fills in task sequence and event defaults', () => {
    const s = scenarioWith('taskSequence: { steps: [{ name: a, duration: 1m }] }\nevents: [{ type: reboot, at: 1h }]');
    expect(s.taskSequence).toStrictEqual({
      name: 'Task sequence',
      startAtMs: 0,
      provisioningAtStep: null,
      steps: [
        { name: 'a', durationMs: M, restart: false, disablesClient: false, fails: false, continueOnError: false },
      ],
    });
    expect(s.events).toStrictEqual([{ type: 'reboot', atMs: H, downtimeMs: 0, recoverable: true }]);
  });

  it('reads JSON', () => {
    const s = parseScenario('{"name": "json-file", "horizon": "1h", "client": {"version": 2403}}', 'a.json');
    expect(s.horizonMs).toBe(H);
    expect(s.client.version).toBe('2403');
  });

  it('reads date-times with Z or an offset', () => {
    expect(scenarioWith('start: 2026-03-02T09:00:00+01:00').startMs).toBe(Date.UTC(2026, 2, 2, 8));
    expect(scenarioWith('start: 2026-03-02T08:00:00.250Z').startMs).toBe(Date.UTC(2026, 2, 2, 8, 0, 0, 250));
    expect(scenarioWith('start: "2024-02-29T00:00:00-05:30"').startMs).toBe(Date.UTC(2024, 1, 29, 5, 30));
  });

  it('rejects date-times that do not exist or lack a zone', () => {
    expect(issueWith('start: 2026-02-30T00:00:00Z').message).toMatch(
      /"2026-02-30T00:00:00Z" is not a date and time that exists/,
    );
    expect(issueWith('start: 2025-02-29T00:00:00Z').path).toBe('start');
    expect(issueWith('start: 2026-03-02T24:00:00Z').path).toBe('start');
    expect(issueWith('start: 2026-03-02T08:00:00').message).toMatch(/Z or an offset is required/);
    expect(issueWith('start: 2026-03-02').message).toMatch(/not an ISO 8601 date-time/);
    expect(issueWith('start: 1772438400').message).toMatch(
      /expected an ISO 8601 date-time string .*, got number 1772438400/,
    );
  });

  it('normalises an integer version to a string', () => {
    expect(scenarioWith('client: { version: 1902 }').client.version).toBe('1902');
    expect(scenarioWith('client: { version: "1810" }').client.version).toBe('1810');
  });

  it('rejects malformed versions', () => {
    for (const bad of ['"19.02"', '19.02', '190', '"190"', 'abcd', '"2413"', 'true']) {
      const issue = issueWith(`client: { version: ${bad} }`);
      expect(issue.path).toBe('client.version');
      expect(issue.message).toMatch(/four digits YYMM such as "2403"/);
    }
  });

  it('reads ccmeval false and the mapping form', () => {
    expect(scenarioWith('client: { ccmeval: false }').client.ccmeval).toStrictEqual({
      enabled: false,
      everyMs: D,
      firstMs: D,
    });
    expect(scenarioWith('client: { ccmeval: { every: 12h } }').client.ccmeval).toStrictEqual({
      enabled: true,
      everyMs: 12 * H,
      firstMs: 12 * H,
    });
    expect(scenarioWith('client: { ccmeval: { first: 0s } }').client.ccmeval).toStrictEqual({
      enabled: true,
      everyMs: D,
      firstMs: 0,
    });
    expect(issueWith('client: { ccmeval: true }').message).toMatch(
      /expected false .* or a mapping with keys enabled, every, first; got boolean true/,
    );
  });

  it('reads ProvisioningEnabledTime as seconds or a date-time', () => {
    expect(scenarioWith('client: { registry: { ProvisioningEnabledTime: 1772438400 } }').client.registry).toStrictEqual(
      {
        ProvisioningEnabledTime: 1772438400,
      },
    );
    expect(
      scenarioWith('client: { registry: { ProvisioningEnabledTime: 2026-03-02T08:00:00.999Z } }').client.registry,
    ).toStrictEqual({ ProvisioningEnabledTime: 1772438400 });
    expect(issueWith('client: { registry: { ProvisioningEnabledTime: -5 } }').message).toMatch(/Unix seconds/);
    expect(issueWith('client: { registry: { ProvisioningEnabledTime: 1969-12-31T23:59:59Z } }').message).toMatch(
      /before 1970/,
    );
  });

  it('rejects ProvisioningMaxMinutes outside a REG_DWORD', () => {
    for (const bad of ['-1', '1.5', '4294967296', '"240"', 'true']) {
      const issue = issueWith(`client: { registry: { ProvisioningMaxMinutes: ${bad} } }`);
      expect(issue.path).toBe('client.registry.ProvisioningMaxMinutes');
      expect(issue.message).toContain(
        'ProvisioningMaxMinutes is a REG_DWORD: a whole number from 0 to 4294967295 (0 or absent means 48 hours)',
      );
    }
    expect(scenarioWith('client: { registry: { ProvisioningMaxMinutes: 4294967295 } }').client.registry).toStrictEqual({
      ProvisioningMaxMinutes: 4294967295,
    });
  });

  it('suggests a quoted string for a boolean ProvisioningMode', () => {
    const issue = issueWith('client:\n  registry:\n    ProvisioningMode: true');
    expect(issue).toMatchObject({ line: 4, column: 23, path: 'client.registry.ProvisioningMode' });
    expect(issue.message).toMatch(/expected a string, got boolean true; .* write "true" in quotes/);
    const event = issueWith('events: [{ type: registry-set, at: 1h, name: ProvisioningMode, value: false }]');
    expect(event.path).toBe('events[0].value');
    expect(event.message).toMatch(/write "false" in quotes/);
  });

  it('reports an unknown key with the closest name at the key', () => {
    const issue = issueOf('name: x\nhorizn: 3h\n');
    expect(issue).toMatchObject({ line: 2, column: 1, path: 'horizn' });
    expect(issue.message).toBe(
      'unknown key "horizn"; did you mean "horizon"? Allowed: name, description, start, horizon, seed, client, assumptions, taskSequence, events, expect',
    );
    expect(issueOf('name: x\nzzzzzzzz: 1\n').message).toMatch(/^unknown key "zzzzzzzz"; Allowed: name, /);
  });

  it('reports unknown keys at every level', () => {
    const cases: [string, string, string][] = [
      ['client: { bootTme: 2m }', 'client.bootTme', 'bootTime'],
      ['client: { ccmeval: { evry: 1h } }', 'client.ccmeval.evry', 'every'],
      [
        'client: { registry: { ProvisioningMaxMinute: 1 } }',
        'client.registry.ProvisioningMaxMinute',
        'ProvisioningMaxMinutes',
      ],
      ['assumptions: { checkloop: flow }', 'assumptions.checkloop', 'checkLoop'],
      ['taskSequence: { step: [] , steps: [{ name: a, duration: 1m }] }', 'taskSequence.step', 'steps'],
      [
        'taskSequence: { steps: [{ name: a, duration: 1m, restarts: true }] }',
        'taskSequence.steps[0].restarts',
        'restart',
      ],
      ['events: [{ type: reboot, at: 1h, downtme: 1m }]', 'events[0].downtme', 'downtime'],
      ['events: [{ type: ccmeval, at: 1h, name: x }]', 'events[0].name', ''],
      [
        'events: [{ type: reboot, at: 1h, repeat: { every: 1h, count: 2, cont: 3 } }]',
        'events[0].repeat.cont',
        'count',
      ],
      ['expect: { hazard: [] }', 'expect.hazard', 'hazards'],
    ];
    for (const [yaml, path, suggestion] of cases) {
      const issue = issueWith(yaml);
      expect(issue.path, yaml).toBe(path);
      const key = path
        .split('.')
        .at(-1)
        ?.replace(/\[\d+\]$/, '');
      expect(issue.message).toContain(`unknown key "${key}"`);
      if (suggestion) expect(issue.message).toContain(`did you mean "${suggestion}"?`);
      else expect(issue.message).not.toContain('did you mean');
    }
  });

  it('lists the allowed values of an assumption', () => {
    const issue = issueWith('assumptions:\n  checkLoop: flw');
    expect(issue).toMatchObject({ line: 3, column: 14, path: 'assumptions.checkLoop' });
    expect(issue.message).toBe('unknown value "flw"; did you mean "flow"? Allowed: flow, continuous');
    expect(issueWith('assumptions: { setRestartsService: "yes" }').message).toBe(
      'expected true or false, got string "yes"',
    );
    expect(issueWith('assumptions: { missingTimestamp: 3 }').message).toBe(
      'expected one of never-expires, expired, got number 3',
    );
  });

  it('reports an unknown event type with the closest one', () => {
    const issue = issueWith('events:\n  - { type: power-los, at: 1h }');
    expect(issue).toMatchObject({ line: 3, column: 13, path: 'events[0].type' });
    expect(issue.message).toBe(
      `unknown event type "power-los"; did you mean "power-loss"? Allowed: ${EVENT_TYPES.join(', ')}`,
    );
    expect(issueWith('events: [{ at: 1h }]').message).toMatch(/missing required key "type": one of power-loss, /);
  });

  it('requires the fields of each event type', () => {
    expect(issueWith('events: [{ type: deployment, at: 1h }]').path).toBe('events[0].name');
    expect(issueWith('events: [{ type: admin-wmi, at: 1h }]').path).toBe('events[0].enable');
    expect(issueWith('events: [{ type: clock-jump, at: 1h }]').path).toBe('events[0].by');
    expect(issueWith('events: [{ type: registry-set, at: 1h, name: ProvisioningMode }]').path).toBe('events[0].value');
    expect(issueWith('events: [{ type: registry-delete, at: 1h }]').path).toBe('events[0].name');
    expect(issueWith('events: [{ type: ts-crash }]').message).toMatch(/missing required key "at"/);
  });

  it('types registry-set values by name', () => {
    const s = scenarioWith(
      [
        'events:',
        '  - { type: registry-set, at: 1h, name: ProvisioningMode, value: "TRUE" }',
        '  - { type: registry-set, at: 1h, name: ProvisioningEnabledTime, value: 2026-01-01T00:01:00Z }',
        '  - { type: registry-set, at: 1h, name: ProvisioningMaxMinutes, value: 240 }',
        '  - { type: registry-delete, at: 2h, name: SystemTaskExcludes }',
      ].join('\n'),
    );
    expect(s.events.map((e) => ('value' in e ? e.value : null))).toStrictEqual(['TRUE', 1767225660, 240, null]);
    expect(issueWith('events: [{ type: registry-set, at: 1h, name: SystemTaskExcludes, value: 3 }]').message).toBe(
      'expected a string, got number 3 (write "3" in quotes to make it a string)',
    );
    expect(
      issueWith('events: [{ type: registry-set, at: 1h, name: ProvisioningMaxMinutes, value: -1 }]').message,
    ).toMatch(/REG_DWORD/);
    expect(issueWith('events: [{ type: registry-delete, at: 1h, name: provisioningMaxMinutes }]').message).toBe(
      'unknown value "provisioningMaxMinutes"; did you mean "ProvisioningMaxMinutes"? Allowed: ProvisioningMode, SystemTaskExcludes, ProvisioningEnabledTime, ProvisioningMaxMinutes',
    );
  });

  it('reads a signed clock jump and refuses negative durations elsewhere', () => {
    expect(scenarioWith('events: [{ type: clock-jump, at: 1h, by: -PT2H }]').events[0]).toStrictEqual({
      type: 'clock-jump',
      atMs: H,
      byMs: -2 * H,
    });
    expect(issueWith('events: [{ type: reboot, at: -1h }]').message).toBe(
      '"-1h" is negative; a negative duration is not allowed here, use 0s or more',
    );
  });

  it('reports events outside the horizon', () => {
    const issue = issueWith('horizon: 72h\nevents:\n  - { type: reboot, at: 80h }');
    expect(issue).toMatchObject({ line: 4, column: 25, path: 'events[0].at' });
    expect(issue.message).toBe('event at 3d8h is outside the horizon (3d)');
    expect(scenarioWith('horizon: 72h\nevents: [{ type: reboot, at: 72h }]').events).toHaveLength(1);
    expect(issueWith('events: [{ type: reboot, at: 8d }]').message).toBe('event at 8d is outside the horizon (7d)');
  });

  it('names the last occurrence of a repeat outside the horizon', () => {
    const issue = issueWith('horizon: 10h\nevents: [{ type: reboot, at: 1h, repeat: { every: 1h, count: 11 } }]');
    expect(issue.path).toBe('events[0].repeat');
    expect(issue.message).toBe(
      'the last occurrence of this event, at 11h (1h + 10 × 1h), is outside the horizon (10h); lower count or every',
    );
    expect(
      scenarioWith('horizon: 10h\nevents: [{ type: reboot, at: 1h, repeat: { every: 1h, count: 10 } }]').events,
    ).toHaveLength(1);
    expect(issueWith('events: [{ type: reboot, at: 1h, repeat: { every: 0s, count: 2 } }]').path).toBe(
      'events[0].repeat.every',
    );
    expect(issueWith('events: [{ type: reboot, at: 1h, repeat: { every: 1h, count: 0 } }]').path).toBe(
      'events[0].repeat.count',
    );
  });

  it('rejects a task sequence that starts after the horizon', () => {
    const issue = issueWith('horizon: 1h\ntaskSequence: { startAt: 2h, steps: [{ name: a, duration: 1m }] }');
    expect(issue.path).toBe('taskSequence.startAt');
    expect(issue.message).toBe('the task sequence starts at 2h, outside the horizon (1h)');
  });

  it('resolves provisioningAt to the first step with that name', () => {
    const s = scenarioWith(
      'taskSequence: { provisioningAt: b, steps: [{ name: a, duration: 1m }, { name: b, duration: 1m }, { name: b, duration: 2m }] }',
    );
    expect(s.taskSequence?.provisioningAtStep).toBe(1);
  });

  it('lists the step names for an unknown provisioningAt', () => {
    const issue = issueWith(
      'taskSequence:\n  provisioningAt: Upgrade OS\n  steps:\n    - { name: Download, duration: 1m }\n    - { name: Upgrade OSes, duration: 1m }',
    );
    expect(issue).toMatchObject({ line: 3, column: 19, path: 'taskSequence.provisioningAt' });
    expect(issue.message).toBe(
      'no step is named "Upgrade OS"; did you mean "Upgrade OSes"? provisioningAt must name one of the steps: "Download", "Upgrade OSes"',
    );
  });

  it('rejects an empty or missing step list', () => {
    expect(issueWith('taskSequence: { steps: [] }')).toMatchObject({
      path: 'taskSequence.steps',
      message: 'a task sequence needs at least one step',
    });
    expect(issueWith('taskSequence: { name: t }').message).toMatch(/^missing required key "steps"/);
    expect(issueWith('taskSequence: { steps: [{ name: a }] }').path).toBe('taskSequence.steps[0].duration');
  });

  it('explains durations that are not durations', () => {
    expect(issueWith('horizon: 90').message).toBe(
      'expected a duration string such as 90m, got number 90; use 45s, 90m, 1h30m, 2d, 1d2h, 250ms or ISO 8601 PT1H30M',
    );
    expect(issueWith('horizon: 90 minutes').message).toBe(
      '"90 minutes" is not a duration; use 45s, 90m, 1h30m, 2d, 1d2h, 250ms or ISO 8601 PT1H30M',
    );
    expect(issueWith('horizon: " 90m"').message).toBe('" 90m" has spaces around it; write "90m"');
    expect(issueWith('horizon: 99999999999999d').message).toMatch(/too long a duration/);
  });

  it('refuses zero where it is not allowed', () => {
    for (const [yaml, path] of [
      ['horizon: 0s', 'horizon'],
      ['horizon: PT0S', 'horizon'],
      ['client: { checkInterval: 0m }', 'client.checkInterval'],
      ['client: { policyInterval: 0s }', 'client.policyInterval'],
      ['client: { ccmeval: { every: 0h } }', 'client.ccmeval.every'],
    ] as const) {
      const issue = issueWith(yaml);
      expect(issue.path).toBe(path);
      expect(issue.message).toMatch(/is zero; this duration must be more than 0s/);
    }
    expect(scenarioWith('client: { bootTime: 0s, serviceRestart: 0s }').client.bootTimeMs).toBe(0);
  });

  it('reports wrong types as expected and got', () => {
    expect(issueWith('seed: "1"').message).toBe('expected a whole number from 0 to 4294967295, got string "1"');
    expect(issueWith('seed: 1.5').message).toBe('expected a whole number from 0 to 4294967295, got number 1.5');
    expect(issueWith('client: [1]').message).toMatch(
      /^expected the client settings: a mapping with keys version, .*; got a list$/,
    );
    expect(issueWith('events: { a: 1 }').message).toBe('expected a list, got a mapping');
    expect(issueWith('events: [3]').message).toMatch(/^expected event: .*got number 3$/);
    expect(issueWith('description: 3').message).toBe(
      'expected a string, got number 3 (write "3" in quotes to make it a string)',
    );
    expect(issueWith('description:').message).toBe(
      'expected a string, got nothing (null) (write "" for an empty string)',
    );
    expect(issueWith('description: ~').message).toBe(
      'expected a string, got nothing (null) (write "~" in quotes to make it a string)',
    );
    expect(issueWith('client: { poweredOn: yes }').message).toBe('expected true or false, got string "yes"');
    expect(issueWith('client: { startsIn: boot-image }').message).toBe(
      'unknown value "boot-image"; Allowed: os, winpe',
    );
    expect(issueWith('taskSequence: { steps: [{ name: a, duration: 1m, restart: wimpe }] }').message).toBe(
      'unknown value "wimpe"; did you mean "winpe"? Allowed: os, winpe, true (= os) or false',
    );
    expect(issueWith('taskSequence: { steps: [{ name: a, duration: 1m, restart: 2 }] }').message).toBe(
      'expected os, winpe, true (= os) or false, got number 2',
    );
  });

  it('reads where a step restarts and where the device starts (Windows PE)', () => {
    const s = scenarioWith(`client: { startsIn: winpe }
taskSequence:
  steps:
    - { name: a, duration: 1m, restart: winpe }
    - { name: b, duration: 1m, restart: os }
    - { name: c, duration: 1m, restart: true }
    - { name: d, duration: 1m, restart: false }`);
    expect(s.client.startsIn).toBe('winpe');
    expect(s.taskSequence?.steps.map((st) => st.restart)).toEqual(['winpe', 'os', 'os', false]);
    // Written back: `true` for the installed OS (files without Windows PE stay as they were), `winpe` as such.
    const yaml = scenarioToYaml(s);
    expect(yaml).toContain('startsIn: winpe');
    expect(yaml).toContain('{ name: a, duration: 1m, restart: winpe }');
    expect(yaml).toContain('{ name: b, duration: 1m, restart: true }');
    expect(parseScenario(yaml, s.file ?? '')).toEqual(s);
  });

  it('checks the name pattern', () => {
    const issue = issueOf('name: My Scenario');
    expect(issue.path).toBe('name');
    expect(issue.message).toBe(
      '"My Scenario" is not a valid name; use lowercase letters, digits and hyphens (^[a-z0-9-]+$), for example upgrade-power-loss',
    );
    expect(issueOf('seed: 3').message).toMatch(/^missing required key "name"/);
  });

  it('takes line breaks and tabs in a description, and refuses any other control character', () => {
    expect(scenarioWith('description: "two\\nlines\\tand a tab"').description).toBe('two\nlines\tand a tab');
    const issue = issueWith('description: "a\\u001b[31m red"');
    expect(issue.path).toBe('description');
    expect(issue.message).toBe(
      '"a\\u001b[31m red" holds a control character other than a line break or a tab (an escape, ...); write plain text',
    );
  });

  it('checks the name length (it names the report files)', () => {
    const issue = issueOf(`name: ${'x'.repeat(101)}`);
    expect(issue.path).toBe('name');
    expect(issue.message).toBe('at most 100 characters (a name names the report files); this one has 101');
    expect(parseScenario(`name: ${'x'.repeat(100)}\n`, 'x.yaml').name).toHaveLength(100);
  });

  it('leaves absent expect keys absent', () => {
    const s = scenarioWith('expect: { exitReason: null }');
    expect(s.expect).toStrictEqual({ exitReason: null });
    expect(Object.keys(s.expect ?? {})).toStrictEqual(['exitReason']);
    expect(scenarioWith('expect: {}').expect).toStrictEqual({});
    expect(issueWith('expect: { hazards: [stuck-at-horizn] }').message).toMatch(/did you mean "stuck-at-horizon"\?/);
    expect(issueWith('expect: { hazards: [stuck] }').message).not.toMatch(/did you mean/);
    expect(issueWith('expect: { exitReason: time-out }').message).toMatch(/did you mean "timeout"\?/);
  });

  it('reports an empty file', () => {
    for (const text of ['', '   \n\t\n', '# only a comment\n']) {
      expect(issueOf(text)).toStrictEqual({
        line: 1,
        column: 1,
        path: '',
        message: 'the file is empty; a scenario needs at least `name`',
      });
    }
  });

  it('reports YAML syntax errors at their position', () => {
    const issue = issuesOf('name: x\nevents: [\n')[0];
    expect(issue?.line).toBeGreaterThanOrEqual(2);
    expect(issue?.message).toMatch(/^invalid YAML: /);
    expect(issuesOf('name: x\nname: y\n')[0]).toMatchObject({
      line: 2,
      column: 1,
      message: 'invalid YAML: Map keys must be unique',
    });
    expect(issuesOf('a: "b\n')[0]?.message).toMatch(/^invalid YAML: /);
  });

  it('reports a document that is not a mapping', () => {
    expect(issueOf('- name: x').message).toMatch(
      /^expected a scenario: a mapping with keys name, description, .*; got a list$/,
    );
    expect(issueOf('just text').message).toMatch(/got string "just text"$/);
    expect(issueOf('~').message).toMatch(/got nothing \(null\)$/);
  });

  it('reports a recursive alias', () => {
    expect(issuesOf('name: x\ndescription: &a [*a]\n').map((i) => i.message)).toContain(
      'the alias *a refers to a node that contains it; a scenario cannot be recursive',
    );
  });

  it('refuses an alias bomb and deep nesting', () => {
    const bomb = ['a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]'];
    for (const [prev, next] of [
      ['a', 'b'],
      ['b', 'c'],
      ['c', 'd'],
      ['d', 'e'],
      ['e', 'f'],
    ]) {
      bomb.push(`${next}: &${next} [${Array.from({ length: 10 }, () => `*${prev}`).join(', ')}]`);
    }
    expect(issuesOf(`name: x\n${bomb.join('\n')}\n`).map((i) => i.message)).toStrictEqual([
      'the document is too large once its aliases are expanded',
    ]);
    const deep = `name: x\ndescription: ${'['.repeat(3000)}${']'.repeat(3000)}\n`;
    expect(issuesOf(deep)[0]?.message).toBe('invalid YAML: the document is nested too deeply');
  });

  it('reads anchors and aliases', () => {
    const s = scenarioWith('events:\n  - &e { type: reboot, at: 1h }\n  - *e');
    expect(s.events).toHaveLength(2);
  });

  it('lists every problem sorted by line and column', () => {
    const issues = issuesOf('seed: -1\nname: X\nclient: { bootTime: 1, startup: on }\nhorizon: 0s\n');
    expect(issues.map((i) => [i.line, i.column, i.path])).toStrictEqual([
      [1, 7, 'seed'],
      [2, 7, 'name'],
      [3, 21, 'client.bootTime'],
      [3, 33, 'client.startup'],
      [4, 10, 'horizon'],
    ]);
  });

  it('formats the message as FILE:LINE:COLUMN: PATH: MESSAGE', () => {
    try {
      parseScenario('name: x\nhorizn: 1h\n', 'scenarios/a.yaml');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ScenarioError);
      const err = e as ScenarioError;
      expect(err.file).toBe('scenarios/a.yaml');
      expect(err.message).toBe(
        'scenarios/a.yaml:2:1: horizn: unknown key "horizn"; did you mean "horizon"? Allowed: name, description, start, horizon, seed, client, assumptions, taskSequence, events, expect',
      );
    }
    try {
      parseScenario('', 'e.yaml');
    } catch (e) {
      expect((e as Error).message).toBe('e.yaml:1:1: the file is empty; a scenario needs at least `name`');
    }
  });

  it('throws only ScenarioError for any text', () => {
    const yamlish = fc
      .array(
        fc.constantFrom(
          'name',
          'events',
          'type',
          'at',
          'client',
          'registry',
          ':',
          ': ',
          ' ',
          '  ',
          '\n',
          '- ',
          '{',
          '}',
          '[',
          ']',
          ',',
          '&a ',
          '*a',
          '"',
          "'",
          '#',
          'x',
          '1',
          '-1',
          '1h',
          'true',
          '~',
          '\t',
          '? ',
          '!!str ',
          '|',
          '>',
          '---',
          '%YAML 1.2',
          '<<: ',
          '\u00e9',
          '\ud83d\ude00',
          '\u0000',
        ),
        { maxLength: 40 },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary', maxLength: 200 }), yamlish), (text) => {
        expectOnlyScenarioError(text);
      }),
      { numRuns: scaledRuns(1500) },
    );
  });

  it('throws only ScenarioError for mutated scenario text', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...VALID),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 5 }), fc.string({ maxLength: 4 })), { minLength: 1, maxLength: 4 }),
        (text, edits) => {
          let t = text;
          for (const [pos, del, ins] of edits) {
            const at = pos % (t.length + 1);
            t = t.slice(0, at) + ins + t.slice(at + del);
          }
          expectOnlyScenarioError(t);
        },
      ),
      { numRuns: scaledRuns(1500) },
    );
  });

  it('throws only ScenarioError for mutated scenario values, and writes back what it reads', () => {
    fc.assert(
      fc.property(mutatedScenario, (value) => {
        const text = stringifyYaml(value);
        const s = expectOnlyScenarioError(text);
        if (s !== null) expect(parseScenario(scenarioToYaml(s), s.file ?? 'x')).toStrictEqual(s);
      }),
      { numRuns: scaledRuns(1500) },
    );
  });
});

/** Parses `text`; returns the scenario, or null after checking that the only failure is a well-formed ScenarioError. */
function expectOnlyScenarioError(text: string): Scenario | null {
  try {
    return parseScenario(text, 'fuzz.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(ScenarioError);
    const err = e as ScenarioError;
    expect(err.issues.length).toBeGreaterThan(0);
    for (const issue of err.issues) {
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.column).toBeGreaterThanOrEqual(1);
      expect(issue.message).not.toMatch(/internal error/);
      expect(issue.message).not.toContain('\n');
    }
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations of valid scenarios (as plain values)

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mutation = { pathPick: number; kind: 'set' | 'delete' | 'add'; value: Json; key: string };

const interesting: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(
    '0s',
    '-1h',
    'PT',
    'P1D',
    '90',
    90,
    2403,
    '2403',
    '19.02',
    true,
    false,
    null,
    '2026-02-30T00:00:00Z',
    '2026-03-02T09:00:00+01:00',
    {},
    [],
    'power-loss',
    'ProvisioningMode',
    4294967296,
    -1,
    1.5,
    'flow',
    '8d',
    { every: '1h', count: 3 },
    [{ name: 'a', duration: '1m' }],
  ),
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
);

const mutation: fc.Arbitrary<Mutation> = fc.record({
  pathPick: fc.nat(),
  kind: fc.constantFrom('set', 'set', 'delete', 'add'),
  value: interesting,
  key: fc.constantFrom('name', 'at', 'type', 'every', 'count', 'value', 'first', 'horizn', 'steps', 'enabled', 'x'),
});

/** Every container (object or array) in `v`, with itself. */
function containers(v: Json, out: (Json[] | { [key: string]: Json })[] = []): (Json[] | { [key: string]: Json })[] {
  if (v !== null && typeof v === 'object') {
    out.push(v);
    for (const child of Array.isArray(v) ? v : Object.values(v)) containers(child, out);
  }
  return out;
}

function mutate(base: Json, mutations: readonly Mutation[]): Json {
  const root = structuredClone(base);
  for (const m of mutations) {
    const all = containers(root);
    const target = all[m.pathPick % all.length];
    if (target === undefined) continue;
    if (Array.isArray(target)) {
      const i = m.pathPick % (target.length + 1);
      if (m.kind === 'delete') target.splice(i, 1);
      else if (m.kind === 'add' || i === target.length) target.splice(i, 0, structuredClone(m.value));
      else target[i] = structuredClone(m.value);
    } else {
      const keys = Object.keys(target);
      const key = m.kind === 'add' || keys.length === 0 ? m.key : (keys[m.pathPick % keys.length] as string);
      if (m.kind === 'delete') delete target[key];
      else target[key] = structuredClone(m.value);
    }
  }
  return root;
}

const validValues = VALID.map((t) => parseYaml(t, { schema: 'core' }) as Json);
const mutatedScenario: fc.Arbitrary<Json> = fc
  .tuple(fc.constantFrom(...validValues), fc.array(mutation, { minLength: 0, maxLength: 3 }))
  .map(([base, ms]) => mutate(base, ms));

// ---------------------------------------------------------------------------------------------------------------
// Generated scenarios

const dur = (max: number) => fc.integer({ min: 0, max });
const text = fc.oneof(fc.string({ maxLength: 20 }), fc.string({ unit: 'binary', maxLength: 12 }));
/** Names (steps, the task sequence, deployments): one line, no control characters, no "]LOG]!>". */
// eslint-disable-next-line no-control-regex -- the loader refuses exactly these
const nameText = text.filter((t) => !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(t) && !t.includes(']LOG]!>'));
/** A description: line breaks and tabs, but no other control character. */
// eslint-disable-next-line no-control-regex -- the loader refuses exactly these
const plainText = text.filter((t) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/.test(t));
const repeatArb = fc.record({ everyMs: fc.integer({ min: 1, max: D }), count: fc.integer({ min: 1, max: 10 }) });

const eventArb: fc.Arbitrary<ScenarioEvent> = fc
  .tuple(dur(5 * D), fc.option(repeatArb, { nil: undefined }), fc.nat(), nameText, fc.boolean(), dur(D))
  .chain(([atMs, repeat, pick, name, flag, ms]) => {
    const base = { atMs, ...(repeat === undefined ? {} : { repeat }) };
    const regName = REGISTRY_NAMES[pick % REGISTRY_NAMES.length] ?? 'ProvisioningMode';
    const options: fc.Arbitrary<ScenarioEvent>[] = [
      fc.constant({ ...base, type: 'power-loss', downtimeMs: ms, recoverable: flag }),
      fc.constant({ ...base, type: 'reboot', downtimeMs: ms, recoverable: flag }),
      fc.constant({ ...base, type: 'deployment', name }),
      fc.constant({ ...base, type: 'admin-wmi', enable: flag }),
      fc.constant({ ...base, type: 'registry-delete', name: regName }),
      fc.integer({ min: -5 * D, max: 5 * D }).map((byMs) => ({ ...base, type: 'clock-jump' as const, byMs })),
      fc.constant({ ...base, type: 'service-restart' }),
      fc.constant({ ...base, type: 'ts-crash' }),
      fc.constant({ ...base, type: 'ccmeval' }),
      text.map((value) => ({ ...base, type: 'registry-set' as const, name: 'ProvisioningMode' as const, value })),
      text.map((value) => ({ ...base, type: 'registry-set' as const, name: 'SystemTaskExcludes' as const, value })),
      fc
        .integer({ min: 0, max: 253_402_300_799 })
        .map((value) => ({ ...base, type: 'registry-set' as const, name: 'ProvisioningEnabledTime' as const, value })),
      fc
        .integer({ min: 0, max: 4_294_967_295 })
        .map((value) => ({ ...base, type: 'registry-set' as const, name: 'ProvisioningMaxMinutes' as const, value })),
    ];
    return fc.oneof(...options);
  });

const stepArb = fc.record({
  name: nameText,
  durationMs: dur(D),
  restart: fc.constantFrom<Environment | false>(false, 'os', 'winpe'),
  disablesClient: fc.boolean(),
  fails: fc.boolean(),
  continueOnError: fc.boolean(),
});

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    name: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    description: plainText,
    file: fc.constantFrom('a.yaml', 'dir/b.yml'),
    // Inside the wall-clock range the loader allows, with room for 30 days and 6 x 10 jumps of 5 days either way.
    startMs: fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(9998, 11, 31, 23, 59, 59, 999) }),
    horizonMs: fc.integer({ min: 1, max: 30 * D }),
    seed: fc.integer({ min: 0, max: 4_294_967_295 }),
    client: fc.record({
      version: fc
        .tuple(fc.integer({ min: 10, max: 99 }), fc.integer({ min: 1, max: 12 }))
        .map(([y, m]) => `${y}${String(m).padStart(2, '0')}`),
      bootTimeMs: dur(H),
      serviceRestartMs: dur(H),
      checkIntervalMs: fc.integer({ min: 1, max: D }),
      policyIntervalMs: fc.integer({ min: 1, max: D }),
      ccmeval: fc.record({ enabled: fc.boolean(), everyMs: fc.integer({ min: 1, max: 2 * D }), firstMs: dur(2 * D) }),
      startup: fc.constantFrom('auto' as const, 'disabled' as const),
      poweredOn: fc.boolean(),
      startsIn: fc.constantFrom<Environment>('os', 'winpe'),
      registry: fc.record(
        {
          ProvisioningMode: text,
          SystemTaskExcludes: text,
          ProvisioningEnabledTime: fc.integer({ min: 0, max: 253_402_300_799 }),
          ProvisioningMaxMinutes: fc.integer({ min: 0, max: 4_294_967_295 }),
        },
        { requiredKeys: [] },
      ),
    }),
    assumptions: fc.record({
      setRestartsService: fc.boolean(),
      checkLoop: fc.constantFrom('flow' as const, 'continuous' as const),
      maxMinutesRead: fc.constantFrom('each-check' as const, 'service-start' as const),
      missingTimestamp: fc.constantFrom('never-expires' as const, 'expired' as const),
      wmiWhileStopped: fc.constantFrom('works' as const, 'fails' as const),
    }),
    taskSequence: fc.option(
      fc.record({
        name: nameText,
        startAtMs: dur(2 * D),
        pick: fc.option(fc.nat(), { nil: null }),
        steps: fc.array(stepArb, { minLength: 1, maxLength: 4 }),
      }),
      { nil: null },
    ),
    events: fc.array(eventArb, { maxLength: 6 }),
    expect: fc.option(
      fc.record(
        {
          finalProvisioningMode: fc.boolean(),
          exitReason: fc.constantFrom('ts-success', 'ts-failure', 'timeout', 'manual', 'registry-edit', null),
          exitedByMs: dur(10 * D),
          taskSequence: fc.constantFrom('success', 'failed', 'abandoned', 'running', 'not-started', 'none'),
          deploymentsProcessedByMs: dur(10 * D),
          hazards: fc.subarray([...HAZARD_KINDS]),
        },
        { requiredKeys: [] },
      ),
      { nil: null },
    ),
  })
  .map((r): Scenario => {
    // Keep every occurrence within the horizon, and provisioningAt on the first step of its name.
    let horizonMs = Math.max(r.horizonMs, r.taskSequence?.startAtMs ?? 0);
    for (const e of r.events) {
      horizonMs = Math.max(horizonMs, e.atMs + (e.repeat === undefined ? 0 : (e.repeat.count - 1) * e.repeat.everyMs));
    }
    let taskSequence = null;
    if (r.taskSequence !== null) {
      const { pick, ...ts } = r.taskSequence;
      const wanted = pick === null ? null : ts.steps[pick % ts.steps.length]?.name;
      const provisioningAtStep =
        wanted === null || wanted === undefined ? null : ts.steps.findIndex((s) => s.name === wanted);
      taskSequence = { ...ts, provisioningAtStep };
    }
    // fc.record builds null-prototype objects; the loader builds plain ones.
    return structuredClone({ ...r, horizonMs, taskSequence });
  });

describe('scenarioToYaml', () => {
  it('starts with the schema comment', () => {
    const yaml = scenarioToYaml(parseScenario(MINIMAL, 'm.yaml'));
    expect(yaml.split('\n')[0]).toBe('# yaml-language-server: $schema=./scenario.schema.json');
  });

  it('writes back the test scenarios', () => {
    for (const t of VALID) {
      const s = parseScenario(t, 'v.yaml');
      expect(parseScenario(scenarioToYaml(s), 'v.yaml')).toStrictEqual(s);
    }
  });

  it('writes back generated scenarios', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const yaml = scenarioToYaml(s);
        expect(parseScenario(yaml, s.file ?? 'x')).toStrictEqual(s);
      }),
      { numRuns: scaledRuns(500) },
    );
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The JSON Schema

type Schema = { [key: string]: unknown };
const ANNOTATIONS = new Set(['$schema', '$defs', 'title', 'description', 'default', 'examples', 'format']);

/** A small validator for the JSON Schema keywords the generated schema uses; it refuses any other keyword. */
function schemaErrors(schema: Schema, value: unknown, root: Schema, path = ''): string[] {
  const errors: string[] = [];
  const fail = (why: string) => errors.push(`${path || '(root)'}: ${why}`);
  for (const [keyword, arg] of Object.entries(schema)) {
    switch (keyword) {
      case '$ref': {
        const name = String(arg).replace('#/$defs/', '');
        const target = (root.$defs as Record<string, Schema>)[name];
        if (target === undefined) throw new Error(`unresolved $ref ${String(arg)}`);
        errors.push(...schemaErrors(target, value, root, path));
        break;
      }
      case 'type': {
        const t = arg as string;
        const ok =
          t === 'object'
            ? value !== null && typeof value === 'object' && !Array.isArray(value)
            : t === 'array'
              ? Array.isArray(value)
              : t === 'integer'
                ? Number.isInteger(value)
                : t === 'null'
                  ? value === null
                  : typeof value === t;
        if (!ok) fail(`not of type ${t}`);
        break;
      }
      case 'enum':
        if (!(arg as unknown[]).some((x) => JSON.stringify(x) === JSON.stringify(value))) fail('not in enum');
        break;
      case 'const':
        if (JSON.stringify(arg) !== JSON.stringify(value)) fail(`not ${JSON.stringify(arg)}`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(arg as string, 'u').test(value))
          fail(`does not match ${String(arg)}`);
        break;
      case 'maxLength':
        // Characters as JSON Schema counts them: code points.
        if (typeof value === 'string' && [...value].length > (arg as number)) fail('too long');
        break;
      case 'minimum':
        if (typeof value === 'number' && value < (arg as number)) fail('below minimum');
        break;
      case 'maximum':
        if (typeof value === 'number' && value > (arg as number)) fail('above maximum');
        break;
      case 'minItems':
        if (Array.isArray(value) && value.length < (arg as number)) fail('too few items');
        break;
      case 'maxItems':
        if (Array.isArray(value) && value.length > (arg as number)) fail('too many items');
        break;
      case 'items':
        if (Array.isArray(value)) {
          value.forEach((x, i) => {
            errors.push(...schemaErrors(arg as Schema, x, root, `${path}[${i}]`));
          });
        }
        break;
      case 'properties':
        if (isObject(value)) {
          for (const [k, sub] of Object.entries(arg as Record<string, Schema>)) {
            if (Object.hasOwn(value, k)) errors.push(...schemaErrors(sub, value[k], root, `${path}.${k}`));
          }
        }
        break;
      case 'required':
        if (isObject(value)) for (const k of arg as string[]) if (!Object.hasOwn(value, k)) fail(`missing ${k}`);
        break;
      case 'additionalProperties':
        if (arg !== false) throw new Error('only additionalProperties: false is supported');
        if (isObject(value)) {
          const known = Object.keys((schema.properties as Schema | undefined) ?? {});
          for (const k of Object.keys(value)) if (!known.includes(k)) fail(`unknown key ${k}`);
        }
        break;
      case 'anyOf': {
        const branches = (arg as Schema[]).map((s) => schemaErrors(s, value, root, path));
        if (!branches.some((b) => b.length === 0)) fail(`matches no anyOf branch (${branches.flat().join('; ')})`);
        break;
      }
      case 'allOf':
        for (const s of arg as Schema[]) errors.push(...schemaErrors(s, value, root, path));
        break;
      case 'not':
        if (schemaErrors(arg as Schema, value, root, path).length === 0) fail('matches not');
        break;
      case 'if': {
        const then = schema.then as Schema | undefined;
        if (then !== undefined && schemaErrors(arg as Schema, value, root, path).length === 0) {
          errors.push(...schemaErrors(then, value, root, path));
        }
        break;
      }
      case 'then':
        break;
      default:
        if (!ANNOTATIONS.has(keyword)) throw new Error(`the test validator does not know the keyword ${keyword}`);
    }
  }
  return errors;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

const schema = scenarioJsonSchema() as Schema;
const validate = (value: unknown) => schemaErrors(schema, value, schema);

/** Each object schema reachable from the root (following $ref, anyOf, allOf/then and items), with its path. */
function objectSchemas(s: Schema, path: string, out: [string, Schema][] = []): [string, Schema][] {
  if (typeof s.$ref === 'string') {
    return objectSchemas((schema.$defs as Record<string, Schema>)[s.$ref.replace('#/$defs/', '')] ?? {}, path, out);
  }
  if (s.properties !== undefined && s.additionalProperties === false) out.push([path, s]);
  for (const [k, sub] of Object.entries((s.properties as Record<string, Schema> | undefined) ?? {})) {
    objectSchemas(sub, path === '' ? k : `${path}.${k}`, out);
  }
  for (const sub of (s.anyOf as Schema[] | undefined) ?? []) objectSchemas(sub, path, out);
  for (const sub of (s.allOf as Schema[] | undefined) ?? [])
    objectSchemas((sub.then as Schema | undefined) ?? sub, path, out);
  if (s.items !== undefined) objectSchemas(s.items as Schema, `${path}[]`, out);
  return out;
}

/** The keys used at each level of `value`, keyed like `objectSchemas` paths (events by type). */
function usedKeys(value: unknown, path: string, out: Map<string, Set<string>>): Map<string, Set<string>> {
  if (Array.isArray(value)) for (const x of value) usedKeys(x, `${path}[]`, out);
  else if (isObject(value)) {
    const level = path === 'events[]' ? `events[]:${String(value.type)}` : path;
    const keys = out.get(level) ?? new Set<string>();
    out.set(level, keys);
    for (const [k, v] of Object.entries(value)) {
      keys.add(k);
      usedKeys(v, path === '' ? k : `${path}.${k}`, out);
    }
  }
  return out;
}

describe('scenarioJsonSchema', () => {
  it('matches the committed scenarios/scenario.schema.json', () => {
    const committed = readFileSync(new URL('../../scenarios/scenario.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
  });

  it('is draft 2020-12 with a title and a description on every property', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('provsim scenario');
    for (const [path, s] of objectSchemas(schema, '')) {
      for (const [key, prop] of Object.entries(s.properties as Record<string, Schema>)) {
        expect(typeof prop.description, `${path}.${key}`).toBe('string');
      }
    }
  });

  it('accepts every valid scenario of these tests', () => {
    for (const t of VALID) expect(validate(parseYaml(t, { schema: 'core' }))).toStrictEqual([]);
  });

  it('lists exactly the keys the loader accepts at each level', () => {
    // The valid scenarios (which the loader accepts) use every key the schema lists, and no other.
    const used = new Map<string, Set<string>>();
    for (const t of VALID) {
      parseScenario(t, 'v.yaml');
      usedKeys(parseYaml(t, { schema: 'core' }), '', used);
    }
    const levels = new Map<string, string[]>();
    for (const [path, s] of objectSchemas(schema, '')) {
      const type = (s.properties as Record<string, Schema>).type?.const;
      levels.set(path === 'events[]' ? `events[]:${String(type)}` : path, Object.keys(s.properties as Schema).sort());
    }
    expect([...levels.keys()].filter((l) => l.startsWith('events[]:'))).toHaveLength(EVENT_TYPES.length);
    const usedSorted = new Map([...used].map(([level, keys]) => [level, [...keys].sort()]));
    expect(Object.fromEntries(usedSorted)).toStrictEqual(Object.fromEntries(levels));
  });

  it('agrees with the loader on unknown keys at each level', () => {
    for (const [yaml, value] of [
      ['bogus: 1', { name: 'x', bogus: 1 }],
      ['client: { bogus: 1 }', { name: 'x', client: { bogus: 1 } }],
      ['client: { ccmeval: { bogus: 1 } }', { name: 'x', client: { ccmeval: { bogus: 1 } } }],
      ['client: { registry: { bogus: 1 } }', { name: 'x', client: { registry: { bogus: 1 } } }],
      ['assumptions: { bogus: 1 }', { name: 'x', assumptions: { bogus: 1 } }],
      [
        'taskSequence: { bogus: 1, steps: [{ name: a, duration: 1m }] }',
        { name: 'x', taskSequence: { bogus: 1, steps: [{ name: 'a', duration: '1m' }] } },
      ],
      [
        'taskSequence: { steps: [{ name: a, duration: 1m, bogus: 1 }] }',
        { name: 'x', taskSequence: { steps: [{ name: 'a', duration: '1m', bogus: 1 }] } },
      ],
      [
        'events: [{ type: ccmeval, at: 1h, bogus: 1 }]',
        { name: 'x', events: [{ type: 'ccmeval', at: '1h', bogus: 1 }] },
      ],
      [
        'events: [{ type: ccmeval, at: 1h, repeat: { every: 1h, count: 2, bogus: 1 } }]',
        { name: 'x', events: [{ type: 'ccmeval', at: '1h', repeat: { every: '1h', count: 2, bogus: 1 } }] },
      ],
      ['expect: { bogus: 1 }', { name: 'x', expect: { bogus: 1 } }],
    ] as const) {
      expect(issueWith(yaml).message).toMatch(/^unknown key "bogus"/);
      expect(validate(value).join('\n')).toMatch(/unknown key bogus/);
    }
  });

  it('constrains durations exactly as the loader reads them', () => {
    const defs = schema.$defs as Record<string, Schema>;
    const durationLike = fc
      .array(
        fc.constantFrom(
          '0',
          '1',
          '5',
          '00',
          '90',
          'd',
          'h',
          'm',
          's',
          'ms',
          'P',
          'T',
          'D',
          'H',
          'M',
          'S',
          '.',
          '-',
          ' ',
        ),
        {
          maxLength: 8,
        },
      )
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(durationLike, (t) => {
        const trimmed = t === t.trim();
        const zero = parseDuration(t) !== null && trimmed;
        const positive = zero && (parseDuration(t) ?? 0) > 0;
        const signed = parseDuration(t, true) !== null && trimmed;
        const ok = (name: string) => schemaErrors(defs[name] as Schema, t, schema).length === 0;
        expect(ok('duration'), t).toBe(zero);
        expect(ok('positiveDuration'), t).toBe(positive);
        expect(ok('signedDuration'), t).toBe(signed);
      }),
      { numRuns: scaledRuns(3000) },
    );
  });

  it('accepts every scenario the loader accepts', () => {
    let accepted = 0;
    fc.assert(
      fc.property(mutatedScenario, (value) => {
        let ok = false;
        try {
          parseScenario(stringifyYaml(value), 'm.yaml');
          ok = true;
        } catch {
          // refused by the loader: the schema may accept it (cross-field rules are not in the schema)
        }
        if (ok) {
          accepted++;
          expect(validate(JSON.parse(JSON.stringify(value)))).toStrictEqual([]);
        }
      }),
      { numRuns: scaledRuns(1500) },
    );
    expect(accepted).toBeGreaterThan(scaledRuns(50));
  });
});
