/**
 * The field specs and constants that scenario files and fleet files share (`sim/fleet/load/loadFleet.ts` imports
 * them rather than copying them): names, releases, the assumptions block, a step's restart, the limits on lists.
 */
import { TIMEOUT_RELEASE } from '../model/timeout.js';
import { formatDuration } from '../time/Duration.js';
import { closest } from './closest.js';
import * as F from './fields.js';
import {
  ASSUMPTION_VALUES,
  type Assumptions,
  DEFAULT_ASSUMPTIONS,
  type Environment,
  ENVIRONMENTS,
} from './Scenario.js';

export const DAY = '24h';
export const MINUTE = 60_000;
/** A duration in a message: `90m`, or `<n>ms` when it is not a whole number of milliseconds. */
export const fmt = (ms: number): string => (Number.isSafeInteger(ms) ? formatDuration(ms) : `${ms}ms`);

/** The largest REG_DWORD (ProvisioningMaxMinutes), and the largest seed. */
export const DWORD_MAX = 4_294_967_295;
export const NAME_PATTERN = /^[a-z0-9-]+$/;
/**
 * [provsim] The longest name: a name names report files (`<name>.trace.json`, `<name>-vs-<other>.compare.html`), and a
 * file name has at most 255 bytes on the usual file systems.
 */
export const NAME_MAX_LENGTH = 100;
const VERSION_PATTERN = /^\d{2}(0[1-9]|1[0-2])$/;

/** A scenario's or fleet's name: lowercase letters, digits and hyphens; `example` is shown in the message. */
export function nameSpec(example: string): F.Spec<string> {
  return F.string({
    pattern: NAME_PATTERN,
    patternMessage: (s) =>
      `${JSON.stringify(s)} is not a valid name; use lowercase letters, digits and hyphens (${NAME_PATTERN.source}), for example ${example}`,
    maxLength: { count: NAME_MAX_LENGTH, why: 'a name names the report files' },
  });
}

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
      `expected a ConfigMgr release as four digits YYMM such as "2403" or "${TIMEOUT_RELEASE}", got ${got}`,
    );
    return F.BAD;
  },
  () => ({
    anyOf: [
      { type: 'string', pattern: VERSION_PATTERN.source },
      { type: 'integer', minimum: 1001, maximum: 9912 },
    ],
    examples: ['2403', TIMEOUT_RELEASE, '1810'],
  }),
);

/** What a client's `version` means, in the schemas of both formats. */
export const VERSION_DESCRIPTION = `ConfigMgr release YYMM, such as "2403"; releases before ${TIMEOUT_RELEASE} have no timestamp and no timeout.`;

/** A text in a message: JSON-quoted (so a control character shows as its escape), cut to 40 characters. */
export const quoted = (v: string): string => JSON.stringify(v.length > 40 ? `${v.slice(0, 37)}...` : v);

/**
 * The control characters no name may hold (C0, DEL, C1, and the Unicode line and paragraph separators), as the body
 * of a character class: in a name they forge log records, move a terminal's cursor or break a line of a report.
 */
export const CONTROL_CHARACTERS = '\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029';

/**
 * A name shown in logs and reports (a step, the task sequence, a deployment): one line of text, without control
 * characters (a line break in a step name forged records in the generated smsts.log) and without `]LOG]!>`, which
 * ends a CMTrace record; so the run -> logs -> import round trip keeps every name the loader accepts.
 */
/** What `displayName` accepts, for readers of names written elsewhere (shard reports). */
export const DISPLAY_NAME_PATTERN = new RegExp(`^(?![\\s\\S]*\\]LOG\\]!>)[^${CONTROL_CHARACTERS}]*$`);

export const displayName = F.string({
  pattern: DISPLAY_NAME_PATTERN,
  patternMessage: (v) =>
    `${quoted(v)} holds ${v.includes(']LOG]!>') ? '"]LOG]!>", which ends a CMTrace log record' : 'a control character (a line break, a tab, ...)'}; a name is one line of plain text`,
});

/**
 * Free text (a description): line breaks and tabs are fine; any other control character is refused (an escape
 * sequence would drive the terminal that prints the summary, and the reports would carry it).
 */
/** What `plainText` accepts, for readers of text written elsewhere (shard reports). */
// eslint-disable-next-line no-control-regex -- control characters are exactly what the rule refuses
export const PLAIN_TEXT_PATTERN = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$/;

export const plainText = F.string({
  pattern: PLAIN_TEXT_PATTERN,
  patternMessage: (v) =>
    `${quoted(v)} holds a control character other than a line break or a tab (an escape, ...); write plain text`,
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
    wmiWhileStopped: F.withDefault(
      F.oneOf(ASSUMPTION_VALUES.wmiWhileStopped),
      DEFAULT_ASSUMPTIONS.wmiWhileStopped,
      'SetClientProvisioningMode while CcmExec is stopped: works (takes effect, starts nothing) or fails (changes nothing).',
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

/** A step's `restart` and `continueOnError`, and a task sequence's `provisioningAt`, alike in both formats. */
export const stepRestartProp = F.withDefault(restartTarget, false, RESTART_DESCRIPTION);
export const stepContinueOnErrorProp = F.withDefault(
  F.boolean(),
  false,
  'A failure of this step does not end the sequence.',
);
export const provisioningAtProp = F.optional(
  F.string(),
  'The name of the step whose start enters provisioning mode; absent: the start of the sequence does.',
);

/** A task sequence's `provisioningAt` must name one of its steps (as written); the issue suggests the closest. */
export function checkProvisioningAt(provisioningAt: string | undefined, o: F.ObjectCx): void {
  const names = rawStepNames(o.raw('steps'));
  if (provisioningAt !== undefined && o.raw('steps')?.kind === 'seq' && !names.includes(provisioningAt)) {
    const near = closest(provisioningAt, names);
    o.issue(
      'provisioningAt',
      `no step is named ${JSON.stringify(provisioningAt)}` +
        (near === undefined ? ';' : `; did you mean ${JSON.stringify(near)}?`) +
        (names.length === 0
          ? ' the steps have no valid names'
          : ` provisioningAt must name one of the steps: ${names.map((n) => JSON.stringify(n)).join(', ')}`),
    );
  }
}

/** The horizon the scenario being read declares (set by its `horizon` field), for checks of times against it. */
export function horizonOf(cx: F.Cx): number | undefined {
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

/** Limits checked before a list is read or a repeat expanded (docs/model.md, "Runaway budget"). */
export const MAX_STEPS = 1_000;
export const MAX_EVENTS = 10_000;
export const MAX_REPEAT_COUNT = 100_000;
export const MAX_OCCURRENCES = 100_000;
