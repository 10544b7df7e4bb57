/**
 * Options of `explore`, `fleet`, `remediate` and `tune` that were accepted when they were nonsense, or ran the
 * process out of memory: each is now one line naming the option, the value and what is allowed, exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { COLOUR_SEQUENCES } from '../../../sim/cli/colour.js';
import { visibleControls, withNegativeOffsetsJoined } from '../../../sim/cli/main.js';
import { BIN, expectOneLineError, provsim, tempDir, VALID, writeFile } from './builtCli.js';

const dir = tempDir();

describe('explore --exhaustive --grid', () => {
  const base = (horizon: string) =>
    writeFile(
      dir,
      `grid-${horizon}.yaml`,
      VALID.replace('name: edge-valid', `name: grid-${horizon}`).replace('4h', horizon),
    );

  test('a grid so fine that a base has more than 10,000 insertion times is refused, not a fatal V8 error', () => {
    const r = provsim(['explore', '--exhaustive', '--grid', '1ms', '--base', base('5d')]);
    expectOneLineError(
      r,
      /--grid 1ms: .*grid-5d\.yaml \(horizon 5d\) would have 432,000,001 insertion times; at most 10,000 are allowed \(the limit on grid times per base\): give a coarser grid, such as 1m$/m,
    );
  });

  test('10,000 insertion times are allowed, 10,001 are not', () => {
    const at = provsim(['explore', '--exhaustive', '--depth', '0', '--grid', '1m', '--base', base('9999m')]);
    expect(at.err).not.toMatch(/insertion times/);
    expect(at.code).toBe(0);
    const past = provsim(['explore', '--exhaustive', '--depth', '0', '--grid', '1m', '--base', base('10000m')]);
    expectOneLineError(past, /would have 10,001 insertion times; at most 10,000/);
  });
});

describe("a fleet's wall clock stays in the years a scenario allows", () => {
  const fleet = (name: string, start: string, horizon = '1d') =>
    writeFile(
      dir,
      `${name}.fleet.yaml`,
      `name: ${name}\nclients: 20\nstart: ${start}\nhorizon: ${horizon}\n` +
        'taskSequences:\n  - { name: Upgrade, share: 50%, steps: [{ name: Upgrade, duration: 1h }] }\n',
    );

  test('--days past the end of 9999 is refused, as the same horizon in the file is', () => {
    const late = fleet('late', '9999-12-01T00:00:00Z');
    expectOneLineError(
      provsim(['fleet', late, '--days', '300', '--out', tempDir()]),
      /^provsim: --days 300: the wall clock reaches \+010000-09-26T00:00:00Z at the horizon; it must stay up to 9999-12-30T23:59:59Z/,
    );
    expectOneLineError(
      provsim(['remediate', late, '--strategy', 'wait', '--days', '300', '--out', tempDir()]),
      /^provsim: --days 300: the wall clock reaches/,
    );
    expectOneLineError(
      provsim(['fleet', fleet('late-file', '9999-12-01T00:00:00Z', '40d'), '--out', tempDir()]),
      /late-file\.fleet\.yaml:4:10: horizon: the wall clock reaches \+010000-01-10T00:00:00Z at the horizon/,
    );
    expect(provsim(['fleet', late, '--days', '29', '--out', tempDir()]).code).toBe(0);
  });

  test('a start less than one policy interval after 1970 is refused; a client it explains validates', () => {
    expectOneLineError(
      provsim(['fleet', fleet('early', '1970-01-01T00:00:00Z'), '--out', tempDir()]),
      /early\.fleet\.yaml:3:8: start: the start must lie at 1970-01-01T01:00:00Z or later: each client's scenario starts up to one policy interval \(1h\) before the fleet/,
    );
    const first = fleet('first', '1970-01-01T01:00:00Z');
    const explained = provsim(['fleet', first, '--explain', '1', '--out', tempDir()]);
    expect(explained.code).toBe(0);
    const client = writeFile(dir, 'first-client.yaml', explained.out);
    expect(provsim(['validate', client]).code).toBe(0);
  });
});

describe('a negative offset after --timezone', () => {
  const scenario = writeFile(dir, 'tz.yaml', VALID.replace('name: edge-valid', 'name: tz'));

  test('--timezone -05:00 is read as the offset the help names, not as unknown options "0, 5"', () => {
    const out = tempDir();
    const r = provsim(['run', scenario, '--logs', '--timezone', '-05:00', '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(readFileSync(join(out, 'tz', 'smsts.log'), 'utf8')).toContain('+300"');
    expect(provsim(['import', join(out, 'tz', 'smsts.log'), '--timezone', '-05:00']).code).toBe(0);
  });

  test('an offset out of range is named with its option', () => {
    const r = provsim(['run', scenario, '--logs', '--timezone', '-25:00', '--out', tempDir()]);
    expect(r.err).toMatch(/^provsim: --timezone -25:00: not a time zone; use UTC, a fixed offset/);
    expect(r.code).toBe(2);
  });

  test('after --, the arguments stay as given', () => {
    expect(withNegativeOffsetsJoined(['run', '--timezone', '-05:00', '--', '--x', '-05:00'])).toEqual([
      'run',
      '--timezone=-05:00',
      '--',
      '--x',
      '-05:00',
    ]);
  });
});

describe('what a message quotes is shown, not run by the terminal', () => {
  test('an escape sequence in an environment variable or a file name is written as \\u001b', () => {
    const fleet = writeFile(dir, 'env.fleet.yaml', 'name: env\nclients: 10\nhorizon: 1d\n');
    const r = provsim(['fleet', fleet, '--shard', 'auto', '--shards', '4', '--out', tempDir()], {
      env: { JOB_COMPLETION_INDEX: '1\u001b[31m' },
    });
    expectOneLineError(r, /JOB_COMPLETION_INDEX=1\\u001b\[31m is not a shard index from 0 to 3 \(--shards 4\)/);
    expect(r.err).not.toContain('\u001b');
    const missing = provsim(['validate', join(dir, 'a\u001b[2Jb\u202e\u2028.yaml')]);
    expectOneLineError(missing, /a\\u001b\[2Jb\\u202e\\u2028\.yaml: no such file/);
    expect(missing.err).not.toContain('\u001b');
    expect(missing.err).not.toContain('\u202e');
  });
});

describe("explore: one search's options given to the other are refused, not ignored", () => {
  test.each([
    [['--depth', '-1'], /^provsim: --depth goes with --exhaustive; the random search draws its scenarios/],
    [['--grid', '1ms'], /^provsim: --grid goes with --exhaustive/],
    [['--base', 'nowhere.yaml'], /^provsim: --base goes with --exhaustive/],
    [['--time-budget', '1s'], /^provsim: --time-budget goes with --exhaustive/],
    [['--exhaustive', '--runs', '5'], /^provsim: --runs goes with the random search; the exhaustive search/],
    [['--exhaustive', '--swarm'], /^provsim: --swarm goes with the random search/],
    [['--exhaustive', '--seed', '1'], /^provsim: --seed goes with the random search/],
  ])('explore %j', (args, message) => {
    expectOneLineError(provsim(['explore', ...args, '--out', tempDir()]), message);
  });
});

describe('tune --max-minutes', () => {
  const fleet = writeFile(dir, 'tune.fleet.yaml', 'name: tune\nclients: 2\nhorizon: 2h\n');
  const list = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(',');

  test('more than 1,000 values are refused with the limit; 1,000 (a repeat counted once) run', () => {
    expectOneLineError(
      provsim(['tune', fleet, '--max-minutes', list(1001), '--out', tempDir()]),
      /^provsim: --max-minutes: 1001 values; at most 1000 are allowed \(the limit on tuned values: each one runs the whole fleet\)/,
    );
    const r = provsim(['tune', fleet, '--max-minutes', `${list(1000)},1000`, '--out', tempDir(), '--format', 'json']);
    expect(r.code).toBe(0);
  });
});

describe('standard output on a terminal shows what it quotes', () => {
  test('a file name with an escape sequence is written as \\u001b on a terminal, as it is when piped', () => {
    const folder = join(tempDir(), 'in');
    mkdirSync(folder);
    writeFile(folder, 'e\u001b[31mvil\u202e.yaml', VALID);
    // `script` gives the command a pseudo-terminal for its standard output.
    const tty = spawnSync('script', ['-qfec', `${process.execPath} ${BIN} validate ${folder}`, '/dev/null'], {
      encoding: 'utf8',
    });
    expect(tty.stdout).toContain('e\\u001b[31mvil\\u202e.yaml (edge-valid)');
    expect(tty.stdout).not.toContain('\u001b');
    const piped = provsim(['validate', folder]);
    expect(piped.out).toContain('e\u001b[31mvil\u202e.yaml (edge-valid)');
  });

  test("provsim's own colours stay; anything else is shown", () => {
    const red = COLOUR_SEQUENCES[0] as string;
    expect(visibleControls(`${red}FAIL\u001b[0m x\u001b[2J\r`, COLOUR_SEQUENCES)).toBe(
      `${red}FAIL\u001b[0m x\\u001b[2J\\u000d`,
    );
    expect(visibleControls('a\nb\tc\u0085')).toBe('a\nb\tc\\u0085');
  });
});

describe('--explain of fleet and remediate', () => {
  const fleet = writeFile(dir, 'explain.fleet.yaml', 'name: explain\nclients: 10\nhorizon: 1d\n');

  test.each([
    [
      ['fleet', fleet, '--explain', '5', '--format', 'json'],
      /^provsim: --explain prints the client's scenario as YAML, for provsim run; --format json goes with the report/,
    ],
    [
      ['fleet', fleet, '--explain', '5', '--shard', '1/2'],
      /^provsim: --explain prints one client of the whole fleet; --shard 1\/2 goes with a run/,
    ],
    [
      ['remediate', fleet, '--strategy', 'wait', '--explain', '5', '--format', 'json'],
      /^provsim: --explain prints the client's scenario as YAML/,
    ],
    [
      ['remediate', fleet, '--strategy', 'wait', '--explain', '5', '--shard', 'nonsense'],
      /^provsim: --explain prints one client of the whole fleet; --shard nonsense/,
    ],
    [
      ['remediate', fleet, '--strategy', 'wait', '--explain', '10'],
      /^provsim: --explain 10: expected a whole number from 0 to 9, in decimal digits/,
    ],
  ])('%j is refused, not answered in YAML', (args, message) => {
    const r = provsim(args);
    expectOneLineError(r, message);
    expect(r.out).toBe('');
  });
});

describe('triage --as-of', () => {
  const exports = join(import.meta.dirname, '../../../scenarios/triage');

  test('past 400 days before the end of 9999, or before 1970, is refused; the last allowed one explains valid scenarios', () => {
    for (const asOf of ['1960-01-01T00:00:00Z', '9999-12-31T00:00:00Z', '9998-11-26T00:00:00Z']) {
      expectOneLineError(
        provsim(['triage', exports, '--as-of', asOf]),
        new RegExp(
          `^provsim: --as-of ${asOf}: expected a date-time from 1970-01-01T00:00:00Z to 9998-11-25T23:59:59Z \\(a forecast runs up to 400 days past it`,
        ),
      );
    }
    const out = tempDir();
    const last = provsim(['triage', exports, '--as-of', '9998-11-25T23:59:59Z', '--explain', 'LAP-0101', '--out', out]);
    expect(last.code).toBe(0);
    expect(provsim(['validate', out]).code).toBe(0);
  });
});
