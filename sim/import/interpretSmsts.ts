/**
 * What a task-sequence log says, read record by record in time order: the steps with their start and end, the
 * planned restarts with the boot time they measure, failures, interruptions, provisioning-mode entry and exit, and
 * the engine's result. Pure. Each fact keeps a reference to the record it came from (file and line).
 *
 * Sources of the messages recognised (each seen in public smsts.log files through the search tool, or named in the
 * issue): "Start executing an instruction. Instruction name: X. Instruction pointer: N" (TSManager, engine.cxx:143)
 * and its newer form "... Instruction name: 'X'.  Pointer: N. Type: ''. Disabled: 0"; "The group (X) has been
 * successfully started" (instruction.cxx:159); "The group (X) has been skipped because the condition is evaluated to
 * be false" (instruction.cxx:120); "Execution of the instruction (X) has been skipped" (engine.cxx:229);
 * "Successfully completed the action (X) with the exit win32 code 0" (instruction.cxx:857); "Failed to run the
 * action: X." followed by the error on the next line; "Execution engine result code: Success (0)" (tsmanager.cpp:
 * 1279) and "... Reboot (2)" (tsmanager.cpp:1293); "Exiting SetClientProvisioningMode 0x00000000" (OSDSetupHook,
 * ProvisioningMode.cpp:68); "Current Assigned Management Point is X with Version 8790" (ClientLocation); and, from
 * the issue, "The action (X) requested a retry", "Reboot to local harddisk", "Calling RebootSystem()", "Resuming Task
 * Sequence", "Setting the client into provisioning mode" (OSDUpgradeWindows). Lines starting `[provsim]` are the
 * simulated ones `provsim run --logs` writes.
 *
 * Where each part runs (docs/model.md, Windows PE), from: the log path the engine sets, "Set a global environment
 * variable _SMSTSLogPath=C:\WINDOWS\CCM\Logs\SMSTSLog" (TSManager; Microsoft's troubleshooting article on the
 * Install Application step), a drive `X:` being the Windows PE RAM drive (Microsoft's "Log file reference": smsts.log
 * is at X:\Windows\temp\smstslog in Windows PE); the setup hook run from the boot image, "X:\sms\bin\x64\
 * OSDSETUPHOOK.EXE" (OSDSetupWindows; Microsoft's article KB 4509131); the boot shell's components TSBootShell and
 * TSPxe, which run only in Windows PE ("RAM Disk Boot Path ... TSBootShell", "Device has PXE booted TSPxe" in public
 * guides to smsts.log); and, from the issue, "Resuming Task Sequence in Full OS" and `SMSTSRebootRequested` set to
 * `WinPE` or `HD` (the restart's target). A sequence that ran without ConfigMgr says so: "Running Task Sequence in
 * standalone." and "TSManager executing in non SMS, standalone mode" (MDT Lite Touch; named in the issue).
 */
import { parseDuration } from '../time/Duration.js';
import type { Environment } from '../scenario/Scenario.js';
import { CONTROL_CHARACTERS } from '../scenario/sharedSpecs.js';
import type { LogRecord } from './readLogRecords.js';

/** Where a fact was read: `smsts.log:123`. */
export interface Ref {
  readonly file: string;
  readonly line: number;
}

export const refText = (r: Ref): string => `${r.file}:${r.line}`;

/** A timed record: `t` is the record's UTC, moved forward by any earlier clock set back (monotonic). */
export interface Timed {
  readonly t: number;
  readonly ref: Ref;
}

export type InterruptKind = 'power-loss' | 'reboot' | 'ts-crash';

export interface Interruption extends Timed {
  readonly kind: InterruptKind;
  /** From a provsim marker (`down 15m`); `null` when the log does not say. */
  readonly downtimeMs: number | null;
  /** The log has no line for it: it is inferred from a step run again. */
  readonly inferred: boolean;
}

export interface Attempt extends Timed {
  /** The interruption that ended this attempt (every attempt but the last has one). */
  interruption: Interruption | null;
}

export interface Restart {
  /** When the step ended (its completion line, or the first restart line). */
  readonly t: number;
  readonly ref: Ref;
  resume: Timed | null;
  /** An interruption during the boot (a power loss while the device restarts). */
  interruption: Interruption | null;
}

export interface LoggedStep {
  readonly name: string;
  readonly pointer: number;
  readonly attempts: Attempt[];
  group: boolean;
  skipped: Ref | null;
  completed: Timed | null;
  failed: Timed | null;
  restart: Restart | null;
  disables: Ref | null;
  /** The same instruction started again after its own restart (the action requested a retry). */
  retried: Ref | null;
  /** Where the step started, as the log last said (`null`: the log has not said). */
  readonly environment: Environment | null;
  /** The line that said so. */
  readonly environmentRef: Ref | null;
  /** Where its restart goes, from `SMSTSRebootRequested` (`null`: not logged). */
  rebootTarget: Environment | null;
}

export interface LoggedSequence {
  readonly name: (Timed & { readonly value: string }) | null;
  readonly steps: LoggedStep[];
  /** Provisioning-mode entries, each with the step started last before it (`null`: before any). */
  readonly entries: (Timed & { readonly step: LoggedStep | null; readonly component: string })[];
  readonly exits: Timed[];
  readonly result: (Timed & { readonly word: string; readonly code: number; readonly success: boolean }) | null;
  /** A restart logged after the engine's final result (the last step restarts after the exit). */
  readonly restartAfterEnd: Timed | null;
  /** Where that restart goes, from `SMSTSRebootRequested`. */
  readonly restartAfterEndTarget: Environment | null;
  /** The sequence ran without ConfigMgr (MDT Lite Touch): no client, no provisioning mode. */
  readonly standalone: Timed | null;
  /** Where the log last said it runs, and the line that said so. */
  readonly lastEnvironment: (Timed & { readonly environment: Environment }) | null;
  /** A provsim marker of the interruption that abandoned the sequence. */
  readonly abandon: Interruption | null;
  readonly first: Timed;
  readonly last: Timed;
  /** The bias of the last record that had one (minutes, UTC = local + bias). */
  readonly lastBiasMinutes: number | null;
  readonly managementPointVersion: (Timed & { readonly build: number }) | null;
  /** The client release a provsim log states. */
  readonly clientRelease: (Timed & { readonly release: string }) | null;
  /** Messages about what was read but could not be placed. */
  readonly notes: string[];
  /** Records recognised as task-sequence lines. */
  readonly recognised: number;
}

/**
 * A name as the log gives it (a step, a group, the task sequence), made one line of plain text: each control
 * character (a line break, an escape, ...) becomes U+FFFD, so that a hostile or damaged log cannot break the
 * scenario's comments, a report's lines or a terminal; every name read from the log passes here, so they still
 * compare equal.
 */
const CONTROL = new RegExp(`[${CONTROL_CHARACTERS}]`, 'g');
export const plainName = (raw: string | undefined): string => (raw ?? '').replace(CONTROL, '\uFFFD');

const INSTRUCTION = /^Start executing an instruction\. Instruction name: ([\s\S]*?)\. Instruction pointer: (\d+)\s*$/;
const INSTRUCTION_NEW =
  /^Start executing an instruction\. Instruction name: '([\s\S]*?)'\.\s+Pointer: (\d+)\.(?:[\s\S]*?Disabled: (\d))?/;
const GROUP_STARTED = /^The group \(([\s\S]*)\) has been successfully started/;
const SKIPPED =
  /^(?:The (?:group|action) \(([\s\S]*?)\) (?:has been|is) skipped|Execution of the instruction \(([\s\S]*?)\) has been skipped)/;
const COMPLETED = /^Successfully complete(?:d)? the action \(([\s\S]*)\) with the exit win32 code (\d+)/;
const FAILED = /^Failed to run the action: ?([^\n]*?)\.?\s*(?:\n|$)/;
const RESULT = /^Execution engine result code: (\w+) \((\d+)\)/;
const RETRY = /^The action \(([\s\S]*)\) requested a retry/;
const REBOOT = /^(?:Reboot to local harddisk|Calling RebootSystem\(\))/;
const RESUME = /^Resuming Task Sequence/i;
const ENTER = /^(?:\[provsim\] )?Setting the client into provisioning mode/;
const EXIT = /^Exiting SetClientProvisioningMode/;
const PACKAGE = /^Set a global environment variable _SMSTSPackageName=(.+)$/;
const MP_VERSION = /Management Point is .* with Version (\d{4,5})/;
const SIM_ABANDON = /^\[provsim\] (Power lost|Device restarts) \(unrecoverable(?:, down (\S+))?\)/;
const SIM_CRASH = /^\[provsim\] The task sequence (?:process crashed|stops) \(/;
const SIM_INTERRUPT = /^\[provsim\] (Power lost|Device restarts) \(down (\S+)\); the task sequence resumes/;
const SIM_DISABLE = /^\[provsim\] Setup disables the ConfigMgr client/;
const SIM_RELEASE = /^\[provsim\] ConfigMgr client release (\d{4})$/;
const TS_COMPONENT = /^(TSManager|TSMBootstrap|TSBootShell|TSPxe|OSDSetupHook|OSDUpgradeWindows|OSD[A-Za-z]+)$/i;
const LOG_PATH = /_SMSTSLogPath=([A-Za-z]):\\/i;
const HOOK_FROM_PE = /\bX:\\sms\\bin\\/i;
const PE_COMPONENT = /^(TSBootShell|TSPxe)$/i;
const FULL_OS = /^Resuming Task Sequence in Full OS/i;
const REBOOT_TARGET = /\bSMSTSRebootRequested=(WinPE|HD)\b/i;
const STANDALONE = /^(?:Running Task Sequence in standalone\.|TSManager executing in non SMS, standalone mode)/i;

/** Where a record says the sequence runs, if it says so. */
function environmentOf(r: LogRecord): Environment | null {
  const path = LOG_PATH.exec(r.message);
  if (path !== null) return path[1]?.toUpperCase() === 'X' ? 'winpe' : 'os';
  if (HOOK_FROM_PE.test(r.message) || PE_COMPONENT.test(r.component)) return 'winpe';
  if (FULL_OS.test(r.message)) return 'os';
  return null;
}

/** Whether a record belongs to a task-sequence log at all (for "not a task-sequence log"). */
export function isTaskSequenceRecord(r: LogRecord): boolean {
  return TS_COMPONENT.test(r.component) || INSTRUCTION.test(r.message) || INSTRUCTION_NEW.test(r.message);
}

/** Reads the sequence from records already in time order (`t` monotonic). */
export function interpretSmsts(records: readonly (LogRecord & { readonly t: number })[]): LoggedSequence {
  const reader = new SequenceReader();
  for (const r of records) reader.read(r);
  const first = records[0];
  const last = records[records.length - 1];
  if (first === undefined || last === undefined) throw new Error('interpretSmsts needs at least one record');
  return {
    name: reader.name,
    steps: reader.steps,
    entries: reader.entries,
    exits: reader.exits,
    result: reader.result,
    restartAfterEnd: reader.restartAfterEnd,
    restartAfterEndTarget: reader.restartAfterEndTarget,
    standalone: reader.standalone,
    lastEnvironment: reader.lastEnvironment,
    abandon: reader.abandon,
    first: { t: first.t, ref: { file: first.file, line: first.line } },
    last: { t: last.t, ref: { file: last.file, line: last.line } },
    lastBiasMinutes: reader.lastBias,
    managementPointVersion: reader.mp,
    clientRelease: reader.release,
    notes: reader.notes,
    recognised: reader.recognised,
  };
}

/** The sequence as read so far: one record at a time, in time order, each line matched against the patterns above. */
class SequenceReader {
  readonly steps: LoggedStep[] = [];
  readonly entries: LoggedSequence['entries'][number][] = [];
  readonly exits: Timed[] = [];
  readonly notes: string[] = [];
  name: LoggedSequence['name'] = null;
  result: LoggedSequence['result'] = null;
  restartAfterEnd: Timed | null = null;
  restartAfterEndTarget: Environment | null = null;
  abandon: Interruption | null = null;
  mp: LoggedSequence['managementPointVersion'] = null;
  release: LoggedSequence['clientRelease'] = null;
  lastBias: number | null = null;
  recognised = 0;
  lastEnvironment: LoggedSequence['lastEnvironment'] = null;
  standalone: Timed | null = null;
  private pendingInterruption: Interruption | null = null;
  private cur: LoggedStep | null = null;
  private previous: Timed | null = null;
  private env: Environment | null = null;

  read(r: LogRecord & { readonly t: number }): void {
    const ref: Ref = { file: r.file, line: r.line };
    const at: Timed = { t: r.t, ref };
    const msg = r.message;
    if (r.biasMinutes !== null) this.lastBias = r.biasMinutes;
    const here = environmentOf(r);
    if (here !== null) {
      this.env = here;
      this.lastEnvironment = { ...at, environment: here };
    }
    if (STANDALONE.test(msg)) this.standalone ??= at;
    const instruction = INSTRUCTION.exec(msg) ?? INSTRUCTION_NEW.exec(msg);
    let known = true;
    if (instruction) this.instruction(instruction, at);
    else if (!this.stepLine(msg, at) && !this.otherLine(r, at)) {
      known = here !== null || STANDALONE.test(msg) || isTaskSequenceRecord(r);
    }
    if (known) this.recognised++;
    this.previous = at;
  }

  /** An instruction starts: the same step again (a retry after its reboot, or a run after an interruption), or the next. */
  private instruction(instruction: RegExpExecArray, at: Timed): void {
    const ref = at.ref;
    const cur = this.cur;
    const stepName = plainName(instruction[1]);
    const pointer = Number(instruction[2]);
    const again = cur !== null && cur.name === stepName && cur.pointer === pointer && !cur.group;
    if (again && cur !== null && cur.restart !== null && cur.restart.interruption === null) {
      // The action requested a retry and runs again after the reboot: still the same step, its time is the next one's.
      cur.retried = ref;
      if (cur.restart.resume === null) cur.restart.resume = at;
    } else if (again && cur !== null) {
      const attempt = cur.attempts[cur.attempts.length - 1];
      if (attempt !== undefined) {
        attempt.interruption = this.pendingInterruption ?? {
          ...(this.previous ?? at),
          kind: 'power-loss',
          downtimeMs: null,
          inferred: true,
        };
      }
      cur.attempts.push({ ...at, interruption: null });
      cur.completed = null;
      cur.failed = null;
      this.pendingInterruption = null;
    } else {
      if (cur?.restart && cur.restart.resume === null) {
        cur.restart.resume = at;
        this.notes.push(
          `${refText(ref)}: no "Resuming Task Sequence" after the restart at ${refText(cur.restart.ref)}; the boot is measured up to this instruction`,
        );
      }
      if (this.pendingInterruption !== null) {
        this.notes.push(
          `${refText(this.pendingInterruption.ref)}: an interruption the sequence recovered from, but no step ran again after it; ignored`,
        );
        this.pendingInterruption = null;
      }
      this.cur = {
        name: stepName,
        pointer,
        attempts: [{ ...at, interruption: null }],
        group: false,
        skipped: instruction[3] === '1' ? ref : null,
        completed: null,
        failed: null,
        restart: null,
        disables: null,
        retried: null,
        environment: this.env,
        environmentRef: this.lastEnvironment?.ref ?? null,
        rebootTarget: null,
      };
      this.steps.push(this.cur);
    }
  }

  /** A line about the current step or the engine (group, skip, completion, failure, result, restart, resume). */
  private stepLine(msg: string, at: Timed): boolean {
    const cur = this.cur;
    let m: RegExpExecArray | null;
    if ((m = GROUP_STARTED.exec(msg))) {
      if (cur !== null && cur.name === plainName(m[1])) cur.group = true;
    } else if ((m = SKIPPED.exec(msg))) {
      const skippedName = plainName(m[1] ?? m[2]);
      if (cur !== null && cur.name === skippedName) cur.skipped = at.ref;
    } else if ((m = COMPLETED.exec(msg))) {
      if (cur !== null && cur.restart === null) cur.completed = at;
    } else if ((m = FAILED.exec(msg))) {
      if (cur !== null) {
        cur.failed = at;
        cur.completed = at;
        const failedName = plainName(m[1]).trim();
        if (failedName !== '' && failedName !== cur.name && `${failedName}.` !== cur.name) {
          this.notes.push(
            `${refText(at.ref)}: "Failed to run the action: ${failedName}" while step "${cur.name}" runs; taken as that step's failure`,
          );
        }
      }
    } else if ((m = RESULT.exec(msg))) {
      const word = m[1] ?? '';
      const code = Number(m[2]);
      if (/^reboot$/i.test(word)) this.restartLine(at);
      else this.result = { ...at, word, code, success: code === 0 };
    } else if ((m = REBOOT_TARGET.exec(msg))) {
      const target: Environment = m[1]?.toLowerCase() === 'winpe' ? 'winpe' : 'os';
      if (this.result !== null) this.restartAfterEndTarget = target;
      else if (cur !== null) cur.rebootTarget = target;
    } else if (RETRY.test(msg) || REBOOT.test(msg)) {
      this.restartLine(at);
    } else if (RESUME.test(msg)) {
      if (cur?.restart && cur.restart.resume === null) cur.restart.resume = at;
    } else return false;
    return true;
  }

  /** Provisioning mode, the package name, provsim's own markers, the management point's version. */
  private otherLine(r: LogRecord, at: Timed): boolean {
    const msg = r.message;
    const cur = this.cur;
    let m: RegExpExecArray | null;
    if (ENTER.test(msg)) {
      this.entries.push({ ...at, step: cur, component: r.component });
      if (cur !== null && /^OSDUpgradeWindows$/i.test(r.component)) cur.disables ??= at.ref;
    } else if (EXIT.test(msg)) {
      this.exits.push(at);
    } else if ((m = PACKAGE.exec(msg))) {
      this.name ??= { ...at, value: plainName(m[1]).trim() };
    } else if ((m = SIM_ABANDON.exec(msg))) {
      this.abandon = {
        ...at,
        kind: m[1] === 'Power lost' ? 'power-loss' : 'reboot',
        downtimeMs: m[2] === undefined ? null : parseDuration(m[2]),
        inferred: false,
      };
    } else if (SIM_CRASH.test(msg)) {
      this.abandon = { ...at, kind: 'ts-crash', downtimeMs: null, inferred: false };
    } else if ((m = SIM_INTERRUPT.exec(msg))) {
      const interruption: Interruption = {
        ...at,
        kind: m[1] === 'Power lost' ? 'power-loss' : 'reboot',
        downtimeMs: parseDuration(m[2] ?? ''),
        inferred: false,
      };
      if (cur?.restart && cur.restart.resume === null) cur.restart.interruption = interruption;
      else this.pendingInterruption = interruption;
    } else if (SIM_DISABLE.test(msg)) {
      if (cur !== null) cur.disables ??= at.ref;
    } else if ((m = SIM_RELEASE.exec(msg))) {
      this.release ??= { ...at, release: m[1] ?? '' };
    } else if ((m = MP_VERSION.exec(msg))) {
      this.mp ??= { ...at, build: Number(m[1]) };
    } else return false;
    return true;
  }

  private restartLine(at: Timed): void {
    if (this.result !== null) {
      this.restartAfterEnd ??= at;
      return;
    }
    const cur = this.cur;
    if (cur === null) return;
    if (cur.restart === null)
      cur.restart = { t: cur.completed?.t ?? at.t, ref: at.ref, resume: null, interruption: null };
  }
}
