/**
 * `provsim import`: task-sequence logs -> a Scenario that reproduces the sequence, its YAML with a comment on each
 * element citing the log line it came from, and a summary of what could not be understood. Pure: file contents in,
 * text out; the same logs and options give the same bytes.
 *
 * How a log becomes a scenario (see README, "My client is stuck after a task sequence"):
 * - `start` is the first usable record, in UTC, cut to the second; `taskSequence.startAt` the first step's start.
 * - Each step is an instruction the engine started (groups and skipped instructions left out), lasting until the
 *   next step starts, its restart, or the engine's result. A step after a planned restart starts at the resume.
 * - A planned restart (`requested a retry`, `Reboot to local harddisk`, `Calling RebootSystem()`, `Execution engine
 *   result code: Reboot (2)`) sets `restart: true`; the boot time is the gap from the step's end to `Resuming Task
 *   Sequence` (the median where several differ). A step run again after an interruption keeps its last run and the
 *   interruption becomes a recoverable power loss.
 * - `Failed to run the action: X` sets `fails: true`, with `continueOnError: true` where the sequence went on.
 * - `Setting the client into provisioning mode` gives `provisioningAt` (the step it falls in; before any step, the
 *   sequence's start); without it, a step named "Setup Windows and ConfigMgr" (wipe-and-load).
 * - A log that stops with no engine result ends in an interruption at the last logged moment (`ts-crash`, or the
 *   power loss a provsim log names): the sequence is abandoned, so `provsim run` shows what the client does next.
 * - Windows PE (docs/model.md): the first step's environment gives `client.startsIn`; a restart goes where
 *   `SMSTSRebootRequested` says, else where the next step runs, else to the installed OS. A sequence that ran without
 *   ConfigMgr (standalone) gets no task sequence: it has no client and no provisioning mode. A log that stops at a
 *   restart with no failure is still written as abandoned there, and `facts.awaitsNextLog` says where the next log
 *   usually is, for `replay` to ask for it.
 *
 * Gotchas: the scenario has one boot time, so when measured boots differ the later steps drift from the log's clock
 * (the comments give both); the duration of a step cut by the end of the log is unknown and set past the cut.
 */
import { formatIsoSeconds } from '../time/formatWall.js';
import { isMap, parseDocument, type Node as YamlNode } from 'yaml';
import { DEFAULT_MAX_MINUTES } from '../model/timeout.js';
import { type TimeZone, UTC } from '../time/TimeZone.js';
import { createScenario } from '../scenario/createScenario.js';
import { formatDuration, formatHours } from '../time/Duration.js';
import { MAX_WALL_MS, parseScenario, scenarioToYaml } from '../scenario/loadScenario.js';
import type { Environment, Scenario, ScenarioEvent, TaskSequenceStep } from '../scenario/Scenario.js';
import {
  type Interruption,
  interpretSmsts,
  isTaskSequenceRecord,
  type LoggedSequence,
  type LoggedStep,
  plainName,
  type Ref,
  refText,
  type Timed,
} from './interpretSmsts.js';
import { type LogProblem, type LogRecord, type ReadLog, readLogRecords } from './readLogRecords.js';

export interface LogInput {
  /** As given on the command line; it names the file in every message and comment. */
  readonly file: string;
  readonly bytes: Uint8Array;
}

export interface ImportOptions {
  /** ConfigMgr release YYMM of the client; default: from the management point's version in the log, else 2403. */
  readonly clientVersion?: string;
  /** `ProvisioningMaxMinutes` to set in the registry; default: absent (48 hours). */
  readonly maxMinutes?: number;
  /** The zone of records that carry no bias (the clipboard form). Default UTC. */
  readonly timeZone?: TimeZone;
  /** Whether the client health task runs (daily). Default true. */
  readonly ccmeval?: boolean;
}

/** Facts `provsim replay` states beside its answer. */
export interface ImportFacts {
  /** The last logged moment: UTC epoch ms, and simulation ms of the scenario. */
  readonly lastUtcMs: number;
  readonly lastSimMs: number;
  readonly lastRef: Ref;
  /** Minutes with UTC = local + bias, of the last record that had one; `null` if none did. */
  readonly logBiasMinutes: number | null;
  readonly outcome: 'success' | 'failed' | 'abandoned';
  readonly entry: (Timed & { readonly simMs: number; readonly how: string }) | null;
  readonly exit: Timed | null;
  readonly clientVersion: { readonly value: string; readonly source: string };
  readonly maxMinutes: { readonly value: number; readonly source: string };
  readonly bootTime: { readonly ms: number; readonly source: string };
  readonly ending: string | null;
  /** Where the device runs when the sequence starts, and the line that says so (`null`: the default, the OS). */
  readonly startsIn: { readonly value: Environment; readonly ref: Ref | null };
  /** The line that shows the sequence ran without ConfigMgr (no client, no provisioning mode); `null`: it did not. */
  readonly standalone: Ref | null;
  /** The log stops at a restart with no failure: the sequence goes on in the next log, usually at `where`. */
  readonly awaitsNextLog: {
    readonly ref: Ref;
    readonly step: string;
    readonly target: Environment | null;
    readonly where: string;
  } | null;
}

/**
 * Where the next smsts.log usually is after a restart into `target` (Microsoft's "Log file reference": X:\Windows\
 * temp\smstslog in Windows PE before the disk is formatted, X:\smstslog after, copied to C:\_SMSTaskSequence\Logs\
 * smstslog; in the new OS C:\_SMSTaskSequence\Logs\smstslog before the client is installed, C:\Windows\CCM\Logs\
 * smstslog after, C:\Windows\CCM\Logs once the sequence has ended).
 */
export function nextLogLocation(target: Environment | null): string {
  const pe =
    'in Windows PE, X:\\Windows\\Temp\\SMSTSLog\\smsts.log (X:\\smstslog\\smsts.log once the disk is formatted, copied to C:\\_SMSTaskSequence\\Logs\\Smstslog\\smsts.log)';
  const os =
    'in the installed OS, C:\\_SMSTaskSequence\\Logs\\Smstslog\\smsts.log before the client is installed, C:\\Windows\\CCM\\Logs\\SMSTSLog\\smsts.log after, C:\\Windows\\CCM\\Logs\\smsts.log once the sequence has ended';
  return target === 'winpe' ? pe : target === 'os' ? os : `${pe}; or, ${os}`;
}

export interface ImportResult {
  readonly scenario: Scenario;
  /** The scenario file: YAML with the summary on top and a comment on each element. */
  readonly yaml: string;
  /** What could not be understood or was assumed, one sentence each. */
  readonly summary: string[];
  readonly problems: LogProblem[];
  readonly facts: ImportFacts;
}

/** Nothing usable remains: every problem found, one per line (`file:line: what`). */
export class ImportError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('\n'));
    this.name = 'ImportError';
  }
}

const DEFAULT_VERSION = '2403';
const DEFAULT_BOOT_MS = 120_000;
/** Backward steps up to this are lines written a little out of order by two processes: kept in file order. */
const JITTER_MS = 2000;
const MAX_LISTED = 12;

/** ConfigMgr builds (5.00.NNNN) and their releases, for the management point's version and `provsim triage`. */
export const BUILDS: readonly [number, string][] = [
  [8577, '1710'],
  [8634, '1802'],
  [8692, '1806'],
  [8740, '1810'],
  [8790, '1902'], // data: build 8790 is release 1902 (the timeout's release gate is TIMEOUT_RELEASE, sim/model/timeout.ts)
  [8853, '1906'],
  [8913, '1910'],
  [8968, '2002'],
  [9012, '2006'],
  [9040, '2010'],
  [9049, '2103'],
  [9058, '2107'],
  [9068, '2111'],
  [9078, '2203'],
  [9088, '2207'],
  [9096, '2211'],
  [9106, '2303'],
  [9122, '2309'],
  [9128, '2403'],
  [9132, '2409'],
  [9135, '2503'],
];

/** The release of a build: the latest release whose first build is at or before it; `null` before the table. */
export function releaseOfBuild(build: number): string | null {
  let found: string | null = null;
  for (const [b, release] of BUILDS) if (build >= b) found = release;
  return found;
}

const problemText = (p: LogProblem) => `${p.file}${p.line === null ? '' : `:${p.line}`}: ${p.message}`;

type TimedRecord = LogRecord & { readonly t: number };

/** Reads, orders and checks the files; returns the records in time order with a monotonic `t`. */
function gather(
  inputs: readonly LogInput[],
  options: ImportOptions,
  problems: LogProblem[],
  summary: string[],
): { records: TimedRecord[]; jumps: { t: number; byMs: number; ref: Ref }[]; reads: ReadLog[] } {
  const reads = inputs.map((i) => readLogRecords(i.file, i.bytes, { timeZone: options.timeZone ?? UTC }));
  const usable: ReadLog[] = [];
  for (const r of reads) {
    problems.push(...r.problems);
    if (r.records.length === 0) continue;
    if (!r.records.some(isTaskSequenceRecord)) {
      problems.push({
        file: r.file,
        line: null,
        message: `not a task-sequence log: none of its ${r.records.length} records is from TSManager or starts an instruction (components: ${[...new Set(r.records.map((x) => x.component))].slice(0, 5).join(', ')})`,
      });
      continue;
    }
    usable.push(r);
    if (r.records.some((x) => x.form === 'clipboard')) {
      summary.push(
        `${r.file}: read in the clipboard form, which has no time zone and whole seconds only; times taken as ${(options.timeZone ?? UTC).label} (--timezone)`,
      );
    }
  }
  // Rolled logs (smsts-20191018-102100.log, then smsts.log) go in the order of their first record.
  usable.sort((a, b) => (a.records[0]?.utcMs ?? 0) - (b.records[0]?.utcMs ?? 0));
  const records: TimedRecord[] = [];
  const jumps: { t: number; byMs: number; ref: Ref }[] = [];
  let prevFile: { file: string; lastUtc: number } | null = null;
  for (const r of usable) {
    let list = r.records;
    if (prevFile !== null && (list[0]?.utcMs ?? 0) <= prevFile.lastUtc) {
      const before = list.length;
      const cut = prevFile.lastUtc;
      list = list.filter((x) => x.utcMs > cut);
      problems.push({
        file: r.file,
        line: r.records[0]?.line ?? null,
        message: `overlaps ${prevFile.file}, which runs until ${formatIsoSeconds(cut)}: its ${before - list.length} records up to then are skipped`,
      });
      if (list.length === 0) continue;
    }
    let shift = 0;
    let latest = -Infinity;
    let jitter = 0;
    for (const x of list) {
      let t = x.utcMs + shift;
      if (t < latest) {
        const back = latest - t;
        if (back <= JITTER_MS) {
          jitter++;
          t = latest;
        } else {
          problems.push({
            file: x.file,
            line: x.line,
            message: `the time goes back ${formatHours(back)} (to ${formatIsoSeconds(x.utcMs)}): taken as the clock set back; later lines keep their spacing and the scenario gets a clock-jump`,
          });
          shift += back;
          t = latest;
          jumps.push({ t, byMs: -back, ref: { file: x.file, line: x.line } });
        }
      }
      latest = t;
      records.push({ ...x, t });
    }
    if (jitter > 0)
      summary.push(
        `${r.file}: ${jitter} lines are up to ${JITTER_MS / 1000}s out of time order (two processes writing); kept in file order`,
      );
    prevFile = { file: r.file, lastUtc: (list[list.length - 1]?.utcMs ?? 0) + shift };
  }
  return { records, jumps, reads };
}

interface KeptStep {
  readonly logged: LoggedStep;
  readonly index: number;
  /** Log time the step starts in the scenario: its first attempt, or the resume after the previous restart. */
  effectiveStart: number;
  /** Log time it ends (its restart, the next step's start, the engine's result); `null`: cut by the end of the log. */
  end: number | null;
  endRef: Ref | null;
}

type Outcome = ImportFacts['outcome'];

/** What every phase after the first reads: the logged sequence, the steps kept, the outcome and the notes. */
interface Phase {
  readonly seq: LoggedSequence;
  readonly kept: readonly KeptStep[];
  readonly lastKept: KeptStep;
  readonly outcome: Outcome;
  readonly summary: string[];
}

type Commented<T> = { readonly comment: string } & T;
type StepOut = Commented<{ step: TaskSequenceStep }>;
type EventOut = Commented<{ event: ScenarioEvent }>;

/** Phase 1: the steps kept (groups and skipped instructions left out), and when each starts and ends in the log. */
function keptSteps(seq: LoggedSequence, summary: string[], fail: (why: string) => never, files: string): KeptStep[] {
  const kept: KeptStep[] = [];
  for (const s of seq.steps) {
    if (s.group) continue;
    if (s.skipped !== null) continue;
    kept.push({ logged: s, index: kept.length, effectiveStart: s.attempts[0]?.t ?? 0, end: null, endRef: null });
  }
  const dropped = seq.steps.filter((s) => s.group || s.skipped !== null);
  for (const s of dropped) {
    if (s.restart !== null) {
      summary.push(
        `${refText(s.restart.ref)}: a restart during the group or skipped instruction "${s.name}" is ignored`,
      );
    }
  }
  if (kept.length === 0) {
    fail(
      seq.steps.length === 0
        ? `nothing usable remains: no "Start executing an instruction" line in ${files}`
        : 'nothing usable remains: every instruction in the log is a group or was skipped',
    );
  }
  kept.forEach((k, i) => {
    const prev = kept[i - 1];
    if (prev?.logged.restart?.resume) k.effectiveStart = prev.logged.restart.resume.t;
    const next = kept[i + 1];
    const r = k.logged.restart;
    if (r !== null) {
      k.end = r.t;
      k.endRef = r.ref;
    } else if (next !== undefined) {
      k.end = next.logged.attempts[0]?.t ?? null;
      k.endRef = next.logged.attempts[0]?.ref ?? null;
    } else if (seq.result !== null) {
      k.end = seq.result.t;
      k.endRef = seq.result.ref;
    }
  });
  return kept;
}

/**
 * Phase 2: the boot time. The shortest boot measured is the scenario's boot time; a longer restart (an upgrade's
 * offline phase) keeps its extra time in the step before it, so every step still starts when the log says.
 */
function bootTimeOf(kept: readonly KeptStep[]): ImportFacts['bootTime'] {
  const boots: { ms: number; ref: Ref }[] = [];
  for (const k of kept) {
    const r = k.logged.restart;
    if (r?.resume) {
      const i = r.interruption;
      if (i === null) boots.push({ ms: r.resume.t - r.t, ref: r.ref });
      else if (i.downtimeMs !== null) boots.push({ ms: r.resume.t - i.t - i.downtimeMs, ref: i.ref });
    }
    k.logged.attempts.forEach((a, j) => {
      const next = k.logged.attempts[j + 1];
      const i = a.interruption;
      if (i !== null && i.downtimeMs !== null && next !== undefined) {
        boots.push({ ms: next.t - i.t - i.downtimeMs, ref: i.ref });
      }
    });
  }
  const sortedBoots = boots
    .map((b) => b.ms)
    .filter((ms) => ms >= 0)
    .sort((a, b) => a - b);
  const ms = sortedBoots[0] ?? DEFAULT_BOOT_MS;
  const source =
    sortedBoots.length === 0
      ? `not measured (no restart resumes in the log): the default ${formatDuration(DEFAULT_BOOT_MS)}`
      : sortedBoots.length === 1 || sortedBoots[0] === sortedBoots[sortedBoots.length - 1]
        ? `measured from the log (${boots.map((b) => refText(b.ref)).join(', ')})`
        : `the shortest boot measured (${boots.map((b) => `${formatDuration(b.ms)} at ${refText(b.ref)}`).join(', ')}); longer restarts keep their extra time in the step before them`;
  return { ms, source };
}

function interruptionEvent(i: Interruption, atSim: number, downtimeMs: number, recoverable: boolean): ScenarioEvent {
  if (i.kind === 'ts-crash') return { type: 'ts-crash', atMs: atSim };
  return { type: i.kind, atMs: atSim, downtimeMs, recoverable };
}

/**
 * Phase 3: the scenario's time line. Walks the kept steps in log time and lays them out in simulation time: each
 * step's duration and flags, the interruptions between its attempts and during its restart, and where the log
 * stops (`lastSimMs`).
 */
class TimeLine {
  readonly events: EventOut[] = [];
  readonly steps: StepOut[] = [];
  /** Simulation time each kept step starts. */
  readonly simStarts: number[] = [];
  readonly startMs: number;
  readonly firstStart: number;
  readonly startAtMs: number;
  lastSimMs = 0;
  readonly cutNote: string[] = [];
  private readonly p: Phase;
  private readonly bootMs: number;
  /** Simulation time of each log time inside a step, for events and the replay. */
  private simT: number;
  private lastStepEndSim: number;
  private readonly stopping: KeptStep | null;

  constructor(p: Phase, bootMs: number) {
    this.p = p;
    this.bootMs = bootMs;
    this.startMs = Math.floor(p.seq.first.t / 1000) * 1000;
    this.firstStart = p.kept[0]?.effectiveStart ?? p.seq.first.t;
    this.startAtMs = this.firstStart - this.startMs;
    this.simT = this.startAtMs;
    this.lastStepEndSim = this.startAtMs;
    this.stopping = p.outcome === 'failed' ? p.lastKept : null;
  }

  /** Lays out every kept step, up to where the log stops. */
  build(): this {
    const { seq, outcome, lastKept } = this.p;
    for (const k of this.p.kept) {
      this.simStarts.push(this.simT);
      const attemptStart = this.replayAttempts(k);
      const { step, comment } = this.stepOf(k, attemptStart);
      this.steps.push({ step, comment });
      if (k.end === null) {
        // The log stops inside this step.
        this.lastSimMs = this.simT + Math.max(0, seq.last.t - attemptStart);
        this.simT += step.durationMs;
        break;
      }
      this.simT += step.durationMs;
      this.lastStepEndSim = this.simT;
      if (this.restartStops(k)) break;
      this.lastSimMs = Math.max(this.lastSimMs, this.simT);
    }
    if (outcome !== 'abandoned') {
      this.lastSimMs = this.lastStepEndSim + Math.max(0, seq.last.t - (lastKept.end ?? seq.last.t));
    }
    return this;
  }

  /** The interruptions between a step's attempts, as recoverable events; returns the last attempt's log time. */
  private replayAttempts(k: KeptStep): number {
    const s = k.logged;
    let attemptStart = k.effectiveStart;
    for (let j = 0; j < s.attempts.length - 1; j++) {
      const a = s.attempts[j];
      const next = s.attempts[j + 1];
      const i = a?.interruption;
      if (a === undefined || next === undefined || i === undefined || i === null) continue;
      const atSim = this.simT + Math.max(0, i.t - attemptStart);
      const downtime = i.downtimeMs ?? Math.max(0, next.t - i.t - this.bootMs);
      this.events.push({
        event: interruptionEvent(i, atSim, downtime, true),
        comment: `${refText(i.ref)}: ${i.inferred ? `step "${s.name}" runs again at ${refText(next.ref)}: an interruption after the last line before it` : 'a recoverable interruption'}; down ${formatDuration(downtime)}, then a boot of ${formatDuration(this.bootMs)}`,
      });
      this.simT = atSim + downtime + this.bootMs;
      attemptStart = next.t;
    }
    return attemptStart;
  }

  /** One kept step as a scenario step, with the comment that cites the lines it came from. */
  private stepOf(k: KeptStep, attemptStart: number): StepOut {
    const { seq, kept, lastKept, summary } = this.p;
    const s = k.logged;
    const bootMs = this.bootMs;
    const attemptRef = s.attempts[s.attempts.length - 1]?.ref ?? { file: '', line: 0 };
    const fails = s.failed !== null || k === this.stopping;
    const continueOnError = fails && k !== this.stopping;
    let { durationMs, comment } = this.durationOf(k, attemptStart, attemptRef);
    if (s.completed && k.end !== null && k.end - s.completed.t >= 1000 && !s.restart) {
      comment += ` (the action ended at ${refText(s.completed.ref)}; the time until the next step is counted here)`;
    }
    if (s.disables !== null) comment += `; setup disables the client (${refText(s.disables)})`;
    if (s.failed !== null)
      comment += `; failed at ${refText(s.failed.ref)}${continueOnError ? ', and the sequence went on' : ''}`;
    if (k === this.stopping && s.failed === null && seq.result !== null) {
      comment += `; the engine reported failure at ${refText(seq.result.ref)}: this last step is marked as the failing one`;
      summary.push(
        `${refText(seq.result.ref)}: the engine failed but no "Failed to run the action" names the last step; it is marked as failing`,
      );
    }
    if (s.retried !== null)
      comment += `; it ran again after its restart (${refText(s.retried)}), counted in the next step`;
    const longer = s.restart?.resume && s.restart.interruption === null ? s.restart.resume.t - s.restart.t - bootMs : 0;
    if (longer > 0 && k.end !== null) {
      durationMs += longer;
      comment += `; + ${formatDuration(longer)}: its restart took ${formatDuration(longer + bootMs)}, longer than the boot time, so the rest is counted in this step`;
      summary.push(
        `step "${s.name}": its restart took ${formatDuration(longer + bootMs)} (${refText(s.restart?.ref ?? attemptRef)}); ${formatDuration(longer)} beyond the boot time is counted in the step, so the next step starts when the log says`,
      );
    }
    const restartAfterEnd = k === lastKept && seq.restartAfterEnd !== null;
    const restart = s.restart !== null || restartAfterEnd;
    // Where it restarts: SMSTSRebootRequested where logged, else where the next step runs; the installed OS when the
    // log says neither.
    const target: Environment = restartAfterEnd
      ? (seq.restartAfterEndTarget ?? 'os')
      : (s.rebootTarget ?? kept[k.index + 1]?.logged.environment ?? 'os');
    if (restart && target === 'winpe') comment += '; restarts into Windows PE (the boot image)';
    if (s.restart !== null) {
      const r = s.restart;
      comment += `; restarts at ${refText(r.ref)}${r.resume ? `, resumes at ${refText(r.resume.ref)}` : ''}`;
    } else if (restartAfterEnd && seq.restartAfterEnd) {
      comment += `; restarts after the end at ${refText(seq.restartAfterEnd.ref)}`;
    }
    return {
      step: {
        name: s.name,
        durationMs,
        restart: restart ? target : false,
        disablesClient: s.disables !== null,
        fails,
        continueOnError,
      },
      comment,
    };
  }

  /** How long the step's last attempt runs, and the comment's start; a step cut by the end of the log gets a placeholder. */
  private durationOf(k: KeptStep, attemptStart: number, attemptRef: Ref): { durationMs: number; comment: string } {
    const seq = this.p.seq;
    if (k.end !== null) {
      return {
        durationMs: Math.max(0, k.end - attemptStart),
        comment: `${refText(attemptRef)} to ${k.endRef === null ? 'the end of the log' : refText(k.endRef)}`,
      };
    }
    // Cut by the end of the log: the step's full duration is unknown; it is set past the interruption.
    const elapsed = Math.max(0, seq.last.t - attemptStart);
    const durationMs = (Math.floor(elapsed / 60_000) + 1) * 60_000;
    this.cutNote.push(
      `step "${k.logged.name}" is cut by the end of the log after ${formatDuration(elapsed)}; its duration is a placeholder`,
    );
    return {
      durationMs,
      comment: `${refText(attemptRef)}; the log stops ${formatDuration(elapsed)} into this step (${refText(seq.last.ref)}): its full duration is unknown, set to ${formatDuration(durationMs)} so the interruption falls inside it`,
    };
  }

  /** The step's restart in simulation time (an interruption during its boot too); true when the log stops during it. */
  private restartStops(k: KeptStep): boolean {
    const { seq, outcome, summary } = this.p;
    const s = k.logged;
    const r = s.restart;
    if (r === null) return false;
    const stepEndSim = this.simT;
    if (r.interruption !== null && r.resume !== null) {
      const i = r.interruption;
      const atSim = stepEndSim + Math.max(0, i.t - r.t);
      const downtime = i.downtimeMs ?? 0;
      this.events.push({
        event: interruptionEvent(i, atSim, downtime, true),
        comment: `${refText(i.ref)}: an interruption during the restart's boot; down ${formatDuration(downtime)}`,
      });
      this.simT = atSim + downtime + this.bootMs;
    } else {
      this.simT += this.bootMs;
    }
    if (r.resume !== null) return false;
    // The log stops during this restart: the sequence waits to resume with a step the log never reached.
    this.lastSimMs = stepEndSim + Math.min(Math.max(0, seq.last.t - r.t), Math.max(0, this.bootMs - 1));
    if (outcome === 'abandoned') {
      this.steps.push({
        step: {
          name: 'Next step (not in the log)',
          durationMs: 60_000,
          restart: false,
          disablesClient: false,
          fails: false,
          continueOnError: false,
        },
        comment: `a placeholder: the log stops during the restart after step "${s.name}" (${refText(r.ref)}), so the sequence is still waiting to resume when it is interrupted`,
      });
      summary.push(
        `the log stops during the restart after step "${s.name}"; a placeholder step follows it so that the sequence is still running then`,
      );
    }
    return true;
  }
}

/** Phase 4: the abandoned ending (an interruption at the last logged moment) and the log's clock jumps, as events. */
function endingAndJumps(
  p: Phase,
  line: TimeLine,
  jumps: readonly { t: number; byMs: number; ref: Ref }[],
): string | null {
  const { seq, summary } = p;
  let ending: string | null = null;
  if (p.outcome === 'abandoned') {
    const marker = seq.abandon;
    const i: Interruption = marker ?? { ...seq.last, kind: 'ts-crash', downtimeMs: null, inferred: true };
    line.events.push({
      event: interruptionEvent(i, line.lastSimMs, i.downtimeMs ?? 0, false),
      comment:
        marker === null
          ? `${refText(seq.last.ref)}: the log stops here with no engine result: the sequence is abandoned at the last logged moment`
          : `${refText(marker.ref)}: the sequence is abandoned here (${i.kind}${i.downtimeMs === null ? '' : `, down ${formatDuration(i.downtimeMs)}`})`,
    });
    ending =
      marker === null
        ? `the log stops at ${refText(seq.last.ref)} with no engine result: the sequence is taken as abandoned there (ts-crash: provisioning mode and CcmExec stay as they are)`
        : `the sequence is abandoned at ${refText(marker.ref)} (${i.kind})`;
    summary.push(ending);
  }
  summary.push(...line.cutNote);
  for (const j of jumps) {
    const atSim = Math.max(0, Math.min(line.lastSimMs, j.t - line.firstStart + line.startAtMs));
    line.events.push({
      event: { type: 'clock-jump', atMs: atSim, byMs: j.byMs },
      comment: `${refText(j.ref)}: the log's clock goes back ${formatHours(-j.byMs)}`,
    });
  }
  line.events.sort((a, b) => a.event.atMs - b.event.atMs);
  return ending;
}

interface Provisioning {
  readonly atStep: number | null;
  readonly how: string;
  readonly entry: ImportFacts['entry'];
}

/**
 * Phase 5: where provisioning mode is entered: the step of the first "Setting the client into provisioning mode",
 * else a "Setup Windows and ConfigMgr" step (wipe-and-load), else the sequence's start. Renames the step when an
 * earlier one has its name, so that `provisioningAt` names it uniquely.
 */
function provisioningOf(p: Phase, line: TimeLine): Provisioning {
  const { seq, summary } = p;
  const firstEntry = seq.entries[0];
  const found = firstEntry === undefined ? assumedEntry(p, line) : loggedEntry(p, line, firstEntry);
  const steps = line.steps;
  const at = found.atStep;
  if (at !== null) {
    const target = steps[at];
    if (target !== undefined && steps.slice(0, at).some((s) => s.step.name === target.step.name)) {
      const renamed = `${target.step.name} (#${at + 1})`;
      summary.push(
        `step ${at + 1} "${target.step.name}" is renamed "${renamed}": provisioningAt must name it uniquely`,
      );
      steps[at] = { ...target, step: { ...target.step, name: renamed } };
    }
  }
  return found;
}

function loggedEntry(p: Phase, line: TimeLine, firstEntry: LoggedSequence['entries'][number]): Provisioning {
  const { seq, kept, summary } = p;
  let idx: number | null = null;
  if (firstEntry.step !== null) {
    const pos = seq.steps.indexOf(firstEntry.step);
    const after = kept.find((k) => seq.steps.indexOf(k.logged) >= pos);
    idx = after === undefined ? null : after.index;
    if (after === undefined)
      summary.push(
        `${refText(firstEntry.ref)}: provisioning mode is entered after the last step; taken as the sequence's start`,
      );
  }
  const how = `"Setting the client into provisioning mode" at ${refText(firstEntry.ref)}`;
  const simMs = idx === null ? line.startAtMs : (line.simStarts[idx] ?? line.startAtMs);
  if (idx !== null) {
    const startLog = kept[idx]?.effectiveStart ?? firstEntry.t;
    const late = firstEntry.t - startLog;
    if (late > 1000)
      summary.push(
        `${refText(firstEntry.ref)}: provisioning mode is entered ${formatDuration(late)} into step "${kept[idx]?.logged.name}"; provsim enters at the step's start, so ProvisioningEnabledTime is that much earlier`,
      );
  }
  return { atStep: idx, how, entry: { ...firstEntry, simMs, how } };
}

function assumedEntry(p: Phase, line: TimeLine): Provisioning {
  const { seq, kept, summary } = p;
  const setup = kept.find((k) => /setup windows and (configmgr|configuration manager)/i.test(k.logged.name));
  if (setup !== undefined) {
    const how = `assumed at step "${setup.logged.name}" (wipe-and-load: the client is installed in the new OS there); no "Setting the client into provisioning mode" line`;
    summary.push(how);
    const entry = {
      t: setup.effectiveStart,
      ref: setup.logged.attempts[0]?.ref ?? seq.first.ref,
      simMs: line.simStarts[setup.index] ?? line.startAtMs,
      how,
    };
    return { atStep: setup.index, how, entry };
  }
  const how = "no sign of provisioning mode in the log: provsim enters at the sequence's start (the flow diagram)";
  summary.push(how);
  const entry = {
    t: line.firstStart,
    ref: kept[0]?.logged.attempts[0]?.ref ?? seq.first.ref,
    simMs: line.startAtMs,
    how,
  };
  return { atStep: null, how, entry };
}

/** Phase 6: the client's release (option, provsim log, management point's build, default) and its `max`. */
function clientOf(
  seq: LoggedSequence,
  options: ImportOptions,
  summary: string[],
): Pick<ImportFacts, 'clientVersion' | 'maxMinutes'> {
  let clientVersion: ImportFacts['clientVersion'];
  const mpRelease = seq.managementPointVersion === null ? null : releaseOfBuild(seq.managementPointVersion.build);
  if (options.clientVersion !== undefined) clientVersion = { value: options.clientVersion, source: '--client-version' };
  else if (seq.clientRelease !== null) {
    clientVersion = {
      value: seq.clientRelease.release,
      source: `stated by the provsim log at ${refText(seq.clientRelease.ref)}`,
    };
  } else if (mpRelease !== null && seq.managementPointVersion !== null) {
    clientVersion = {
      value: mpRelease,
      source: `the management point's version ${seq.managementPointVersion.build} at ${refText(seq.managementPointVersion.ref)} (release ${mpRelease}; the client is taken to match its site)`,
    };
  } else
    clientVersion = {
      value: DEFAULT_VERSION,
      source: `not in the log: the default ${DEFAULT_VERSION} (--client-version)`,
    };
  if (options.clientVersion === undefined)
    summary.push(`client version ${clientVersion.value}: ${clientVersion.source}`);
  const maxMinutes: ImportFacts['maxMinutes'] =
    options.maxMinutes === undefined
      ? {
          value: DEFAULT_MAX_MINUTES,
          source: `ProvisioningMaxMinutes absent: the default ${DEFAULT_MAX_MINUTES} (${DEFAULT_MAX_MINUTES / 60} hours) (--max-minutes)`,
        }
      : { value: options.maxMinutes, source: '--max-minutes' };
  return { clientVersion, maxMinutes };
}

/** Phase 7: where the sequence runs, whether it ran without ConfigMgr, and whether the next log is awaited. */
function surroundingsOf(p: Phase): Pick<ImportFacts, 'startsIn' | 'standalone' | 'awaitsNextLog'> {
  const { seq, kept, lastKept, outcome, summary } = p;
  const firstStep = kept[0]?.logged;
  const startsIn: ImportFacts['startsIn'] =
    firstStep?.environment === 'winpe'
      ? { value: 'winpe', ref: firstStep.environmentRef ?? firstStep.attempts[0]?.ref ?? null }
      : { value: 'os', ref: null };
  if (startsIn.value === 'winpe')
    summary.push(
      `the sequence starts in Windows PE (${refText(startsIn.ref ?? seq.first.ref)}: its paths are on X:): startsIn: winpe, so the installed OS's client runs only after a restart into the OS`,
    );
  const standalone = seq.standalone?.ref ?? null;
  if (standalone !== null)
    summary.push(
      `${refText(standalone)}: the sequence ran without ConfigMgr (standalone, as MDT Lite Touch runs it): there is no ConfigMgr client and no provisioning mode, so the scenario has no task sequence and no client state to simulate`,
    );
  const lastRestart = lastKept.logged.restart;
  const awaitsNextLog: ImportFacts['awaitsNextLog'] =
    outcome === 'abandoned' &&
    lastRestart !== null &&
    lastRestart.resume === null &&
    lastKept.logged.failed === null &&
    seq.abandon === null
      ? {
          ref: lastRestart.ref,
          step: lastKept.logged.name,
          target: lastKept.logged.rebootTarget,
          where: nextLogLocation(lastKept.logged.rebootTarget),
        }
      : null;
  if (awaitsNextLog !== null)
    summary.push(
      `the log stops at the restart after step "${awaitsNextLog.step}" (${refText(awaitsNextLog.ref)}) with no failure: the sequence goes on after the restart in the next log (${awaitsNextLog.where}); without it the scenario takes the sequence as abandoned there`,
    );
  return { startsIn, standalone, awaitsNextLog };
}

/**
 * The horizon: the end of the log + the `max` in force + 3 days, in whole hours; kept inside the wall clock the
 * loader allows (docs/model.md, choice 21): a log from the last days of 9999.
 */
function horizonOf(lastSimMs: number, maxMinutes: number, startMs: number): number {
  return Math.max(
    1000,
    Math.min(
      Math.ceil((lastSimMs + Math.max(maxMinutes, DEFAULT_MAX_MINUTES) * 60_000 + 3 * 86_400_000) / 3_600_000) *
        3_600_000,
      Math.floor((MAX_WALL_MS - startMs) / 1000) * 1000,
    ),
  );
}

/** What the commented YAML states beside the scenario. */
interface YamlNotes {
  readonly inputs: readonly LogInput[];
  readonly records: number;
  readonly reads: readonly ReadLog[];
  readonly problems: readonly LogProblem[];
  readonly p: Phase;
  readonly line: TimeLine;
  readonly provisioning: Provisioning;
  readonly client: Pick<ImportFacts, 'clientVersion' | 'startsIn'>;
  readonly bootSource: string;
  readonly options: ImportOptions;
}

/** Phase 8: the scenario's YAML, with the summary on top and a comment on each element citing its log line. */
function commentedYaml(scenario: Scenario, n: YamlNotes): string {
  const { seq, kept, outcome, summary } = n.p;
  const { problems, provisioning } = n;
  const exit = seq.exits[seq.exits.length - 1] ?? null;
  const skipped = n.reads.reduce((c, r) => c + r.skippedLines, 0);
  const header = [
    ` provsim import of ${n.inputs.map((i) => i.file).join(', ')}: ${n.records} records read, ${seq.recognised} understood as task-sequence lines, ${skipped} line${skipped === 1 ? '' : 's'} skipped.`,
    ` The log runs from ${formatIsoSeconds(seq.first.t)} (${refText(seq.first.ref)}) to ${formatIsoSeconds(seq.last.t)} (${refText(seq.last.ref)}); outcome: ${outcome}.`,
    ...(summary.length + problems.length === 0 ? [] : [' What could not be understood, or was assumed:']),
    ...problems.slice(0, MAX_LISTED).map((p) => `   - ${problemText(p)}`),
    ...(problems.length > MAX_LISTED ? [`   - ... and ${problems.length - MAX_LISTED} more problems`] : []),
    ...summary.map((s) => `   - ${s}`),
  ];
  const doc = parseDocument(scenarioToYaml(scenario));
  doc.commentBefore = `${header.join('\n')}\n${doc.commentBefore ?? ''}`.replace(/\n$/, '');
  const comment = (path: (string | number)[], text: string) => {
    const node = doc.getIn(path, true) as YamlNode | undefined;
    if (node !== undefined && node !== null) node.commentBefore = ` ${text.replace(/\n/g, ' ')}`;
  };
  const pair = (key: string, text: string, path: string[] = []) => {
    const parent = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (!isMap(parent)) return;
    const item = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === key);
    if (item && item.key && typeof item.key === 'object') (item.key as YamlNode).commentBefore = ` ${text}`;
  };
  pair('start', `the first record, ${refText(seq.first.ref)} (${formatIsoSeconds(seq.first.t)}), cut to the second`);
  pair('horizon', `the end of the log + ProvisioningMaxMinutes + 3 days, to see what the client does next`);
  pair('version', `client release: ${n.client.clientVersion.source}`, ['client']);
  pair('bootTime', `boot time: ${n.bootSource}`, ['client']);
  const startsIn = n.client.startsIn;
  if (startsIn.ref !== null)
    pair('startsIn', `Windows PE: the log's path at ${refText(startsIn.ref)} is on X:`, ['client']);
  if (n.options.maxMinutes !== undefined) pair('registry', 'ProvisioningMaxMinutes from --max-minutes', ['client']);
  pair(
    'name',
    seq.name === null ? 'no _SMSTSPackageName in the log' : `_SMSTSPackageName at ${refText(seq.name.ref)}`,
    ['taskSequence'],
  );
  pair('startAt', `the first step, ${refText(kept[0]?.logged.attempts[0]?.ref ?? seq.first.ref)}`, ['taskSequence']);
  if (provisioning.atStep !== null) pair('provisioningAt', `provisioning mode: ${provisioning.how}`, ['taskSequence']);
  else
    pair(
      'steps',
      `provisioning mode: ${provisioning.how}${exit === null ? '' : `; left at ${refText(exit.ref)} ("Exiting SetClientProvisioningMode")`}`,
      ['taskSequence'],
    );
  n.line.steps.forEach((s, i) => comment(['taskSequence', 'steps', i], `step ${i + 1}: ${s.comment}`));
  n.line.events.forEach((e, i) => comment(['events', i], e.comment));
  pair(
    'expect',
    `the engine's result: ${seq.result === null ? 'none (abandoned)' : `${seq.result.word} (${seq.result.code}) at ${refText(seq.result.ref)}`}${exit === null ? '' : `; the log shows provisioning mode left at ${refText(exit.ref)}`}`,
  );
  return doc.toString({ lineWidth: 0 });
}

/** Imports task-sequence logs; throws `ImportError` only when nothing usable remains. */
export function importSmstsLogs(inputs: readonly LogInput[], options: ImportOptions = {}): ImportResult {
  if (inputs.length === 0) throw new ImportError(['no log files given; try: provsim import smsts.log']);
  const problems: LogProblem[] = [];
  const summary: string[] = [];
  const { records, jumps, reads } = gather(inputs, options, problems, summary);
  const fail = (why: string): never => {
    throw new ImportError([...problems.map(problemText), why]);
  };
  if (records.length === 0) fail('nothing usable remains: no task-sequence records could be read');
  const seq = interpretSmsts(records);
  summary.push(...seq.notes);
  const kept = keptSteps(seq, summary, fail, reads.map((r) => r.file).join(', '));
  const outcome: Outcome = seq.result === null ? 'abandoned' : seq.result.success ? 'success' : 'failed';
  const lastKept = kept[kept.length - 1] as KeptStep;
  if (outcome !== 'abandoned' && lastKept.end === null) lastKept.end = seq.last.t;
  const p: Phase = { seq, kept, lastKept, outcome, summary };
  const bootTime = bootTimeOf(kept);
  const line = new TimeLine(p, bootTime.ms).build();
  const ending = endingAndJumps(p, line, jumps);
  const provisioning = provisioningOf(p, line);
  const { clientVersion, maxMinutes } = clientOf(seq, options, summary);
  const { startsIn, standalone, awaitsNextLog } = surroundingsOf(p);
  const tsName = seq.name?.value ?? 'Imported task sequence';
  const scenario = createScenario({
    name: slug(tsName),
    description: `Imported by provsim import from ${inputs.map((i) => plainName(i.file)).join(', ')} (${formatIsoSeconds(seq.first.t)} to ${formatIsoSeconds(seq.last.t)}).`,
    file: null,
    startMs: line.startMs,
    horizonMs: horizonOf(line.lastSimMs, maxMinutes.value, line.startMs),
    client: {
      version: clientVersion.value,
      bootTimeMs: bootTime.ms,
      startsIn: startsIn.value,
      ...(options.ccmeval === false ? { ccmeval: { enabled: false } } : {}),
      ...(options.maxMinutes === undefined ? {} : { registry: { ProvisioningMaxMinutes: options.maxMinutes } }),
    },
    taskSequence:
      standalone === null
        ? {
            name: tsName,
            startAtMs: line.startAtMs,
            provisioningAtStep: provisioning.atStep,
            steps: line.steps.map((s) => s.step),
          }
        : null,
    events: standalone === null ? line.events.map((e) => e.event) : [],
    expect: { taskSequence: standalone === null ? outcome : 'none' },
  });
  const yaml = commentedYaml(scenario, {
    inputs,
    records: records.length,
    reads,
    problems,
    p,
    line,
    provisioning,
    client: { clientVersion, startsIn },
    bootSource: bootTime.source,
    options,
  });
  const reread = parseScenario(yaml, inputs[0]?.file ?? 'smsts.log');
  if (scenarioToYaml(reread) !== scenarioToYaml(scenario)) {
    throw new Error('internal error: the imported scenario does not read back equal to itself');
  }
  return {
    scenario,
    yaml,
    summary,
    problems,
    facts: {
      lastUtcMs: seq.last.t,
      lastSimMs: line.lastSimMs,
      lastRef: seq.last.ref,
      logBiasMinutes: seq.lastBiasMinutes,
      outcome,
      entry: provisioning.entry,
      exit: seq.exits[seq.exits.length - 1] ?? null,
      clientVersion,
      maxMinutes,
      bootTime,
      ending,
      startsIn,
      standalone,
      awaitsNextLog,
    },
  };
}

/** A scenario name from the task sequence's: `imported-windows-11-upgrade`. */
function slug(text: string): string {
  const s = text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 50)
    .replace(/-+$/, '');
  return s === '' ? 'imported' : `imported-${s}`;
}
