/**
 * A simulated fleet for the triage tests: one client of every kind the triage categories name, each run by the
 * model up to a time T, and its registry and service state at T written in each export shape (CMPivot long CSV
 * with its service and client-version exports; `Get-CCMProvisioningMode | Export-Csv` wide CSV as Windows
 * PowerShell 5.1 writes it in en-US, local time; `ConvertTo-Json` objects). Every event falls on a whole second.
 */
import { BUILDS } from '../../sim/import/importSmstsLogs.js';
import { ModelRunner } from '../../sim/model/runModel.js';
import type { ClientState, TraceEntry } from '../../sim/model/types.js';
import { PROVISIONING_EXCLUDES } from '../../sim/model/transition.js';
import { parseTimeZone } from '../../sim/time/TimeZone.js';
import { createScenario, DEFAULT_CLIENT, type ScenarioOptions } from '../../sim/scenario/createScenario.js';
import type { Scenario } from '../../sim/scenario/Scenario.js';
import type { Category } from '../../sim/triage/categorize.js';
import { type ExportFile, FIELDS, type FieldName } from '../../sim/triage/readExport.js';

const H = 3_600_000;
export const START_MS = Date.UTC(2026, 2, 1, 8, 0, 0);
/** The export's time: T. */
export const AS_OF_MS = START_MS + 20 * H;
const HORIZON_MS = 20 * 24 * H;
const stampAt = (ms: number) => Math.floor(ms / 1000);

interface Kind {
  readonly name: string;
  readonly expected: Category;
  readonly options: ScenarioOptions;
}

const tsSteps = (
  ...steps: ScenarioOptions['taskSequence'] extends infer T ? (T extends { steps: infer S } ? S : never) : never
) => steps;

export const KINDS: readonly Kind[] = [
  {
    name: 'upgrade-crashed-after-restart',
    expected: 'will-exit',
    options: {
      taskSequence: {
        startAtMs: 1 * H,
        steps: tsSteps(
          { name: 'Download', durationMs: 20 * 60_000 },
          { name: 'Upgrade', durationMs: 75 * 60_000, restart: 'os' },
          { name: 'Apps', durationMs: 30 * 60_000 },
        ),
      },
      events: [{ atMs: 3 * H, type: 'ts-crash' }],
    },
  },
  {
    name: 'power-loss-unrecoverable',
    expected: 'will-exit',
    options: {
      taskSequence: { startAtMs: 2 * H, steps: tsSteps({ name: 'Upgrade', durationMs: 3 * H }) },
      events: [{ atMs: 3 * H, type: 'power-loss', downtimeMs: 5 * 60_000, recoverable: false }],
    },
  },
  {
    name: 'max-240-minutes',
    expected: 'will-exit',
    options: {
      // SetClientProvisioningMode($true) two hours before T, with the maximum lowered to 4 hours.
      client: { registry: { ProvisioningMaxMinutes: 240 } },
      events: [{ atMs: 18 * H, type: 'admin-wmi', enable: true }],
    },
  },
  {
    name: 'legacy-1810',
    expected: 'never-exits',
    options: {
      client: { version: '1810', registry: { ProvisioningMode: 'true', SystemTaskExcludes: PROVISIONING_EXCLUDES } },
    },
  },
  {
    name: 'no-timestamp',
    expected: 'never-exits',
    options: { client: { registry: { ProvisioningMode: 'TRUE', SystemTaskExcludes: PROVISIONING_EXCLUDES } } },
  },
  {
    name: 'disabled-by-setup',
    expected: 'rescued-by-ccmeval',
    options: {
      taskSequence: { startAtMs: 1 * H, steps: tsSteps({ name: 'Upgrade', durationMs: 2 * H, disablesClient: true }) },
      events: [{ atMs: 2 * H, type: 'ts-crash' }],
    },
  },
  {
    name: 'registry-only-fix',
    expected: 'inconsistent-registry',
    options: {
      taskSequence: { startAtMs: 1 * H, steps: tsSteps({ name: 'Upgrade', durationMs: 2 * H }) },
      events: [
        { atMs: 2 * H, type: 'ts-crash' },
        { atMs: 10 * H, type: 'registry-set', name: 'ProvisioningMode', value: 'false' },
        { atMs: 10 * H, type: 'service-restart' },
      ],
    },
  },
  {
    name: 'upgrade-succeeded',
    expected: 'healthy',
    options: { taskSequence: { startAtMs: 1 * H, steps: tsSteps({ name: 'Upgrade', durationMs: 30 * 60_000 }) } },
  },
  { name: 'never-provisioned', expected: 'healthy', options: {} },
  {
    name: 'ts-running',
    expected: 'will-exit',
    options: { taskSequence: { startAtMs: 18 * H, steps: tsSteps({ name: 'Upgrade', durationMs: 5 * H }) } },
  },
  {
    name: 'clock-ahead-at-entry',
    expected: 'future-timestamp',
    options: {
      taskSequence: { startAtMs: 2 * H, steps: tsSteps({ name: 'Upgrade', durationMs: 2 * H }) },
      events: [
        { atMs: 1 * H, type: 'clock-jump', byMs: 30 * H },
        { atMs: 3 * H, type: 'ts-crash' },
        { atMs: 4 * H, type: 'clock-jump', byMs: -30 * H },
      ],
    },
  },
  {
    name: 'clock-set-back',
    expected: 'overdue',
    options: {
      client: {
        registry: {
          ProvisioningMode: 'true',
          SystemTaskExcludes: PROVISIONING_EXCLUDES,
          ProvisioningEnabledTime: stampAt(START_MS - 40 * H),
        },
      },
      events: [{ atMs: 1 * H, type: 'clock-jump', byMs: -72 * H }],
    },
  },
];

/** One client at T: its scenario, its state and trace up to T, and the rest of its run. */
export interface ClientAtT {
  readonly device: string;
  readonly kind: Kind;
  readonly scenario: Scenario;
  readonly state: ClientState;
  readonly traceToT: readonly TraceEntry[];
  /** The whole run's trace (to the horizon). */
  readonly trace: readonly TraceEntry[];
}

export function simulateFleet(): ClientAtT[] {
  return KINDS.map((kind, i) => {
    const scenario = createScenario({ ...kind.options, name: kind.name, startMs: START_MS, horizonMs: HORIZON_MS });
    const runner = new ModelRunner(scenario);
    runner.runUntil(AS_OF_MS - START_MS);
    const state = structuredClone(runner.state);
    const traceToT = [...runner.trace];
    const trace = runner.finish().trace;
    return { device: `PC-${String(i + 1).padStart(3, '0')}`, kind, scenario, state, traceToT, trace };
  });
}

/** The first exit from provisioning mode after T, as wall-clock ms (true time), or null. */
export function exitAfterT(c: ClientAtT): number | null {
  const e = c.trace.find((x) => x.type === 'provisioning-exit' && x.atMs > AS_OF_MS - START_MS);
  return e === undefined ? null : START_MS + e.atMs;
}

export const tsRunningAtT = (c: ClientAtT): boolean => c.state.taskSequence.status === 'running';

/**
 * When CcmExec last started, as the device would report it, where that is what the triage reads: omitted for a
 * client whose clock was moved (its clock reads wrong) or whose CcmExec is stopped.
 */
function serviceStart(c: ClientAtT): { lastBootMs: number | null; serviceStartMs: number | null } {
  const none = { lastBootMs: null, serviceStartMs: null };
  if (c.state.clockOffsetMs !== 0 || c.traceToT.some((e) => e.type === 'clock-jump')) return none;
  if (c.state.service.status !== 'running') return none;
  const start = c.traceToT.filter((e) => e.type === 'service-start').at(-1);
  if (start === undefined) return none;
  const boot = c.traceToT.filter((e) => e.type === 'device-up').at(-1);
  const bootEnd = boot?.atMs ?? 0;
  const lastBootMs = START_MS + bootEnd - DEFAULT_CLIENT.bootTimeMs;
  const stamp = c.state.registry.ProvisioningEnabledTime;
  const afterBootEntry =
    stamp !== undefined && stamp * 1000 >= START_MS + bootEnd && start.atMs === stamp * 1000 - START_MS + 10_000;
  // LastBootUpTime says when CcmExec started only if it did not start again since, but for the entry's restart.
  const truthful = start.atMs === bootEnd || afterBootEntry;
  return { lastBootMs: truthful ? lastBootMs : null, serviceStartMs: START_MS + start.atMs };
}

const buildOf = (release: string): string => {
  const b = BUILDS.find(([, r]) => r === release);
  return b === undefined ? release : `5.00.${b[0]}.1000`;
};

const q = (s: string) => `"${s.replaceAll('"', '""')}"`;
const NEW_YORK = parseTimeZone('America/New_York');

/** `M/d/yyyy h:mm:ss tt` in New York time, as `Export-Csv` writes a `[datetime]` in en-US. */
function enUs(ms: number): string {
  const local = new Date(ms - (NEW_YORK?.biasMinutes(ms) ?? 0) * 60_000);
  const h = local.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local.getUTCMonth() + 1}/${local.getUTCDate()}/${local.getUTCFullYear()} ${h % 12 === 0 ? 12 : h % 12}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())} ${h < 12 ? 'AM' : 'PM'}`;
}

/** The CMPivot shape: registry (long), service and client-version exports. */
export function cmpivotExports(fleet: readonly ClientAtT[]): ExportFile[] {
  const key = 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\CCM\\CcmExec';
  const reg = ['Device,Key,Property,Value'];
  const svc = ['Device,Name,StartMode,State'];
  const ver = ['Device,Property,Value'];
  for (const c of fleet) {
    for (const [name, value] of Object.entries(c.state.registry))
      reg.push(`${c.device},${key},${name},${q(String(value))}`);
    svc.push(
      `${c.device},CcmExec,${c.state.service.startup === 'auto' ? 'Auto' : 'Disabled'},${c.state.service.status === 'running' ? 'Running' : 'Stopped'}`,
    );
    ver.push(`${c.device},ProductVersion,${buildOf(c.scenario.client.version)}`);
  }
  const file = (name: string, lines: string[]) => ({ file: name, text: `${lines.join('\r\n')}\r\n` });
  return [file('registry.csv', reg), file('service.csv', svc), file('version.csv', ver)];
}

/** The wide shape, as Windows PowerShell 5.1 `Export-Csv` writes it (en-US dates in New York time). */
export function wideCsvExport(fleet: readonly ClientAtT[]): ExportFile {
  const cols = FIELDS.filter((f) => f !== 'CcmExecStartTime');
  const lines = ['#TYPE System.Management.Automation.PSCustomObject', ['ComputerName', ...cols].map(q).join(',')];
  for (const c of fleet) {
    const r = c.state.registry;
    const { lastBootMs } = serviceStart(c);
    const values: Partial<Record<FieldName, string | undefined>> = {
      ProvisioningMode: r.ProvisioningMode,
      ProvisioningEnabledTime: r.ProvisioningEnabledTime === undefined ? '' : enUs(r.ProvisioningEnabledTime * 1000),
      ProvisioningMaxMinutes: r.ProvisioningMaxMinutes === undefined ? '' : String(r.ProvisioningMaxMinutes),
      SystemTaskExcludes: r.SystemTaskExcludes,
      ClientVersion: c.scenario.client.version,
      CcmExecStartMode: c.state.service.startup === 'auto' ? 'Auto' : 'Disabled',
      CcmExecState: c.state.service.status === 'running' ? 'Running' : 'Stopped',
      LastBootUpTime: lastBootMs === null ? '' : enUs(lastBootMs),
    };
    lines.push([c.device, ...cols.map((f) => values[f] ?? '')].map(q).join(','));
  }
  return { file: 'provisioning.csv', text: `${lines.join('\r\n')}\r\n` };
}

/** The JSON shape (`ConvertTo-Json` in PowerShell 7: ISO dates), with CcmExec's start time. */
export function jsonExport(fleet: readonly ClientAtT[]): ExportFile {
  const objects = fleet.map((c) => {
    const r = c.state.registry;
    const { serviceStartMs } = serviceStart(c);
    return {
      Hostname: c.device.toLowerCase(),
      ProvisioningMode: r.ProvisioningMode ?? null,
      ProvisioningEnabledTime: r.ProvisioningEnabledTime ?? null,
      ProvisioningMaxMinutes: r.ProvisioningMaxMinutes ?? null,
      SystemTaskExcludes: r.SystemTaskExcludes ?? null,
      ClientVersion: buildOf(c.scenario.client.version),
      CcmExecStartMode: c.state.service.startup === 'auto' ? 'Auto' : 'Disabled',
      CcmExecState: c.state.service.status === 'running' ? 'Running' : 'Stopped',
      CcmExecStartTime: serviceStartMs === null ? null : new Date(serviceStartMs).toISOString(),
    };
  });
  return { file: 'health.export.json', text: JSON.stringify(objects, null, 2) };
}
