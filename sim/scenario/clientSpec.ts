/** The `client` block of a scenario: the ConfigMgr client at time 0, its intervals, ccmeval and registry. */
import * as F from './fields.js';
import { registrySpec } from './registrySpec.js';
import { type CcmEvalConfig, type ClientConfig, ENVIRONMENTS } from './Scenario.js';
import { clientVersion, DAY, VERSION_DESCRIPTION } from './sharedSpecs.js';

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

export const clientSpec = F.object({
  what: 'the client settings',
  description: 'The ConfigMgr client at time 0.',
  props: {
    version: F.withDefault(clientVersion, '2403', VERSION_DESCRIPTION),
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
    registry: F.withDefault(registrySpec, {}, 'Initial HKLM\\Software\\Microsoft\\CCM\\CcmExec values.'),
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
