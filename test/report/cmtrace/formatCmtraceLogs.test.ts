/**
 * The CMTrace logs of every bundled scenario: every line of every log read by the strict parser, and each line's
 * wall clock equal to the JSON report's `atMs` + start + the clock jumps so far.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runModel } from '../../../sim/model/runModel.js';
import { parseCmtraceStrict } from '../../../sim/report/cmtrace/cmtraceLine.js';
import { cmtraceEntries, formatCmtraceLogs, LOG_NAMES } from '../../../sim/report/cmtrace/formatCmtraceLogs.js';
import { parseTimeZone, type TimeZone, UTC } from '../../../sim/report/cmtrace/TimeZone.js';
import { buildReport, type Report } from '../../../sim/report/Report.js';
import { createScenario } from '../../../sim/scenario/createScenario.js';
import { parseScenario } from '../../../sim/scenario/loadScenario.js';

const dir = 'scenarios';
const bundled = readdirSync(dir)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => {
    const file = join(dir, f);
    // The report as the JSON file has it, so the times compared are the published ones.
    const report = JSON.parse(
      JSON.stringify(buildReport(runModel(parseScenario(readFileSync(file, 'utf8'), file)))),
    ) as Report;
    return { file, report };
  });

/** The wall clock of trace entry `i`, computed here from the report alone. */
function wallOf(report: Report, i: number): number {
  let offset = 0;
  for (let j = 0; j <= i; j++) {
    const e = report.trace[j];
    if (e?.type === 'clock-jump') offset += e.byMs;
  }
  return Date.parse(report.scenario.start) + (report.trace[i]?.atMs ?? NaN) + offset;
}

function checkLogs(report: Report, zone: TimeZone) {
  const logs = formatCmtraceLogs(report, { timeZone: zone });
  const entries = cmtraceEntries(report, { timeZone: zone });
  for (const name of LOG_NAMES) {
    const parsed = parseCmtraceStrict(logs[name]);
    const mine = entries.filter((e) => e.log === name);
    expect(parsed.length).toBe(mine.length);
    parsed.forEach((line, k) => {
      const entry = mine[k];
      if (entry === undefined) throw new Error('missing entry');
      const wall = wallOf(report, entry.traceIndex);
      expect({ at: `${name}:${line.line}`, utc: line.utcMs }).toEqual({ at: `${name}:${line.line}`, utc: wall });
      expect(line.biasMinutes).toBe(zone.biasMinutes(wall));
      expect(line.message).toBe(entry.record.message);
    });
  }
  return logs;
}

describe('formatCmtraceLogs', () => {
  it.each(bundled)('writes $file as strict CMTrace lines at the report times', ({ report }) => {
    checkLogs(report, UTC);
    checkLogs(report, parseTimeZone('America/New_York') as TimeZone);
  });

  it('uses the real clients messages for the task sequence', () => {
    const report = bundled.find((b) => b.file.includes('inplace-upgrade-success'))?.report as Report;
    const smsts = parseCmtraceStrict(formatCmtraceLogs(report)['smsts.log']).map((l) => `${l.component}: ${l.message}`);
    expect(smsts).toContain('OSDUpgradeWindows: Setting the client into provisioning mode');
    expect(smsts).toContain(
      'TSManager: Start executing an instruction. Instruction name: Upgrade Operating System. Instruction pointer: 2',
    );
    expect(smsts).toContain('OSDSetupHook: Resume SCCM Client.');
    expect(smsts).toContain('OSDSetupHook: Exiting SetClientProvisioningMode 0x00000000');
    expect(smsts).toContain('TSManager: Execution engine result code: Success (0)');
    // "Resume SCCM Client." comes before "Exiting SetClientProvisioningMode" (model.md).
    expect(smsts.indexOf('OSDSetupHook: Resume SCCM Client.')).toBeLessThan(
      smsts.indexOf('OSDSetupHook: Exiting SetClientProvisioningMode 0x00000000'),
    );
  });

  it('writes plainly simulated lines for the check loop, the timeout and policy skips', () => {
    const report = bundled.find((b) => b.file.includes('power-loss-unrecoverable-timeout'))?.report as Report;
    const logs = formatCmtraceLogs(report);
    const ccmexec = parseCmtraceStrict(logs['CcmExec.log']);
    const policy = parseCmtraceStrict(logs['PolicyAgent.log']);
    expect(
      ccmexec.some(
        (l) =>
          /^\[provsim\] Provisioning-mode check: \d+s since ProvisioningEnabledTime, max 2880 min -> EXPIRED$/.test(
            l.message,
          ) && l.type === 2,
      ),
    ).toBe(true);
    expect(ccmexec.some((l) => l.message.startsWith('[provsim] Provisioning mode timeout:'))).toBe(true);
    expect(policy.filter((l) => l.message.startsWith('[provsim] Policy cycle skipped')).length).toBe(
      report.provisioning.policyCyclesSkipped,
    );
  });

  it('changes the bias within a run that crosses a daylight-saving change', () => {
    const scenario = createScenario({
      name: 'dst',
      startMs: Date.UTC(2026, 2, 28, 20),
      horizonMs: 12 * 3_600_000,
      taskSequence: { startAtMs: 0, steps: [{ name: 'Long step', durationMs: 8 * 3_600_000 }] },
    });
    const logs = checkLogs(buildReport(runModel(scenario)), parseTimeZone('Europe/Paris') as TimeZone);
    const biases = new Set(parseCmtraceStrict(logs['CcmExec.log']).map((l) => l.biasMinutes));
    expect([...biases].sort()).toEqual([-120, -60]);
  });

  it('begins every log that has something to say with a UTF-8 byte-order mark, like the real ones', () => {
    for (const { report } of bundled) {
      for (const [name, text] of Object.entries(formatCmtraceLogs(report))) {
        if (text !== '') expect(text.startsWith('\uFEFF'), `${report.scenario.name} ${name}`).toBe(true);
        expect(new TextEncoder().encode(text).slice(0, 3)).toEqual(
          text === '' ? new Uint8Array() : new Uint8Array([0xef, 0xbb, 0xbf]),
        );
      }
    }
  });

  it('says where each part of a wipe-and-load runs, as real logs do (Windows PE)', () => {
    const lines = (name: string) => {
      const report = bundled.find((b) => b.file.endsWith(`${name}.yaml`))?.report as Report;
      return parseCmtraceStrict(formatCmtraceLogs(report)['smsts.log']).map((l) => `${l.component}: ${l.message}`);
    };
    const smsts = lines('wipe-and-load-winpe');
    const at = (line: string) => smsts.indexOf(line);
    const pePath = 'TSManager: Set a global environment variable _SMSTSLogPath=X:\\WINDOWS\\TEMP\\SMSTSLog';
    const osPath = 'TSManager: Set a global environment variable _SMSTSLogPath=C:\\WINDOWS\\CCM\\Logs\\SMSTSLog';
    // Starts in the OS; restarts into Windows PE; Setup Windows and ConfigMgr runs the hook from the boot image
    // and restarts into the new OS, where the sequence resumes "in Full OS".
    expect(at(osPath)).toBe(0);
    expect(at('TSManager: Set a global environment variable SMSTSRebootRequested=WinPE')).toBeGreaterThan(0);
    expect(at(pePath)).toBeLessThan(at('TSManager: Resuming Task Sequence'));
    expect(smsts).toContain(
      'OSDSetupWindows: Executing command line: "X:\\sms\\bin\\x64\\OSDSETUPHOOK.EXE" "/install:C:\\WINDOWS" /version:10.0',
    );
    expect(smsts.lastIndexOf(osPath)).toBe(at('TSManager: Resuming Task Sequence in Full OS') - 1);
    // The entry is not the in-place upgrade's OSDUpgradeWindows line: it is marked as simulated.
    expect(smsts).toContain('TSManager: [provsim] Setting the client into provisioning mode');
    expect(smsts.some((l) => l.startsWith('OSDUpgradeWindows'))).toBe(false);
    // Its broken twin ends in Windows PE: no setup-hook line after the engine's result.
    const twin = lines('wipe-and-load-ends-in-winpe');
    const end = twin.indexOf('TSManager: Execution engine result code: Success (0)');
    expect(twin.slice(end + 1)).toEqual([
      "TSManager: [provsim] The task sequence ended in Windows PE: the installed OS's client is not there to leave provisioning mode",
    ]);
    expect(twin.lastIndexOf(pePath)).toBeGreaterThan(twin.lastIndexOf(osPath));
  });

  it('gives the same bytes for the same report', () => {
    const report = bundled[0]?.report as Report;
    expect(formatCmtraceLogs(report)).toEqual(formatCmtraceLogs(JSON.parse(JSON.stringify(report)) as Report));
  });
});
