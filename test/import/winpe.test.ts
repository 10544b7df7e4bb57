/**
 * Where each part of a log runs (docs/model.md, Windows PE), and the logs that are not what the importer assumes: a
 * sequence that ran without ConfigMgr, and a log that stops at a restart. The logs here are short and made up, in
 * the shapes of real lines (each shape's source is cited in sim/import/interpretSmsts.ts); no line is copied.
 */
import { describe, expect, it } from 'vitest';
import { importSmstsLogs, type LogInput } from '../../sim/import/importSmstsLogs.js';
import { answerReplay } from '../../sim/import/replayAnswer.js';
import { runModel } from '../../sim/model/runModel.js';
import { formatCmtraceLog } from '../../sim/report/cmtrace/cmtraceLine.js';
import { buildReport } from '../../sim/report/Report.js';

const T0 = Date.UTC(2026, 2, 3, 7, 0, 0);
const M = 60_000;

/** A log of `[minute, component, message]` lines from T0, as a client writes it (a BOM, CMTrace records). */
function log(file: string, lines: readonly (readonly [number, string, string])[]): LogInput {
  const text = formatCmtraceLog(
    lines.map(([minute, component, message]) => ({
      message,
      utcMs: T0 + minute * M,
      biasMinutes: 0,
      component,
      type: 1,
      thread: 1000,
      file: '',
    })),
  );
  return { file, bytes: new TextEncoder().encode(`\uFEFF${text}`) };
}

const start = (name: string, pointer: number) =>
  `Start executing an instruction. Instruction name: ${name}. Instruction pointer: ${pointer}`;
const done = (name: string) => `Successfully completed the action (${name}) with the exit win32 code 0`;
const PE_PATH = 'Set a global environment variable _SMSTSLogPath=X:\\WINDOWS\\TEMP\\SMSTSLog';
const OS_PATH = 'Set a global environment variable _SMSTSLogPath=C:\\WINDOWS\\CCM\\Logs\\SMSTSLog';

/** A wipe-and-load whose log begins in the boot image and ends in the new OS. */
const WIPE_AND_LOAD = log('smsts.log', [
  [0, 'TSManager', PE_PATH],
  [0, 'TSManager', 'Set a global environment variable _SMSTSPackageName=Windows 11 wipe-and-load'],
  [0, 'TSManager', start('Partition Disk', 1)],
  [2, 'TSManager', done('Partition Disk')],
  [2, 'TSManager', start('Apply Operating System', 2)],
  [22, 'TSManager', done('Apply Operating System')],
  [22, 'TSManager', start('Setup Windows and ConfigMgr', 3)],
  [
    23,
    'OSDSetupWindows',
    'Executing command line: "X:\\sms\\bin\\x64\\OSDSETUPHOOK.EXE" "/install:C:\\WINDOWS" /version:10.0',
  ],
  [25, 'TSManager', done('Setup Windows and ConfigMgr')],
  [25, 'TSManager', 'Set a global environment variable SMSTSRebootRequested=HD'],
  [25, 'TSManager', 'Execution engine result code: Reboot (2)'],
  [29, 'TSManager', OS_PATH],
  [29, 'TSManager', 'Resuming Task Sequence in Full OS'],
  [29, 'TSManager', start('Install Applications', 4)],
  [59, 'TSManager', done('Install Applications')],
  [59, 'TSManager', 'Execution engine result code: Success (0)'],
  [59, 'OSDSetupHook', 'Exiting SetClientProvisioningMode 0x00000000'],
]);

/** An MDT Lite Touch sequence (no ConfigMgr) whose log stops at the restart that leaves Windows PE. */
const STANDALONE = log('BDD-smsts.log', [
  [0, 'TSManager', 'Running Task Sequence in standalone.'],
  [0, 'TSManager', 'TSManager executing in non SMS, standalone mode'],
  [0, 'TSManager', 'Set a global environment variable _SMSTSLogPath=X:\\MININT\\SMSOSD\\OSDLOGS'],
  [0, 'TSManager', start('Format and Partition Disk', 1)],
  [1, 'TSManager', done('Format and Partition Disk')],
  [1, 'TSManager', start('Install Operating System', 2)],
  [15, 'TSManager', done('Install Operating System')],
  [15, 'TSManager', start('Restart computer', 3)],
  [15, 'TSManager', done('Restart computer')],
  [15, 'TSManager', 'Execution engine result code: Reboot (2)'],
]);

/** A ConfigMgr sequence in the installed OS whose log stops at a restart, with no failure. */
const STOPS_AT_RESTART = log('smsts.log', [
  [0, 'TSManager', OS_PATH],
  [0, 'TSManager', start('Install Applications', 1)],
  [0, 'TSManager', 'Setting the client into provisioning mode'],
  [20, 'TSManager', done('Install Applications')],
  [20, 'TSManager', start('Restart Computer', 2)],
  [21, 'TSManager', done('Restart Computer')],
  [21, 'TSManager', 'Set a global environment variable SMSTSRebootRequested=WinPE'],
  [21, 'TSManager', 'Execution engine result code: Reboot (2)'],
]);

function replay(input: LogInput) {
  const imported = importSmstsLogs([input]);
  const report = buildReport(runModel(imported.scenario));
  return { imported, answer: answerReplay(imported.scenario, imported.facts, report, 0), report };
}

describe('import and replay of a wipe-and-load log that begins in the boot image', () => {
  const { imported, answer, report } = replay(WIPE_AND_LOAD);

  it('writes startsIn: winpe and the restart into the OS', () => {
    expect(imported.scenario.client.startsIn).toBe('winpe');
    expect(imported.scenario.taskSequence?.steps.map((s) => [s.name, s.restart])).toEqual([
      ['Partition Disk', false],
      ['Apply Operating System', false],
      ['Setup Windows and ConfigMgr', 'os'],
      ['Install Applications', false],
    ]);
    expect(imported.yaml).toContain('startsIn: winpe');
  });

  it('starts CcmExec only in the installed OS, and says so in its first line', () => {
    // Setup Windows and ConfigMgr ends at 25m and restarts; the resume at 29m measures a 4-minute boot.
    const starts = report.trace.filter((e) => e.type === 'service-start').map((e) => e.atMs);
    expect(starts[0]).toBe(29 * M);
    expect(answer.lines[0]).toMatch(
      /^The log begins in Windows PE, the boot image \(smsts\.log:1: its paths are on X:\)/,
    );
    expect(answer.lines[0]).toContain('CcmExec first starts at 2026-03-03 07:29:00Z');
    expect(answer.unanswerable).toBe(false);
  });
});

describe('a log of a sequence that ran without ConfigMgr', () => {
  const { imported, answer } = replay(STANDALONE);

  it('imports no client state to simulate: no task sequence, no provisioning mode', () => {
    expect(imported.facts.standalone).toEqual({ file: 'BDD-smsts.log', line: 1 });
    expect(imported.scenario.taskSequence).toBeNull();
    expect(imported.scenario.expect).toEqual({ taskSequence: 'none' });
  });

  it('says that provisioning mode does not apply, and that the sequence goes on in the next log', () => {
    expect(answer.unanswerable).toBe(true);
    expect(answer.lines[0]).toBe(
      'Provisioning mode does not apply: the sequence ran without ConfigMgr (standalone, BDD-smsts.log:1), so there is no ConfigMgr client to put into provisioning mode or take out of it.',
    );
    expect(answer.lines[1]).toMatch(
      /^The log stops at the restart after step "Restart computer" \(BDD-smsts\.log:10\)/,
    );
    expect(answer.lines.join(' ')).not.toMatch(/YES|abandoned/);
  });
});

describe('a log that stops at a restart', () => {
  it('asks for the next log and where it usually is, instead of calling the sequence abandoned', () => {
    const { imported, answer } = replay(STOPS_AT_RESTART);
    expect(imported.facts.awaitsNextLog).toMatchObject({ step: 'Restart Computer', target: 'winpe' });
    expect(answer.unanswerable).toBe(true);
    expect(answer.lines).toHaveLength(1);
    expect(answer.lines[0]).toContain('Cannot answer from this log alone. The log stops at the restart after step');
    expect(answer.lines[0]).toContain('X:\\Windows\\Temp\\SMSTSLog\\smsts.log');
    expect(answer.lines[0]).not.toMatch(/abandoned|YES/);
  });

  it('answers as before when the log shows a failure before it stops', () => {
    const failed = log('smsts.log', [
      [0, 'TSManager', start('Install Applications', 1)],
      [0, 'TSManager', 'Setting the client into provisioning mode'],
      [
        20,
        'TSManager',
        'Failed to run the action: Install Applications.\nUnspecified error (Error: 80004005; Source: Windows)',
      ],
      [20, 'TSManager', 'Execution engine result code: Reboot (2)'],
    ]);
    const { imported, answer } = replay(failed);
    expect(imported.facts.awaitsNextLog).toBeNull();
    expect(answer.unanswerable).toBe(false);
    expect(answer.lines[0]).toMatch(/^In provisioning mode now\? YES/);
  });
});
