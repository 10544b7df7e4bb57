/** The `taskSequence` block of a scenario: its steps, its start and the step that enters provisioning mode. */
import * as F from './fields.js';
import type { TaskSequence, TaskSequenceStep } from './Scenario.js';
import {
  checkProvisioningAt,
  displayName,
  fmt,
  horizonOf,
  MAX_STEPS,
  provisioningAtProp,
  stepContinueOnErrorProp,
  stepRestartProp,
} from './sharedSpecs.js';

const step = F.object({
  what: 'a task sequence step',
  description: 'One task sequence step.',
  props: {
    name: F.required(displayName, 'The step name, such as "Upgrade operating system".'),
    duration: F.required(F.duration({ min: 'zero' }), 'How long the step runs (0s or more).'),
    restart: stepRestartProp,
    disablesClient: F.withDefault(
      F.boolean(),
      false,
      'CcmExec is disabled and stopped while the step runs (setup disables the client).',
    ),
    fails: F.withDefault(F.boolean(), false, 'The step fails at its end.'),
    continueOnError: stepContinueOnErrorProp,
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

export const taskSequenceSpec = F.object({
  what: 'the task sequence',
  description: 'The task sequence that runs on the device; it enters provisioning mode when it starts.',
  props: {
    name: F.withDefault(displayName, 'Task sequence', 'The task sequence name.'),
    startAt: F.withDefault(
      F.duration({ min: 'zero' }),
      '0s',
      'When the task sequence starts: a duration since the start, no later than the horizon.',
    ),
    provisioningAt: provisioningAtProp,
    steps: F.required(
      F.list(step, {
        minItems: 1,
        tooShort: 'a task sequence needs at least one step',
        maxItems: MAX_STEPS,
        tooLong: `a task sequence has at most ${MAX_STEPS} steps (the limit on steps)`,
      }),
      'The steps, in order (at least one).',
    ),
  },
  check: (v, o) => {
    const horizon = horizonOf(o.cx);
    if (v.startAt !== undefined && horizon !== undefined && v.startAt > horizon) {
      o.issue('startAt', `the task sequence starts at ${fmt(v.startAt)}, outside the horizon (${fmt(horizon)})`);
    }
    checkProvisioningAt(v.provisioningAt, o);
  },
  build: (v): TaskSequence | F.Bad => {
    const index = v.provisioningAt === undefined ? null : v.steps.findIndex((s) => s.name === v.provisioningAt);
    if (index === -1) return F.BAD;
    return { name: v.name, startAtMs: v.startAt, provisioningAtStep: index, steps: v.steps };
  },
});
