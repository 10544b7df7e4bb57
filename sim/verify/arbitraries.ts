/**
 * fast-check arbitraries for whole scenarios, valid by construction: every time is drawn as a fraction of the
 * horizon (so shrinking never makes one fall outside it), step names are unique, repeats fit the horizon, registry
 * values take the edge values that matter (absent, 0, 1, 59, 60, 61, 2880, 4294967295, "TRUE"), clocks jump both
 * ways, releases straddle 1902. A generated scenario serialises to YAML that the loader reads back unchanged.
 */
import fc from 'fast-check';
import {
  ASSUMPTION_VALUES,
  type Assumptions,
  type Environment,
  DEFAULT_ASSUMPTIONS,
  EVENT_TYPES,
  HEALTH_SCRIPT_ACTIONS,
  type RegistryValues,
  type Scenario,
  type ScenarioEvent,
  type ScenarioEventType,
  type TaskSequence,
} from '../scenario/Scenario.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

export const EDGE_MAX_MINUTES = [0, 1, 59, 60, 61, 2880, 4294967295] as const;
const START_MS = Date.UTC(2026, 2, 2, 8);

export interface ScenarioArbitraryOptions {
  /** Fixed assumptions (defaults overridden by these), or `'any'` to draw every combination. */
  readonly assumptions?: Partial<Assumptions> | 'any';
  /** Most scripted events in a scenario (default 25). */
  readonly maxEvents?: number;
  /** The event kinds drawn from (default: every kind). */
  readonly kinds?: readonly ScenarioEventType[];
  /** Swarm: each scenario uses a random subset of those kinds and of the step flags. */
  readonly swarm?: boolean;
}

/** A fraction of the horizon in millionths, mapped to a whole second within it. */
const fraction = fc.integer({ min: 0, max: 1_000_000 });
const atFraction = (horizonMs: number, f: number) => Math.floor((horizonMs * f) / 1_000_000 / S) * S;

const seconds = (min: number, max: number) => fc.integer({ min, max }).map((n) => n * S);
const minutes = (min: number, max: number) => fc.integer({ min, max }).map((n) => n * M);

const horizonArb = fc.oneof(
  { weight: 2, arbitrary: minutes(60, 72 * 60) },
  { weight: 5, arbitrary: minutes(48 * 60, 10 * 24 * 60) },
  { weight: 1, arbitrary: minutes(10 * 24 * 60, 30 * 24 * 60) },
);

const versionArb = fc.constantFrom('1806', '1810', '1902', '1906', '2010', '2403', '2403', '2403');

const maxMinutesArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...EDGE_MAX_MINUTES) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 6000 }) },
);
const modeValueArb = fc.constantFrom('true', 'false', 'TRUE', 'False', '');
const excludesArb = fc.constantFrom(
  '',
  'SchedulerStartup;SchedulerShutdown;SchedulerLogon;SchedulerLogoff;ClientRegistrationStartup',
);
/** A timestamp within three days either side of the start. */
const stampArb = fc.integer({ min: -3 * 86_400, max: 3 * 86_400 }).map((d) => START_MS / 1000 + d);

const registryArb: fc.Arbitrary<RegistryValues> = fc.record(
  {
    ProvisioningMode: modeValueArb,
    SystemTaskExcludes: excludesArb,
    ProvisioningEnabledTime: stampArb,
    ProvisioningMaxMinutes: maxMinutesArb,
  },
  { requiredKeys: [] },
);

const clientArb = fc.record({
  version: versionArb,
  bootTimeMs: fc.oneof(fc.constant(2 * M), seconds(0, 600)),
  serviceRestartMs: fc.oneof(fc.constant(10 * S), fc.constant(0), seconds(1, 300)),
  checkIntervalMs: fc.oneof({ weight: 4, arbitrary: fc.constant(H) }, { weight: 1, arbitrary: minutes(1, 180) }),
  policyIntervalMs: fc.oneof({ weight: 4, arbitrary: fc.constant(H) }, { weight: 1, arbitrary: minutes(1, 180) }),
  ccmeval: fc.record({
    enabled: fc.boolean(),
    everyMs: fc.oneof(fc.constant(D), minutes(30, 48 * 60)),
    firstMs: fc.oneof(fc.constant(D), minutes(0, 48 * 60)),
  }),
  startup: fc.oneof(
    { weight: 5, arbitrary: fc.constant('auto' as const) },
    { weight: 1, arbitrary: fc.constant('disabled' as const) },
  ),
  poweredOn: fc.oneof({ weight: 5, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  registry: fc.oneof({ weight: 2, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: registryArb }),
});

const assumptionsArb: fc.Arbitrary<Assumptions> = fc.record({
  setRestartsService: fc.constantFrom(...ASSUMPTION_VALUES.setRestartsService),
  checkLoop: fc.constantFrom(...ASSUMPTION_VALUES.checkLoop),
  maxMinutesRead: fc.constantFrom(...ASSUMPTION_VALUES.maxMinutesRead),
  missingTimestamp: fc.constantFrom(...ASSUMPTION_VALUES.missingTimestamp),
});

const stepArb = fc.record({
  durationMs: fc.oneof(minutes(1, 10), minutes(10, 90), minutes(60, 240), seconds(0, 600)),
  // A quarter restart into the installed OS, one in eight into Windows PE (wipe-and-load, bare metal).
  restart: fc.integer({ min: 0, max: 7 }).map((n): Environment | false => (n <= 1 ? 'os' : n === 2 ? 'winpe' : false)),
  disablesClient: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
  fails: fc.integer({ min: 0, max: 6 }).map((n) => n === 0),
  continueOnError: fc.boolean(),
});

const STEP_NAMES = [
  'Download content',
  'Upgrade operating system',
  'Setup Windows and ConfigMgr',
  'Install applications',
  'Install updates',
  'Apply drivers',
  'Run script',
];

const taskSequenceArb = (horizonMs: number): fc.Arbitrary<TaskSequence> =>
  fc
    .record({
      start: fraction,
      steps: fc.array(stepArb, { minLength: 1, maxLength: 20, size: 'max' }),
      provisioningAt: fc.option(fc.nat(), { nil: null }),
    })
    .map(({ start, steps, provisioningAt }) => ({
      name: 'Generated task sequence',
      startAtMs: atFraction(horizonMs, start),
      provisioningAtStep: provisioningAt === null ? null : provisioningAt % steps.length,
      steps: steps.map((s, i) => ({ ...s, name: `${i + 1} ${STEP_NAMES[i % STEP_NAMES.length]}` })),
    }));

type EventDraft = {
  readonly f: number;
  readonly repeat: { readonly f: number; readonly count: number } | null;
  readonly body: EventBody;
};
type EventBody = DistributiveOmit<ScenarioEvent, 'atMs' | 'repeat'>;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The event bodies of each kind (registry edits: one arbitrary per value name). */
const EVENT_BODY_ARBS: Readonly<Record<ScenarioEventType, readonly fc.Arbitrary<EventBody>[]>> = {
  'power-loss': [
    fc.record({
      type: fc.constant('power-loss' as const),
      downtimeMs: fc.oneof(fc.constant(0), minutes(1, 120)),
      recoverable: fc.boolean(),
    }),
  ],
  reboot: [
    fc.record({
      type: fc.constant('reboot' as const),
      downtimeMs: fc.oneof(fc.constant(0), minutes(1, 30)),
      recoverable: fc.boolean(),
    }),
  ],
  deployment: [fc.record({ type: fc.constant('deployment' as const), name: fc.constant('') })],
  'admin-wmi': [fc.record({ type: fc.constant('admin-wmi' as const), enable: fc.boolean() })],
  'registry-set': [
    fc.record({
      type: fc.constant('registry-set' as const),
      name: fc.constant('ProvisioningMaxMinutes' as const),
      value: maxMinutesArb,
    }),
    fc.record({
      type: fc.constant('registry-set' as const),
      name: fc.constant('ProvisioningMode' as const),
      value: modeValueArb,
    }),
    fc.record({
      type: fc.constant('registry-set' as const),
      name: fc.constant('ProvisioningEnabledTime' as const),
      value: stampArb,
    }),
    fc.record({
      type: fc.constant('registry-set' as const),
      name: fc.constant('SystemTaskExcludes' as const),
      value: excludesArb,
    }),
  ],
  'registry-delete': [
    fc.record({
      type: fc.constant('registry-delete' as const),
      name: fc.constantFrom(
        'ProvisioningMode' as const,
        'SystemTaskExcludes' as const,
        'ProvisioningEnabledTime' as const,
        'ProvisioningMaxMinutes' as const,
      ),
    }),
  ],
  'clock-jump': [
    fc.record({
      type: fc.constant('clock-jump' as const),
      byMs: fc.oneof(seconds(-3 * 86_400, -1), seconds(1, 3 * 86_400)),
    }),
  ],
  'service-restart': [fc.record({ type: fc.constant('service-restart' as const) })],
  'ts-crash': [fc.record({ type: fc.constant('ts-crash' as const) })],
  ccmeval: [fc.record({ type: fc.constant('ccmeval' as const) })],
  'health-script': [
    fc
      .record({
        type: fc.constant('health-script' as const),
        action: fc.constantFrom(...HEALTH_SCRIPT_ACTIONS),
        windowMs: fc.oneof(fc.constant(4 * H), minutes(0, 48 * 60)),
      })
      // The window is read (and written to a file) for `window` only; the others keep the loader's default.
      .map((e) => (e.action === 'window' ? e : { ...e, windowMs: 4 * H })),
  ],
};

/** Event bodies of the given kinds, each registry edit as likely as any other event. */
function eventBodyArb(kinds: readonly ScenarioEventType[]): fc.Arbitrary<EventBody> {
  return fc.oneof(...kinds.flatMap((k) => EVENT_BODY_ARBS[k]));
}

const eventDraftArb = (kinds: readonly ScenarioEventType[]): fc.Arbitrary<EventDraft> =>
  fc.record({
    f: fraction,
    repeat: fc.option(fc.record({ f: fc.integer({ min: 1, max: 100_000 }), count: fc.integer({ min: 2, max: 20 }) }), {
      nil: null,
      freq: 6,
    }),
    body: eventBodyArb(kinds),
  });

/** Places a drafted event in the horizon; a repeat is trimmed to the occurrences that fit. */
function placeEvent(horizonMs: number, draft: EventDraft, index: number): ScenarioEvent {
  const atMs = atFraction(horizonMs, draft.f);
  const body = draft.body.type === 'deployment' ? { ...draft.body, name: `Deployment ${index + 1}` } : draft.body;
  if (draft.repeat === null) return { ...body, atMs } as ScenarioEvent;
  const everyMs = Math.max(S, atFraction(horizonMs, draft.repeat.f));
  const count = Math.min(draft.repeat.count, Math.floor((horizonMs - atMs) / everyMs) + 1);
  return (count >= 2 ? { ...body, atMs, repeat: { everyMs, count } } : { ...body, atMs }) as ScenarioEvent;
}

/** The step flags a swarm draws a subset of. */
export const STEP_FLAGS = ['restart', 'disablesClient', 'fails', 'continueOnError'] as const;
export type StepFlag = (typeof STEP_FLAGS)[number];

/** Whole scenarios, valid by construction. */
export function scenarioArbitrary(options: ScenarioArbitraryOptions = {}): fc.Arbitrary<Scenario> {
  const kinds = options.kinds ?? EVENT_TYPES;
  if (options.swarm !== true) return scenarioOf(options, kinds, STEP_FLAGS);
  // Swarm testing (Groce et al., ISSTA 2012): each scenario draws its own subset of event kinds and step flags,
  // so some scenarios pile up a few kinds instead of spreading thin over all of them.
  return fc
    .record({ kinds: fc.subarray([...kinds], { minLength: 1 }), flags: fc.subarray([...STEP_FLAGS]) })
    .chain((swarm) => scenarioOf(options, swarm.kinds, swarm.flags));
}

function scenarioOf(
  options: ScenarioArbitraryOptions,
  kinds: readonly ScenarioEventType[],
  flags: readonly StepFlag[],
): fc.Arbitrary<Scenario> {
  const fixed = options.assumptions === 'any' ? null : { ...DEFAULT_ASSUMPTIONS, ...options.assumptions };
  const allFlags = flags.length === STEP_FLAGS.length;
  const keepFlags = (ts: TaskSequence | null): TaskSequence | null =>
    ts === null || allFlags
      ? ts
      : {
          ...ts,
          steps: ts.steps.map((step) => ({
            ...step,
            ...Object.fromEntries(STEP_FLAGS.filter((f) => !flags.includes(f)).map((f) => [f, false])),
          })),
        };
  return horizonArb.chain((horizonMs) =>
    fc
      .record({
        seed: fc.nat(),
        startOffsetS: fc.integer({ min: 0, max: 86_400 }),
        client: clientArb,
        assumptions: fixed === null ? assumptionsArb : fc.constant(fixed),
        taskSequence: fc.option(taskSequenceArb(horizonMs), { nil: null, freq: 4 }),
        events: fc.array(eventDraftArb(kinds), { maxLength: options.maxEvents ?? 25, size: 'max' }),
      })
      .map((r): Scenario => ({
        name: 'generated',
        description: '',
        file: null,
        startMs: START_MS + r.startOffsetS * S,
        horizonMs,
        seed: r.seed,
        // One scenario in six starts in Windows PE. Read from the seed's draw (the model draws nothing from the
        // seed) rather than drawn anew: a new draw would move every later one and the counterexamples they shrink to.
        client: { ...r.client, startsIn: r.seed % 6 === 5 ? 'winpe' : 'os' },
        assumptions: r.assumptions,
        taskSequence: keepFlags(r.taskSequence),
        events: r.events.map((e, i) => placeEvent(horizonMs, e, i)),
        expect: null,
      })),
  );
}
