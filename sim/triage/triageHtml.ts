/**
 * The triage as one self-contained HTML page: the counts per category, the forecast exits per hour as a bar chart
 * (by `exitBy`, the latest exit), and the device table with a filter (a few lines of inline script: a text box and
 * a category list hide the rows that do not match). Nothing is fetched from the network. Pure.
 */
import { barChart } from '../html/svgChart.js';
import { escapeHtml, htmlPage, table } from '../html/page.js';
import { CATEGORIES } from './categorize.js';
import { deviceJson } from './formatTriage.js';
import type { TriageReport } from './triage.js';

const HOUR = 3_600_000;
/** At most this many hourly bars; later exits share the last bar. */
const MAX_BARS = 72;

export function formatTriageHtml(r: TriageReport): string {
  const h = escapeHtml;
  const counts = table(
    ['category', 'devices'],
    CATEGORIES.map((c) => [
      `<code>${h(c)}</code>`,
      `<span class="count" data-category="${h(c)}">${r.counts[c]}</span>`,
    ]),
    'counts',
  );
  const rows = r.devices.map((d) => {
    const j = deviceJson(d);
    return `<tr data-category="${h(j.category)}"><td>${h(j.device)}</td><td><code>${h(j.category)}</code></td><td>${h(j.action)}</td><td>${h(j.enteredAt ?? '')}</td><td>${h(j.exitAfter ?? '')}</td><td>${h(j.exitBy ?? '')}</td><td>${j.reasons.map(h).join('<br>')}</td></tr>`;
  });
  const options = ['<option value="">every category</option>', ...CATEGORIES.map((c) => `<option>${h(c)}</option>`)];
  const body = [
    `<h1>provsim triage</h1>`,
    `<p class="meta">${r.devices.length} devices as of ${h(r.asOf)}; checks every ${r.checkIntervalMs / 60_000} min; task-sequence window ${r.tsWindowMs / 60_000} min.</p>`,
    `<h2>Devices per category</h2>`,
    counts,
    `<h2>Forecast exits per hour</h2>`,
    `<figure id="exits">${exitChart(r)}<figcaption>Each device counted in the hour of its latest forecast exit (exitBy), UTC.</figcaption></figure>`,
    `<h2>Devices</h2>`,
    `<p><label>Filter <input id="filter" type="search" placeholder="device or text"></label> <select id="category">${options.join('')}</select> <span id="shown" class="note"></span></p>`,
    `<table id="devices">\n<thead><tr><th>device</th><th>category</th><th>action</th><th>entered</th><th>exit after</th><th>exit by</th><th>reasons</th></tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`,
    `<script>${FILTER_SCRIPT}</script>`,
  ].join('\n');
  return htmlPage('provsim triage', body);
}

const FILTER_SCRIPT = `
(function () {
  var text = document.getElementById('filter');
  var category = document.getElementById('category');
  var shown = document.getElementById('shown');
  var rows = Array.prototype.slice.call(document.querySelectorAll('#devices tbody tr'));
  function apply() {
    var t = text.value.toLowerCase();
    var c = category.value;
    var n = 0;
    rows.forEach(function (row) {
      var ok = (c === '' || row.getAttribute('data-category') === c) && row.textContent.toLowerCase().indexOf(t) >= 0;
      row.hidden = !ok;
      if (ok) n++;
    });
    shown.textContent = n + ' of ' + rows.length + ' shown';
  }
  text.addEventListener('input', apply);
  category.addEventListener('change', apply);
  apply();
})();
`;

function exitChart(r: TriageReport): string {
  const exits = r.devices.flatMap((d) => (d.exitBy === null ? [] : [d.exitBy]));
  const asOf = Date.parse(r.asOf);
  const first = Math.floor(asOf / HOUR) * HOUR;
  const last = exits.length === 0 ? first : Math.floor(Math.max(...exits) / HOUR) * HOUR;
  const n = Math.min(MAX_BARS, (last - first) / HOUR + 1);
  const bins = new Array<number>(n).fill(0);
  for (const e of exits) {
    const i = Math.min(n - 1, Math.max(0, Math.floor((e - first) / HOUR)));
    bins[i] = (bins[i] ?? 0) + 1;
  }
  const bars = bins.map((value, i) => {
    const t = new Date(first + i * HOUR).toISOString();
    const label = `${t.slice(5, 10)} ${t.slice(11, 13)}h${i === n - 1 && last > first + (n - 1) * HOUR ? '+' : ''}`;
    return { label, value, tooltip: `${label} UTC: ${value} device${value === 1 ? '' : 's'}` };
  });
  return barChart({ title: 'Forecast exits per hour (UTC)', bars, color: '#4e79a7', valueLabel: 'devices' });
}
