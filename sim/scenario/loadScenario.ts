/**
 * Reads scenario files (YAML, or JSON, which is YAML too) into a validated `Scenario`, writes one back, and emits
 * the JSON Schema of the format. All three come from the definitions below (see `fields.ts`): the schema in
 * `scenarios/scenario.schema.json` is generated from the same code that validates.
 *
 * Bad input never throws anything but a `ScenarioError`, which lists every problem found with its line, column and
 * key, what was wrong and what is allowed.
 */

import { Document, isMap, isSeq, LineCounter, parseDocument } from 'yaml';
import { closest } from './closest.js';
import { formatDuration } from './Duration.js';
import * as F from './fields.js';
import {
  ASSUMPTION_VALUES,
  type Assumptions,
  type CcmEvalConfig,
  type ClientConfig,
  DEFAULT_ASSUMPTIONS,
  DEFAULT_HORIZON_MS,
  DEFAULT_START_MS,
  type Environment,
  ENVIRONMENTS,
  EVENT_TYPES,
  HEALTH_SCRIPT_ACTIONS,
  type ExitReason,
  type Expect,
  HAZARD_KINDS,
  type HazardKind,
  INVARIANT_NAMES,
  type InvariantName,
  REGISTRY_NAMES,
  type RegistryName,
  type RegistryValues,
  type Repeat,
  type Scenario,
  type ScenarioEvent,
  type ScenarioEventType,
  type TaskSequence,
  type TaskSequenceOutcome,
  type TaskSequenceStep,
} from './Scenario.js';

// ---------------------------------------------------------------------------------------------------------------
// Errors

/** One problem in a scenario file; `line` and `column` are 1-based, `path` is `''` for the document itself. */
export interface ScenarioIssue {
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
}

/** Formats issues one per line as `FILE:LINE:COLUMN: PATH: MESSAGE` (without `PATH: ` when the path is empty). */
export function formatIssues(file: string, issues: readonly ScenarioIssue[]): string {
  return issues
    .map((i) => `${file}:${i.line}:${i.column}: ${i.path === '' ? '' : `${i.path}: `}${i.message}`)
    .join('\n');
}

export class ScenarioError extends Error {
  readonly file: string;
  readonly issues: readonly ScenarioIssue[];
  constructor(file: string, issues: readonly ScenarioIssue[]) {
    super(formatIssues(file, issues));
    this.name = 'ScenarioError';
    this.file = file;
    this.issues = issues;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Definitions: the single source of truth for the loader and the JSON Schema

const DAY = '24h';
const fmt = (ms: number): string => (Number.isSafeInteger(ms) ? formatDuration(ms) : `${ms}ms`);
const isoSeconds = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');

const NAME_PATTERN = /^[a-z0-9-]+$/;
const DWORD_MAX = 4_294_967_295;
/** 9999-12-31T23:59:59Z in Unix seconds. */
const UNIX_SECONDS_MAX = 253_402_300_799;
const VERSION_PATTERN = /^\d{2}(0[1-9]|1[0-2])$/;

const scenarioName = F.string({
  pattern: NAME_PATTERN,
  patternMessage: (s) =>
    `${JSON.stringify(s)} is not a valid name; use lowercase letters, digits and hyphens (${NAME_PATTERN.source}), for example upgrade-power-loss`,
});

/** A ConfigMgr release `YYMM` (a YAML integer is read as its digits); shared with fleet files. */
export const clientVersion = F.custom<string>(
  (v, at, cx) => {
    const x = v.kind === 'scalar' ? v.value : undefined;
    const text = typeof x === 'number' ? String(x) : x;
    if (typeof text === 'string' && VERSION_PATTERN.test(text)) return text;
    const got = typeof x === 'string' ? JSON.stringify(x) : F.describe(v);
    cx.issue(
      v.offset ?? at.offset,
      at.path,
      `expected a ConfigMgr release as four digits YYMM such as "2403" or "1902", got ${got}`,
    );
    return F.BAD;
  },
  () => ({
    anyOf: [
      { type: 'string', pattern: VERSION_PATTERN.source },
      { type: 'integer', minimum: 1001, maximum: 9912 },
    ],
    examples: ['2403', '1902', '1810'],
  }),
);

// Registry values, shared by `client.registry` and the `registry-set` event.

const regSz = F.string();
const provisioningModeValue = F.custom<string>(
  (v, at, cx) => {
    if (v.kind === 'scalar' && typeof v.value === 'boolean') {
      cx.issue(
        v.offset ?? at.offset,
        at.path,
        `expected a string, got boolean ${v.value}; ProvisioningMode is a REG_SZ: write "${v.value}" in quotes`,
      );
      return F.BAD;
    }
    return regSz.parse(v, at, cx);
  },
  () => ({ type: 'string', examples: ['true', 'false'] }),
);

const unixSeconds = F.integer(
  0,
  UNIX_SECONDS_MAX,
  `ProvisioningEnabledTime is Unix seconds: a whole number from 0 to ${UNIX_SECONDS_MAX}, or a date-time such as ${F.DATE_TIME_EXAMPLE}`,
);
const dateTime = F.dateTime();
const enabledTimeValue = F.custom<number>(
  (v, at, cx) => {
    if (v.kind === 'scalar' && typeof v.value === 'string') {
      const ms = dateTime.parse(v, at, cx);
      if (ms === F.BAD) return F.BAD;
      const seconds = Math.floor(ms / 1000);
      if (seconds < 0 || seconds > UNIX_SECONDS_MAX) {
        cx.issue(
          v.offset ?? at.offset,
          at.path,
          `${JSON.stringify(v.value)} is before 1970; Unix seconds cannot be negative`,
        );
        return F.BAD;
      }
      return seconds;
    }
    return unixSeconds.parse(v, at, cx);
  },
  () => ({ anyOf: [unixSeconds.schema(), dateTime.schema()] }),
);

const maxMinutesValue = F.integer(
  0,
  DWORD_MAX,
  'ProvisioningMaxMinutes is a REG_DWORD: a whole number from 0 to 4294967295 (0 or absent means 48 hours)',
);

const REGISTRY_VALUE: { readonly [K in RegistryName]-?: F.Spec<NonNullable<RegistryValues[K]>> } = {
  ProvisioningMode: provisioningModeValue,
  SystemTaskExcludes: regSz,
  ProvisioningEnabledTime: enabledTimeValue,
  ProvisioningMaxMinutes: maxMinutesValue,
};

const REGISTRY_DESCRIPTION: { readonly [K in RegistryName]: string } = {
  ProvisioningMode: 'REG_SZ "true" or "false" (read case-insensitively); a quoted string, not a YAML boolean.',
  SystemTaskExcludes: 'REG_SZ; in provisioning mode the five-task list, otherwise "".',
  ProvisioningEnabledTime:
    'When provisioning mode was last entered: Unix seconds (UTC), or an ISO 8601 date-time converted to whole seconds.',
  ProvisioningMaxMinutes: 'REG_DWORD, 0 to 4294967295 minutes; 0 or absent means 48 hours (2880).',
};

const registry = F.object({
  what: 'registry values',
  description: 'Initial values under HKLM\\Software\\Microsoft\\CCM\\CcmExec; an absent key is an absent value.',
  props: {
    ProvisioningMode: F.optional(REGISTRY_VALUE.ProvisioningMode, REGISTRY_DESCRIPTION.ProvisioningMode),
    SystemTaskExcludes: F.optional(REGISTRY_VALUE.SystemTaskExcludes, REGISTRY_DESCRIPTION.SystemTaskExcludes),
    ProvisioningEnabledTime: F.optional(
      REGISTRY_VALUE.ProvisioningEnabledTime,
      REGISTRY_DESCRIPTION.ProvisioningEnabledTime,
    ),
    ProvisioningMaxMinutes: F.optional(
      REGISTRY_VALUE.ProvisioningMaxMinutes,
      REGISTRY_DESCRIPTION.ProvisioningMaxMinutes,
    ),
  },
  build: (v): RegistryValues => {
    const out: { -readonly [K in keyof RegistryValues]: RegistryValues[K] } = {};
    if (v.ProvisioningMode !== undefined) out.ProvisioningMode = v.ProvisioningMode;
    if (v.SystemTaskExcludes !== undefined) out.SystemTaskExcludes = v.SystemTaskExcludes;
    if (v.ProvisioningEnabledTime !== undefined) out.ProvisioningEnabledTime = v.ProvisioningEnabledTime;
    if (v.ProvisioningMaxMinutes !== undefined) out.ProvisioningMaxMinutes = v.ProvisioningMaxMinutes;
    return out;
  },
});

const ccmevalObject = F.object({
  what: 'the ccmeval schedule',
  description: 'The client health task (ccmeval) schedule.',
  props: {
    enabled: F.withDefault(F.boolean(), true, 'Whether ccmeval runs on its schedule.'),
    every: F.withDefault(F.duration({ min: 'positive' }), DAY, 'Time between runs (more than 0s).'),
    first: F.optional(F.duration({ min: 'zero' }), 'Time of the first run (0s or more); default: equal to `every`.'),
  },
  build: (v): CcmEvalConfig => ({ enabled: v.enabled, everyMs: v.every, firstMs: v.first ?? v.every }),
});

const ccmeval = F.custom<CcmEvalConfig>(
  (v, at, cx) => {
    if (v.kind === 'scalar' && v.value === false) return ccmevalObject.parse(F.fromJson({ enabled: false }), at, cx);
    if (v.kind === 'map') return ccmevalObject.parse(v, at, cx);
    cx.issue(
      v.offset ?? at.offset,
      at.path,
      `expected false (no scheduled ccmeval) or a mapping with keys enabled, every, first; got ${F.describe(v)}`,
    );
    return F.BAD;
  },
  () => ({ anyOf: [{ const: false, description: 'No scheduled ccmeval runs.' }, ccmevalObject.schema()] }),
);

const client = F.object({
  what: 'the client settings',
  description: 'The ConfigMgr client at time 0.',
  props: {
    version: F.withDefault(
      clientVersion,
      '2403',
      'ConfigMgr release YYMM, such as "2403"; releases before 1902 have no timestamp and no timeout.',
    ),
    bootTime: F.withDefault(F.duration({ min: 'zero' }), '2m', 'How long a boot takes (0s or more).'),
    serviceRestart: F.withDefault(
      F.duration({ min: 'zero' }),
      '10s',
      'How long CcmExec stays stopped during a restart (0s or more).',
    ),
    checkInterval: F.withDefault(
      F.duration({ min: 'positive' }),
      '60m',
      'Time between provisioning-mode timeout checks (more than 0s).',
    ),
    policyInterval: F.withDefault(F.duration({ min: 'positive' }), '60m', 'Time between policy cycles (more than 0s).'),
    ccmeval: F.withDefault(ccmeval, {}, 'The ccmeval schedule, or false for none.'),
    startup: F.withDefault(F.oneOf(['auto', 'disabled'] as const), 'auto', 'CcmExec startup type at time 0.'),
    poweredOn: F.withDefault(
      F.boolean(),
      true,
      'Whether the device is on at time 0 (already booted, CcmExec running if startup is auto).',
    ),
    startsIn: F.withDefault(
      F.oneOf(ENVIRONMENTS),
      'os',
      "Where the device runs at time 0: os (the installed OS) or winpe (Windows PE, the boot image, where the installed OS's client does not run).",
    ),
    registry: F.withDefault(registry, {}, 'Initial HKLM\\Software\\Microsoft\\CCM\\CcmExec values.'),
  },
  build: (v): ClientConfig => ({
    version: v.version,
    bootTimeMs: v.bootTime,
    serviceRestartMs: v.serviceRestart,
    checkIntervalMs: v.checkInterval,
    policyIntervalMs: v.policyInterval,
    ccmeval: v.ccmeval,
    startup: v.startup,
    poweredOn: v.poweredOn,
    startsIn: v.startsIn,
    registry: v.registry,
  }),
});

/** The `assumptions` block, shared with fleet files. */
export const assumptionsSpec = F.object({
  what: 'the assumptions',
  description: 'The open points of the model (model.md), each a switch; omitted keys take their defaults.',
  props: {
    setRestartsService: F.withDefault(
      F.boolean(),
      DEFAULT_ASSUMPTIONS.setRestartsService,
      'Entering or leaving provisioning mode restarts a running CcmExec.',
    ),
    checkLoop: F.withDefault(
      F.oneOf(ASSUMPTION_VALUES.checkLoop),
      DEFAULT_ASSUMPTIONS.checkLoop,
      'flow: a check loop begins only when CcmExec starts; continuous: entering while running also begins one.',
    ),
    maxMinutesRead: F.withDefault(
      F.oneOf(ASSUMPTION_VALUES.maxMinutesRead),
      DEFAULT_ASSUMPTIONS.maxMinutesRead,
      'When ProvisioningMaxMinutes is read: at each check, or once when CcmExec starts.',
    ),
    missingTimestamp: F.withDefault(
      F.oneOf(ASSUMPTION_VALUES.missingTimestamp),
      DEFAULT_ASSUMPTIONS.missingTimestamp,
      'What a missing ProvisioningEnabledTime means to the check: wait forever, or already expired.',
    ),
  },
  build: (v): Assumptions => v,
});

/** What a step's `restart` means; shared with fleet files. */
export const RESTART_DESCRIPTION =
  'Where the device restarts after the step: os (the installed OS; true means the same), winpe (Windows PE, the boot image), or false (no restart).';

/** A step's `restart`: `os` or `winpe`, or `true` (the installed OS, the older form) or `false`; shared with fleet files. */
export const restartTarget = F.custom<Environment | false>(
  (v, at, cx) => {
    if (v.kind === 'scalar') {
      if (v.value === true) return 'os';
      if (v.value === false) return false;
      if (v.value === 'os' || v.value === 'winpe') return v.value;
    }
    const message =
      v.kind === 'scalar' && typeof v.value === 'string'
        ? `${F.notAllowed('unknown value', v.value, ENVIRONMENTS)}, true (= os) or false`
        : `expected os, winpe, true (= os) or false, got ${F.describe(v)}`;
    cx.issue(v.offset ?? at.offset, at.path, message);
    return F.BAD;
  },
  () => ({ anyOf: [{ type: 'boolean' }, { type: 'string', enum: [...ENVIRONMENTS] }] }),
);

const step = F.object({
  what: 'a task sequence step',
  description: 'One task sequence step.',
  props: {
    name: F.required(F.string(), 'The step name, such as "Upgrade operating system".'),
    duration: F.required(F.duration({ min: 'zero' }), 'How long the step runs (0s or more).'),
    restart: F.withDefault(restartTarget, false, RESTART_DESCRIPTION),
    disablesClient: F.withDefault(
      F.boolean(),
      false,
      'CcmExec is disabled and stopped while the step runs (setup disables the client).',
    ),
    fails: F.withDefault(F.boolean(), false, 'The step fails at its end.'),
    continueOnError: F.withDefault(F.boolean(), false, 'A failure of this step does not end the sequence.'),
  },
  build: (v): TaskSequenceStep => ({
    name: v.name,
    durationMs: v.duration,
    restart: v.restart,
    disablesClient: v.disablesClient,
    fails: v.fails,
    continueOnError: v.continueOnError,
  }),
});

function horizonOf(cx: F.Cx): number | undefined {
  const h = cx.vars.get('horizonMs');
  return typeof h === 'number' ? h : undefined;
}

/** The `name`s of the steps as written, for `provisioningAt` (valid or not otherwise); shared with fleet files. */
export function rawStepNames(steps: F.Val | undefined): string[] {
  if (steps?.kind !== 'seq') return [];
  const names: string[] = [];
  for (const s of steps.items) {
    if (s.kind !== 'map') continue;
    const name = s.entries.find((e) => e.key === 'name')?.value;
    if (name?.kind === 'scalar' && typeof name.value === 'string') names.push(name.value);
  }
  return names;
}

const taskSequence = F.object({
  what: 'the task sequence',
  description: 'The task sequence that runs on the device; it enters provisioning mode when it starts.',
  props: {
    name: F.withDefault(F.string(), 'Task sequence', 'The task sequence name.'),
    startAt: F.withDefault(
      F.duration({ min: 'zero' }),
      '0s',
      'When the task sequence starts: a duration since the start, no later than the horizon.',
    ),
    provisioningAt: F.optional(
      F.string(),
      'The name of the step whose start enters provisioning mode; absent: the start of the sequence does.',
    ),
    steps: F.required(
      F.list(step, { minItems: 1, tooShort: 'a task sequence needs at least one step' }),
      'The steps, in order (at least one).',
    ),
  },
  check: (v, o) => {
    const horizon = horizonOf(o.cx);
    if (v.startAt !== undefined && horizon !== undefined && v.startAt > horizon) {
      o.issue('startAt', `the task sequence starts at ${fmt(v.startAt)}, outside the horizon (${fmt(horizon)})`);
    }
    const names = rawStepNames(o.raw('steps'));
    if (v.provisioningAt !== undefined && o.raw('steps')?.kind === 'seq' && !names.includes(v.provisioningAt)) {
      const near = closest(v.provisioningAt, names);
      o.issue(
        'provisioningAt',
        `no step is named ${JSON.stringify(v.provisioningAt)}` +
          (near === undefined ? ';' : `; did you mean ${JSON.stringify(near)}?`) +
          (names.length === 0
            ? ' the steps have no valid names'
            : ` provisioningAt must name one of the steps: ${names.map((n) => JSON.stringify(n)).join(', ')}`),
      );
    }
  },
  build: (v): TaskSequence | F.Bad => {
    const index = v.provisioningAt === undefined ? null : v.steps.findIndex((s) => s.name === v.provisioningAt);
    if (index === -1) return F.BAD;
    return { name: v.name, startAtMs: v.startAt, provisioningAtStep: index, steps: v.steps };
  },
});

const repeat = F.object({
  what: 'a repeat',
  description: 'Repeats the event: `count` occurrences in all (the first included), `every` apart.',
  props: {
    every: F.required(F.duration({ min: 'positive' }), 'Time between occurrences (more than 0s).'),
    count: F.required(F.integer(1, DWORD_MAX), 'Total number of occurrences, the first one included (1 or more).'),
  },
  build: (v): Repeat => ({ everyMs: v.every, count: v.count }),
});

const eventCommon = {
  at: F.required(
    F.duration({ min: 'zero' }),
    'When the event happens: a duration since the start (0s or more), no later than the horizon.',
  ),
  repeat: F.optional(repeat, 'Repeats the event; every occurrence must be within the horizon.'),
};

function checkHorizon(atMs: number | undefined, rep: Repeat | undefined, o: F.ObjectCx): void {
  const horizon = horizonOf(o.cx);
  if (horizon === undefined || atMs === undefined) return;
  if (atMs > horizon) {
    o.issue('at', `event at ${fmt(atMs)} is outside the horizon (${fmt(horizon)})`);
    return;
  }
  if (rep === undefined) return;
  const last = atMs + (rep.count - 1) * rep.everyMs;
  if (last > horizon) {
    o.issue(
      'repeat',
      `the last occurrence of this event, at ${fmt(last)} (${fmt(atMs)} + ${rep.count - 1} × ${fmt(rep.everyMs)}), ` +
        `is outside the horizon (${fmt(horizon)}); lower count or every`,
    );
  }
}

type EventProps<T extends string> = {
  readonly type: F.Prop<T, 'required'>;
  readonly at: typeof eventCommon.at;
  readonly repeat: typeof eventCommon.repeat;
};

function eventBranch<T extends ScenarioEventType, P extends F.Props, R extends object>(
  type: T,
  description: string,
  props: P,
  build: (v: F.Values<P>, o: F.ObjectCx) => R | F.Bad,
  schemaExtra?: F.JsonSchema,
) {
  const all = {
    type: F.required(F.constant(type), `The event type: ${type}.`),
    at: eventCommon.at,
    ...props,
    repeat: eventCommon.repeat,
  } as EventProps<T> & P;
  return F.object({
    title: type,
    what: `a ${type} event`,
    description,
    props: all,
    ...(schemaExtra === undefined ? {} : { schemaExtra }),
    check: (v, o) => checkHorizon(v.at as number | undefined, v.repeat as Repeat | undefined, o),
    build: (v, o) => {
      const specific = build(v as unknown as F.Values<P>, o);
      if (specific === F.BAD) return F.BAD;
      const rep = v.repeat as Repeat | undefined;
      return { type, atMs: v.at as number, ...(rep === undefined ? {} : { repeat: rep }), ...specific };
    },
  });
}

const downtimeProps = {
  downtime: F.withDefault(
    F.duration({ min: 'zero' }),
    '0s',
    'How long the device stays off before it boots (0s or more).',
  ),
  recoverable: F.withDefault(
    F.boolean(),
    true,
    'false: a task sequence running at that moment cannot resume and is abandoned.',
  ),
};
const noProps = {};

const anyValue = F.custom<F.Val>(
  (v) => v,
  () => ({}),
);

const events = {
  'power-loss': eventBranch('power-loss', 'The device loses power.', downtimeProps, (v) => ({
    downtimeMs: v.downtime,
    recoverable: v.recoverable,
  })),
  reboot: eventBranch('reboot', 'The device restarts (downtime 0s: a graceful restart).', downtimeProps, (v) => ({
    downtimeMs: v.downtime,
    recoverable: v.recoverable,
  })),
  deployment: eventBranch(
    'deployment',
    'A required deployment is published.',
    { name: F.required(F.string(), 'The deployment name.') },
    (v) => ({ name: v.name }),
  ),
  'admin-wmi': eventBranch(
    'admin-wmi',
    'An administrator calls SetClientProvisioningMode through WMI.',
    { enable: F.required(F.boolean(), 'The argument of SetClientProvisioningMode: true enters, false leaves.') },
    (v) => ({ enable: v.enable }),
  ),
  'registry-set': eventBranch(
    'registry-set',
    'A registry value is written directly (a registry-only edit).',
    {
      name: F.required(F.oneOf(REGISTRY_NAMES), 'The registry value name.'),
      value: F.required(anyValue, 'The value, typed as in client.registry.'),
    },
    (v, o) => {
      const name = v.name;
      if (name === 'ProvisioningMode' || name === 'SystemTaskExcludes') {
        const value = o.parse('value', REGISTRY_VALUE[name]);
        return value === F.BAD ? F.BAD : { name, value };
      }
      const value = o.parse('value', REGISTRY_VALUE[name]);
      return value === F.BAD ? F.BAD : { name, value };
    },
    {
      allOf: REGISTRY_NAMES.map((name) =>
        F.whenEquals('name', name, {
          properties: { value: { ...REGISTRY_VALUE[name].schema(), description: REGISTRY_DESCRIPTION[name] } },
        }),
      ),
    },
  ),
  'registry-delete': eventBranch(
    'registry-delete',
    'A registry value is deleted.',
    { name: F.required(F.oneOf(REGISTRY_NAMES), 'The registry value name.') },
    (v) => ({ name: v.name }),
  ),
  'clock-jump': eventBranch(
    'clock-jump',
    'The wall clock jumps; timers do not move.',
    { by: F.required(F.duration({ min: 'signed' }), 'How far the clock jumps; a leading - sets it back (-2h).') },
    (v) => ({ byMs: v.by }),
  ),
  'service-restart': eventBranch('service-restart', 'CcmExec restarts.', noProps, () => ({})),
  'ts-crash': eventBranch('ts-crash', 'The task sequence crashes; it is abandoned.', noProps, () => ({})),
  ccmeval: eventBranch('ccmeval', 'A manual ccmeval run.', noProps, () => ({})),
  'health-script': eventBranch(
    'health-script',
    "A client-health script's provisioning-mode repair runs (provsim remediate schedules it daily).",
    {
      action: F.required(
        F.oneOf(HEALTH_SCRIPT_ACTIONS),
        'force: registry "false" then SetClientProvisioningMode($false) whenever the registry says provisioning mode; window: the same only past the window after ProvisioningEnabledTime; registry-only: the registry value alone.',
      ),
      window: F.withDefault(
        F.duration({ min: 'zero' }),
        '4h',
        'With action window: act only on clients in provisioning mode for longer than this.',
      ),
    },
    (v) => ({ action: v.action, windowMs: v.window }),
  ),
} as const satisfies { readonly [K in ScenarioEventType]: F.Spec<unknown> };

// Every type in EVENT_TYPES has a branch, in that order.
const eventBranches = Object.fromEntries(EVENT_TYPES.map((t) => [t, events[t]])) as typeof events;

const event: F.Spec<ScenarioEvent> = F.tagged('type', eventBranches, 'event', 'The event type.');

const expect = F.object({
  what: 'the expectations',
  description: 'Expectations that `provsim check` judges; each present key is one expectation.',
  props: {
    finalProvisioningMode: F.optional(F.boolean(), 'Whether the client is in provisioning mode at the horizon.'),
    exitReason: F.optional(
      F.nullable(F.oneOf<ExitReason>(['ts-success', 'ts-failure', 'timeout', 'manual', 'registry-edit'])),
      'The reason of the last exit from provisioning mode; null for none.',
    ),
    exitedBy: F.optional(F.duration({ min: 'zero' }), 'Out of provisioning mode, for good, by this time.'),
    taskSequence: F.optional(
      F.oneOf<TaskSequenceOutcome>(['success', 'failed', 'abandoned', 'running', 'not-started', 'none']),
      'The outcome of the task sequence.',
    ),
    deploymentsProcessedBy: F.optional(F.duration({ min: 'zero' }), 'Every deployment processed by this time.'),
    hazards: F.optional(
      F.list(F.oneOf<HazardKind>(HAZARD_KINDS)),
      'Exactly these hazard kinds, in any order; [] for none.',
    ),
    violations: F.optional(
      F.list(F.oneOf<InvariantName>(INVARIANT_NAMES)),
      'Exactly these invariants violated, in any order (a known gap that the scenario pins); without this key, any violation fails the scenario.',
    ),
  },
  build: (v): Expect => {
    const out: { -readonly [K in keyof Expect]: Expect[K] } = {};
    if (v.finalProvisioningMode !== undefined) out.finalProvisioningMode = v.finalProvisioningMode;
    if (v.exitReason !== undefined) out.exitReason = v.exitReason;
    if (v.exitedBy !== undefined) out.exitedByMs = v.exitedBy;
    if (v.taskSequence !== undefined) out.taskSequence = v.taskSequence;
    if (v.deploymentsProcessedBy !== undefined) out.deploymentsProcessedByMs = v.deploymentsProcessedBy;
    if (v.hazards !== undefined) out.hazards = v.hazards;
    if (v.violations !== undefined) out.violations = v.violations;
    return out;
  },
});

const scenario = F.object({
  title: 'provsim scenario',
  what: 'a scenario',
  description:
    'A provsim scenario: a ConfigMgr client, an optional task sequence and timed events, simulated up to a horizon.',
  props: {
    name: F.required(
      scenarioName,
      'The scenario name: lowercase letters, digits and hyphens, such as upgrade-power-loss.',
    ),
    description: F.withDefault(F.string(), '', 'What the scenario shows.'),
    start: F.withDefault(
      dateTime,
      isoSeconds(DEFAULT_START_MS),
      'Wall clock at simulation time 0: an ISO 8601 date-time with Z or an offset.',
    ),
    horizon: F.withDefault(
      F.tap(F.duration({ min: 'positive' }), (ms, cx) => cx.vars.set('horizonMs', ms)),
      formatDuration(DEFAULT_HORIZON_MS),
      'How long to simulate (more than 0s).',
    ),
    seed: F.withDefault(F.integer(0, DWORD_MAX), 1, 'Seed for anything random: a whole number from 0 to 4294967295.'),
    client: F.withDefault(client, {}, 'The ConfigMgr client at time 0.'),
    assumptions: F.withDefault(assumptionsSpec, {}, 'Switches for the open points of the model.'),
    taskSequence: F.optional(taskSequence, 'The task sequence; absent: none runs.'),
    events: F.withDefault(F.list(event), [], 'Timed events, in any order.'),
    expect: F.optional(expect, 'Expectations checked by `provsim check`.'),
  },
  build: (v): Omit<Scenario, 'file'> => ({
    name: v.name,
    description: v.description,
    startMs: v.start,
    horizonMs: v.horizon,
    seed: v.seed,
    client: v.client,
    assumptions: v.assumptions,
    taskSequence: v.taskSequence ?? null,
    events: v.events,
    expect: v.expect ?? null,
  }),
});

// ---------------------------------------------------------------------------------------------------------------
// Loading

/** Parses and validates a scenario; throws a `ScenarioError` listing every problem found (and nothing else). */
export function parseScenario(text: string, file: string): Scenario {
  return { ...parseYamlWith(text, file, scenario, { noun: 'scenario', needs: '`name`' }), file };
}

/**
 * Parses a YAML (or JSON) document and validates it against a field definition: the one pipeline behind scenario
 * and fleet files. Throws a `ScenarioError` listing every problem found, sorted by position, and nothing else:
 * YAML errors, an empty document, alias bombs and deep nesting each become a clear issue.
 */
export function parseYamlWith<T>(
  text: string,
  file: string,
  spec: F.Spec<T>,
  what: { noun: string; needs: string },
): T {
  const lineCounter = new LineCounter();
  const raw: F.RawIssue[] = [];
  let result: T | F.Bad = F.BAD;
  try {
    result = validate(text, lineCounter, raw, spec, what);
  } catch (e) {
    raw.push({ offset: null, path: '', message: `internal error while reading the ${what.noun}: ${String(e)}` });
  }
  if (result !== F.BAD && raw.length === 0) return result;
  const issues = raw.map((r): ScenarioIssue => {
    const pos = r.offset === null ? { line: 1, col: 1 } : lineCounter.linePos(r.offset);
    return { line: pos.line, column: pos.col, path: r.path, message: r.message.replace(/\s*\n\s*/g, ' ') };
  });
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  if (issues.length === 0) issues.push({ line: 1, column: 1, path: '', message: `the ${what.noun} is not valid` });
  throw new ScenarioError(file, issues);
}

function validate<T>(
  text: string,
  lineCounter: LineCounter,
  issues: F.RawIssue[],
  spec: F.Spec<T>,
  what: { noun: string; needs: string },
): T | F.Bad {
  const empty = { offset: null, path: '', message: `the file is empty; a ${what.noun} needs at least ${what.needs}` };
  if (text.trim() === '') {
    issues.push(empty);
    return F.BAD;
  }
  const doc = parseDocument(text, { lineCounter, schema: 'core', prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const message = /call stack/i.test(e.message) ? 'the document is nested too deeply' : e.message;
      issues.push({ offset: e.pos[0], path: '', message: `invalid YAML: ${message}` });
    }
    return F.BAD;
  }
  if (doc.contents === null) {
    issues.push(empty);
    return F.BAD;
  }
  const cx = new F.Cx();
  try {
    const root = F.fromYaml(doc.contents, doc, (offset, message) => cx.issue(offset, '', message));
    const out = spec.parse(root, { path: '', offset: 0 }, cx);
    issues.push(...cx.issues);
    return out;
  } catch (e) {
    if (e instanceof F.TooManyNodes) {
      issues.push({ offset: null, path: '', message: 'the document is too large once its aliases are expanded' });
    } else if (e instanceof RangeError && /call stack/i.test(e.message)) {
      issues.push({ offset: null, path: '', message: 'the document is nested too deeply' });
    } else throw e;
    return F.BAD;
  }
}

/** The JSON Schema (draft 2020-12) of the scenario file format, from the definitions the loader validates with. */
export function scenarioJsonSchema(): object {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...scenario.schema(), $defs: F.schemaDefs() };
}

// ---------------------------------------------------------------------------------------------------------------
// Writing

/** Writes a scenario as YAML that `parseScenario` reads back to an equal scenario. */
export function scenarioToYaml(s: Scenario): string {
  const d = formatDuration;
  const c = s.client;
  const ccmevalOut: unknown =
    !c.ccmeval.enabled && c.ccmeval.everyMs === 86_400_000 && c.ccmeval.firstMs === 86_400_000
      ? false
      : {
          ...(c.ccmeval.enabled ? {} : { enabled: false }),
          every: d(c.ccmeval.everyMs),
          ...(c.ccmeval.firstMs === c.ccmeval.everyMs ? {} : { first: d(c.ccmeval.firstMs) }),
        };
  const out: Record<string, unknown> = {
    name: s.name,
    ...(s.description === '' ? {} : { description: s.description }),
    start: isoSeconds(s.startMs),
    horizon: d(s.horizonMs),
    seed: s.seed,
    client: {
      version: c.version,
      bootTime: d(c.bootTimeMs),
      serviceRestart: d(c.serviceRestartMs),
      checkInterval: d(c.checkIntervalMs),
      policyInterval: d(c.policyIntervalMs),
      ccmeval: ccmevalOut,
      startup: c.startup,
      poweredOn: c.poweredOn,
      ...(c.startsIn === 'os' ? {} : { startsIn: c.startsIn }),
      ...(Object.keys(c.registry).length === 0 ? {} : { registry: { ...c.registry } }),
    },
    assumptions: { ...s.assumptions },
  };
  const ts = s.taskSequence;
  if (ts !== null) {
    const at = ts.provisioningAtStep === null ? undefined : ts.steps[ts.provisioningAtStep]?.name;
    out.taskSequence = {
      name: ts.name,
      startAt: d(ts.startAtMs),
      ...(at === undefined ? {} : { provisioningAt: at }),
      steps: ts.steps.map((st) => ({
        name: st.name,
        duration: d(st.durationMs),
        // `restart: true` keeps files without Windows PE as they were written.
        ...(st.restart === false ? {} : { restart: st.restart === 'os' ? true : st.restart }),
        ...(st.disablesClient ? { disablesClient: true } : {}),
        ...(st.fails ? { fails: true } : {}),
        ...(st.continueOnError ? { continueOnError: true } : {}),
      })),
    };
  }
  if (s.events.length > 0) out.events = s.events.map(eventToPlain);
  if (s.expect !== null) {
    const e = s.expect;
    out.expect = {
      ...(e.finalProvisioningMode === undefined ? {} : { finalProvisioningMode: e.finalProvisioningMode }),
      ...(e.exitReason === undefined ? {} : { exitReason: e.exitReason }),
      ...(e.exitedByMs === undefined ? {} : { exitedBy: d(e.exitedByMs) }),
      ...(e.taskSequence === undefined ? {} : { taskSequence: e.taskSequence }),
      ...(e.deploymentsProcessedByMs === undefined ? {} : { deploymentsProcessedBy: d(e.deploymentsProcessedByMs) }),
      ...(e.hazards === undefined ? {} : { hazards: [...e.hazards] }),
      ...(e.violations === undefined ? {} : { violations: [...e.violations] }),
    };
  }
  const doc = new Document(out, { version: '1.2' });
  // Steps, events and small lists read best one per line.
  const flowItems = (path: string[]) => {
    const seq = doc.getIn(path, true);
    if (isSeq(seq)) for (const item of seq.items) if (isMap(item)) item.flow = true;
  };
  flowItems(['taskSequence', 'steps']);
  flowItems(['events']);
  for (const key of ['hazards', 'violations']) {
    const list = doc.getIn(['expect', key], true);
    if (isSeq(list)) list.flow = true;
  }
  const cc = doc.getIn(['client', 'ccmeval'], true);
  if (isMap(cc)) cc.flow = true;
  return `# yaml-language-server: $schema=./scenario.schema.json\n${doc.toString({ lineWidth: 0 })}`;
}

function eventToPlain(e: ScenarioEvent): Record<string, unknown> {
  const d = formatDuration;
  const base: Record<string, unknown> = { type: e.type, at: d(e.atMs) };
  switch (e.type) {
    case 'power-loss':
    case 'reboot':
      if (e.downtimeMs !== 0) base.downtime = d(e.downtimeMs);
      if (!e.recoverable) base.recoverable = false;
      break;
    case 'deployment':
      base.name = e.name;
      break;
    case 'admin-wmi':
      base.enable = e.enable;
      break;
    case 'registry-set':
      base.name = e.name;
      base.value = e.value;
      break;
    case 'registry-delete':
      base.name = e.name;
      break;
    case 'clock-jump':
      base.by = d(e.byMs);
      break;
    case 'service-restart':
    case 'ts-crash':
    case 'ccmeval':
      break;
    case 'health-script':
      base.action = e.action;
      if (e.action === 'window') base.window = d(e.windowMs);
      break;
  }
  if (e.repeat !== undefined) base.repeat = { every: d(e.repeat.everyMs), count: e.repeat.count };
  return base;
}
