/** The pull-request summary: a headline, one table row per scenario with the same columns, failures listed. */
import { describe, expect, it } from 'vitest';
import { formatMarkdownSummary } from '../../sim/report/markdownSummary.js';
import type { Report } from '../../sim/report/Report.js';
import { bundledReport, bundledReports } from './bundledReports.js';

/** Splits a Markdown table row into its cells, honouring escaped pipes. */
function cells(row: string): string[] {
  return row
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());
}

describe('formatMarkdownSummary', () => {
  it('has a row per bundled scenario under a seven-column header', () => {
    const reports = bundledReports();
    const md = formatMarkdownSummary(reports, { command: 'provsim check' });
    const rows = md.split('\n').filter((l) => l.startsWith('|'));
    expect(cells(rows[0] as string)).toEqual([
      'scenario',
      'outcome',
      'task sequence',
      'in provisioning mode',
      'exit reason',
      'hazards',
      'expectations',
    ]);
    expect(rows).toHaveLength(reports.length + 2);
    rows.forEach((r) => expect(cells(r)).toHaveLength(7));
    expect(md).toMatch(new RegExp(`^### provsim check: ${reports.length} scenarios, all ${reports.length} with`));
  });

  it('states the facts of a row', () => {
    const md = formatMarkdownSummary([bundledReport('disabled-client-ccmeval-rescue')], { command: 'provsim run' });
    const row = md.split('\n').find((l) => l.startsWith('| `disabled'));
    expect(cells(row ?? '')).toEqual([
      '`disabled-client-ccmeval-rescue`',
      'out at 49h',
      'abandoned',
      '48h30m',
      'timeout',
      'client-disabled',
      '✅ 6/6 pass',
    ]);
  });

  it('lists failed expectations and escapes pipes', () => {
    const r = bundledReport('inplace-upgrade-success');
    const bad: Report = {
      ...r,
      expectations: [{ name: 'exitReason', passed: false, expected: 'a|b', actual: 'ts-success' }],
    };
    const md = formatMarkdownSummary([bad], { command: 'provsim check' });
    expect(md).toContain('**1 of 1 FAIL**');
    expect(md).toContain('❌ 1 of 1 FAILED');
    expect(md).toContain('- `inplace-upgrade-success` exitReason: expected `"a\\|b"`, got `"ts-success"`');
  });
});
