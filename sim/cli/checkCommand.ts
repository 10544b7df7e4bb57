/**
 * `provsim check` (run each scenario and judge it: passed, failed or skipped; exit 1 on any failure) and
 * `provsim validate` (parse and validate only: scenarios, and `*.fleet.yaml` files as fleets). Both print text or,
 * with `--format json`, one document (`docs/schemas/check.schema.json`, `validate.schema.json`).
 */
import type { Argv } from 'yargs';
import { failingViolations, type Verdict, verdictOf } from '../report/judge.js';
import type { Report } from '../report/Report.js';
import { formatHours } from '../time/Duration.js';
import { paint } from './colour.js';
import { COMMANDS, type CommandContext } from './commands.js';
import { FLEET_FILE, findScenarioFiles } from './files.js';
import { readFleet } from './fleetCommand.js';
import { InputError } from './InputError.js';
import { formatOption, printJson } from './output.js';
import * as reportOutputs from './reportOutputs.js';
import { checkOutputFile } from './outputPaths.js';
import { loadAll, runAll, scenarioOptions, scenarioPathOptions } from './scenarioArgs.js';

/** `check --format json`. */
export interface CheckResult {
  schemaVersion: 1;
  kind: 'provsim-check';
  passed: number;
  failed: number;
  skipped: number;
  scenarios: {
    name: string;
    file: string | null;
    verdict: Verdict;
    expectations: Report['expectations'];
    violations: Report['invariants'];
  }[];
}

export function checkResult(reports: readonly Report[]): CheckResult {
  const result: CheckResult = {
    schemaVersion: 1,
    kind: 'provsim-check',
    passed: 0,
    failed: 0,
    skipped: 0,
    scenarios: [],
  };
  for (const r of reports) {
    const verdict = verdictOf(r);
    result[verdict]++;
    result.scenarios.push({
      name: r.scenario.name,
      file: r.scenario.file,
      verdict,
      expectations: r.expectations,
      violations: r.invariants,
    });
  }
  return result;
}

function checkText(reports: readonly Report[], result: CheckResult, colour: boolean): string {
  const lines: string[] = [];
  for (const r of reports) {
    const verdict = verdictOf(r);
    const label = r.scenario.file ?? r.scenario.name;
    if (verdict === 'skipped') lines.push(`skip ${label}: no expect block`);
    else if (verdict === 'passed') lines.push(`pass ${label} (${r.expectations.length} expectations)`);
    else {
      lines.push(`${paint('FAIL', colour)} ${label}`);
      for (const x of r.expectations.filter((e) => !e.passed))
        lines.push(`  ${x.name}: expected ${JSON.stringify(x.expected)}, got ${JSON.stringify(x.actual)}`);
      for (const v of failingViolations(r))
        lines.push(`  invariant ${v.invariant} violated at ${formatHours(v.atMs)}: ${v.message}`);
    }
  }
  lines.push(`${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped`);
  return `${lines.join('\n')}\n`;
}

export function registerCheck<T>(cli: Argv<T>, { io, setCode, colour }: CommandContext): Argv<T> {
  return cli.command(
    COMMANDS.check.command,
    COMMANDS.check.describe,
    (y) => reportOutputs.withCheckReportOptions(scenarioOptions(y)),
    (args) => {
      if (args.junit !== undefined) checkOutputFile('--junit', args.junit);
      const reports = runAll(loadAll(args), args);
      const markdown = reportOutputs.checkOutputs(reports, args);
      const result = checkResult(reports);
      if (args.format === 'json') printJson(io, result);
      else io.out(markdown ?? checkText(reports, result, colour));
      if (result.failed > 0) setCode(1);
    },
  );
}

/** `validate --format json`. */
export interface ValidateResult {
  schemaVersion: 1;
  kind: 'provsim-validate';
  valid: boolean;
  files: { file: string; kind: 'scenario' | 'fleet'; name: string }[];
  problems: string[];
}

function validateFiles(args: Omit<Parameters<typeof loadAll>[0], 'max-events' | 'max-trace'>): ValidateResult['files'] {
  const all = findScenarioFiles(args.paths, { fleets: true });
  const problems: string[] = [];
  const files: ValidateResult['files'] = [];
  const attempt = (work: () => void) => {
    try {
      work();
    } catch (error) {
      if (error instanceof InputError) problems.push(error.message);
      else throw error;
    }
  };
  attempt(() => {
    const scenarios = all.filter((f) => !FLEET_FILE.test(f));
    if (scenarios.length === 0) return;
    for (const s of loadAll(args, scenarios)) files.push({ file: s.file ?? '', kind: 'scenario', name: s.name });
  });
  for (const f of all.filter((x) => FLEET_FILE.test(x))) {
    attempt(() => files.push({ file: f, kind: 'fleet', name: readFleet(f).name }));
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return files.sort((a, b) => all.indexOf(a.file) - all.indexOf(b.file));
}

export function registerValidate<T>(cli: Argv<T>, { io }: CommandContext): Argv<T> {
  return cli.command(
    COMMANDS.validate.command,
    COMMANDS.validate.describe,
    (y) => formatOption(scenarioPathOptions(y)),
    (args) => {
      let files: ValidateResult['files'];
      try {
        files = validateFiles(args);
      } catch (error) {
        // [provsim] With --format json, bad input still prints the document (valid: false) before exit 2.
        if (error instanceof InputError && args.format === 'json') {
          const problems = error.message.split('\n');
          printJson(io, { schemaVersion: 1, kind: 'provsim-validate', valid: false, files: [], problems });
        }
        throw error;
      }
      if (args.format === 'json') {
        printJson(io, { schemaVersion: 1, kind: 'provsim-validate', valid: true, files, problems: [] });
      } else {
        for (const f of files) io.out(`ok ${f.file} (${f.kind === 'fleet' ? 'fleet ' : ''}${f.name})\n`);
      }
    },
  );
}
