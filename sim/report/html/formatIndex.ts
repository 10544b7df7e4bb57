/**
 * `index.html` of a run: one row per scenario with its outcome, linking the scenario's HTML report and its other
 * files (relative links, so the folder can be moved or archived as a whole). Deterministic.
 */
import { formatHours } from '../../time/Duration.js';
import { expectationsText, hazardKindsOf, outcomeOf } from '../outcome.js';
import type { Report } from '../Report.js';
import { escapeHtml as h, htmlPage, table } from '../../html/page.js';

export interface IndexEntry {
  readonly report: Report;
  /** File names relative to the index, by kind: `html`, `json`, `md`, `trace`, ... */
  readonly files: Readonly<Record<string, string>>;
}

const LEVEL_COLOR = { ok: '#1b7a3e', warn: '#b35c00', bad: '#d62728' } as const;

export function formatIndex(entries: readonly IndexEntry[]): string {
  const failing = entries.filter((e) => outcomeOf(e.report).failedExpectations > 0).length;
  const rows = entries.map(({ report: r, files }) => {
    const o = outcomeOf(r);
    const other = Object.entries(files)
      .filter(([kind]) => kind !== 'html')
      .map(([kind, file]) => `<a href="${h(encodeURI(file))}">${h(kind)}</a>`)
      .join(' ');
    const name =
      files.html === undefined ? h(r.scenario.name) : `<a href="${h(encodeURI(files.html))}">${h(r.scenario.name)}</a>`;
    return [
      `<b>${name}</b><br><span class="note">${h(r.scenario.description)}</span>`,
      `<span style="color:${LEVEL_COLOR[o.level]};font-weight:600">${h(o.text)}</span>`,
      h(r.taskSequence.outcome),
      h(formatHours(r.provisioning.totalMs)),
      h(o.exit),
      h(hazardKindsOf(r).join(', ') || '-'),
      o.failedExpectations > 0
        ? `<span class="fail">${h(expectationsText(r))}</span>`
        : r.expectations.length === 0
          ? '-'
          : `<span class="pass">${h(expectationsText(r))}</span>`,
      other,
    ];
  });
  const body = [
    '<h1>provsim reports</h1>',
    `<p class="meta">${entries.length} scenario${entries.length === 1 ? '' : 's'}; ${
      failing === 0 ? 'no expectation fails' : `${failing} with failing expectations`
    }</p>`,
    table(
      ['scenario', 'outcome', 'task sequence', 'in provisioning mode', 'exit', 'hazards', 'expectations', 'files'],
      rows,
      'index',
    ),
  ].join('\n');
  return htmlPage('provsim reports', body);
}
