/**
 * The round trip of the issue: scenario -> `run --logs` -> `import` -> the same steps, durations to the
 * millisecond, restarts and outcome; for every bundled scenario and for generated ones. The imported scenario also
 * enters provisioning mode at the same wall-clock second (the timestamp the timeout counts from).
 */
import { fc, test } from '@fast-check/vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importSmstsLogs } from '../../sim/import/importSmstsLogs.js';
import { runModel } from '../../sim/model/runModel.js';
import { formatCmtraceLogs } from '../../sim/report/cmtrace/formatCmtraceLogs.js';
import { parseTimeZone, type TimeZone, UTC } from '../../sim/report/cmtrace/TimeZone.js';
import { buildReport } from '../../sim/report/Report.js';
import { createScenario } from '../../sim/scenario/createScenario.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';
import type { Environment, Scenario, ScenarioEvent } from '../../sim/scenario/Scenario.js';

const encoder = new TextEncoder();

function tsEntryStamps(s: Scenario): (number | null)[] {
  return buildReport(runModel(s))
    .trace.filter(
      (e) => e.type === 'provisioning-enter' && (e.cause === 'task-sequence' || e.cause === 'task-sequence-step'),
    )
    .map((e) => (e.type === 'provisioning-enter' ? e.timestampSeconds : null));
}

/** Runs, writes the logs, imports smsts.log, and compares what the issue asks. */
function roundTrip(original: Scenario, zone: TimeZone = UTC): void {
  const report = buildReport(runModel(original));
  const outcome = report.taskSequence.outcome;
  if (outcome !== 'success' && outcome !== 'failed' && outcome !== 'abandoned') {
    throw new Error(`the generator made a sequence that does not end: ${outcome}`);
  }
  const smsts = formatCmtraceLogs(report, { timeZone: zone })['smsts.log'];
  const imported = importSmstsLogs([{ file: 'smsts.log', bytes: encoder.encode(smsts) }]);
  const got = imported.scenario.taskSequence;
  const want = original.taskSequence;
  if (got === null || want === null) throw new Error('no task sequence');

  expect(imported.facts.outcome).toBe(outcome);
  // Where the device runs when the sequence starts (Windows PE: the log's paths on X:).
  expect(imported.scenario.client.startsIn).toBe(original.client.startsIn);
  const starts = report.trace.flatMap((e) => (e.type === 'ts-step-start' ? [e] : []));
  // Where each step first ran: a disablesClient step run in Windows PE changes nothing, so no log shows it.
  const ranIn = new Map<number, Environment>();
  let env = original.client.startsIn;
  for (const e of report.trace) {
    if (e.type === 'environment') env = e.environment;
    if (e.type === 'ts-step-start' && !ranIn.has(e.index)) ranIn.set(e.index, env);
  }
  const started = Math.max(...starts.map((e) => e.index)) + 1;
  // A log that stops during a restart gets a placeholder step after it: the sequence still waits to resume.
  const names = got.steps.map((s) => s.name).filter((n) => n !== 'Next step (not in the log)');
  expect(names).toEqual(want.steps.slice(0, started).map((s) => s.name));

  const abandoned = report.trace.find((e) => e.type === 'ts-abandoned');
  // The step the log is cut in (abandoned inside it): its full duration cannot be known.
  const cut =
    abandoned?.type === 'ts-abandoned' && starts.some((e) => e.index === abandoned.stepIndex)
      ? abandoned.stepIndex
      : null;
  got.steps.slice(0, started).forEach((step, i) => {
    const w = want.steps[i];
    if (w === undefined) throw new Error('extra step');
    const stops = outcome === 'failed' && i === started - 1;
    expect({
      i,
      fails: step.fails,
      continueOnError: step.continueOnError,
      disablesClient: step.disablesClient,
    }).toEqual({
      i,
      fails: i === cut ? false : w.fails,
      continueOnError: i === cut ? false : w.fails && w.continueOnError && !stops,
      disablesClient: w.disablesClient && ranIn.get(i) === 'os',
    });
    if (i === cut) {
      const lastStart = starts.filter((e) => e.index === i).at(-1)?.atMs ?? 0;
      expect(step.durationMs).toBeGreaterThan((abandoned?.atMs ?? 0) - lastStart);
    } else {
      expect({ i, durationMs: step.durationMs }).toEqual({ i, durationMs: w.durationMs });
      expect({ i, restart: step.restart }).toEqual({ i, restart: stops ? false : w.restart });
    }
  });
  const stamps = tsEntryStamps(original);
  if (stamps.length > 0 && (want.provisioningAtStep === null || want.provisioningAtStep < started)) {
    expect(got.provisioningAtStep).toBe(want.provisioningAtStep);
  }
  // The boot time is measured where the sequence resumes after a boot.
  if (starts.some((e) => e.resumed)) expect(imported.scenario.client.bootTimeMs).toBe(original.client.bootTimeMs);
  // Run again, the imported scenario reproduces the outcome and the entry timestamps of the original.
  const rerun = buildReport(runModel(imported.scenario));
  expect(rerun.taskSequence.outcome).toBe(outcome);
  // A sequence that ended before its provisioningAt step leaves no sign of that step in the log: import then takes
  // the sequence's start, as for any log without an entry line (a documented limit).
  if (stamps.length > 0) expect(tsEntryStamps(imported.scenario)).toEqual(stamps);
}

describe('import round trip', () => {
  const bundled = readdirSync('scenarios')
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join('scenarios', f));

  it.each(bundled)('reproduces %s', (file) => {
    roundTrip(parseScenario(readFileSync(file, 'utf8'), file));
    roundTrip(parseScenario(readFileSync(file, 'utf8'), file), parseTimeZone('Asia/Kolkata') as TimeZone);
  });

  const step = fc.record({
    durationMs: fc.oneof(fc.integer({ min: 0, max: 3 * 3_600_000 }), fc.constantFrom(0, 60_000, 90_000)),
    restart: fc.constantFrom<Environment | false>(false, false, 'os', 'winpe'),
    disablesClient: fc.boolean(),
    fails: fc.boolean(),
    continueOnError: fc.boolean(),
  });
  const generated = fc
    .record({
      steps: fc.array(step, { minLength: 1, maxLength: 6 }),
      startAtMs: fc.integer({ min: 0, max: 3_600_000 }),
      provisioningAt: fc.option(fc.nat(5), { nil: null }),
      bootTimeMs: fc.integer({ min: 1000, max: 10 * 60_000 }),
      poweredOn: fc.boolean(),
      startsIn: fc.constantFrom<Environment>('os', 'os', 'winpe'),
      version: fc.constantFrom('1810', '1902', '2403'),
      interruption: fc.option(
        fc.record({
          type: fc.constantFrom('power-loss' as const, 'reboot' as const, 'ts-crash' as const),
          atMs: fc.integer({ min: 0, max: 12 * 3_600_000 }),
          downtimeMs: fc.integer({ min: 0, max: 30 * 60_000 }),
          recoverable: fc.boolean(),
        }),
        { nil: null },
      ),
      zone: fc.constantFrom('UTC', '+05:30', 'America/New_York'),
    })
    .map((g) => {
      const steps = g.steps.map((s, i) => ({ ...s, name: `Step ${i + 1}` }));
      const i = g.interruption;
      const events: ScenarioEvent[] =
        i === null
          ? []
          : [
              i.type === 'ts-crash'
                ? { type: 'ts-crash', atMs: i.atMs }
                : { type: i.type, atMs: i.atMs, downtimeMs: i.downtimeMs, recoverable: i.recoverable },
            ];
      const scenario = createScenario({
        name: 'generated',
        startMs: Date.UTC(2026, 4, 4, 8, 0, 0),
        horizonMs: 10 * 86_400_000,
        client: { bootTimeMs: g.bootTimeMs, poweredOn: g.poweredOn, startsIn: g.startsIn, version: g.version },
        taskSequence: {
          name: 'Generated sequence',
          startAtMs: g.startAtMs,
          provisioningAtStep: g.provisioningAt !== null && g.provisioningAt < steps.length ? g.provisioningAt : null,
          steps,
        },
        events,
      });
      return { scenario, zone: parseTimeZone(g.zone) as TimeZone };
    });

  test.prop([generated], { numRuns: 60 })(
    'reproduces generated scenarios, Windows PE included',
    ({ scenario, zone }) => {
      roundTrip(scenario, zone);
    },
  );
});
