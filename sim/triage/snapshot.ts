/**
 * A device as the export shows it, every missing value filled with the model's default and listed in `defaulted`.
 * Pure.
 */
import { DEFAULT_MAX_MINUTES } from '../model/timeout.js';
import { DEFAULT_CLIENT } from '../scenario/createScenario.js';
import type { RegistryValues } from '../scenario/Scenario.js';
import type { DeviceRecord } from './readExport.js';

export interface DeviceSnapshot {
  readonly device: string;
  readonly registry: RegistryValues;
  /** Release `YYMM`. */
  readonly version: string;
  readonly startMode: 'auto' | 'disabled' | 'manual';
  readonly running: boolean;
  /** The latest known CcmExec start, epoch ms, if the export gives it (directly or by the last boot). */
  readonly lastBootMs: number | null;
  readonly serviceStartMs: number | null;
  /** Which values were missing and what was assumed. */
  readonly defaulted: readonly string[];
}

export interface SnapshotOptions {
  /** `--client-version`, for devices whose export has none. */
  readonly clientVersion: string | null;
}

/** [provsim] (docs/model.md, Triage 6) Missing values take the model's defaults, each listed. */
export function snapshotOf(record: DeviceRecord, options: SnapshotOptions): DeviceSnapshot {
  const f = record.fields;
  const defaulted: string[] = [];
  const registry: { -readonly [K in keyof RegistryValues]: RegistryValues[K] } = {};
  if (f.ProvisioningMode !== undefined) registry.ProvisioningMode = f.ProvisioningMode.value;
  else defaulted.push('ProvisioningMode: absent, so "false" (the registry default)');
  if (f.SystemTaskExcludes !== undefined) registry.SystemTaskExcludes = f.SystemTaskExcludes.value;
  else defaulted.push('SystemTaskExcludes: absent, so "" (an inconsistent registry cannot be seen)');
  if (f.ProvisioningEnabledTime !== undefined) registry.ProvisioningEnabledTime = f.ProvisioningEnabledTime.value;
  else defaulted.push('ProvisioningEnabledTime: absent (no timestamp)');
  if (f.ProvisioningMaxMinutes !== undefined) registry.ProvisioningMaxMinutes = f.ProvisioningMaxMinutes.value;
  else
    defaulted.push(
      `ProvisioningMaxMinutes: absent, so ${DEFAULT_MAX_MINUTES} minutes (${DEFAULT_MAX_MINUTES / 60} hours)`,
    );
  let version = f.ClientVersion?.value;
  if (version === undefined) {
    version = options.clientVersion ?? DEFAULT_CLIENT.version;
    defaulted.push(
      `ClientVersion: absent, so ${version} (${options.clientVersion === null ? "the model's default" : '--client-version'})`,
    );
  }
  let startMode = f.CcmExecStartMode?.value;
  if (startMode === undefined) {
    startMode = 'auto';
    defaulted.push('CcmExecStartMode: absent, so Auto');
  }
  let state = f.CcmExecState?.value;
  if (state === undefined) {
    state = startMode === 'disabled' ? 'stopped' : 'running';
    defaulted.push(`CcmExecState: absent, so ${state === 'running' ? 'Running' : 'Stopped'} (by its start mode)`);
  }
  const lastBootMs = f.LastBootUpTime?.value ?? null;
  const serviceStartMs = f.CcmExecStartTime?.value ?? null;
  if (lastBootMs === null && serviceStartMs === null && state === 'running') {
    defaulted.push(
      'LastBootUpTime and CcmExecStartTime: absent, so the check phase is unknown (a window over every phase)',
    );
  }
  return {
    device: record.device,
    registry,
    version,
    startMode,
    running: state === 'running',
    lastBootMs,
    serviceStartMs,
    defaulted,
  };
}
