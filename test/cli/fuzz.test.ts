/**
 * Every command that reads a file (`run`, `validate`, `check`, `explore --replay`, `fleet`, `remediate`, `import`,
 * `replay`, `triage`, `merge`) never crashes on any file: random bytes, random YAML, and valid files mutated
 * (scenarios, fleets, smsts.log, shard reports, triage exports) end in a valid run (exit 0 or 1) or in a clean
 * refusal: exit 2, a first line starting `provsim: ` (one line in all but for a scenario's list of problems, one
 * line per problem), no stack trace, and nothing written where `--out` points. One case in `BUILT_EVERY` runs the
 * built command (`bin/provsim.js`) in a child process, as a user runs it; the others run in this process through
 * `main`, the code the built command runs (a child per case would make the test too slow for CI). Time and memory are bounded by the commands' own limits (the
 * file size limits, `--max-events`, `--max-trace`, `--clients`, `--days`), not by a timed assertion. The run counts
 * scale with `PROVSIM_RUNS`; a failure prints its seed and path (`PROVSIM_SEED` replays it).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { beforeAll, describe, expect, vi } from 'vitest';
import { stringify } from 'yaml';
import { main } from '../../sim/cli/main.js';
import { scenarioToYaml } from '../../sim/scenario/loadScenario.js';
import { bodyOf, digestOf } from '../../sim/shard/digest.js';
import { scenarioArbitrary } from '../../sim/verify/arbitraries.js';
import { scaledRuns } from '../runs.js';
import { provsim as built } from './edges/builtCli.js';

const seed = Number(process.env.PROVSIM_SEED ?? 20261122);
// A property's time grows with its run count, so its ceiling does too (a ceiling, never a timed assertion).
vi.setConfig({ testTimeout: Math.max(60_000, scaledRuns(60_000)), hookTimeout: 60_000 });
const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'provsim-fuzz-'));
let n = 0;

interface Ran {
  readonly code: number;
  readonly err: string;
}

/** One call in this many goes through the built command in a child process; the others run in this process. */
const BUILT_EVERY = 5;
let calls = 0;

/** Runs `provsim ...args`: in this process, or (one call in `BUILT_EVERY`) as the built command in a child. */
async function provsim(args: readonly string[]): Promise<Ran> {
  if (++calls % BUILT_EVERY === 0) {
    const r = built(args);
    return { code: r.code ?? -1, err: r.err };
  }
  let err = '';
  const code = await main(args, { out: () => {}, err: (t) => (err += t) });
  return { code, err };
}

/** A new file holding `content`, named `name` in a folder of its own. */
function fileOf(content: string | Uint8Array, name: string): string {
  const folder = join(dir, `in${n++}`);
  mkdirSync(folder);
  const file = join(folder, name);
  writeFileSync(file, content);
  return file;
}

/** A fresh path for `--out`, not yet made. */
const outPath = (): string => join(dir, `out${n++}`);

/**
 * A valid run, or a clean refusal that wrote nothing at `out`. `oneLine`: the refusal is a single line (all but
 * scenario files, whose problems come one per line).
 */
function expectClean(r: Ran, out: string | null, oneLine = true): void {
  expect([0, 1, 2], r.err).toContain(r.code);
  if (r.code !== 2) return;
  expect(r.err).toMatch(/^provsim: \S/);
  expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+|node:internal|TypeError|RangeError|SyntaxError/);
  if (oneLine) expect(r.err.trimEnd().split('\n')).toHaveLength(1);
  if (out !== null) expect(existsSync(out)).toBe(false);
}

// -- What the files are made of ----------------------------------------------------------------------------------

const BOMS = [[], [0xef, 0xbb, 0xbf], [0xff, 0xfe], [0xfe, 0xff]];
/** Random bytes, sometimes behind a byte-order mark. */
const bytes = fc
  .tuple(fc.constantFrom(...BOMS), fc.uint8Array({ maxLength: 1500 }))
  .map(([bom, body]) => Buffer.concat([Buffer.from(bom), body]));

const SCENARIO_KEYS = [
  'name',
  'description',
  'start',
  'horizon',
  'seed',
  'client',
  'assumptions',
  'taskSequence',
  'events',
  'expect',
  'steps',
  'at',
  'type',
  'duration',
  'repeat',
  'every',
  'count',
  'registry',
  'version',
  'checkInterval',
  'ProvisioningMaxMinutes',
];
const FLEET_KEYS = [
  'name',
  'clients',
  'horizon',
  'start',
  'seed',
  'releases',
  'maxMinutes',
  'taskSequences',
  'interruptions',
  'deployments',
  'initiallyStuck',
  'version',
  'share',
  'value',
  'steps',
  'duration',
  'every',
  'at',
  'powerLoss',
  'perHour',
  'lognormal',
];
const LEAVES = ['x', '1h', '30m', '2d', '0s', '-1h', '2403', '1810', '100%', '50%', 'auto', 'winpe', 'power-loss'];
const LEAVES_MORE = ['2026-01-01T00:00:00Z', '9999-12-31T00:00:00Z', 'flow', 'never-expires', 'a-name'];

/** A YAML document of random values under the format's own keys (so it sometimes gets past the first check). */
function randomYaml(keys: readonly string[]): fc.Arbitrary<string> {
  const leaf = fc.oneof(
    fc.constantFrom(...LEAVES, ...LEAVES_MORE),
    fc.string({ maxLength: 10 }),
    fc.integer(),
    fc.double({ noNaN: true }),
    fc.boolean(),
    fc.constant(null),
  );
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      leaf,
      fc.array(tie('value'), { maxLength: 3 }),
      fc.dictionary(fc.constantFrom(...keys), tie('value'), { maxKeys: 4 }),
    ),
  }));
  return fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 8 }).map((doc) => stringify(doc));
}

/** YAML and text traps inserted by the line mutations. */
const TRAPS = ['---', '%YAML 1.1', '&a [*a, *a]', 'x: !!binary aGVsbG8=', '? [a]', '\t', '"', '<<: *b', '\u0000'];

/** A line-level mutation: drop, duplicate, swap, garble, indent, insert a trap, or cut the text short. */
const mutation = fc.record({
  line: fc.nat(),
  kind: fc.constantFrom('drop', 'dup', 'swap', 'garble', 'indent', 'trap', 'cut'),
  text: fc.string({ maxLength: 12 }),
  trap: fc.constantFrom(...TRAPS),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;
const mutations = fc.array(mutation, { minLength: 1, maxLength: 4 });

function mutateLines(text: string, list: readonly Mutation[]): string {
  const lines = text.split('\n');
  for (const m of list) {
    const i = m.line % lines.length;
    const line = lines[i] ?? '';
    if (m.kind === 'drop') lines.splice(i, 1);
    if (m.kind === 'dup') lines.splice(i, 0, line);
    if (m.kind === 'swap') lines.splice(i, 1, lines[(i + 1) % lines.length] ?? '', line);
    if (m.kind === 'garble') lines[i] = line.slice(0, line.length >> 1) + m.text;
    if (m.kind === 'indent') lines[i] = ` ${line}`;
    if (m.kind === 'trap') lines.splice(i, 0, m.trap);
    if (m.kind === 'cut') lines.length = i + 1;
  }
  return lines.join('\n');
}

/** A change to one value of a JSON document, its digest recomputed or not. */
const jsonMutation = fc.record({
  pick: fc.nat(),
  kind: fc.constantFrom('set', 'delete', 'bump', 'negate', 'stringify'),
  value: fc.jsonValue({ maxDepth: 2 }),
  reseal: fc.boolean(),
});
type JsonMutation = typeof jsonMutation extends fc.Arbitrary<infer M> ? M : never;

/** Every place in a JSON value (object key or array index) with its container. */
function places(value: unknown, out: { holder: Record<string, unknown>; key: string }[] = []) {
  if (value === null || typeof value !== 'object') return out;
  for (const key of Object.keys(value)) {
    out.push({ holder: value as Record<string, unknown>, key });
    places((value as Record<string, unknown>)[key], out);
  }
  return out;
}

function mutateJson(text: string, list: readonly JsonMutation[]): string {
  const doc = JSON.parse(text) as Record<string, unknown>;
  for (const m of list) {
    const all = places(doc);
    const place = all[m.pick % all.length];
    if (place === undefined) continue;
    const { holder, key } = place;
    const old = holder[key];
    if (m.kind === 'set') holder[key] = m.value;
    if (m.kind === 'delete') delete holder[key];
    if (m.kind === 'bump') holder[key] = typeof old === 'number' ? old + 1000 : m.value;
    if (m.kind === 'negate') holder[key] = typeof old === 'number' ? -old : null;
    if (m.kind === 'stringify') holder[key] = JSON.stringify(old) ?? 'x';
    if (m.reseal && typeof doc.digest === 'string') doc.digest = digestOf(bodyOf(doc));
  }
  return `${JSON.stringify(doc, null, 2)}\n`;
}
const jsonMutations = fc.array(jsonMutation, { minLength: 1, maxLength: 3 });

const text = (path: string): string => readFileSync(join(ROOT, path), 'utf8');
const SCENARIO_LIMITS = ['--max-events', '200000', '--max-trace', '20000'];
const SIZE = ['--clients', '12', '--days', '2'];
const FLEET_LIMITS = [...SIZE, '--workers', '1'];
const SHARD_KINDS = ['fleet', 'remediate'] as const;
const FLEETS = ['default', 'legacy-estate', 'remediation', 'upgrade-wave'].map((f) =>
  text(`scenarios/fleets/${f}.fleet.yaml`),
);
/** The fixture logs, each with its encoding (smsts.log is often UTF-16 LE with a byte-order mark). */
const LOGS = ['test/import/fixtures/cut-mid-step-smsts.log', 'test/import/fixtures/inplace-upgrade-smsts.log'].map(
  (f) => {
    const raw = readFileSync(join(ROOT, f));
    const utf16 = raw[0] === 0xff && raw[1] === 0xfe;
    return { utf16, text: utf16 ? raw.subarray(2).toString('utf16le') : raw.toString('utf8') };
  },
);
const encoded = (log: { utf16: boolean }, t: string): Buffer =>
  log.utf16 ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]) : Buffer.from(t);
const EXPORTS = ['get-ccmprovisioningmode.csv', 'cmpivot-registry.csv', 'client-health.export.json'].map((f) => ({
  name: f,
  text: text(`scenarios/triage/${f}`),
}));

// -- The commands --------------------------------------------------------------------------------------------------

async function run(content: string | Uint8Array): Promise<void> {
  const out = outPath();
  const file = fileOf(content, 'fuzz.yaml');
  expectClean(await provsim(['run', file, '--format', 'json', '--out', out, ...SCENARIO_LIMITS]), out, false);
}

async function validate(content: string | Uint8Array): Promise<void> {
  expectClean(await provsim(['validate', fileOf(content, 'fuzz.yaml')]), null, false);
}

async function check(content: string | Uint8Array): Promise<void> {
  expectClean(await provsim(['check', fileOf(content, 'fuzz.yaml'), ...SCENARIO_LIMITS]), null, false);
}

async function exploreReplay(content: string | Uint8Array): Promise<void> {
  expectClean(await provsim(['explore', '--replay', fileOf(content, 'fuzz.yaml')]), null, false);
}

async function fleet(content: string | Uint8Array): Promise<void> {
  const out = outPath();
  const file = fileOf(content, 'fuzz.fleet.yaml');
  expectClean(await provsim(['fleet', file, ...FLEET_LIMITS, '--out', out, '--format', 'json']), out, false);
}

async function remediate(content: string | Uint8Array): Promise<void> {
  const out = outPath();
  const file = fileOf(content, 'fuzz.fleet.yaml');
  const args = ['remediate', file, '--strategy', 'wait', '--strategy', 'force-daily@02:00', ...SIZE];
  expectClean(await provsim([...args, '--out', out]), out, false);
}

async function importLog(content: string | Uint8Array): Promise<void> {
  const out = outPath();
  const r = await provsim(['import', fileOf(content, 'smsts.log'), '--out', join(out, 'imported.yaml')]);
  // A log's problems come one per line, as a scenario's do.
  expectClean(r, out, false);
}

async function replay(content: string | Uint8Array): Promise<void> {
  const out = outPath();
  expectClean(await provsim(['replay', fileOf(content, 'smsts.log'), '--out', out]), out, false);
}

async function triage(content: string | Uint8Array, name: string): Promise<void> {
  const out = outPath();
  const args = ['triage', fileOf(content, name), '--as-of', '2026-03-04T09:00:00Z', '--format', 'json'];
  expectClean(await provsim([...args, '--out', out]), out);
}

async function merge(files: readonly string[]): Promise<void> {
  const out = outPath();
  expectClean(await provsim(['merge', ...files, '--out', out]), out);
}

// -- The properties ------------------------------------------------------------------------------------------------

const options = (atDefault: number) => ({ numRuns: scaledRuns(atDefault), seed });

/** Both commands that read the same kind of file, on the same content. */
const both =
  (...commands: ((content: string | Uint8Array) => Promise<void>)[]) =>
  async (content: string | Uint8Array): Promise<void> => {
    for (const command of commands) await command(content);
  };

describe('scenario files: run and validate', () => {
  fcTest.prop([fc.string({ maxLength: 400 })], options(100))('run takes arbitrary text cleanly', async (t) => {
    await run(t);
  });

  fcTest.prop([bytes], options(30))('run and validate take random bytes cleanly', both(run, validate));

  fcTest.prop([randomYaml(SCENARIO_KEYS)], options(40))(
    'run and validate take random YAML cleanly',
    both(run, validate),
  );

  fcTest.prop([fc.oneof(bytes, randomYaml(SCENARIO_KEYS))], options(20))(
    'check and explore --replay take random bytes and random YAML cleanly',
    both(check, exploreReplay),
  );

  fcTest.prop([scenarioArbitrary({ assumptions: 'any', maxEvents: 8 }), mutations], options(100))(
    'run takes mutated valid scenarios cleanly',
    async (scenario, list) => {
      const yaml = scenarioToYaml({
        ...scenario,
        horizonMs: Math.min(scenario.horizonMs, 3 * 86_400_000),
        events: scenario.events.filter((e) => e.atMs <= 3 * 86_400_000 && e.repeat === undefined),
      });
      await run(mutateLines(yaml, list));
    },
  );
});

describe('fleet files: fleet and remediate', () => {
  const fleetAndRemediate = both(fleet, remediate);
  fcTest.prop([fc.oneof(bytes, randomYaml(FLEET_KEYS))], options(30))(
    'fleet and remediate take random bytes and random YAML cleanly',
    fleetAndRemediate,
  );
  fcTest.prop([fc.constantFrom(...FLEETS), mutations], options(30))(
    'fleet and remediate take mutated bundled fleets cleanly',
    (yaml, list) => fleetAndRemediate(mutateLines(yaml, list)),
  );
});

describe('logs: import and replay', () => {
  const importAndReplay = both(importLog, replay);
  fcTest.prop([fc.oneof(bytes, fc.string({ maxLength: 600 }))], options(30))(
    'import and replay take random bytes and text cleanly',
    importAndReplay,
  );
  fcTest.prop([fc.constantFrom(...LOGS), mutations], options(20))(
    'import and replay take mutated smsts.log files cleanly',
    (log, list) => importAndReplay(encoded(log, mutateLines(log.text, list))),
  );
});

describe('triage exports', () => {
  fcTest.prop([bytes, fc.constantFrom('export.csv', 'export.json')], options(30))(
    'triage takes random bytes cleanly',
    async (b, name) => {
      await triage(b, name);
    },
  );

  fcTest.prop([fc.constantFrom(...EXPORTS), mutations, jsonMutations], options(40))(
    'triage takes mutated exports cleanly',
    async (e, lines, values) => {
      await triage(mutateLines(e.text, lines), e.name);
      if (e.name.endsWith('.json')) await triage(mutateJson(e.text, values), e.name);
    },
  );
});

describe('shard reports: merge', () => {
  const shards: Record<'fleet' | 'remediate', string[]> = { fleet: [], remediate: [] };
  beforeAll(async () => {
    const wave = join(ROOT, 'scenarios/fleets/upgrade-wave.fleet.yaml');
    const remediation = join(ROOT, 'scenarios/fleets/remediation.fleet.yaml');
    const out = join(dir, 'shards');
    for (const i of [1, 2]) {
      const shard = ['--shard', `${i}/2`, '--out', out, ...SIZE];
      expect((await provsim(['fleet', wave, ...shard])).code).toBe(0);
      expect((await provsim(['remediate', remediation, '--strategy', 'wait', ...shard])).code).toBe(0);
    }
    shards.fleet = [1, 2].map((i) => join(out, `upgrade-wave.shard-${i}-of-2.fleet.json`));
    shards.remediate = [1, 2].map((i) => join(out, `remediation.remediate.shard-${i}-of-2.json`));
  });

  fcTest.prop([fc.constantFrom(...SHARD_KINDS), jsonMutations], options(60))(
    'merge takes shards with a value changed (digest recomputed or not) cleanly',
    async (kind, values) => {
      const [first, second] = shards[kind] as [string, string];
      await merge([fileOf(mutateJson(readFileSync(first, 'utf8'), values), 'shard.json'), second]);
    },
  );

  fcTest.prop([fc.constantFrom(...SHARD_KINDS), fc.oneof(bytes, mutations)], options(30))(
    'merge takes random bytes and shards cut or garbled line by line cleanly',
    async (kind, change) => {
      const [first, second] = shards[kind] as [string, string];
      const content = change instanceof Uint8Array ? change : mutateLines(readFileSync(first, 'utf8'), change);
      await merge([second, fileOf(content, 'shard.json')]);
    },
  );
});
