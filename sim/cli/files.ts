/**
 * Finds and reads scenario files: files as given, folders searched recursively for `*.yaml`, `*.yml` and
 * `*.json` (not `*.schema.json`, nor `*.export.json`, a triage input, nor `*.fleet.yaml` / `*.fleet.yml`), in sorted
 * path order so runs are deterministic.
 */
import { type Dirent, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, ScenarioError } from '../scenario/loadScenario.js';
import type { Scenario } from '../scenario/Scenario.js';
import { InputError } from './InputError.js';
import { pathFailure, readInputText } from './readInput.js';

const SCENARIO_FILE = /\.(ya?ml|json)$/i;
/** Fleet files (`provsim fleet`), which `validate` reads as fleets and the scenario commands leave out. */
export const FLEET_FILE = /\.fleet\.ya?ml$/i;
/** JSON Schemas, and triage inputs (`provsim triage`), which no scenario command reads. */
const SCHEMA_FILE = /\.schema\.json$|\.export\.json$/i;
/** The name of `run`'s index page, `<out>/index.html`, which no scenario may take (its report would be lost). */
export const RUN_INDEX = 'index';

/** The scenario files of `paths` (with `fleets`, the fleet files too), in path order. */
export function findScenarioFiles(paths: readonly string[], options: { fleets?: boolean } = {}): string[] {
  if (paths.length === 0) throw new InputError('no scenario files or folders given; try: provsim run scenarios/');
  const files: string[] = [];
  for (const path of paths) {
    let stats: ReturnType<typeof statSync>;
    try {
      stats = statSync(path);
    } catch (error) {
      throw pathFailure(path, error, 'file or folder');
    }
    if (stats.isDirectory()) {
      const found = walk(path, options.fleets === true);
      if (found.length === 0) {
        throw new InputError(`${path}: the folder holds no scenario files (*.yaml, *.yml or *.json)`);
      }
      files.push(...found);
    } else {
      files.push(path);
    }
  }
  return files;
}

function walk(dir: string, fleets: boolean): string[] {
  const out: string[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw pathFailure(dir, error, 'folder');
  }
  for (const entry of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path, fleets));
    else if (SCENARIO_FILE.test(entry.name) && !SCHEMA_FILE.test(entry.name)) {
      if (fleets || !FLEET_FILE.test(entry.name)) out.push(path);
    }
  }
  return out;
}

/** Reads and parses every file; all problems of all files are reported together in one InputError. */
export function loadScenarioFiles(files: readonly string[]): Scenario[] {
  const scenarios: Scenario[] = [];
  const problems: string[] = [];
  for (const file of files) {
    if (FLEET_FILE.test(file)) {
      problems.push(`${file}: a fleet file, not a scenario; run it with provsim fleet ${file}`);
      continue;
    }
    let text: string;
    try {
      text = readInputText(file, 'scenario');
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(error.message);
      continue;
    }
    try {
      scenarios.push(parseScenario(text, file));
    } catch (error) {
      if (error instanceof ScenarioError) problems.push(error.message);
      else throw error;
    }
  }
  const seen = new Map<string, string>();
  for (const s of scenarios) {
    if (s.name === RUN_INDEX) {
      problems.push(
        `${s.file}: name "${RUN_INDEX}" is taken by the run's index page (${RUN_INDEX}.html); give the scenario another name`,
      );
    }
    const other = seen.get(s.name);
    if (other !== undefined)
      problems.push(`${s.file}: name "${s.name}" is already used by ${other}; scenario names must be unique in a run`);
    seen.set(s.name, s.file ?? '');
  }
  if (problems.length > 0) throw new InputError(problems.join('\n'));
  return scenarios;
}
