/**
 * `provsim check` results as JUnit XML, the format CI servers (GitLab, Jenkins, Azure Pipelines, GitHub test
 * reporters) read: one `<testsuite>` per scenario, one `<testcase>` per expectation, a `<failure>` with the
 * expected and actual values for each expectation that does not hold, and a skipped test case for a scenario
 * without an `expect` block. Times are 0: the output depends on the reports alone, byte for byte.
 */
import { failingViolations } from './judge.js';
import { outcomeOf } from './outcome.js';
import type { Report } from './Report.js';

/** Escapes text for XML content and attributes; drops characters XML 1.0 cannot carry. */
export function escapeXml(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replaceAll('&', '&amp;')
      .replaceAll('<', '&lt;')
      .replaceAll('>', '&gt;')
      .replaceAll('"', '&quot;')
      .replaceAll("'", '&apos;')
  );
}

function attrs(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(([k, v]) => ` ${k}="${escapeXml(String(v))}"`)
    .join('');
}

export function formatJunit(reports: readonly Report[]): string {
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const suites = reports.map((r) => {
    const name = r.scenario.name;
    const classname = `provsim.${name}`;
    const violations = failingViolations(r);
    const failed = r.expectations.filter((x) => !x.passed).length + (violations.length > 0 ? 1 : 0);
    const lines: string[] = [];
    const props: [string, string | number][] = [
      ['file', r.scenario.file ?? ''],
      ['seed', r.scenario.seed],
      ...Object.entries(r.assumptions).map(([k, v]): [string, string] => [`assumption.${k}`, String(v)]),
      ['outcome', outcomeOf(r).text],
    ];
    lines.push('    <properties>');
    for (const [k, v] of props) lines.push(`      <property${attrs({ name: k, value: v })}/>`);
    lines.push('    </properties>');
    if (r.expectations.length === 0 && violations.length === 0) {
      lines.push(`    <testcase${attrs({ name: 'expect', classname, time: 0 })}>`);
      lines.push(`      <skipped${attrs({ message: 'the scenario has no expect block' })}/>`);
      lines.push('    </testcase>');
    }
    for (const x of r.expectations) {
      const open = `    <testcase${attrs({ name: x.name, classname, time: 0 })}`;
      if (x.passed) {
        lines.push(`${open}/>`);
        continue;
      }
      const expected = JSON.stringify(x.expected);
      const actual = JSON.stringify(x.actual);
      lines.push(`${open}>`);
      lines.push(
        `      <failure${attrs({ message: `${x.name}: expected ${expected}, got ${actual}`, type: 'expectation' })}>` +
          `${escapeXml(`expected: ${expected}\nactual:   ${actual}\nscenario: ${r.scenario.file ?? name}`)}</failure>`,
      );
      lines.push('    </testcase>');
    }
    if (violations.length > 0) {
      const text = violations.map((v) => `${v.invariant} at ${v.atMs} ms: ${v.message}`).join('\n');
      lines.push(`    <testcase${attrs({ name: 'invariants', classname, time: 0 })}>`);
      lines.push(
        `      <failure${attrs({ message: `invariants violated: ${[...new Set(violations.map((v) => v.invariant))].join(', ')}`, type: 'invariant' })}>` +
          `${escapeXml(text)}</failure>`,
      );
      lines.push('    </testcase>');
    }
    const count = Math.max(r.expectations.length + (violations.length > 0 ? 1 : 0), 1);
    const skip = r.expectations.length === 0 && violations.length === 0 ? 1 : 0;
    tests += count;
    failures += failed;
    skipped += skip;
    return [
      `  <testsuite${attrs({ name, tests: count, failures: failed, errors: 0, skipped: skip, time: 0 })}>`,
      ...lines,
      '  </testsuite>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'provsim check', tests, failures, errors: 0, skipped, time: 0 })}>`,
    ...suites,
    '</testsuites>',
    '',
  ].join('\n');
}
