/**
 * JUnit XML read back by an XML parser: one testsuite per scenario, one testcase per expectation, failures with
 * expected and actual values, counts that add up, and text that cannot break the XML.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { escapeXml, formatJunit } from '../../sim/report/junit.js';
import type { Report } from '../../sim/report/Report.js';
import { bundledReports } from './bundledReports.js';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
});

interface Case {
  name: string;
  classname: string;
  failure?: { message: string; type: string; '#text': string };
  skipped?: { message: string };
}
interface Suite {
  name: string;
  tests: string;
  failures: string;
  skipped: string;
  testcase: Case[];
  properties: { property: { name: string; value: string }[] };
}

function parse(xml: string): { testsuites: Record<string, string> & { testsuite: Suite[] } } {
  expect(XMLValidator.validate(xml)).toBe(true);
  return parser.parse(xml);
}

/** A report whose expectations are set by hand (one passes, one fails with characters XML must escape). */
function withExpectations(r: Report, expectations: Report['expectations']): Report {
  return { ...r, expectations };
}

describe('formatJunit', () => {
  const reports = bundledReports();

  it('writes a testsuite per bundled scenario and a testcase per expectation', () => {
    const doc = parse(formatJunit(reports));
    const suites = doc.testsuites.testsuite;
    expect(suites.map((s) => s.name)).toEqual(reports.map((r) => r.scenario.name));
    suites.forEach((s, i) => {
      const r = reports[i] as Report;
      expect(s.testcase.map((c) => c.name)).toEqual(r.expectations.map((x) => x.name));
      expect(Number(s.tests)).toBe(r.expectations.length);
      expect(Number(s.failures)).toBe(0);
      expect(s.testcase.every((c) => c.classname === `provsim.${r.scenario.name}` && c.failure === undefined)).toBe(
        true,
      );
      expect(s.properties.property.find((p) => p.name === 'seed')?.value).toBe(String(r.scenario.seed));
    });
    const total = reports.reduce((n, r) => n + r.expectations.length, 0);
    expect(Number(doc.testsuites.tests)).toBe(total);
    expect(Number(doc.testsuites.failures)).toBe(0);
  });

  it('writes a failure with the expected and actual values', () => {
    const base = reports[0] as Report;
    const r = withExpectations(base, [
      { name: 'exitReason', passed: true, expected: 'timeout', actual: 'timeout' },
      { name: 'deploymentsProcessedBy', passed: false, expected: '2h', actual: 'not processed: "A&B" <x>' },
    ]);
    const doc = parse(formatJunit([r]));
    const [suite] = doc.testsuites.testsuite;
    expect(suite?.failures).toBe('1');
    expect(doc.testsuites.failures).toBe('1');
    const failure = suite?.testcase[1]?.failure;
    expect(failure?.message).toBe('deploymentsProcessedBy: expected "2h", got "not processed: \\"A&B\\" <x>"');
    expect(failure?.['#text']).toContain('expected: "2h"');
    expect(failure?.['#text']).toContain('actual:   "not processed: \\"A&B\\" <x>"');
    expect(suite?.testcase[0]?.failure).toBeUndefined();
  });

  it('skips a scenario without an expect block', () => {
    const doc = parse(formatJunit([withExpectations(reports[0] as Report, [])]));
    const [suite] = doc.testsuites.testsuite;
    expect(suite).toMatchObject({ tests: '1', skipped: '1', failures: '0' });
    expect(suite?.testcase[0]?.skipped?.message).toBe('the scenario has no expect block');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`a<b>&"c'\u0001`)).toBe('a&lt;b&gt;&amp;&quot;c&apos;');
  });
});
