/**
 * The first lines `provsim replay` prints: is the client in provisioning mode at the end of the log, since when,
 * and when it leaves (UTC and the log's local time), or "never", with the assumptions that decide it. Pure: from
 * the import's facts and the report of the imported scenario's run.
 */
import type { Report } from '../report/Report.js';
import { formatHours } from '../scenario/Duration.js';
import type { Scenario } from '../scenario/Scenario.js';
import type { ImportFacts } from './importSmstsLogs.js';
import { refText } from './interpretSmsts.js';

export interface ReplayAnswer {
  /** At the last logged moment. */
  readonly inProvisioningMode: boolean;
  /** Wall clock (UTC epoch ms) of the entry into the interval open at the end of the log. */
  readonly sinceUtcMs: number | null;
  /** Wall clock of the exit; `null` when the client does not leave within the run. */
  readonly leavesUtcMs: number | null;
  readonly leaveReason: string | null;
  readonly lines: string[];
  /** The log alone cannot answer (a sequence without ConfigMgr, or a log that stops at a restart): no simulation. */
  readonly unanswerable: boolean;
}

const utcText = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.000Z$/, 'Z');

function offsetText(biasMinutes: number): string {
  const offset = -biasMinutes;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** `2026-03-04 20:00:00 log time (UTC+01:00)`: the wall clock as the log writes it, with the log's bias. */
function localText(utcMs: number, biasMinutes: number): string {
  const local = new Date(utcMs - biasMinutes * 60_000)
    .toISOString()
    .replace('T', ' ')
    .replace(/(\.000)?Z$/, '');
  return `${local} log time, ${offsetText(biasMinutes)}`;
}

/** The wall clock of a simulation instant: start + time + the clock jumps up to then. */
export function wallAt(report: Report, simMs: number): number {
  let offset = 0;
  for (const e of report.trace) {
    if (e.atMs > simMs) break;
    if (e.type === 'clock-jump') offset += e.byMs;
  }
  return Date.parse(report.scenario.start) + simMs + offset;
}

/**
 * The answer. `fallbackBiasMinutes` is used for the local time when no record of the log carried a bias.
 * "Now" is the last logged moment: what the log can tell.
 */
export function answerReplay(
  scenario: Scenario,
  facts: ImportFacts,
  report: Report,
  fallbackBiasMinutes: number,
): ReplayAnswer {
  const bias = facts.logBiasMinutes ?? fallbackBiasMinutes;
  const when = (utcMs: number) => `${utcText(utcMs)} (${localText(utcMs, bias)})`;
  const unanswered = (lines: string[]): ReplayAnswer => ({
    inProvisioningMode: false,
    sinceUtcMs: null,
    leavesUtcMs: null,
    leaveReason: null,
    lines,
    unanswerable: true,
  });
  const next = facts.awaitsNextLog;
  const nextLine =
    next === null
      ? null
      : `The log stops at the restart after step "${next.step}" (${refText(next.ref)}) and shows no failure: the sequence goes on after the restart in the next log, which is not given. Give it too (provsim replay THIS-LOG NEXT-LOG); it is usually ${next.where}.`;
  if (facts.standalone !== null) {
    return unanswered([
      `Provisioning mode does not apply: the sequence ran without ConfigMgr (standalone, ${refText(facts.standalone)}), so there is no ConfigMgr client to put into provisioning mode or take out of it.`,
      ...(nextLine === null ? [] : [nextLine]),
    ]);
  }
  if (nextLine !== null) return unanswered([`Cannot answer from this log alone. ${nextLine}`]);
  const now = facts.lastSimMs;
  const interval = report.provisioning.intervals.find(
    (i) => i.enteredAtMs <= now && (i.exitedAtMs === null || i.exitedAtMs > now),
  );
  const version = scenario.client.version;
  const timeoutApplies = Number(version) >= 1902;
  const maxMinutes = report.client.maxMinutes;
  const ccmeval = scenario.client.ccmeval;
  const a = scenario.assumptions;
  const lines: string[] = [];
  if (facts.startsIn.value === 'winpe') {
    // [docs/model.md winpe-no-client] The installed OS's client runs only once the sequence restarts into the OS.
    const firstStart = report.trace.find((e) => e.type === 'service-start');
    lines.push(
      `The log begins in Windows PE, the boot image (${facts.startsIn.ref === null ? 'its paths are on X:' : `${refText(facts.startsIn.ref)}: its paths are on X:`}): startsIn: winpe. The installed OS's client does not run there; CcmExec first starts ${firstStart === undefined ? 'never within the run' : `at ${when(wallAt(report, firstStart.atMs))}, in the installed OS`}.`,
    );
  }
  const endText = `${when(wallAt(report, now))}, ${refText(facts.lastRef)}`;
  let sinceUtcMs: number | null = null;
  let leavesUtcMs: number | null = null;
  let leaveReason: string | null = null;

  if (interval === undefined) {
    const last = [...report.provisioning.intervals].reverse().find((i) => i.exitedAtMs !== null && i.exitedAtMs <= now);
    lines.push(`In provisioning mode now? NO, at the end of the log (${endText}).`);
    lines.push(
      last === undefined
        ? 'Since: the simulated client never entered provisioning mode.'
        : `It left at ${when(wallAt(report, last.exitedAtMs ?? 0))} (${last.exitReason})${facts.exit === null ? '' : `; the log shows "Exiting SetClientProvisioningMode" at ${refText(facts.exit.ref)}`}.`,
    );
  } else {
    sinceUtcMs = wallAt(report, interval.enteredAtMs);
    const stamp = report.trace.find((e) => e.type === 'provisioning-enter' && e.atMs === interval.enteredAtMs);
    const stampText =
      stamp?.type === 'provisioning-enter' && stamp.timestampSeconds !== null
        ? `; ProvisioningEnabledTime = ${stamp.timestampSeconds}`
        : '';
    lines.push(`In provisioning mode now? YES, at the end of the log (${endText}).`);
    lines.push(`Since: ${when(sinceUtcMs)}${facts.entry === null ? '' : `, ${facts.entry.how}`}${stampText}.`);
    if (interval.exitedAtMs !== null) {
      leavesUtcMs = wallAt(report, interval.exitedAtMs);
      leaveReason = interval.exitReason;
      const why =
        interval.exitReason === 'timeout'
          ? `by the timeout: the first check more than ProvisioningMaxMinutes (${maxMinutes} min = ${formatHours(maxMinutes * 60_000)}) after ProvisioningEnabledTime (deadline ${utcText(sinceUtcMs + maxMinutes * 60_000)}; checks run every ${formatHours(scenario.client.checkIntervalMs)} while CcmExec runs)`
          : `(${interval.exitReason})`;
      lines.push(
        `Leaves: ${when(leavesUtcMs)}, ${formatHours(interval.exitedAtMs - now)} after the end of the log, ${why}.`,
      );
    } else {
      leaveReason = 'never';
      const disabled = report.final.service.startup === 'disabled';
      const reason = !timeoutApplies
        ? `release ${version} is before 1902 and has no timeout: only SetClientProvisioningMode($false) (or a registry edit and a CcmExec restart) takes it out`
        : disabled && !ccmeval.enabled
          ? 'CcmExec is left disabled and ccmeval is off, so nothing starts it and nothing runs the check: only an administrator can take it out'
          : report.final.registry.ProvisioningEnabledTime === undefined && a.missingTimestamp === 'never-expires'
            ? 'there is no ProvisioningEnabledTime and missingTimestamp is never-expires'
            : `not within the simulated ${formatHours(report.scenario.horizonMs - now)} after the end of the log (hazards: ${[...new Set(report.hazards.map((h) => h.kind))].join(', ') || 'none'})`;
      lines.push(`Leaves: NEVER by itself; ${reason}.`);
    }
  }
  lines.push(
    `Deciding assumptions: client ${version} (${facts.clientVersion.source}); ${timeoutApplies ? `ProvisioningMaxMinutes ${maxMinutes} (${facts.maxMinutes.source})` : 'no timeout before 1902'}; ` +
      `${facts.ending ?? `the log's outcome: ${facts.outcome}`}; ccmeval ${ccmeval.enabled ? `every ${formatHours(ccmeval.everyMs)}` : 'off'}; ` +
      `checkLoop=${a.checkLoop}, setRestartsService=${a.setRestartsService}, maxMinutesRead=${a.maxMinutesRead}, missingTimestamp=${a.missingTimestamp} (--assume to change).`,
  );
  return {
    inProvisioningMode: interval !== undefined,
    sinceUtcMs,
    leavesUtcMs,
    leaveReason,
    lines,
    unanswerable: false,
  };
}
