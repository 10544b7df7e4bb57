/**
 * A worker thread of `runFleet`: simulates the chunks it is given into one summary, reports each chunk's end, and
 * sends the summary back when told to finish.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { Fleet } from '../load/Fleet.js';
import { FleetSummary } from '../summary/FleetSummary.js';
import type { FromWorker, ToWorker } from './runFleet.js';
import { simulateRange } from './simulateRange.js';

const port = parentPort;
if (port === null) throw new Error('fleetWorker.js runs as a worker thread of runFleet');
const fleet = (workerData as { fleet: Fleet }).fleet;
const summary = new FleetSummary(fleet);

port.on('message', (m: ToWorker) => {
  if (m.type === 'chunk') {
    simulateRange(fleet, m.range, summary);
    port.postMessage({ type: 'done', clients: m.range.to - m.range.from } satisfies FromWorker);
  } else {
    port.postMessage({ type: 'summary', summary: summary.toJSON() } satisfies FromWorker);
  }
});
