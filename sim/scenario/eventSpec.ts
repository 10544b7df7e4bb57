/** The `events` of a scenario: one branch per event type, each with `at` and an optional `repeat`. */
import * as F from './fields.js';
import { REGISTRY_DESCRIPTION, REGISTRY_VALUE } from './registrySpec.js';
import {
  EVENT_TYPES,
  HEALTH_SCRIPT_ACTIONS,
  REGISTRY_NAMES,
  type Repeat,
  type ScenarioEvent,
  type ScenarioEventType,
} from './Scenario.js';
import { displayName, fmt, horizonOf, MAX_REPEAT_COUNT } from './sharedSpecs.js';

const repeat = F.object({
  what: 'a repeat',
  description: 'Repeats the event: `count` occurrences in all (the first included), `every` apart.',
  props: {
    every: F.required(F.duration({ min: 'positive' }), 'Time between occurrences (more than 0s).'),
    count: F.required(
      F.integer(
        1,
        MAX_REPEAT_COUNT,
        `the repeat count is the total number of occurrences: a whole number from 1 to ${MAX_REPEAT_COUNT} (the limit on occurrences of one event)`,
      ),
      `Total number of occurrences, the first one included (1 to ${MAX_REPEAT_COUNT}).`,
    ),
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
    { name: F.required(displayName, 'The deployment name.') },
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

export const eventSpec: F.Spec<ScenarioEvent> = F.tagged('type', eventBranches, 'event', 'The event type.');
