/**
 * The simulated client's logs in CMTrace format, computed from a report's trace alone: `smsts.log` (the task
 * sequence), `CcmExec.log` (the service, provisioning mode, its check loop, ccmeval, the device) and
 * `PolicyAgent.log` (policy retrievals, skipped cycles, deployments). Pure and deterministic: the same report and
 * time zone give the same bytes.
 *
 * Every line stands at the wall clock of its trace entry (the scenario's start + `atMs` + the clock jumps so far),
 * shown in the chosen time zone with its bias at that instant. Where a real client's message is known it is used,
 * with the component and source file a real log shows (cited beside each below; the file is left empty where no
 * public log showing it was found); everything else is a plainly simulated message that starts with `[provsim]`.
 *
 * Each non-empty log begins with a UTF-8 byte-order mark, as real client logs do. Windows PE (docs/model.md): the
 * installed OS's client does not exist there, so nothing of it is logged as real; the task sequence's own lines say
 * where it runs as a real engine does, through its log path (`_SMSTSLogPath=X:\WINDOWS\TEMP\SMSTSLog` in Windows
 * PE, `C:\WINDOWS\CCM\Logs\SMSTSLog` in the installed OS: where the real smsts.log is written in each phase,
 * Microsoft's "Log file reference"), the restart's target (`SMSTSRebootRequested=WinPE` or `HD`) and, back in the
 * installed OS, "Resuming Task Sequence in Full OS" (named in the issue). The simulated smsts.log stays one file;
 * its path lines say where each phase's lines would be.
 *
 * Gotchas: the trace does not carry the scenario's step flags, so a step's `disablesClient` shows only through the
 * startup-type change it causes (none when CcmExec was already disabled). A power loss that abandons the sequence
 * leaves `[provsim] Power lost (unrecoverable, ...)` as the last line of smsts.log, where a real log would just stop.
 */
import type { TraceEntry } from '../../model/types.js';
import type { Environment } from '../../scenario/Scenario.js';
import { formatDuration } from '../../time/Duration.js';
import { describeEntry } from '../formatText.js';
import type { Report } from '../Report.js';
import { type CmtraceRecord, type CmtraceType, formatCmtraceLog } from './cmtraceLine.js';
import { type TimeZone, UTC } from '../../time/TimeZone.js';

export type LogName = 'smsts.log' | 'CcmExec.log' | 'PolicyAgent.log';

export const LOG_NAMES: readonly LogName[] = ['smsts.log', 'CcmExec.log', 'PolicyAgent.log'];

export interface CmtraceEntry {
  readonly log: LogName;
  /** Index in `report.trace` of the entry this line reports. */
  readonly traceIndex: number;
  readonly record: CmtraceRecord;
}

export interface CmtraceLogsOptions {
  /** Default UTC. */
  readonly timeZone?: TimeZone;
}

/** The byte-order mark real client logs begin with (UTF-8 on disk). */
export const BOM = '\uFEFF';

/** The three logs, each a complete file (a BOM, CR LF line ends); a log with nothing to say is empty. */
export function formatCmtraceLogs(report: Report, options: CmtraceLogsOptions = {}): Record<LogName, string> {
  const entries = cmtraceEntries(report, options);
  const out = {} as Record<LogName, string>;
  for (const name of LOG_NAMES) {
    const text = formatCmtraceLog(entries.filter((e) => e.log === name).map((e) => e.record));
    out[name] = text === '' ? '' : BOM + text;
  }
  return out;
}

/** Where a real smsts.log is written while the task sequence runs in each environment (`_SMSTSLogPath`). */
export const SMSTS_LOG_DIR: Record<Environment, string> = {
  winpe: 'X:\\WINDOWS\\TEMP\\SMSTSLog',
  os: 'C:\\WINDOWS\\CCM\\Logs\\SMSTSLog',
};

// Components and the source files real logs show for them.
const TS = 'TSManager';
const HOOK = 'OSDSetupHook';
const UPGRADE = 'OSDUpgradeWindows';
const SETUP_WINDOWS = 'OSDSetupWindows';
const CCMEXEC = 'CcmExec';
const POLICY = 'PolicyAgent_RequestAssignments';
const SIM_FILE = 'provsim';

/** Thread ids: fixed per component, new after each boot (a new process), as in real logs. */
const THREAD_BASE: Record<string, number> = {
  [TS]: 2000,
  [HOOK]: 4696,
  [UPGRADE]: 3104,
  [CCMEXEC]: 3120,
  [POLICY]: 4412,
};

type Entry<T extends TraceEntry['type']> = Extract<TraceEntry, { type: T }>;

/**
 * The logs' writer: walks the trace in order, keeping what the lines depend on (the clock's jumps, the boots, where
 * the device runs, the task sequence's progress), and writes each entry's lines.
 */
class LogWriter {
  readonly out: CmtraceEntry[] = [];
  private readonly report: Report;
  private readonly trace: readonly TraceEntry[];
  private readonly zone: TimeZone;
  private readonly startMs: number;
  private clockOffsetMs = 0;
  private boots = 0;
  private tsRunning = false;
  private tsStarted = false;
  private skipAbandon = -1;
  // Where the device runs, and whether smsts.log has said so since it last changed.
  private env: Environment = 'os';
  private pathLogged = true;
  // The next resume is the first in the installed OS after Windows PE.
  private backToOs = false;
  // The entry being written: its index in the trace and its wall clock.
  private i = 0;
  private utcMs = 0;
  private bias = 0;

  constructor(report: Report, zone: TimeZone) {
    this.report = report;
    this.trace = report.trace;
    this.zone = zone;
    this.startMs = Date.parse(report.scenario.start);
  }

  visit(e: TraceEntry, i: number): void {
    if (e.type === 'clock-jump') this.clockOffsetMs += e.byMs;
    this.i = i;
    this.utcMs = this.startMs + e.atMs + this.clockOffsetMs;
    this.bias = this.zone.biasMinutes(this.utcMs);
    switch (e.type) {
      case 'device-down':
        return this.deviceDown(e);
      case 'device-up':
        this.boots++;
        return this.client(describeEntry(e));
      case 'environment':
        this.env = e.environment;
        this.pathLogged = false;
        this.backToOs = e.environment === 'os';
        return this.client(describeEntry(e));
      case 'service-start':
        if (e.cause === 'task-sequence') {
          // Real: "CCMExec Service started", OSDSetupHook, utils.cpp:5642 (public smsts.log of 10-18-2019).
          this.line('smsts.log', HOOK, 'CCMExec Service started', 1, 'utils.cpp:5642');
        }
        return this.client(describeEntry(e));
      case 'startup-type':
        return this.startupType(e);
      case 'provisioning-enter':
        return this.provisioningEnter(e);
      case 'provisioning-exit':
        return this.provisioningExit(e);
      case 'check':
        return this.check(e);
      case 'policy-retrieval':
      case 'policy-skipped':
      case 'deployment-published':
        return this.policy(e);
      case 'ts-start':
        return this.tsStart(e);
      case 'ts-step-start':
        return this.tsStepStart(e);
      case 'ts-step-end':
        return this.tsStepEnd(e);
      case 'ts-end':
        return this.tsEnd(e);
      case 'ts-abandoned':
        this.tsRunning = false;
        if (i !== this.skipAbandon) {
          const why = e.cause === 'ts-crash' ? 'The task sequence process crashed' : 'The task sequence stops';
          this.sim(
            'smsts.log',
            TS,
            `${why} (${e.cause}): the task sequence is abandoned here; nothing more is logged`,
            3,
          );
        }
        return this.client(describeEntry(e), 3);
      case 'hazard':
        return this.client(describeEntry(e), e.kind === 'stuck-at-horizon' || e.kind === 'exceeded-timeout' ? 3 : 2);
      case 'clock-jump':
      case 'ignored':
        return this.client(describeEntry(e), 2);
      case 'check-loop':
      case 'ts-wait-boot':
      case 'registry-edit':
      case 'ccmeval':
      case 'admin-wmi':
        return this.client(describeEntry(e));
    }
  }

  private line(log: LogName, component: string, message: string, type: CmtraceType = 1, file = SIM_FILE): void {
    const thread = (THREAD_BASE[component] ?? 1000) + 4 * this.boots;
    const record = { message, utcMs: this.utcMs, biasMinutes: this.bias, component, type, thread, file };
    this.out.push({ log, traceIndex: this.i, record });
  }

  private sim(log: LogName, component: string, message: string, type: CmtraceType = 1): void {
    this.line(log, component, `[provsim] ${message}`, type);
  }

  private client(message: string, type: CmtraceType = 1): void {
    this.sim('CcmExec.log', CCMEXEC, message, type);
  }

  // Real: "Set a global environment variable _SMSTSLogPath=C:\WINDOWS\CCM\Logs\SMSTSLog", TSManager (Microsoft's
  // troubleshooting article on the Install Application step); X:\WINDOWS\TEMP\SMSTSLog is the Windows PE path.
  private logPath(): void {
    this.line(
      'smsts.log',
      TS,
      `Set a global environment variable _SMSTSLogPath=${SMSTS_LOG_DIR[this.env]}`,
      1,
      'executionenv.cxx:662',
    );
    this.pathLogged = true;
  }

  private deviceDown(e: Entry<'device-down'>): void {
    if (e.cause === 'planned-restart') this.plannedRestart();
    else if (this.tsRunning && (e.cause === 'power-loss' || e.cause === 'reboot')) {
      const what = e.cause === 'power-loss' ? 'Power lost' : 'Device restarts';
      const downtime = e.downtimeMs > 0 ? `, down ${formatDuration(e.downtimeMs)}` : '';
      const next = this.trace[this.i + 1];
      if (next?.type === 'ts-abandoned' && next.atMs === e.atMs) {
        this.skipAbandon = this.i + 1;
        this.sim(
          'smsts.log',
          TS,
          `${what} (unrecoverable${downtime}): the task sequence is abandoned here; nothing more is logged`,
          3,
        );
      } else {
        this.sim(
          'smsts.log',
          TS,
          `${what} (down ${formatDuration(e.downtimeMs)}); the task sequence resumes after the boot`,
          2,
        );
      }
    }
    this.client(describeEntry(e), e.cause === 'power-loss' ? 2 : 1);
  }

  private plannedRestart(): void {
    const target = restartTarget(this.trace, this.i, this.env);
    if (this.tsStarted) {
      // SMSTSRebootRequested names where the engine restarts: WinPE, or HD (the installed OS) (the issue).
      this.line(
        'smsts.log',
        TS,
        `Set a global environment variable SMSTSRebootRequested=${target === 'winpe' ? 'WinPE' : 'HD'}`,
        1,
        'executionenv.cxx:662',
      );
    }
    if (this.tsRunning && this.env === 'winpe' && target === 'os') {
      // Real: Setup Windows and ConfigMgr installs the setup hook from the boot image before the restart into
      // the new OS (Microsoft's article on error 80070005 in that step, KB 4509131: OSDSetupWindows "Executing
      // command line: "X:\sms\bin\x64\OSDSETUPHOOK.EXE" "/install:C:\WINDOWS" /version:10.0").
      this.line(
        'smsts.log',
        SETUP_WINDOWS,
        'Executing command line: "X:\\sms\\bin\\x64\\OSDSETUPHOOK.EXE" "/install:C:\\WINDOWS" /version:10.0',
        1,
        '',
      );
    }
    if (this.tsRunning) {
      // Real: "Execution engine result code: Reboot (2)", TSManager, tsmanager.cpp:1293, type 2 (a public
      // smsts.log of 09-07-2022, seen through the search tool); the engine exits for the reboot.
      this.line('smsts.log', TS, 'Execution engine result code: Reboot (2)', 2, 'tsmanager.cpp:1293');
    }
    // Named in the issue as the task sequence's planned-restart line.
    this.line('smsts.log', TS, 'Calling RebootSystem()', 1, '');
  }

  private startupType(e: Entry<'startup-type'>): void {
    if (e.cause === 'task-sequence step') {
      if (e.startup === 'disabled') {
        this.sim(
          'smsts.log',
          currentStepComponent(this.trace, this.i),
          'Setup disables the ConfigMgr client for this step (CcmExec startup type: disabled)',
        );
      } else {
        // Real, in this order (public smsts.log of 10-18-2019): "Resume SCCM Client." basesetuphook.cpp:1264,
        // "CCMExec service startup type is set to enabled" utils.cpp:5563, "Modifying CCMExec Service to auto
        // start." utils.cpp:5603, all OSDSetupHook.
        this.line('smsts.log', HOOK, 'Resume SCCM Client.', 1, 'basesetuphook.cpp:1264');
        this.line('smsts.log', HOOK, 'CCMExec service startup type is set to enabled', 1, 'utils.cpp:5563');
        this.line('smsts.log', HOOK, 'Modifying CCMExec Service to auto start.', 1, 'utils.cpp:5603');
      }
    }
    this.client(describeEntry(e), e.startup === 'disabled' ? 2 : 1);
  }

  private provisioningEnter(e: Entry<'provisioning-enter'>): void {
    if (e.cause === 'task-sequence' || e.cause === 'task-sequence-step') {
      // Real (the issue; docs/model.md): "Setting the client into provisioning mode", OSDUpgradeWindows, in the
      // Upgrade Operating System step, the only place real logs show it. Elsewhere (a wipe-and-load's client
      // install, a sequence's start) the line is simulated and says so.
      if (disablesClientHere(this.trace, this.i))
        this.line('smsts.log', UPGRADE, 'Setting the client into provisioning mode', 1, '');
      else this.sim('smsts.log', TS, 'Setting the client into provisioning mode');
    }
    this.client(describeEntry(e));
  }

  private provisioningExit(e: Entry<'provisioning-exit'>): void {
    if (e.reason === 'ts-success' || e.reason === 'ts-failure') {
      // Real: "Exiting SetClientProvisioningMode 0x00000000", OSDSetupHook, ProvisioningMode.cpp:68 (public
      // smsts.log of 10-18-2019, where it follows "Resume SCCM Client.").
      this.line('smsts.log', HOOK, 'Exiting SetClientProvisioningMode 0x00000000', 1, 'ProvisioningMode.cpp:68');
    }
    if (e.reason === 'timeout') {
      this.client(
        'Provisioning mode timeout: in provisioning mode for more than ProvisioningMaxMinutes; leaving provisioning mode and restarting CcmExec',
        2,
      );
    } else {
      this.client(describeEntry(e));
    }
  }

  private check(e: Entry<'check'>): void {
    const elapsed =
      e.elapsedSeconds === null ? 'no ProvisioningEnabledTime' : `${e.elapsedSeconds}s since ProvisioningEnabledTime`;
    this.client(
      `Provisioning-mode check: ${elapsed}, max ${e.maxMinutes} min -> ${e.expired ? 'EXPIRED' : 'still within the limit; next check in one check interval'}`,
      e.expired ? 2 : 1,
    );
  }

  private policy(e: Entry<'policy-retrieval' | 'policy-skipped' | 'deployment-published'>): void {
    switch (e.type) {
      case 'policy-retrieval':
        this.sim('PolicyAgent.log', POLICY, 'Requesting machine policy assignments from the management point');
        for (const name of e.processed)
          this.sim('PolicyAgent.log', POLICY, `Deployment "${name}" received and processed`);
        return;
      case 'policy-skipped':
        this.sim(
          'PolicyAgent.log',
          POLICY,
          'Policy cycle skipped: the client is in provisioning mode and processes no site policy',
          2,
        );
        return;
      case 'deployment-published':
        this.sim(
          'PolicyAgent.log',
          POLICY,
          `Deployment "${e.name}" published at the site; the client sees it at its next retrieval`,
        );
        return;
    }
  }

  private tsStart(e: Entry<'ts-start'>): void {
    this.tsRunning = true;
    this.tsStarted = true;
    this.logPath();
    // _SMSTSPackageName is the built-in variable holding the task sequence's name; "The task execution engine
    // started execution" is real (TSManager, engine.cxx:94, public smsts.log of 12-06-2019).
    this.line(
      'smsts.log',
      TS,
      `Set a global environment variable _SMSTSPackageName=${e.name}`,
      1,
      'executionenv.cxx:662',
    );
    this.line('smsts.log', TS, 'The task execution engine started execution', 1, 'engine.cxx:94');
    // Real logs show the site's version (the management point's build); the simulated one states the release.
    this.sim('smsts.log', TS, `ConfigMgr client release ${this.report.client.version}`);
  }

  private tsStepStart(e: Entry<'ts-step-start'>): void {
    // Named in the issue: "Resuming Task Sequence", where the sequence goes on after a boot; "Resuming Task
    // Sequence in Full OS" where it comes back from Windows PE to the installed OS, after its new log path.
    if (!this.pathLogged) this.logPath();
    if (e.resumed) {
      this.line('smsts.log', TS, this.backToOs ? 'Resuming Task Sequence in Full OS' : 'Resuming Task Sequence', 1, '');
      this.backToOs = false;
    }
    // Real: "Start executing an instruction. Instruction name: X. Instruction pointer: N", TSManager,
    // engine.cxx:143, then "Set a global environment variable _SMSTSCurrentActionName=X" (public smsts.log of
    // 12-06-2019).
    this.line(
      'smsts.log',
      TS,
      `Start executing an instruction. Instruction name: ${e.name}. Instruction pointer: ${e.index}`,
      1,
      'engine.cxx:143',
    );
    this.line(
      'smsts.log',
      TS,
      `Set a global environment variable _SMSTSCurrentActionName=${e.name}`,
      1,
      'executionenv.cxx:662',
    );
  }

  private tsStepEnd(e: Entry<'ts-step-end'>): void {
    if (!e.failed) {
      // Real: "Successfully completed the action (X) with the exit win32 code 0", TSManager, instruction.cxx:857.
      this.line(
        'smsts.log',
        TS,
        `Successfully completed the action (${e.name}) with the exit win32 code 0`,
        1,
        'instruction.cxx:857',
      );
      return;
    }
    // Real form, on two lines: "Failed to run the action: X." then the error text (Read-SMSTSLog.ps1 and a
    // ConfigMgr failure-analyzer test in public repositories match it so).
    this.line(
      'smsts.log',
      TS,
      `Failed to run the action: ${e.name}.\nUnspecified error (Error: 80004005; Source: Windows)`,
      3,
      '',
    );
    if (e.continued)
      this.sim(
        'smsts.log',
        TS,
        `The action (${e.name}) failed and continue on error is set: the task sequence goes on`,
        2,
      );
  }

  private tsEnd(e: Entry<'ts-end'>): void {
    this.tsRunning = false;
    if (this.env === 'winpe') {
      // Real engine results; OSDSetupHook, the installed OS's setup hook, does not run in Windows PE.
      const ok = e.outcome === 'success';
      this.line(
        'smsts.log',
        TS,
        `Execution engine result code: ${ok ? 'Success (0)' : 'Failed (1)'}`,
        ok ? 1 : 3,
        'tsmanager.cpp:1279',
      );
      this.sim(
        'smsts.log',
        TS,
        "The task sequence ended in Windows PE: the installed OS's client is not there to leave provisioning mode",
        2,
      );
    } else if (e.outcome === 'success') {
      // Real: "Execution engine result code: Success (0)", TSManager, tsmanager.cpp:1279; then "Task sequence
      // completed 0x00000000", OSDSetupHook, basesetuphook.cpp:1606 (public smsts.log of 10-18-2019).
      this.line('smsts.log', TS, 'Execution engine result code: Success (0)', 1, 'tsmanager.cpp:1279');
      this.line('smsts.log', HOOK, 'Task sequence completed 0x00000000', 1, 'basesetuphook.cpp:1606');
    } else {
      // The failure wording follows the success line's pattern; no public log with it was found.
      this.line('smsts.log', TS, 'Execution engine result code: Failed (1)', 3, 'tsmanager.cpp:1279');
      this.line('smsts.log', HOOK, 'Task sequence completed 0x80004005', 3, 'basesetuphook.cpp:1606');
    }
  }
}

/** One line per notable trace entry (or several), in trace order, with the log it goes to. */
export function cmtraceEntries(report: Report, options: CmtraceLogsOptions = {}): CmtraceEntry[] {
  const writer = new LogWriter(report, options.timeZone ?? UTC);
  report.trace.forEach((e, i) => writer.visit(e, i));
  return writer.out;
}

/** Where the planned restart at entry `i` boots: the `environment` entry of the same transition, else `current`. */
function restartTarget(trace: readonly TraceEntry[], i: number, current: Environment): Environment {
  const at = trace[i]?.atMs;
  for (let j = i + 1; j < trace.length; j++) {
    const e = trace[j];
    if (e === undefined || e.atMs !== at || e.type === 'device-down') break;
    if (e.type === 'environment') return e.environment;
  }
  return current;
}

/** Whether the task-sequence step being started at entry `i` disables the client (same instant, same step). */
function disablesClientHere(trace: readonly TraceEntry[], i: number): boolean {
  const at = trace[i]?.atMs;
  for (let j = i + 1; j < trace.length; j++) {
    const e = trace[j];
    if (e === undefined || e.atMs !== at || e.type === 'ts-step-start' || e.type === 'ts-step-end') return false;
    if (e.type === 'startup-type' && e.startup === 'disabled' && e.cause === 'task-sequence step') return true;
  }
  return false;
}

/** The component a step's own lines come from: setup's for a step that disables the client. */
function currentStepComponent(trace: readonly TraceEntry[], i: number): string {
  for (let j = i - 1; j >= 0; j--) {
    const e = trace[j];
    if (e?.type === 'provisioning-enter' && (e.cause === 'task-sequence-step' || e.cause === 'task-sequence'))
      return UPGRADE;
    if (e?.type === 'ts-step-start') return TS;
  }
  return TS;
}
