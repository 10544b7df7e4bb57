/**
 * The library's entry point (`import ... from 'provsim'`): runScenario returns the report of `provsim run`,
 * assertScenario throws with the failed expectations and violated invariants, parseScenario and overrides.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assertScenario, loadScenarioFile, parseScenario, runScenario, ScenarioError } from '../sim/index.js';

const ROOT = join(import.meta.dirname, '..');
const GAP = join(ROOT, 'scenarios/counterexamples/no-restart-flow-never-checked.yaml');
const RESCUE = join(ROOT, 'scenarios/disabled-client-ccmeval-rescue.yaml');

describe('provsim as a library', () => {
  it('returns the report that provsim run writes', () => {
    const report = runScenario(loadScenarioFile(RESCUE));
    expect(report.provisioning.intervals).toHaveLength(1);
    expect(report.expectations.every((x) => x.passed)).toBe(true);
    expect(report.scenario.file).toBe(RESCUE);
  });

  it('applies the seed and assumption overrides', () => {
    const report = runScenario(readFileSync(RESCUE, 'utf8'), { seed: 7, assume: { checkLoop: 'continuous' } });
    expect(report.scenario.seed).toBe(7);
    expect(report.assumptions.checkLoop).toBe('continuous');
    expect(report.scenario.file).toBeNull();
  });

  it('throws from assertScenario with the violated invariants and failed expectations', () => {
    const text = readFileSync(GAP, 'utf8');
    expect(() => assertScenario(text)).not.toThrow();
    const withoutExpect = text.slice(0, text.indexOf('\nexpect:') + 1);
    expect(() => assertScenario(withoutExpect)).toThrow(/invariant exit-within-timeout violated at 49h1s/);
    const wrong = readFileSync(RESCUE, 'utf8').replace('exitedBy: 49h', 'exitedBy: 2h');
    expect(() => assertScenario(wrong)).toThrow(/expectation exitedBy: expected "2h", got "49h"/);
  });

  it('throws a ScenarioError that names the line, column and key', () => {
    expect(() => parseScenario('name: Bad Name\n', 'x.yaml')).toThrow(ScenarioError);
    expect(() => parseScenario('name: Bad Name\n', 'x.yaml')).toThrow(/x\.yaml:1:7: name/);
  });
});
