/**
 * A worker thread of `startHtmlPages`: renders each report it is given and sends back its page. It loads the chart
 * renderer as it starts, while the main thread still runs the scenarios.
 */
import { parentPort } from 'node:worker_threads';
import { formatHtml } from '../report/html/formatHtml.js';
import { loadChartLibraries } from '../report/html/renderSvg.js';
import type { FromHtmlWorker, ToHtmlWorker } from './htmlThreads.js';

const port = parentPort;
if (port === null) throw new Error('htmlWorker.js runs as a worker thread of startHtmlPages');

void loadChartLibraries();

port.on('message', (m: ToHtmlWorker) => {
  formatHtml(m.report).then(
    (html) => port.postMessage({ index: m.index, html } satisfies FromHtmlWorker),
    (error: unknown) =>
      port.postMessage({ index: m.index, error: error instanceof Error ? error.message : String(error) }),
  );
});
