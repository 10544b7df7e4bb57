/**
 * Every bundled scenario, run end to end: it loads, each one has an `expect` block, and its expectations hold
 * (the same judgement as `provsim check scenarios/`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findScenarioFiles } from '../../sim/cli/files.js';
import { verdictOf } from '../../sim/report/judge.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';
import { reportOf } from '../report/bundledReports.js';

const root = join(import.meta.dirname, '../../scenarios');
const files = findScenarioFiles([root]);

describe('bundled scenarios', () => {
  it('cover at least the twelve situations of the issue', () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it.each(files.map((f) => [f.slice(root.length + 1), f]))('%s meets its expectations', (_, file) => {
    const scenario = parseScenario(readFileSync(file, 'utf8'), file);
    expect(scenario.expect).not.toBeNull();
    expect(scenario.description).not.toBe('');
    const report = reportOf(scenario);
    expect(report.expectations.length).toBeGreaterThanOrEqual(4);
    expect(report.expectations.filter((x) => !x.passed)).toEqual([]);
    expect(verdictOf(report)).toBe('passed');
  });
});
