/**
 * `provsim explore`: the property-based search for invariant violations, outside vitest. Prints the seed first
 * (so any run can be replayed), a progress line on a terminal, and on failure the seed, the fast-check path, the
 * shrunk scenario's violations and the file it was written to; exits 1 then. `--replay FILE` re-checks a file.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Argv } from 'yargs';
import { closest } from '../scenario/closest.js';
import { formatHours } from '../scenario/Duration.js';
import { parseScenario, ScenarioError } from '../scenario/loadScenario.js';
import { counterexampleYaml, explore } from '../verify/explore.js';
import { INVARIANT_NAMES, type InvariantName, type Violation } from '../verify/invariants.js';
import { verifyScenario } from '../verify/verifyScenario.js';
import { InputError } from './InputError.js';
import { type Io, notesIo, printJson } from './output.js';
import { applyOverrides, parseAssume, parseSeed } from './overrides.js';
import { writeAtomic } from './writeAtomic.js';

function parseInvariants(names: readonly string[]): InvariantName[] {
  return names.map((n) => {
    if ((INVARIANT_NAMES as readonly string[]).includes(n)) return n as InvariantName;
    const hint = closest(n, INVARIANT_NAMES);
    throw new InputError(
      `--invariant ${n}: unknown invariant${hint ? `; did you mean "${hint}"?` : ''} Allowed: ${INVARIANT_NAMES.join(', ')}`,
    );
  });
}

function positiveInteger(raw: unknown, flag: string): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new InputError(`${flag} ${String(raw)}: expected a whole number of at least 1`);
  return n;
}

export function registerExplore<T>(cli: Argv<T>, io: Io, setCode: (code: number) => void): Argv<T> {
  return cli.command(
    'explore',
    'search generated scenarios for invariant violations; write the shrunk counterexample; exit 1 if one is found',
    (y) =>
      y
        .option('runs', { type: 'string', describe: 'scenarios to try (default $PROVSIM_RUNS or 1000)' })
        .option('seed', { type: 'string', describe: 'fast-check seed (default $PROVSIM_SEED or a new one, printed)' })
        .option('path', { type: 'string', describe: 'fast-check path printed with a failure, to replay it at once' })
        .option('invariant', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: `only these invariants (repeatable): ${INVARIANT_NAMES.join(', ')}`,
        })
        .option('force', {
          type: 'boolean',
          default: false,
          describe: 'check the invariants even where they do not claim to hold',
        })
        .option('assume', {
          type: 'string',
          array: true,
          default: [] as string[],
          describe: 'fix an assumption: key=value (repeatable); the others keep their defaults',
        })
        .option('all-assumptions', {
          type: 'boolean',
          default: false,
          describe: 'draw every combination of assumptions instead',
        })
        .option('out', {
          type: 'string',
          default: join('reports', 'counterexamples'),
          describe: 'where the counterexample goes',
        })
        .option('replay', {
          type: 'string',
          describe: 're-check the invariants on a scenario file (a counterexample) and exit',
        })
        .option('format', {
          choices: ['text', 'json'] as const,
          default: 'text' as const,
          describe: 'what goes to standard output (json: one JSON document, nothing else)',
        }),
    (args) => {
      const json = args.format === 'json';
      const invariants = parseInvariants(args.invariant);
      const assume = parseAssume(args.assume);
      const only = invariants.length === 0 ? {} : { only: invariants };
      if (args.replay !== undefined) {
        const result = replay(args.replay, { ...only, force: args.force }, assume);
        if (json) printJson(io, result);
        else if (result.violations.length === 0) io.out(`${args.replay}: every invariant that applies holds\n`);
        else
          for (const v of result.violations)
            io.out(`${args.replay}: ${v.invariant} violated at ${formatHours(v.atMs)}: ${v.message}\n`);
        setCode(result.verdict === 'holds' ? 0 : 1);
        return;
      }
      const notes = notesIo(io, args.format);
      const runs = positiveInteger(args.runs ?? process.env.PROVSIM_RUNS ?? 1000, '--runs');
      const seed = parseSeed(args.seed ?? process.env.PROVSIM_SEED) ?? Date.now() % 2147483647;
      const assumptions = args['all-assumptions'] ? 'any' : assume;
      notes.out(
        `provsim explore: ${runs} runs, seed ${seed}${args.path ? `, path ${args.path}` : ''}; assumptions ${assumptions === 'any' ? 'all combinations' : JSON.stringify(assumptions)}\n`,
      );
      const tty = process.stderr.isTTY === true;
      const started = performance.now();
      const result = explore({
        runs,
        seed,
        ...(args.path === undefined ? {} : { path: args.path }),
        ...only,
        force: args.force,
        assumptions,
        onProgress: (done) => {
          if (tty)
            process.stderr.write(
              `\r  ${done} scenarios checked (${Math.round(done / ((performance.now() - started) / 1000))}/s)   `,
            );
        },
      });
      if (tty) process.stderr.write('\n');
      const seconds = (performance.now() - started) / 1000;
      const document = (counterexample: string | null, violations: readonly Violation[]): ExploreResult => ({
        schemaVersion: 1,
        kind: 'provsim-explore',
        mode: 'random',
        verdict: counterexample === null ? 'holds' : 'violated',
        runs: result.runs,
        seed: result.seed,
        path: counterexample === null ? null : result.path,
        shrinks: counterexample === null ? 0 : result.shrinks,
        counterexample,
        violations: [...violations],
      });
      if (result.counterexample === null) {
        notes.out(
          `No violation in ${result.runs} scenarios (${seconds.toFixed(1)} s, ${Math.round(result.runs / seconds)} scenarios/s).\n`,
        );
        if (json) printJson(io, document(null, []));
        return;
      }
      const { scenario, violations } = result.counterexample;
      const file = join(args.out, `counterexample-${violations[0]?.invariant ?? 'unknown'}-${seed}.yaml`);
      writeAtomic(file, counterexampleYaml(scenario, violations, result));
      setCode(1);
      if (json) {
        printJson(io, document(file, violations));
        return;
      }
      io.out(
        `VIOLATION after ${result.runs} scenarios (${seconds.toFixed(1)} s); shrunk ${result.shrinks} times to ${scenario.events.length} event(s).\n`,
      );
      for (const v of violations) io.out(`  ${v.invariant} at ${formatHours(v.atMs)}: ${v.message}\n`);
      io.out(
        `Seed ${result.seed}, path ${result.path}: provsim explore --seed ${result.seed} --path ${result.path} replays it.\n`,
      );
      io.out(
        `Counterexample written to ${file}: provsim run ${file} shows it; provsim explore --replay ${file} re-checks it.\n`,
      );
    },
  );
}

/** `explore --format json` (random search or `--replay`): `docs/schemas/explore.schema.json`. */
export interface ExploreResult {
  schemaVersion: 1;
  kind: 'provsim-explore';
  mode: 'random' | 'replay';
  verdict: 'holds' | 'violated';
  /** Scenarios tried (random search); 1 for a replay. */
  runs: number;
  seed: number | null;
  /** The fast-check path of the counterexample, to replay it at once; null without one. */
  path: string | null;
  shrinks: number;
  /** The counterexample file written (random search) or the file replayed; null when none was found. */
  counterexample: string | null;
  violations: Violation[];
}

function replay(
  file: string,
  options: { only?: InvariantName[]; force: boolean },
  assume: ReturnType<typeof parseAssume>,
): ExploreResult {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new InputError(`${file}: no such file`);
  }
  let scenario: ReturnType<typeof parseScenario>;
  try {
    scenario = applyOverrides(parseScenario(text, file), undefined, assume);
  } catch (error) {
    if (error instanceof ScenarioError) throw new InputError(error.message);
    throw error;
  }
  const { violations } = verifyScenario(scenario, options);
  return {
    schemaVersion: 1,
    kind: 'provsim-explore',
    mode: 'replay',
    verdict: violations.length === 0 ? 'holds' : 'violated',
    runs: 1,
    seed: scenario.seed,
    path: null,
    shrinks: 0,
    counterexample: file,
    violations: [...violations],
  };
}
