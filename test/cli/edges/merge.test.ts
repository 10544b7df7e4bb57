/**
 * Fleet shards: `merge` verifies each shard (schema version, digest, the shape of every field, counts that add up,
 * figures that follow from the summary) and the set (one run, each slice once, none missing), for the shards of
 * `fleet` and of `remediate` alike. An edited, truncated or foreign shard is one line naming the file, exit 2, and
 * nothing written.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, test } from 'vitest';
import { bodyOf, digestOf } from '../../../sim/shard/digest.js';
import { expectOneLineError, provsim, tempDir, writeFile } from './builtCli.js';

const FLEETS = join(import.meta.dirname, '../../../scenarios/fleets');
const WAVE = join(FLEETS, 'upgrade-wave.fleet.yaml');
const SMALL = ['--clients', '300', '--days', '3', '--workers', '1'];
const dir = tempDir();

type Json = Record<string, unknown> & { summary: Record<string, unknown> };

/** The shard files of one fleet run, in order. */
function fleetShards(args: readonly string[], count: number): string[] {
  const out = tempDir();
  for (let i = 1; i <= count; i++) {
    const r = provsim(['fleet', WAVE, ...args, '--shard', `${i}/${count}`, '--out', out]);
    expect(r.code, r.err).toBe(0);
  }
  return Array.from({ length: count }, (_, i) => join(out, `upgrade-wave.shard-${i + 1}-of-${count}.fleet.json`));
}

const read = (file: string): Json => JSON.parse(readFileSync(file, 'utf8')) as Json;

/** A copy of `file` edited by `edit`, its digest recomputed when `reseal` (as a careful forger would). */
function edited(file: string, edit: (r: Json) => void, reseal: boolean): string {
  const r = read(file);
  edit(r);
  if (reseal) {
    r.digest = digestOf(bodyOf(r));
  }
  return writeFile(tempDir(), file.slice(file.lastIndexOf('/') + 1), `${JSON.stringify(r, null, 2)}\n`);
}

/** `merge` refuses, with one line matching `message`, and writes nothing. */
function refuses(files: readonly string[], message: RegExp): void {
  const out = join(tempDir(), 'merged');
  expectOneLineError(provsim(['merge', ...files, '--out', out]), message);
  expect(existsSync(out)).toBe(false);
}

describe('merge verifies fleet shards', () => {
  let shards: string[] = [];
  beforeAll(() => {
    shards = fleetShards(SMALL, 3);
  });
  const others = () => shards.slice(1);

  test('the shards as written merge (exit 0)', () => {
    const r = provsim(['merge', ...shards, '--out', tempDir(), '--format', 'json']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { clients: number }).clients).toBe(300);
  });

  test('a count raised by 1,000 does not match the digest', () => {
    const raised = edited(shards[0] as string, (r) => ((r.summary.clients as number) += 1000), false);
    refuses([raised, ...others()], /shard-1-of-3\.fleet\.json: the report does not match its digest \(edited/);
  });

  test('a count raised by 1,000 with the digest recomputed does not add up', () => {
    const raised = edited(
      shards[0] as string,
      (r) => {
        (r.summary.clients as number) += 1000;
        (r.clients as number) += 1000;
      },
      true,
    );
    refuses(
      [raised, ...others()],
      /shard-1-of-3\.fleet\.json: summary\.taskSequences add up to 100, not the 1100 clients/,
    );
  });

  test('a derived figure edited, digest recomputed, does not follow from the summary', () => {
    const file = edited(shards[1] as string, (r) => ((r.provisioning as { entered: number }).entered += 1), true);
    refuses(
      [shards[0] as string, file, shards[2] as string],
      /shard-2-of-3\.fleet\.json: provisioning\.entered: number \d+ in the file, number \d+ expected \(the report does not follow from its own summary/,
    );
  });

  test('a histogram bucket that provsim never writes', () => {
    const file = edited(
      shards[0] as string,
      (r) => {
        const h = r.summary.timeInMode as number[][];
        (h[0] as number[])[0] = ((h[0] as number[])[0] as number) + 1;
      },
      true,
    );
    refuses(
      [file, ...others()],
      /summary\.timeInMode\[0\]: \[\d+, \d+\] is not the next bucket of a provsim histogram/,
    );
  });

  test.each([
    ['schemaVersion 99', (r: Json) => (r.schemaVersion = 99), /schemaVersion 99; this provsim merges schemaVersion 1/],
    ['no digest', (r: Json) => delete r.digest, /no "digest" field; provsim fleet --shard I\/N writes one/],
    [
      'a summary that is a string',
      (r: Json) => (r.summary = 'x' as never),
      /summary: expected an object, got string "x"/,
    ],
    ['a negative count', (r: Json) => (r.summary.entered = -1), /summary\.entered: expected a whole number from 0/],
    [
      'a count past 2^53',
      (r: Json) => (r.summary.intervals = 2 ** 53 + 2),
      /summary\.intervals: expected a whole number from 0 to 9007199254740991/,
    ],
    ['a field it never writes', (r: Json) => (r.summary.extra = 1), /summary\.extra: not a field of this report/],
    [
      'a shard count past the limit',
      (r: Json) => ((r.shard as { count: number }).count = 1e15),
      /shard\.count: expected a whole number from 1 to 100000, got number 1000000000000000/,
    ],
    [
      'a name that is a path',
      (r: Json) => ((r.fleet as { name: string }).name = '../x'),
      /fleet\.name: expected a string matching/,
    ],
  ])('%s is refused', (_, edit, message) => {
    const reseal = !String(message).includes('digest');
    refuses([edited(shards[0] as string, edit, reseal), ...others()], message);
  });

  test('a truncated shard is refused', () => {
    const text = readFileSync(shards[2] as string, 'utf8');
    const cut = writeFile(tempDir(), 'upgrade-wave.shard-3-of-3.fleet.json', text.slice(0, text.length >> 1));
    refuses(
      [...shards.slice(0, 2), cut],
      /shard-3-of-3\.fleet\.json: not a shard report \(invalid JSON at position \d+/,
    );
  });

  test('a shard cut where JSON ends early still names a position: the end of the file', () => {
    // V8 gives no position for "Unexpected end of JSON input"; the message must not depend on where the cut falls.
    refuses(
      [writeFile(tempDir(), 'cut.shard-1-of-1.fleet.json', '{"kind": ')],
      /cut\.shard-1-of-1\.fleet\.json: not a shard report \(invalid JSON at position 9: truncated/,
    );
  });

  test('a shard of another run (another seed) is refused', () => {
    const foreign = fleetShards([...SMALL, '--seed', '7'], 3);
    refuses([shards[0] as string, foreign[1] as string, shards[2] as string], /a shard of another fleet run than/);
  });

  test('the set: a shard twice, one missing, another count', () => {
    refuses([shards[0] as string, shards[0] as string, shards[2] as string], /shard 1\/3 is given twice/);
    refuses([shards[0] as string, shards[2] as string], /missing shard 2\/3; merge needs all 3/);
    const halves = fleetShards(SMALL, 2);
    refuses([shards[0] as string, halves[1] as string], /shard 2\/2, but .* is one of 3 shards/);
  });

  test('a name or description with a control character is refused, though resealed', () => {
    const description = (r: Json) => ((r.fleet as { description: string }).description = 'a\u001b[2Jb');
    refuses(
      [edited(shards[0] as string, description, true), shards[1] as string, shards[2] as string],
      /fleet\.description: expected a string matching .*, got string "a\\u001b\[2Jb"/,
    );
    const key = (r: Json) =>
      (((r.summary as { byRelease: { key: string }[] }).byRelease[0] as { key: string }).key = 'x\ny');
    refuses(
      [edited(shards[0] as string, key, true), shards[1] as string, shards[2] as string],
      /summary\.byRelease\[0\]\.key: expected a string matching .*, got string "x\\ny"/,
    );
  });

  test('a file that is not a shard report', () => {
    refuses([writeFile(dir, 'array.json', '[1, 2]')], /array\.json: not a provsim shard report \(a JSON array/);
    refuses(
      [writeFile(dir, 'other.json', '{"kind": "x"}')],
      /other\.json: not a provsim shard report \(its "kind" is not/,
    );
  });
});

describe('merge verifies remediate shards with the same checks', () => {
  const REMEDIATION = join(FLEETS, 'remediation.fleet.yaml');
  const common = ['--clients', '60', '--days', '2', '--strategy', 'wait', '--strategy', 'force-daily@02:00'];
  let shards: string[] = [];
  beforeAll(() => {
    const out = tempDir();
    for (const i of [1, 2]) {
      const r = provsim(['remediate', REMEDIATION, ...common, '--shard', `${i}/2`, '--out', out]);
      expect(r.code, r.err).toBe(0);
    }
    shards = [1, 2].map((i) => join(out, `remediation.remediate.shard-${i}-of-2.json`));
  });

  test('they merge, and an edited one is refused', () => {
    expect(provsim(['merge', ...shards, '--out', tempDir()]).code).toBe(0);
    const cut = (r: Json) => (((r.summaries as { cut: number }[])[0] as { cut: number }).cut += 1000);
    refuses([edited(shards[0] as string, cut, false), shards[1] as string], /does not match its digest/);
    refuses(
      [edited(shards[0] as string, cut, true), shards[1] as string],
      /summaries\[0\] \(wait\): cut is \d+, more than the 30 clients/,
    );
  });

  test('a strategy label that is not one provsim writes is refused, though resealed', () => {
    const label = (text: string) => (r: Json) => {
      ((r.summaries as { strategy: string }[])[0] as { strategy: string }).strategy = text;
    };
    refuses(
      [edited(shards[0] as string, label('\u001b[2J<script>x</script>'), true), shards[1] as string],
      /summaries\[0\]\.strategy: "\\u001b\[2J<script>x<\/script>" is not a strategy as provsim writes it \(wait, max=/,
    );
    refuses(
      [edited(shards[0] as string, label('max=0480'), true), shards[1] as string],
      /summaries\[0\]\.strategy: "max=0480" is not a strategy as provsim writes it/,
    );
  });

  test('a shard of a fleet with another release mix is foreign, though its header is the same', () => {
    const out = tempDir();
    const other = writeFile(
      dir,
      'remediation.fleet.yaml',
      readFileSync(REMEDIATION, 'utf8').replace('share: 80%', 'share: 70%').replace('share: 20%', 'share: 30%'),
    );
    expect(provsim(['remediate', other, ...common, '--shard', '2/2', '--out', out]).code).toBe(0);
    refuses(
      [shards[0] as string, join(out, 'remediation.remediate.shard-2-of-2.json')],
      /a shard of another remediate run than/,
    );
  });

  test('a fleet shard and a remediate shard do not mix', () => {
    const fleet = fleetShards(SMALL, 2);
    refuses([fleet[0] as string, shards[1] as string], /a remediate shard, but .* is a fleet shard/);
  });
});
