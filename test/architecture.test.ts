/**
 * The shape of the house (STYLE.md, docs/where-changes-go.md): no circle of imports between files of `sim/`, and
 * each folder imports only from the floors below it. Type-only imports count: a circle of types is still a circle
 * for a reader.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..');
const SIM = join(ROOT, 'sim');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? filesUnder(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : [],
  );
}

/** Each file of `sim/` (relative, such as `model/transition.ts`) and the files of `sim/` it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of filesUnder(SIM)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/^(?:import|export)\b[^'"]*?from\s+'(\.[^']+)\.js'/gms)].map((m) =>
      relative(SIM, normalize(join(dirname(file), `${m[1]}.ts`))),
    );
    graph.set(relative(SIM, file), targets);
  }
  return graph;
}

/** A circle of imports, as the list of files around it, or null. */
function findCircle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (file: string): string[] | null => {
    if (state.get(file) === 'done') return null;
    if (state.get(file) === 'open') return [...path.slice(path.indexOf(file)), file];
    state.set(file, 'open');
    path.push(file);
    for (const next of graph.get(file) ?? []) {
      const circle = visit(next);
      if (circle !== null) return circle;
    }
    path.pop();
    state.set(file, 'done');
    return null;
  };
  for (const file of graph.keys()) {
    const circle = visit(file);
    if (circle !== null) return circle;
  }
  return null;
}

/** The folders each folder of `sim/` may import from (besides itself). */
const ALLOWED: Record<string, readonly string[]> = {
  time: [],
  kernel: [],
  // The HTML kit (escaping, the page shell and stylesheet, hand-written SVG charts) every page stands on.
  html: [],
  scenario: ['time', 'model/timeout.ts'],
  model: ['kernel', 'scenario', 'time'],
  // The explorer judges reports (goals, counterexamples) and the report lists violations: verify and report use
  // each other's types and builders, with no circle between files.
  verify: ['kernel', 'model', 'scenario', 'time', 'report'],
  report: ['model', 'scenario', 'time', 'verify', 'html'],
  import: ['model', 'scenario', 'time', 'report', 'html'],
  fleet: ['kernel', 'model', 'scenario', 'time', 'report', 'html'],
  remediate: ['kernel', 'model', 'scenario', 'time', 'report', 'fleet', 'html'],
  // Merging shards: verifies and adds up the shard reports of the fleet and of remediate.
  shard: ['kernel', 'model', 'scenario', 'time', 'report', 'fleet', 'remediate'],
  // Triage turns an export into scenarios, runs them through the model and reads their reports.
  triage: ['kernel', 'model', 'scenario', 'time', 'report', 'import', 'fleet', 'html'],
  // The benchmark is an edge like the CLI: it drives the CLI's own code in child processes.
  bench: ['kernel', 'model', 'scenario', 'time', 'fleet', 'report', 'verify', 'cli', 'html'],
  cli: [
    'kernel',
    'model',
    'scenario',
    'time',
    'report',
    'import',
    'fleet',
    'remediate',
    'shard',
    'triage',
    'verify',
    'bench',
    'html',
  ],
};

/**
 * The rooms of `sim/fleet` and the rooms each may import from (besides itself), one way: a fleet file is loaded,
 * its clients simulated, their outcomes summed, the sums reported; `run` drives the simulation over ranges and
 * threads, `tune` runs and reports a fleet once per `max`.
 */
const FLEET_ROOMS: Record<string, readonly string[]> = {
  load: [],
  simulate: ['load'],
  summary: ['load', 'simulate'],
  report: ['load', 'summary'],
  run: ['load', 'simulate', 'summary'],
  tune: ['load', 'summary', 'report', 'run'],
};

describe('the import graph of sim/', () => {
  const graph = importGraph();

  it('reads every file', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get('model/transition.ts')).toContain('model/timeout.ts');
  });

  it('has no circle', () => {
    expect(findCircle(graph)).toBeNull();
  });

  it('finds a circle when there is one', () => {
    const withCircle = new Map(graph);
    withCircle.set('time/Duration.ts', ['report/Report.ts']);
    expect(findCircle(withCircle)).not.toBeNull();
  });

  it('keeps each folder on its floors', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      // The package's entry points at the top of sim/ (index.ts, arbitraries.ts) re-export from every floor.
      if (!file.includes('/')) continue;
      const folder = file.split('/')[0] ?? '';
      const allowed = ALLOWED[folder];
      if (allowed === undefined) {
        wrong.push(`${file}: its folder is not in the list above`);
        continue;
      }
      for (const t of targets) {
        const ok =
          t.startsWith(`${folder}/`) || allowed.some((a) => (a.endsWith('.ts') ? t === a : t.startsWith(`${a}/`)));
        if (!ok) wrong.push(`${file} -> ${t}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('keeps the rooms of sim/fleet one way', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      if (!file.startsWith('fleet/')) continue;
      const room = file.split('/')[1] ?? '';
      const allowed = FLEET_ROOMS[room];
      if (allowed === undefined) {
        wrong.push(`${file}: not in a room of the list above`);
        continue;
      }
      for (const t of targets.filter((t) => t.startsWith('fleet/'))) {
        const to = t.split('/')[1] ?? '';
        if (to !== room && !allowed.includes(to)) wrong.push(`${file} -> ${t}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('lets import and fleet take only types from sim/report (no helper, of time or else, from above)', () => {
    const valueImports = filesUnder(SIM)
      .map((file) => relative(SIM, file))
      .filter((file) => file.startsWith('import/') || file.startsWith('fleet/'))
      .flatMap((file) => {
        const text = readFileSync(join(SIM, file), 'utf8');
        return [...text.matchAll(/^(import|export)\s+(type\s+)?[^'"]*?from\s+'(\.[^']+)\.js'/gms)]
          .filter((m) => m[2] === undefined)
          .map((m) => relative(SIM, normalize(join(SIM, dirname(file), `${m[3]}.ts`))))
          .filter((t) => t.startsWith('report/'))
          .map((t) => `${file} -> ${t}`);
      });
    expect(valueImports).toEqual([]);
  });

  it('takes time helpers from sim/time only', () => {
    const fromElsewhere = [...graph].flatMap(([file, targets]) =>
      targets
        .filter((t) => /(^|\/)(Duration|TimeZone|formatWall)\.ts$/.test(t) && !t.startsWith('time/'))
        .map((t) => `${file} -> ${t}`),
    );
    expect(fromElsewhere).toEqual([]);
  });
});
