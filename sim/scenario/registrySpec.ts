/**
 * The registry values under HKLM\\Software\\Microsoft\\CCM\\CcmExec, shared by `client.registry` and the
 * `registry-set` event: each value's spec and description, and the `registry` block.
 */
import { DEFAULT_MAX_MINUTES } from '../model/timeout.js';
import * as F from './fields.js';
import type { RegistryName, RegistryValues } from './Scenario.js';
import { DWORD_MAX } from './sharedSpecs.js';

/** 9999-12-31T23:59:59Z in Unix seconds. */
const UNIX_SECONDS_MAX = 253_402_300_799;

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
  `ProvisioningMaxMinutes is a REG_DWORD: a whole number from 0 to ${DWORD_MAX} (0 or absent means ${DEFAULT_MAX_MINUTES / 60} hours)`,
);

export const REGISTRY_VALUE: { readonly [K in RegistryName]-?: F.Spec<NonNullable<RegistryValues[K]>> } = {
  ProvisioningMode: provisioningModeValue,
  SystemTaskExcludes: regSz,
  ProvisioningEnabledTime: enabledTimeValue,
  ProvisioningMaxMinutes: maxMinutesValue,
};

export const REGISTRY_DESCRIPTION: { readonly [K in RegistryName]: string } = {
  ProvisioningMode: 'REG_SZ "true" or "false" (read case-insensitively); a quoted string, not a YAML boolean.',
  SystemTaskExcludes: 'REG_SZ; in provisioning mode the five-task list, otherwise "".',
  ProvisioningEnabledTime:
    'When provisioning mode was last entered: Unix seconds (UTC), or an ISO 8601 date-time converted to whole seconds.',
  ProvisioningMaxMinutes: `REG_DWORD, 0 to ${DWORD_MAX} minutes; 0 or absent means ${DEFAULT_MAX_MINUTES / 60} hours (${DEFAULT_MAX_MINUTES}).`,
};

export const registrySpec = F.object({
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
