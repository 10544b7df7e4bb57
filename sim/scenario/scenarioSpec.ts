/**
 * The scenario file format as one definition, the single source of truth for the loader and the JSON Schema: the
 * top level, the expectations and the checks of the wall clock, built from the specs of its blocks.
 */
import { formatIsoSeconds } from '../time/formatWall.js';
import { formatDuration } from '../time/Duration.js';
import { clientSpec } from './clientSpec.js';
import { eventSpec } from './eventSpec.js';
import * as F from './fields.js';
import {
  DEFAULT_HORIZON_MS,
  DEFAULT_START_MS,
  type ExitReason,
  type Expect,
  HAZARD_KINDS,
  type HazardKind,
  INVARIANT_NAMES,
  type InvariantName,
  type Scenario,
  type ScenarioEvent,
  type TaskSequenceOutcome,
} from './Scenario.js';
import {
  assumptionsSpec,
  DWORD_MAX,
  fmt,
  MAX_EVENTS,
  MAX_OCCURRENCES,
  NAME_MAX_LENGTH,
  nameSpec,
  plainText,
} from './sharedSpecs.js';
import { taskSequenceSpec } from './taskSequenceSpec.js';

const scenarioName = nameSpec('upgrade-power-loss');
const dateTime = F.dateTime();

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

/**
 * The wall clock stays inside the years the registry (ProvisioningEnabledTime, Unix seconds, not negative) and the
 * CMTrace logs (four-digit years, in any time zone) can express: from 1970-01-01T00:00:00Z to 9999-12-30T23:59:59Z
 * (a day short of the end of 9999, so that a log's local time zone never reaches year 10000) [provsim].
 */
/** [provsim] (choice 21) The wall clock stays from 1970 to 9999-12-30T23:59:59Z: the registry and the CMTrace logs can express it. */
export const MIN_WALL_MS = 0;
export const MAX_WALL_MS = Date.UTC(9999, 11, 31) - 1000;

export const wallText = (ms: number): string =>
  Math.abs(ms) <= 8.64e15 ? formatIsoSeconds(ms) : `${ms} ms after 1970`;

function checkWallClock(
  startMs: number | undefined,
  horizonMs: number | undefined,
  events: readonly ScenarioEvent[] | undefined,
  o: F.ObjectCx,
): void {
  if (startMs === undefined || horizonMs === undefined) return;
  const range = 'from 1970-01-01T00:00:00Z to 9999-12-30T23:59:59Z (the years the registry and the logs can express)';
  if (startMs < MIN_WALL_MS || startMs > MAX_WALL_MS) {
    o.issue('start', `the start must lie ${range}`);
    return;
  }
  // The clock at each jump (before and after it) and at the horizon; it only moves forward in between.
  const jumps: { atMs: number; byMs: number }[] = [];
  for (const e of events ?? []) {
    if (e.type !== 'clock-jump') continue;
    const count = e.repeat?.count ?? 1;
    for (let k = 0; k < count; k++) jumps.push({ atMs: e.atMs + k * (e.repeat?.everyMs ?? 0), byMs: e.byMs });
  }
  jumps.sort((a, b) => a.atMs - b.atMs);
  let offset = 0;
  for (const j of jumps) {
    if (j.atMs > horizonMs) break;
    if (startMs + j.atMs + offset > MAX_WALL_MS) break;
    offset += j.byMs;
    const wall = startMs + j.atMs + offset;
    if (wall < MIN_WALL_MS || wall > MAX_WALL_MS) {
      o.issue(
        'events',
        `a clock-jump at ${fmt(j.atMs)} sets the wall clock to ${wallText(wall)}; the wall clock must stay ${range}`,
      );
      return;
    }
  }
  const end = startMs + horizonMs + offset;
  if (end > MAX_WALL_MS) {
    o.issue(
      'horizon',
      `the wall clock reaches ${wallText(end)} at the horizon; it must stay ${range}: shorten the horizon or start earlier`,
    );
  }
}

export const scenarioSpec = F.object({
  title: 'provsim scenario',
  what: 'a scenario',
  description:
    'A provsim scenario: a ConfigMgr client, an optional task sequence and timed events, simulated up to a horizon.',
  props: {
    name: F.required(
      scenarioName,
      `The scenario name: lowercase letters, digits and hyphens, at most ${NAME_MAX_LENGTH} characters, such as upgrade-power-loss; it names the report files (so \`run\` refuses "index", its index page).`,
    ),
    description: F.withDefault(plainText, '', 'What the scenario shows.'),
    start: F.withDefault(
      dateTime,
      formatIsoSeconds(DEFAULT_START_MS),
      'Wall clock at simulation time 0: an ISO 8601 date-time with Z or an offset.',
    ),
    horizon: F.withDefault(
      F.tap(F.duration({ min: 'positive' }), (ms, cx) => cx.vars.set('horizonMs', ms)),
      formatDuration(DEFAULT_HORIZON_MS),
      'How long to simulate (more than 0s).',
    ),
    seed: F.withDefault(F.integer(0, DWORD_MAX), 1, 'Seed for anything random: a whole number from 0 to 4294967295.'),
    client: F.withDefault(clientSpec, {}, 'The ConfigMgr client at time 0.'),
    assumptions: F.withDefault(assumptionsSpec, {}, 'Switches for the open points of the model.'),
    taskSequence: F.optional(taskSequenceSpec, 'The task sequence; absent: none runs.'),
    events: F.withDefault(
      F.list(eventSpec, {
        maxItems: MAX_EVENTS,
        tooLong: `a scenario has at most ${MAX_EVENTS} events (the limit on events; use repeat for a series)`,
      }),
      [],
      'Timed events, in any order.',
    ),
    expect: F.optional(expect, 'Expectations checked by `provsim check`.'),
  },
  check: (v, o) => {
    checkWallClock(v.start, v.horizon, v.events, o);
    const occurrences = (v.events ?? []).reduce((n, e) => n + (e.repeat?.count ?? 1), 0);
    if (occurrences > MAX_OCCURRENCES) {
      o.issue(
        'events',
        `the events occur ${occurrences} times in all, counting repeats; at most ${MAX_OCCURRENCES} occurrences are allowed (the limit on occurrences)`,
      );
    }
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

/** The JSON Schema (draft 2020-12) of the scenario file format, from the definitions the loader validates with. */
export function scenarioJsonSchema(): object {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', ...scenarioSpec.schema(), $defs: F.schemaDefs() };
}
