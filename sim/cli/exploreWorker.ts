/** A worker thread of `searchOnThreads`: checks each range of the search it is given and sends back its result. */
import { parentPort, workerData } from 'node:worker_threads';
import type { SearchOptions } from '../verify/explore.js';
import { checkChunk, type ToSearchWorker } from './exploreThreads.js';

const port = parentPort;
if (port === null) throw new Error('exploreWorker.js runs as a worker thread of searchOnThreads');
const options = (workerData as { options: SearchOptions }).options;

port.on('message', (m: ToSearchWorker) => port.postMessage(checkChunk(options, m)));
