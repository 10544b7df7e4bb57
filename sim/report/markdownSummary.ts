/**
 * A summary of several runs fit for a pull-request comment (GitHub-flavoured Markdown): a headline with the
 * counts, one table row per scenario (outcome, time in provisioning mode, exit reason, hazards, expectations), and
 * the failed expectations, if any, listed under it. Pure string building.
 */
import { formatHours } from '../time/Duration.js';
import { markdownText } from './markdownText.js';
import { expectationsText, hazardKindsOf, outcomeOf } from './outcome.js';
import type { Report } from './Report.js';

const cell = markdownText;

export interface MarkdownSummaryOptions {
  /** The command in the headline, e.g. `provsim check`. */
  readonly command: string;
  /** Row labels instead of the scenario names (for variants of one scenario). */
  readonly labels?: readonly string[];
}

export function formatMarkdownSummary(reports: readonly Report[], options: MarkdownSummaryOptions): string {
  const judged = reports.filter((r) => r.expectations.length > 0);
  const failing = judged.filter((r) => r.expectations.some((x) => !x.passed));
  const stuck = reports.filter((r) => outcomeOf(r).exit === 'still in').length;
  const verdict =
    judged.length === 0
      ? 'no expectations'
      : failing.length === 0
        ? `all ${judged.length} with expectations pass`
        : `**${failing.length} of ${judged.length} FAIL**`;
  const out = [
    `### ${cell(options.command)}: ${reports.length} scenario${reports.length === 1 ? '' : 's'}, ${verdict}${stuck > 0 ? `, ${stuck} stuck in provisioning mode` : ''}`,
    '',
    '| scenario | outcome | task sequence | in provisioning mode | exit reason | hazards | expectations |',
    '| --- | --- | --- | ---: | --- | --- | --- |',
  ];
  reports.forEach((r, i) => {
    const o = outcomeOf(r);
    const failed = o.failedExpectations > 0;
    const label = options.labels?.[i] ?? r.scenario.name;
    out.push(
      `| \`${cell(label)}\` | ${o.exit === 'still in' ? `**${cell(o.text)}**` : cell(o.text)} | ${cell(r.taskSequence.outcome)} | ${formatHours(r.provisioning.totalMs)} | ${cell(o.exit)} | ${cell(hazardKindsOf(r).join(', ') || '-')} | ${r.expectations.length === 0 ? '-' : failed ? `❌ ${cell(expectationsText(r))}` : `✅ ${cell(expectationsText(r))}`} |`,
    );
  });
  if (failing.length > 0) {
    out.push('', '**Failed expectations**', '');
    for (const r of failing) {
      for (const x of r.expectations.filter((e) => !e.passed)) {
        out.push(
          `- \`${cell(r.scenario.name)}\` ${cell(x.name)}: expected \`${cell(JSON.stringify(x.expected))}\`, got \`${cell(JSON.stringify(x.actual))}\``,
        );
      }
    }
  }
  return `${out.join('\n')}\n`;
}
