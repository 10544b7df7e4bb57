/**
 * `provsim explore --exhaustive`: every scenario of up to `--depth` inserted events on the grid, on the bundled
 * scenarios or `--base` files (see sim/verify/exhaustive.ts). Prints the verdict with its counts, the shortest
 * counterexample written as a replayable scenario file, or INCOMPLETE; then coverage and goals. Exit 1 unless the
 * verdict is `holds` and no required goal or rule was missed.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { formatDuration } from '../time/Duration.js';
import { EVENT_TYPES, type Scenario } from '../scenario/Scenario.js';
import {
  assumptionCombinations,
  DEFAULT_GRID_MS,
  type ExhaustiveResult,
  exploreExhaustive,
  gridTimes,
  MAX_GRID_TIMES,
  variantsOf,
} from '../verify/exhaustive.js';
import { counterexampleYaml } from '../verify/explore.js';
import { findScenarioFiles, loadScenarioFiles } from './files.js';
import { InputError } from './InputError.js';
import type { ExploreDocument } from './exploreOutput.js';
import { type Io, printJson } from './output.js';
import {
  type ExploreArgs,
  type ExploreContext,
  Observed,
  positiveDuration,
  positiveInteger,
  printViolations,
  progressLine,
  sayer,
  wholeNumber,
} from './exploreOutput.js';
import { writeAtomic } from './writeAtomic.js';

/** The bundled scenarios beside the package: the exhaustive mode's default bases (not the counterexamples). */
const BUNDLED_DIR = join(import.meta.dirname, '..', '..', 'scenarios');

/** The default bases: the scenario files directly in the bundled folder. */
function bundledBases(): Scenario[] {
  const files = readdirSync(BUNDLED_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => join(BUNDLED_DIR, f));
  return loadScenarioFiles(files);
}

export function runExhaustive(args: ExploreArgs, c: ExploreContext, io: Io): number {
  const say = sayer(c, io);
  const depth = wholeNumber(args.depth ?? '2', '--depth');
  const gridText = args.grid ?? formatDuration(DEFAULT_GRID_MS);
  const gridMs = positiveDuration(gridText, '--grid');
  const maxStates = positiveInteger(args['max-states'] ?? '5000000', '--max-states');
  const timeBudgetMs = positiveDuration(args['time-budget'] ?? '10m', '--time-budget');
  const bases = args.base.length === 0 ? bundledBases() : loadScenarioFiles(findScenarioFiles(args.base));
  checkGrid(bases, gridMs, gridText);
  const sets = assumptionCombinations(c.assume, args['all-assumptions']).length;
  say(
    `provsim explore --exhaustive: depth ${depth}, grid ${formatDuration(gridMs)}, ${variantsOf(c.kinds).length} event variants (${(c.kinds ?? EVENT_TYPES).join(', ')}); ${bases.length} base scenario(s) x ${sets} assumption set(s)\n`,
  );
  const progress = progressLine();
  const observed = new Observed(c);
  const result = exploreExhaustive({
    bases,
    depth,
    gridMs,
    ...(c.kinds === undefined ? {} : { kinds: c.kinds }),
    assumptions: c.assume,
    allAssumptions: args['all-assumptions'],
    maxStates,
    timeBudgetMs,
    faults: c.faults,
    ...c.only,
    force: c.force,
    onReport: observed.onReport,
    onProgress: (p) =>
      progress.show(`depth ${p.level} of ${depth}, ${p.base}: ${p.runs} runs, ${p.distinctStates} distinct states`),
  });
  progress.end();
  let file: string | null = null;
  if (result.counterexample !== null) {
    const { scenario, violations } = result.counterexample;
    const invariant = violations[0]?.invariant ?? 'unknown';
    file = join(c.out, `exhaustive-${invariant}-${scenario.name}.yaml`);
    const named = { ...scenario, name: `exhaustive-${invariant}-${scenario.name}` };
    writeAtomic(file, counterexampleYaml(named, violations, { how: exhaustiveHow(result, depth, gridMs, c) }));
  }
  if (c.json) {
    printJson(io, { ...exhaustiveJson(result, file), ...observed.json() });
  } else {
    printExhaustive(result, file, say);
    observed.print(say);
  }
  return result.verdict === 'holds' && !observed.failed ? 0 : 1;
}

/** Refuses a grid so fine that a base would have more than `MAX_GRID_TIMES` insertion times. */
function checkGrid(bases: readonly Scenario[], gridMs: number, raw: string): void {
  for (const base of bases) {
    const times = gridTimes(base.horizonMs, gridMs);
    if (times > MAX_GRID_TIMES) {
      throw new InputError(
        `--grid ${raw.trim()}: ${base.file ?? base.name} (horizon ${formatDuration(base.horizonMs)}) would have ` +
          `${times.toLocaleString('en-US')} insertion times; at most ${MAX_GRID_TIMES.toLocaleString('en-US')} ` +
          `are allowed (the limit on grid times per base): give a coarser grid, such as ` +
          `${formatDuration(Math.ceil(base.horizonMs / (MAX_GRID_TIMES - 1) / 60_000) * 60_000)}`,
      );
    }
  }
}

function exhaustiveHow(result: ExhaustiveResult, depth: number, gridMs: number, c: ExploreContext): string {
  const events = c.kinds === undefined ? '' : ` --events ${c.kinds.join(',')}`;
  return `provsim explore --exhaustive --depth ${depth} --grid ${formatDuration(gridMs)}${events} (shortest: ${result.counterexample?.depth ?? 0} inserted event(s))`;
}

function exhaustiveJson(result: ExhaustiveResult, file: string | null) {
  const document: ExploreDocument = {
    schemaVersion: 1,
    kind: 'provsim-explore',
    mode: 'exhaustive',
    verdict: result.verdict,
    runs: result.runs,
    seed: null,
    path: null,
    shrinks: 0,
    counterexample: file,
    violations: [...(result.counterexample?.violations ?? [])],
  };
  return {
    ...document,
    depth: result.depth,
    gridMs: result.gridMs,
    variants: result.variants,
    roots: result.roots,
    scenarios: result.scenarios,
    distinctStates: result.distinctStates,
    stoppedAt: result.stoppedAt,
    counterexampleEvents: result.counterexample?.depth ?? null,
    elapsedSeconds: Number((result.elapsedMs / 1000).toFixed(3)),
  };
}

function printExhaustive(result: ExhaustiveResult, file: string | null, say: (t: string) => void): void {
  const counts = `${result.scenarios} scenarios (${result.runs} run, the others merged into states already explored), ${result.distinctStates} distinct states, ${(result.elapsedMs / 1000).toFixed(1)} s`;
  if (result.verdict === 'holds') {
    say(`Holds for every scenario of up to ${result.depth} events: ${counts}.\n`);
  } else if (result.verdict === 'incomplete') {
    say(`INCOMPLETE: stopped at ${result.stoppedAt}; nothing is claimed. So far: ${counts}.\n`);
  } else if (result.counterexample !== null && file !== null) {
    const { scenario, violations, depth } = result.counterexample;
    say(`VIOLATION: a shortest counterexample inserts ${depth} event(s) into ${scenario.name}; ${counts}.\n`);
    printViolations(violations, say);
    say(
      `Counterexample written to ${file}: provsim run ${file} shows it; provsim explore --replay ${file} re-checks it.\n`,
    );
  }
}
