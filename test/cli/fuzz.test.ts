/**
 * The command line never crashes on any file: arbitrary text, and valid scenarios mutated line by line, always
 * end in a clean error (exit 2, a message naming the file, no stack trace) or a valid run (exit 0).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect } from 'vitest';
import { main } from '../../sim/cli/main.js';
import { scenarioToYaml } from '../../sim/scenario/loadScenario.js';
import { scenarioArbitrary } from '../../sim/verify/arbitraries.js';

const seed = Number(process.env.PROVSIM_SEED ?? 20261122);
const runs = Math.ceil(Number(process.env.PROVSIM_RUNS ?? 200) / 2);
const dir = mkdtempSync(join(tmpdir(), 'provsim-fuzz-'));
let n = 0;

async function runFile(text: string): Promise<{ code: number; err: string }> {
  const file = join(dir, `f${n++}.yaml`);
  writeFileSync(file, text);
  let err = '';
  const code = await main(['run', file, '--format', 'json', '--out', join(dir, 'out')], {
    out: () => {},
    err: (t) => (err += t),
  });
  return { code, err };
}

function expectClean(r: { code: number; err: string }): void {
  expect([0, 2]).toContain(r.code);
  if (r.code === 2) {
    expect(r.err).toMatch(/^provsim: /);
    expect(r.err).not.toMatch(/\n\s+at .+:\d+:\d+/);
  }
}

/** A line-level mutation: drop, duplicate, swap, or garble a line. */
const mutation = fc.record({
  line: fc.nat(),
  kind: fc.constantFrom('drop', 'dup', 'swap', 'garble', 'indent'),
  text: fc.string({ maxLength: 12 }),
});

describe('the command line under fuzzing', () => {
  fcTest.prop([fc.string({ maxLength: 400 })], { numRuns: runs, seed })(
    'handles arbitrary text cleanly',
    async (text) => {
      expectClean(await runFile(text));
    },
  );

  fcTest.prop(
    [scenarioArbitrary({ assumptions: 'any', maxEvents: 8 }), fc.array(mutation, { minLength: 1, maxLength: 4 })],
    { numRuns: runs, seed },
  )('handles mutated valid scenarios cleanly', async (scenario, mutations) => {
    const lines = scenarioToYaml({
      ...scenario,
      horizonMs: Math.min(scenario.horizonMs, 3 * 86_400_000),
      events: scenario.events.filter((e) => e.atMs <= 3 * 86_400_000 && e.repeat === undefined),
    }).split('\n');
    for (const m of mutations) {
      const i = m.line % lines.length;
      const line = lines[i] ?? '';
      if (m.kind === 'drop') lines.splice(i, 1);
      if (m.kind === 'dup') lines.splice(i, 0, line);
      if (m.kind === 'swap') lines.splice(i, 1, lines[(i + 1) % lines.length] ?? '', line);
      if (m.kind === 'garble') lines[i] = line.slice(0, line.length >> 1) + m.text;
      if (m.kind === 'indent') lines[i] = ` ${line}`;
    }
    expectClean(await runFile(lines.join('\n')));
  });
});
