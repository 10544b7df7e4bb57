/** triage.csv: Export-Csv quoting, and a value that starts like a formula shown as text by a spreadsheet. */
import { describe, expect, it } from 'vitest';
import { formatTriageCsv, spreadsheetText } from '../../sim/triage/formatTriage.js';
import { triage } from '../../sim/triage/triage.js';

describe('spreadsheetText', () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ['+1+1', `'+1+1`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['-cmd', `'-cmd`],
    ['\tTAB', `'\tTAB`],
    ['\rCR', `'\rCR`],
  ])('%j becomes text', (value, text) => {
    expect(spreadsheetText(value)).toBe(text);
  });

  it.each(['WKS-0001', '-5', '2026-03-04T09:00:00.000Z', 'never-exits', ''])('%j is left as it is', (value) => {
    expect(spreadsheetText(value)).toBe(value);
  });
});

describe('formatTriageCsv', () => {
  it('writes a hostile device name as text, quoted as Export-Csv quotes', () => {
    const text = '"ComputerName","ProvisioningMode"\n"=HYPERLINK(""http://x"")","false"\n"WKS-1","false"\n';
    const { report } = triage([{ file: 'w.csv', text }], { asOfMs: Date.UTC(2026, 2, 4, 9) });
    const rows = formatTriageCsv(report).split('\r\n');
    expect(rows[1]?.startsWith(`"'=HYPERLINK(""http://x"")","healthy"`)).toBe(true);
    expect(rows[2]?.startsWith('"WKS-1","healthy"')).toBe(true);
  });
});
