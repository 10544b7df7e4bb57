/**
 * `npm run bench`: measures what the issues promise about speed, and writes `reports/bench.json`.
 * Currently: a one-year horizon of a client stuck in provisioning mode with hourly checks (the target:
 * well under a second), timed over repeated runs after a warm-up.
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { writeAtomic } from '../cli/writeAtomic.js';
import { runModel } from '../model/runModel.js';
import { buildReport } from '../report/Report.js';
import { createScenario } from '../scenario/createScenario.js';
import { runFleetBenchmarks } from './fleetBench.js';

const DAY = 86_400_000;

function timeRuns(label: string, runs: number, body: () => number) {
  body(); // warm-up
  const times: number[] = [];
  let events = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    events = body();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)] ?? 0;
  const result = {
    label,
    runs,
    events,
    medianMs: round(medianMs),
    maxMs: round(times[times.length - 1] ?? 0),
    eventsPerSecond: Math.round(events / (medianMs / 1000)),
  };
  process.stdout.write(
    `${label}: median ${result.medianMs} ms, max ${result.maxMs} ms over ${runs} runs, ${events} events, ${result.eventsPerSecond} events/s\n`,
  );
  return result;
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

// A client stuck for a year: ProvisioningMaxMinutes at its largest value, so every hourly check waits.
const stuckForAYear = createScenario({
  name: 'stuck-for-a-year',
  horizonMs: 365 * DAY,
  client: {
    registry: { ProvisioningMode: 'true', ProvisioningEnabledTime: 1767225600, ProvisioningMaxMinutes: 4294967295 },
  },
});

const results = [
  timeRuns('one-year horizon, hourly checks (runModel)', 20, () => runModel(stuckForAYear).eventCount),
  timeRuns(
    'one-year horizon, hourly checks (runModel + buildReport)',
    20,
    () => buildReport(runModel(stuckForAYear)).eventCount,
  ),
];

const out = {
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version },
  results,
  ...runFleetBenchmarks(),
};
writeAtomic(join('reports', 'bench.json'), `${JSON.stringify(out, null, 2)}\n`);
process.stdout.write('Written to reports/bench.json\n');
