/** The reports of every bundled scenario (`scenarios/`, recursively), built once per test file. */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { findScenarioFiles } from '../../sim/cli/files.js';
import { buildReport, type Report } from '../../sim/report/Report.js';
import { parseScenario } from '../../sim/scenario/loadScenario.js';
import type { Scenario } from '../../sim/scenario/Scenario.js';
import { verifyScenario } from '../../sim/verify/verifyScenario.js';

export const SCENARIOS_DIR = join(import.meta.dirname, '../../scenarios');

export function bundledScenarios(): Scenario[] {
  // Relative to the project (vitest runs there), so reports name `scenarios/...` as `npm start` does.
  const dir = relative(process.cwd(), SCENARIOS_DIR) || '.';
  return findScenarioFiles([dir]).map((f) => parseScenario(readFileSync(f, 'utf8'), f));
}

/** The report `provsim run` writes: the invariants checked, as the `violations` expectation needs. */
export function reportOf(scenario: Scenario): Report {
  const { run, violations } = verifyScenario(scenario, { rerun: false });
  return buildReport(run, violations);
}

export function bundledReports(): Report[] {
  return bundledScenarios().map(reportOf);
}

/** The report of one bundled scenario by name. */
export function bundledReport(name: string): Report {
  const s = bundledScenarios().find((x) => x.name === name);
  if (s === undefined) throw new Error(`no bundled scenario named ${name}`);
  return reportOf(s);
}
