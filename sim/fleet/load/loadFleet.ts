/**
 * Reads fleet files (`*.fleet.yaml`; YAML or JSON) into a validated `Fleet`, and emits the JSON Schema of the format
 * (`scenarios/fleets/fleet.schema.json`). Both come from the definitions below, written in the scenario loader's
 * field language (`sim/scenario/fields.ts`), so the schema and the validation cannot drift apart.
 *
 * Bad input never throws anything but a `ScenarioError` listing every problem with its line, column and key, what
 * was wrong and what is allowed (the same messages and format as scenario files).
 */
import { TIMEOUT_RELEASE } from '../../model/timeout.js';
import { formatIsoSeconds } from '../../time/formatWall.js';
import * as F from '../../scenario/fields.js';
import { parseYamlWith } from '../../scenario/parseYamlWith.js';
import { MAX_WALL_MS, MIN_WALL_MS, wallText } from '../../scenario/scenarioSpec.js';
import {
  assumptionsSpec,
  checkProvisioningAt,
  clientVersion,
  DAY,
  displayName,
  DWORD_MAX,
  fmt,
  MINUTE,
  nameSpec,
  plainText,
  provisioningAtProp,
  stepContinueOnErrorProp,
  stepRestartProp,
  VERSION_DESCRIPTION,
} from '../../scenario/sharedSpecs.js';
import {
  type DurationDistribution,
  type Fleet,
  type FleetClientSettings,
  type FleetDeployment,
  type FleetStep,
  type FleetTaskSequence,
  type InitiallyStuck,
  type Interruptions,
  MAX_FLEET_CLIENTS,
  MAX_FLEET_HORIZON_MS,
  type MixEntry,
} from './Fleet.js';

// ---------------------------------------------------------------------------------------------------------------
// Shares, rates and distributions

const PERCENT = /^(\d+(?:\.\d+)?)%$/;

/** A share: a percentage such as `90%` or `0.5%`, or a fraction from 0 to 1. */
const share = F.custom<number>(
  (v, at, cx) => {
    const x = v.kind === 'scalar' ? v.value : undefined;
    if (typeof x === 'number' && x >= 0 && x <= 1) return x;
    if (typeof x === 'string') {
      const m = PERCENT.exec(x.trim());
      if (m !== null && Number(m[1]) <= 100) return Number(m[1]) / 100;
    }
    const hint = typeof x === 'number' && x > 1 && x <= 100 ? ` (write ${x}% for a percentage)` : '';
    cx.issue(
      v.offset ?? at.offset,
      at.path,
      `expected a share: a percentage from 0% to 100% such as 90% or 0.5%, or a fraction from 0 to 1; got ${F.describe(v)}${hint}`,
    );
    return F.BAD;
  },
  () => ({
    anyOf: [
      { type: 'string', pattern: PERCENT.source, examples: ['90%', '0.5%'] },
      { type: 'number', minimum: 0, maximum: 1 },
    ],
  }),
);

/** A non-negative rate (a plain number). */
const rate = F.custom<number>(
  (v, at, cx) => {
    const x = v.kind === 'scalar' ? v.value : undefined;
    if (typeof x === 'number' && Number.isFinite(x) && x >= 0 && x <= 24) return x;
    cx.issue(v.offset ?? at.offset, at.path, `expected a rate: a number from 0 to 24, got ${F.describe(v)}`);
    return F.BAD;
  },
  () => ({ type: 'number', minimum: 0, maximum: 24 }),
);

const zeroDuration = F.duration({ min: 'zero' });
const positiveDuration = F.duration({ min: 'positive' });

const uniformObject = F.object({
  what: 'a uniform distribution',
  description: 'Uniform between min and max (both included).',
  props: {
    min: F.required(zeroDuration, 'The smallest value (0s or more).'),
    max: F.required(zeroDuration, 'The largest value, no less than min.'),
  },
  check: (v, o) => {
    if (v.min !== undefined && v.max !== undefined && v.max < v.min) {
      o.issue('max', `max (${fmt(v.max)}) is less than min (${fmt(v.min)}); use max >= min`);
    }
  },
  build: (v): DurationDistribution | F.Bad => (v.max < v.min ? F.BAD : { kind: 'uniform', minMs: v.min, maxMs: v.max }),
});

const lognormalObject = F.object({
  what: 'a log-normal distribution',
  description: 'Log-normal, given by its median and its 95th percentile (a long right tail).',
  props: {
    median: F.required(positiveDuration, 'The median (more than 0s).'),
    p95: F.required(positiveDuration, 'The 95th percentile, no less than the median.'),
  },
  check: (v, o) => {
    if (v.median !== undefined && v.p95 !== undefined && v.p95 < v.median) {
      o.issue('p95', `p95 (${fmt(v.p95)}) is less than the median (${fmt(v.median)}); use p95 >= median`);
    }
  },
  build: (v): DurationDistribution | F.Bad =>
    v.p95 < v.median ? F.BAD : { kind: 'lognormal', medianMs: v.median, p95Ms: v.p95 },
});

const distributionObject = F.object({
  what: 'a duration distribution',
  description: 'Exactly one of fixed, uniform or lognormal.',
  props: {
    fixed: F.optional(zeroDuration, 'Always this duration.'),
    uniform: F.optional(uniformObject, 'Uniform between min and max.'),
    lognormal: F.optional(lognormalObject, 'Log-normal by median and 95th percentile.'),
  },
  check: (_v, o) => {
    const given = ['fixed', 'uniform', 'lognormal'].filter((k) => o.raw(k) !== undefined);
    if (given.length !== 1) {
      o.issue(
        null,
        given.length === 0
          ? 'a distribution needs one of fixed, uniform or lognormal, for example { lognormal: { median: 70m, p95: 3h } }'
          : `a distribution takes exactly one of fixed, uniform or lognormal; got ${given.join(' and ')}`,
      );
    }
  },
  build: (v): DurationDistribution | F.Bad => {
    if (v.fixed !== undefined && v.uniform === undefined && v.lognormal === undefined) {
      return { kind: 'fixed', ms: v.fixed };
    }
    if (v.uniform !== undefined && v.fixed === undefined && v.lognormal === undefined) return v.uniform;
    if (v.lognormal !== undefined && v.fixed === undefined && v.uniform === undefined) return v.lognormal;
    return F.BAD;
  },
  schemaExtra: { minProperties: 1, maxProperties: 1 },
});

/** A duration string (fixed) or a distribution mapping. */
const distribution = F.custom<DurationDistribution>(
  (v, at, cx) => {
    if (v.kind === 'map') return distributionObject.parse(v, at, cx);
    const ms = zeroDuration.parse(v, at, cx);
    return ms === F.BAD ? F.BAD : { kind: 'fixed', ms };
  },
  () => ({ anyOf: [zeroDuration.schema(), distributionObject.schema()] }),
);

// ---------------------------------------------------------------------------------------------------------------
// Mixes

function checkShares(entries: readonly { share: number }[] | undefined, o: F.ObjectCx, key: string, what: string) {
  if (entries === undefined) return;
  const total = entries.reduce((sum, e) => sum + e.share, 0);
  if (Math.abs(total - 1) > 1e-9) {
    o.issue(key, `the shares of ${what} add up to ${round(total * 100)}%; they must add up to 100%`);
  }
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

const releaseEntry = F.object({
  what: 'a release mix entry',
  description: 'A ConfigMgr release and the share of clients running it.',
  props: {
    version: F.required(clientVersion, VERSION_DESCRIPTION),
    share: F.required(share, 'The share of clients on this release, such as 90%.'),
  },
  build: (v): MixEntry<string> => ({ value: v.version, share: v.share }),
});

const maxMinutesValue = F.custom<number | null>(
  (v, at, cx) => {
    const x = v.kind === 'scalar' ? v.value : undefined;
    if (x === 'absent') return null;
    if (typeof x === 'number' && Number.isInteger(x) && x >= 0 && x <= DWORD_MAX) return x;
    cx.issue(
      v.offset ?? at.offset,
      at.path,
      `expected ProvisioningMaxMinutes: a whole number from 0 to ${DWORD_MAX} (0 means 48 hours), or absent; got ${F.describe(v)}`,
    );
    return F.BAD;
  },
  () => ({ anyOf: [{ type: 'integer', minimum: 0, maximum: DWORD_MAX }, { const: 'absent' }] }),
);

const maxMinutesEntry = F.object({
  what: 'a ProvisioningMaxMinutes mix entry',
  description: 'A ProvisioningMaxMinutes registry value and the share of clients that have it.',
  props: {
    value: F.required(maxMinutesValue, 'Minutes (REG_DWORD), or absent (48 hours).'),
    share: F.required(share, 'The share of clients with this value.'),
  },
  build: (v): MixEntry<number | null> => ({ value: v.value, share: v.share }),
});

// ---------------------------------------------------------------------------------------------------------------
// Client settings, assumptions

const ccmevalObject = F.object({
  what: 'the ccmeval schedule',
  description: "ccmeval every `every`; each client's first run falls at a random moment within the first `every`.",
  props: {
    enabled: F.withDefault(F.boolean(), true, 'Whether ccmeval runs on its schedule.'),
    every: F.withDefault(positiveDuration, DAY, 'Time between runs (at least 1m).'),
  },
  check: (v, o) => {
    if (v.every !== undefined && v.every < MINUTE) o.issue('every', `every is ${fmt(v.every)}; use 1m or more`);
  },
  build: (v) => (v.every < MINUTE ? F.BAD : { enabled: v.enabled, everyMs: v.every }),
});

const ccmeval = F.custom<FleetClientSettings['ccmeval']>(
  (v, at, cx) => {
    if (v.kind === 'scalar' && v.value === false) return { enabled: false, everyMs: 86_400_000 };
    if (v.kind === 'map') return ccmevalObject.parse(v, at, cx);
    cx.issue(
      v.offset ?? at.offset,
      at.path,
      `expected false (no scheduled ccmeval) or a mapping with keys enabled, every; got ${F.describe(v)}`,
    );
    return F.BAD;
  },
  () => ({ anyOf: [{ const: false, description: 'No scheduled ccmeval runs.' }, ccmevalObject.schema()] }),
);

function atLeastMinute(key: string, ms: number | undefined, o: F.ObjectCx): void {
  if (ms !== undefined && ms < MINUTE) o.issue(key, `${key} is ${fmt(ms)}; a fleet needs 1m or more`);
}

const client = F.object({
  what: 'the client settings',
  description: 'Settings shared by every client of the fleet.',
  props: {
    bootTime: F.withDefault(zeroDuration, '2m', 'How long a boot takes (0s or more).'),
    serviceRestart: F.withDefault(zeroDuration, '10s', 'How long CcmExec stays stopped during a restart.'),
    checkInterval: F.withDefault(positiveDuration, '60m', 'Time between timeout checks (at least 1m).'),
    policyInterval: F.withDefault(
      positiveDuration,
      '60m',
      "Time between policy cycles (at least 1m); each client's cycle has its own random phase.",
    ),
    ccmeval: F.withDefault(ccmeval, {}, 'The ccmeval schedule, or false for none.'),
  },
  check: (v, o) => {
    atLeastMinute('checkInterval', v.checkInterval, o);
    atLeastMinute('policyInterval', v.policyInterval, o);
  },
  build: (v): FleetClientSettings | F.Bad =>
    v.checkInterval < MINUTE || v.policyInterval < MINUTE
      ? F.BAD
      : {
          bootTimeMs: v.bootTime,
          serviceRestartMs: v.serviceRestart,
          checkIntervalMs: v.checkInterval,
          policyIntervalMs: v.policyInterval,
          ccmeval: v.ccmeval,
        },
});

// ---------------------------------------------------------------------------------------------------------------
// Task sequences

/** `true`, `false` or a share: the probability that a run has the property. */
const probability = F.custom<number>(
  (v, at, cx) => {
    if (v.kind === 'scalar' && typeof v.value === 'boolean') return v.value ? 1 : 0;
    return share.parse(v, at, cx);
  },
  () => ({ anyOf: [{ type: 'boolean' }, share.schema()] }),
);

const step = F.object({
  what: 'a task sequence step',
  description: 'One step; its duration is drawn for each client from a distribution.',
  props: {
    name: F.required(displayName, 'The step name, such as "Upgrade Operating System".'),
    duration: F.required(distribution, 'A duration (fixed), or { fixed | uniform | lognormal }.'),
    restart: stepRestartProp,
    disablesClient: F.withDefault(
      probability,
      false,
      'Setup disables CcmExec during the step: true, false, or the share of runs where it does (such as 30%).',
    ),
    fails: F.withDefault(probability, false, 'The step fails: true, false, or the share of runs where it fails.'),
    continueOnError: stepContinueOnErrorProp,
  },
  build: (v): FleetStep => ({
    name: v.name,
    duration: v.duration,
    restart: v.restart,
    disablesClient: v.disablesClient,
    fails: v.fails,
    continueOnError: v.continueOnError,
  }),
});

const startWindow = F.object({
  what: 'a start window',
  description: 'Each client starts the sequence at a uniform moment between from and to (fleet time).',
  props: {
    from: F.withDefault(zeroDuration, '0s', 'The earliest start, as a duration since the fleet start.'),
    to: F.optional(zeroDuration, 'The latest start; absent: the horizon.'),
  },
  check: (v, o) => {
    if (v.from !== undefined && v.to !== undefined && v.to < v.from) {
      o.issue('to', `to (${fmt(v.to)}) is before from (${fmt(v.from)}); use to >= from`);
    }
  },
  build: (v) => (v.to !== undefined && v.to < v.from ? F.BAD : { fromMs: v.from, toMs: v.to ?? null }),
});

const taskSequence = F.object({
  what: 'a task sequence',
  description: 'A task sequence that a share of the clients run once, at a random moment of its start window.',
  props: {
    name: F.withDefault(displayName, 'Task sequence', 'The task sequence name.'),
    share: F.required(share, 'The share of clients that run it, such as 3%.'),
    startWindow: F.withDefault(startWindow, {}, 'When the clients start it (default: any time in the run).'),
    provisioningAt: provisioningAtProp,
    crash: F.withDefault(share, '0%', 'The share of runs that crash (ts-crash) at a random moment of the run.'),
    steps: F.required(
      F.list(step, { minItems: 1, tooShort: 'a task sequence needs at least one step' }),
      'The steps, in order (at least one).',
    ),
  },
  check: (v, o) => {
    checkProvisioningAt(v.provisioningAt, o);
  },
  build: (v): FleetTaskSequence | F.Bad => {
    const index = v.provisioningAt === undefined ? null : v.steps.findIndex((s) => s.name === v.provisioningAt);
    if (index === -1) return F.BAD;
    return {
      name: v.name,
      share: v.share,
      startWindow: v.startWindow,
      provisioningAtStep: index,
      steps: v.steps,
      crash: v.crash,
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Interruptions, stuck clients, deployments

function interruptions(what: string, description: string, defaultDowntime: string) {
  return F.object({
    what,
    description,
    props: {
      perHour: F.optional(rate, 'Expected interruptions per client per hour, at most 1 (give perHour or perDay).'),
      perDay: F.optional(rate, 'Expected interruptions per client per day (give perHour or perDay).'),
      downtime: F.withDefault(distribution, defaultDowntime, 'How long the device stays off before it boots.'),
      unrecoverable: F.withDefault(
        share,
        '0%',
        'The share of interruptions a running task sequence cannot resume from (it is abandoned).',
      ),
    },
    check: (v, o) => {
      const given = ['perHour', 'perDay'].filter((k) => o.raw(k) !== undefined);
      if (given.length !== 1) {
        o.issue(
          null,
          given.length === 0
            ? 'give the rate as perHour or perDay, for example perHour: 0.0002'
            : 'give the rate as perHour or perDay, not both',
        );
      }
      if (v.perHour !== undefined && v.perHour > 1) o.issue('perHour', `perHour is ${v.perHour}; use 1 or less`);
    },
    build: (v): Interruptions | F.Bad => {
      const perHour = v.perHour ?? (v.perDay === undefined ? undefined : v.perDay / 24);
      if (perHour === undefined || perHour > 1 || (v.perHour !== undefined && v.perDay !== undefined)) return F.BAD;
      return { perHour, downtime: v.downtime, unrecoverable: v.unrecoverable };
    },
    schemaExtra: { oneOf: [{ required: ['perHour'] }, { required: ['perDay'] }] },
  });
}

const interruptionsObject = F.object({
  what: 'the interruptions',
  description: 'Device interruptions over time, for every client: power losses and restarts.',
  props: {
    powerLoss: F.optional(
      interruptions('power losses', 'Power losses (a Poisson process per client).', '5m'),
      'Power losses.',
    ),
    reboot: F.optional(
      interruptions('restarts', 'Restarts, such as patch reboots (a Poisson process per client).', '0s'),
      'Restarts.',
    ),
  },
  build: (v) => ({ powerLoss: v.powerLoss ?? null, reboot: v.reboot ?? null }),
});

const initiallyStuck = F.object({
  what: 'the initially stuck clients',
  description: 'Clients already in provisioning mode when the run starts (left there by an earlier failure).',
  props: {
    share: F.required(share, 'The share of clients in provisioning mode at the start.'),
    enteredAgo: F.withDefault(
      distribution,
      '0s',
      `How long before the start they entered (their ProvisioningEnabledTime, on release ${TIMEOUT_RELEASE} and later).`,
    ),
  },
  build: (v): InitiallyStuck => ({ share: v.share, enteredAgo: v.enteredAgo }),
});

const deployment = F.object({
  what: 'a deployment',
  description: 'A required deployment published to every client, once or repeatedly.',
  props: {
    name: F.required(displayName, 'The deployment name.'),
    at: F.required(zeroDuration, 'When it is first published, as a duration since the fleet start.'),
    every: F.optional(positiveDuration, 'Published again every this long, up to the horizon (at least 1h).'),
  },
  check: (v, o) => {
    if (v.every !== undefined && v.every < 3_600_000) o.issue('every', `every is ${fmt(v.every)}; use 1h or more`);
  },
  build: (v): FleetDeployment | F.Bad =>
    v.every !== undefined && v.every < 3_600_000 ? F.BAD : { name: v.name, atMs: v.at, everyMs: v.every ?? null },
});

// ---------------------------------------------------------------------------------------------------------------
// The fleet

const fleetName = nameSpec('upgrade-wave');

const DEFAULT_FLEET_START_MS = Date.UTC(2026, 0, 1);

/**
 * [provsim] Every client's scenario keeps its wall clock in the years a scenario file allows (from 1970 to
 * 9999-12-30T23:59:59Z, `MIN_WALL_MS` to `MAX_WALL_MS`): it starts up to one policy interval before the fleet (the
 * phase of its policy cycle) and ends at the fleet's horizon. A fleet past them ran, and `--explain` printed a client
 * scenario that `provsim validate` refuses. The problem (the key it belongs to and why), or null; `--days` is
 * checked by the same function.
 */
export function fleetWallClockProblem(
  startMs: number,
  horizonMs: number,
  policyIntervalMs: number,
): { readonly key: 'start' | 'horizon'; readonly why: string } | null {
  const earliest = MIN_WALL_MS + policyIntervalMs;
  if (startMs < earliest) {
    return {
      key: 'start',
      why:
        `the start must lie at ${formatIsoSeconds(earliest)} or later: each client's scenario starts up to one ` +
        `policy interval (${fmt(policyIntervalMs)}) before the fleet, and a scenario starts in 1970 or later`,
    };
  }
  const end = startMs + horizonMs;
  if (end > MAX_WALL_MS) {
    return {
      key: 'horizon',
      why:
        `the wall clock reaches ${wallText(end)} at the horizon; it must stay up to ${formatIsoSeconds(MAX_WALL_MS)} ` +
        '(the years the registry and the logs can express): shorten the horizon or start earlier',
    };
  }
  return null;
}

const fleet = F.object({
  title: 'provsim fleet',
  what: 'a fleet',
  description:
    'A provsim fleet: a population of ConfigMgr clients described by distributions, each client simulated with the same model rules as a scenario.',
  props: {
    name: F.required(fleetName, 'The fleet name: lowercase letters, digits and hyphens.'),
    description: F.withDefault(plainText, '', 'What the fleet represents.'),
    clients: F.required(F.integer(1, MAX_FLEET_CLIENTS), 'How many clients (1 or more).'),
    start: F.withDefault(F.dateTime(), formatIsoSeconds(DEFAULT_FLEET_START_MS), 'Wall clock at fleet time 0 (UTC).'),
    horizon: F.withDefault(positiveDuration, '30d', 'How long to simulate (at most 366d).'),
    seed: F.withDefault(F.integer(0, DWORD_MAX), 1, 'Seed of every random draw: a whole number from 0 to 4294967295.'),
    releases: F.withDefault(
      F.list(releaseEntry, { minItems: 1, tooShort: 'the release mix needs at least one entry' }),
      [{ version: '2403', share: '100%' }],
      'The release mix; the shares add up to 100%.',
    ),
    maxMinutes: F.withDefault(
      F.list(maxMinutesEntry, { minItems: 1, tooShort: 'the ProvisioningMaxMinutes mix needs at least one entry' }),
      [{ value: 'absent', share: '100%' }],
      'The ProvisioningMaxMinutes mix; the shares add up to 100%.',
    ),
    client: F.withDefault(client, {}, 'Settings shared by every client.'),
    assumptions: F.withDefault(assumptionsSpec, {}, 'Switches for the open points of the model.'),
    taskSequences: F.withDefault(
      F.list(taskSequence),
      [],
      'Task sequences; each client runs at most one. Their shares add up to 100% or less.',
    ),
    interruptions: F.withDefault(interruptionsObject, {}, 'Power losses and restarts.'),
    initiallyStuck: F.optional(initiallyStuck, 'Clients already in provisioning mode at the start.'),
    deployments: F.withDefault(F.list(deployment), [], 'Deployments published to every client.'),
  },
  check: (v, o) => {
    if (v.horizon !== undefined && v.horizon > MAX_FLEET_HORIZON_MS) {
      o.issue('horizon', `the horizon is ${fmt(v.horizon)}; a fleet runs at most ${fmt(MAX_FLEET_HORIZON_MS)}`);
    }
    checkShares(v.releases, o, 'releases', 'the release mix');
    checkShares(v.maxMinutes, o, 'maxMinutes', 'the ProvisioningMaxMinutes mix');
    const versions = new Set<string>();
    for (const r of v.releases ?? []) {
      if (versions.has(r.value)) o.issue('releases', `release "${r.value}" is listed twice`);
      versions.add(r.value);
    }
    const values = new Set<number | null>();
    for (const m of v.maxMinutes ?? []) {
      if (values.has(m.value)) o.issue('maxMinutes', `ProvisioningMaxMinutes ${m.value ?? 'absent'} is listed twice`);
      values.add(m.value);
    }
    const tsTotal = (v.taskSequences ?? []).reduce((sum, t) => sum + t.share, 0);
    if (tsTotal > 1 + 1e-9) {
      o.issue('taskSequences', `the task sequences' shares add up to ${round(tsTotal * 100)}%; use 100% or less`);
    }
    if (v.start !== undefined && v.horizon !== undefined && v.client !== undefined) {
      const problem = fleetWallClockProblem(v.start, v.horizon, v.client.policyIntervalMs);
      if (problem !== null) o.issue(problem.key, problem.why);
    }
    if (v.horizon !== undefined) {
      for (const d of v.deployments ?? []) {
        if (d.atMs > v.horizon) {
          o.issue('deployments', `deployment "${d.name}" at ${fmt(d.atMs)} is outside the horizon (${fmt(v.horizon)})`);
        }
      }
    }
  },
  build: (v): Omit<Fleet, 'file'> | F.Bad => {
    if (v.horizon > MAX_FLEET_HORIZON_MS) return F.BAD;
    return {
      name: v.name,
      description: v.description,
      clients: v.clients,
      startMs: v.start,
      horizonMs: v.horizon,
      seed: v.seed,
      releases: v.releases,
      maxMinutes: v.maxMinutes,
      client: v.client,
      assumptions: v.assumptions,
      taskSequences: v.taskSequences,
      powerLoss: v.interruptions.powerLoss,
      reboot: v.interruptions.reboot,
      initiallyStuck: v.initiallyStuck ?? null,
      deployments: v.deployments,
    };
  },
});

// ---------------------------------------------------------------------------------------------------------------
// Loading

/** Parses and validates a fleet file; throws a `ScenarioError` listing every problem found (and nothing else). */
export function parseFleet(text: string, file: string): Fleet {
  return { ...parseYamlWith(text, file, fleet, { noun: 'fleet', needs: '`name` and `clients`' }), file };
}

/** The JSON Schema (draft 2020-12) of the fleet file format, from the definitions the loader validates with. */
export function fleetJsonSchema(): object {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...fleet.schema(), $defs: F.schemaDefs() };
}
