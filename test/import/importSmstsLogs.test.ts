/**
 * What import makes of each task-sequence log in fixtures/ (synthetic, in the form of real logs: see
 * fixtures/SOURCES.md), step by step, and of every bad input of the issue.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ImportError, importSmstsLogs, type LogInput } from '../../sim/import/importSmstsLogs.js';
import { answerReplay } from '../../sim/import/replayAnswer.js';
import { runModel } from '../../sim/model/runModel.js';
import { parseTimeZone, type TimeZone } from '../../sim/time/TimeZone.js';
import { buildReport } from '../../sim/report/Report.js';
import { formatDuration } from '../../sim/time/Duration.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';
import type { Scenario } from '../../sim/scenario/Scenario.js';

const fixtures = 'test/import/fixtures';
const input = (path: string): LogInput => ({ file: path, bytes: readFileSync(join(fixtures, path)) });
const text = (file: string, t: string): LogInput => ({ file, bytes: new TextEncoder().encode(t) });

/** Each step as `name duration [restart] [disablesClient] [fails] [continueOnError]`. */
function steps(s: Scenario): string[] {
  return (s.taskSequence?.steps ?? []).map((x) =>
    [
      x.name,
      formatDuration(x.durationMs),
      x.restart ? 'restart' : '',
      x.disablesClient ? 'disablesClient' : '',
      x.fails ? 'fails' : '',
      x.continueOnError ? 'continueOnError' : '',
    ]
      .filter((p) => p !== '')
      .join(' '),
  );
}

function provisioningAt(s: Scenario): string | null {
  const ts = s.taskSequence;
  return ts === null || ts.provisioningAtStep === null ? null : (ts.steps[ts.provisioningAtStep]?.name ?? null);
}

describe('import of the fixtures', () => {
  it('reads a wipe-and-load from two rolled logs, in time order whatever the order given', () => {
    const files = [input('wipe-and-load/smsts.log'), input('wipe-and-load/smsts-20191018-102100.log')];
    const r = importSmstsLogs(files);
    const reversed = importSmstsLogs([...files].reverse()).scenario;
    expect({ ...reversed, description: '' }).toEqual({ ...r.scenario, description: '' });
    expect(steps(r.scenario)).toEqual([
      'Partition Disk 0 - UEFI 18s760ms',
      'Apply Operating System 17m13s690ms',
      'Apply Windows Settings 1s200ms',
      'Apply Device Drivers 21m11s900ms',
      'Setup Windows and ConfigMgr 1m450ms restart',
      'Install Applications 2m48s',
      'Install Software Updates 3m24s553ms',
    ]);
    // Groups (Install Operating System, Setup Operating System) and skipped steps (Restart in Windows PE, Gather
    // Logs on Failure) are left out; the retry of Setup Windows and ConfigMgr after its reboot is the same step.
    expect(r.scenario.startMs).toBe(Date.UTC(2019, 9, 18, 13, 40, 2));
    expect(r.scenario.taskSequence?.startAtMs).toBe(70_500);
    expect(r.scenario.client.bootTimeMs).toBe(211_700);
    expect(r.scenario.client.version).toBe('1902');
    expect(provisioningAt(r.scenario)).toBe('Setup Windows and ConfigMgr');
    expect(r.facts.outcome).toBe('success');
    expect(r.facts.exit?.ref).toEqual({ file: 'wipe-and-load/smsts.log', line: 27 });
    expect(r.problems).toEqual([]);
    expect(r.yaml).toContain(
      '# step 5: wipe-and-load/smsts-20191018-102100.log:31 to wipe-and-load/smsts-20191018-102100.log:34',
    );
  });

  it('reads an in-place upgrade in the newer instruction form with a byte-order mark', () => {
    const r = importSmstsLogs([input('inplace-upgrade-smsts.log')]);
    expect(steps(r.scenario)).toEqual([
      'Check Readiness 4s760ms',
      'Download Package Content 12m30s130ms',
      // 18m21s990ms as logged + the 34m24s900ms its setup restart took beyond the 2m13s100ms boot.
      'Upgrade Operating System 52m46s890ms restart disablesClient',
      'Install Applications 12m7s600ms',
      'Restart Computer 400ms restart',
      'Install Software Updates 17m59s200ms',
    ]);
    expect(r.scenario.client.bootTimeMs).toBe(133_100);
    expect(provisioningAt(r.scenario)).toBe('Upgrade Operating System');
    expect(r.facts.entry?.ref.line).toBe(11);
    expect(r.facts.logBiasMinutes).toBe(-60);
    expect(
      r.summary.some((s) => s.includes('provisioning mode is entered 1s490ms into step "Upgrade Operating System"')),
    ).toBe(true);
    // Every step starts when the log says: the run ends at the engine's result.
    const report = buildReport(runModel(r.scenario));
    expect(report.taskSequence.outcome).toBe('success');
    expect(Date.parse(report.scenario.start) + (report.taskSequence.endedAtMs ?? 0)).toBe(
      Date.UTC(2026, 1, 10, 14, 40, 0, 300),
    );
  });

  it('reads a failure copied from CMTrace to the clipboard', () => {
    const r = importSmstsLogs([input('failure-clipboard.txt')], {
      timeZone: parseTimeZone('America/New_York') as TimeZone,
    });
    expect(steps(r.scenario)).toEqual([
      'Capture User State 8m24s',
      'Apply Operating System 18m45s',
      'Setup Windows and ConfigMgr 1m29s restart',
      'Install Microsoft Teams 2m42s fails continueOnError',
      'Install Line-of-Business Apps 13m26s fails',
    ]);
    expect(r.scenario.startMs).toBe(Date.UTC(2024, 2, 14, 13, 2, 41));
    expect(r.facts.outcome).toBe('failed');
    expect(r.scenario.expect).toEqual({ taskSequence: 'failed' });
    expect(buildReport(runModel(r.scenario)).taskSequence.outcome).toBe('failed');
  });

  it('ends a log cut mid-step in an interruption at its last moment', () => {
    const r = importSmstsLogs([input('cut-mid-step-smsts.log')]);
    expect(steps(r.scenario)).toEqual([
      'Check Readiness 4s800ms',
      'Download Package Content 13m44s400ms',
      'Upgrade Operating System 32m27s500ms restart disablesClient',
      'Install Applications 6m',
    ]);
    expect(r.scenario.events).toEqual([{ type: 'ts-crash', atMs: 5_100_250 }]);
    expect(r.facts.outcome).toBe('abandoned');
    expect(r.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([
      'cut-mid-step-smsts.log:16: a truncated CMTrace record (the file ends inside it)',
    ]);
    expect(parseScenario(r.yaml, 'imported.yaml')).toEqual({ ...r.scenario, file: 'imported.yaml' });
  });
});

describe('replay answers', () => {
  const cut = (options = {}) => {
    const r = importSmstsLogs([input('cut-mid-step-smsts.log')], options);
    const report = buildReport(runModel(r.scenario));
    return answerReplay(r.scenario, r.facts, report, 0);
  };

  it('says when a client stuck by a cut log leaves, in UTC and the log time', () => {
    const a = cut();
    expect(a.inProvisioningMode).toBe(true);
    expect(a.lines[0]).toBe(
      'In provisioning mode now? YES, at the end of the log (2025-06-03 08:20:12.250Z (2025-06-03 10:20:12.250 log time, UTC+02:00), cut-mid-step-smsts.log:15).',
    );
    expect(a.sinceUtcMs).toBe(Date.UTC(2025, 5, 3, 7, 9, 2, 500));
    // CcmExec restarts at the end of Upgrade Operating System (07:41:30.000Z + 10s) and checks hourly: the first
    // check more than 48 hours after 07:09:02 is at 07:41:40 + 49 h.
    expect(a.leaveReason).toBe('timeout');
    expect(new Date(a.leavesUtcMs ?? 0).toISOString()).toBe('2025-06-05T07:14:45.700Z');
    expect(a.lines[2]).toContain('Leaves: 2025-06-05 07:14:45.700Z (2025-06-05 09:14:45.700 log time, UTC+02:00)');
    expect(a.lines[3]).toMatch(/^Deciding assumptions: client 2403/);
  });

  it('says never for a release before 1902', () => {
    const a = cut({ clientVersion: '1810' });
    expect(a.leaveReason).toBe('never');
    expect(a.lines[2]).toMatch(/^Leaves: NEVER by itself; release 1810 is before 1902/);
  });

  it('says never for a client left disabled with ccmeval off', () => {
    const log = readFileSync(join(fixtures, 'cut-mid-step-smsts.log'), 'utf16le').replace(/^\uFEFF/, '');
    // Cut inside Upgrade Operating System, while setup holds the client disabled.
    const inside = log.split('\r\n').slice(0, 8).join('\r\n');
    const r = importSmstsLogs([text('smsts.log', inside)], { ccmeval: false });
    const a = answerReplay(r.scenario, r.facts, buildReport(runModel(r.scenario)), 0);
    expect(a.lines[2]).toMatch(/^Leaves: NEVER by itself; CcmExec is left disabled and ccmeval is off/);
    const withCcmeval = importSmstsLogs([text('smsts.log', inside)]);
    expect(
      answerReplay(withCcmeval.scenario, withCcmeval.facts, buildReport(runModel(withCcmeval.scenario)), 0).leaveReason,
    ).toBe('timeout');
  });
});

describe('bad input', () => {
  const log = readFileSync(join(fixtures, 'wipe-and-load/smsts.log'), 'utf8');
  const fail = (inputs: LogInput[]) => {
    try {
      importSmstsLogs(inputs);
    } catch (e) {
      if (e instanceof ImportError) return e.message;
      throw e;
    }
    throw new Error('expected an ImportError');
  };

  it('refuses a log that is not a task-sequence log', () => {
    const ccmexec =
      '<![LOG[Service startup]LOG]!><time="10:00:00.000+000" date="01-01-2026" component="CcmExec" context="" type="1" thread="1" file="">\r\n';
    expect(fail([text('CcmExec.log', ccmexec)])).toMatch(
      /^CcmExec\.log: not a task-sequence log: none of its 1 records is from TSManager/m,
    );
  });

  it('refuses empty and binary files, and names each', () => {
    const message = fail([
      text('empty.log', ''),
      { file: 'image.png', bytes: new Uint8Array([137, 80, 78, 71, 0, 0, 0, 13, 1, 2]) },
    ]);
    expect(message).toContain('empty.log: the file is empty');
    expect(message).toContain('image.png: a binary file, not a text log');
    expect(message).toMatch(/nothing usable remains/);
  });

  it('skips and counts unreadable lines but imports the rest', () => {
    const lines = log.split('\r\n');
    lines.splice(3, 0, 'not a log line at all', '<![LOG[half a record]LOG]!><time="10:2');
    lines.splice(6, 0, lines[6]?.replace('10-18-2019', '19-10-2019') ?? '');
    const r = importSmstsLogs([text('smsts.log', lines.join('\r\n'))]);
    expect(r.problems.map((p) => p.line)).toEqual([4, 5, 7]);
    expect(r.problems.map((p) => p.message)).toEqual([
      'an unreadable line: "not a log line at all"',
      'a truncated CMTrace record (the next record starts before it ends)',
      expect.stringMatching(/^unknown date "19-10-2019"/),
    ]);
    expect(r.yaml).toMatch(/3 lines skipped/);
    expect(r.scenario.taskSequence?.steps.length).toBe(3);
  });

  it('skips the records of a log that overlaps another', () => {
    const r = importSmstsLogs([input('wipe-and-load/smsts.log'), text('copy-of-smsts.log', log)]);
    expect(r.problems.map((p) => `${p.file}:${p.line}: ${p.message}`)).toEqual([
      'copy-of-smsts.log:1: overlaps wipe-and-load/smsts.log, which runs until 2019-10-18T14:30:49.624Z: its 20 records up to then are skipped',
    ]);
  });

  it('takes a clock set back as a clock jump and keeps the steps as logged', () => {
    // From line 8 (10:27:17.661) on, the clock reads an hour earlier; the line before is at 10:24:31.400.
    const back = log.replace(/time="10:(2[7-9]|30):/g, (_m, mm: string) => `time="09:${mm}:`);
    const r = importSmstsLogs([text('smsts.log', back)]);
    expect(r.problems[0]?.message).toMatch(
      /^the time goes back 57m13s739ms \(to 2019-10-18T13:27:17.661Z\): taken as the clock set back/,
    );
    expect(r.problems[0]?.line).toBe(8);
    expect(r.scenario.events.filter((e) => e.type === 'clock-jump')).toEqual([
      { type: 'clock-jump', atMs: expect.any(Number), byMs: -3_433_739 },
    ]);
    // The steps keep their logged spacing; the one spanning the change loses the gap the clock hides.
    const plain = steps(importSmstsLogs([text('smsts.log', log)]).scenario);
    const got = steps(r.scenario);
    expect([got[0], got[2]]).toEqual([plain[0], plain[2]]);
    // Install Applications spans the change: its 2m46s261ms before the first line set back are hidden by it.
    expect([plain[1], got[1]]).toEqual(['Install Applications 2m46s800ms', 'Install Applications 539ms']);
  });

  it('makes a step name with control characters one line of plain text (each U+FFFD; a line break in the log reads as one), the same at every mention', () => {
    const log = readFileSync(join(fixtures, 'inplace-upgrade-smsts.log'), 'utf8')
      .replaceAll("'Check Readiness'", "'Check\u001b[31m Readiness\u2028x'")
      .replaceAll("'Upgrade Operating System'", "'Upgrade\r\nevents: []'");
    const r = importSmstsLogs([text('evil.log', log)]);
    expect(steps(r.scenario).slice(0, 3)).toEqual([
      'Check\uFFFD[31m Readiness\uFFFDx 4s760ms',
      'Download Package Content 12m30s130ms',
      'Upgrade\uFFFDevents: [] 52m46s890ms restart disablesClient',
    ]);
    expect(provisioningAt(r.scenario)).toBe('Upgrade\uFFFDevents: []');
    // The scenario written reads back as itself.
    expect(parseScenario(r.yaml, 'evil.log')).toStrictEqual({ ...r.scenario, file: 'evil.log' });
  });

  it('refuses a log with no instruction at all', () => {
    const noSteps = log
      .split('\r\n')
      .filter((l) => !l.includes('Start executing an instruction'))
      .join('\r\n');
    expect(fail([text('smsts.log', noSteps)])).toMatch(
      /nothing usable remains: no "Start executing an instruction" line in smsts\.log/,
    );
  });
});
