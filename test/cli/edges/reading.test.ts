/**
 * Reading: only regular files, a size limit per kind, UTF-8 or UTF-16 with a byte-order mark, a message for each
 * YAML trap, numbers past 2^53 refused, and the wall clock kept inside the years the registry and the logs express.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, symlinkSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { expectOneLineError, provsim, tempDir, VALID, writeFile } from './builtCli.js';

const dir = tempDir();

describe('only regular files are read', () => {
  test.each(['/dev/zero', '/dev/urandom'])('%s is refused without being read', (device) => {
    expectOneLineError(
      provsim(['validate', device], { timeoutMs: 20_000 }),
      /: a character device, not a regular file; give a scenario file/,
    );
  });

  test('a FIFO named x.yaml in a scenario folder is refused, not waited on', () => {
    const folder = join(dir, 'with-fifo');
    mkdirSync(folder);
    writeFile(folder, 'a.yaml', VALID);
    execFileSync('mkfifo', [join(folder, 'x.yaml')]);
    const r = provsim(['validate', folder], { timeoutMs: 20_000 });
    expectOneLineError(r, /x\.yaml: a named pipe \(FIFO\), not a regular file/);
  });

  test.each([
    ['run', 'scenario file', 1024 * 1024],
    ['fleet', 'fleet file', 1024 * 1024],
  ])('%s refuses a file over its size limit', (command, noun, limit) => {
    const file = writeFile(dir, `huge-${command}.yaml`, `name: huge\ndescription: "${'x'.repeat(limit)}"\n`);
    const r = provsim([command, file, '--out', tempDir()]);
    expectOneLineError(r, new RegExp(`huge-${command}\\.yaml: \\d+ bytes, more than the 1 MiB allowed for a ${noun}`));
  });
});

describe('a path that cannot be looked at is named, not a stack trace', () => {
  test('validate and run over a folder with a subfolder they may not list', () => {
    const folder = tempDir(true);
    writeFile(folder, 'a.yaml', VALID);
    const locked = join(folder, 'locked');
    mkdirSync(locked, { mode: 0o000 });
    chmodSync(folder, 0o755);
    for (const args of [
      ['validate', folder],
      ['run', folder, '--out', tempDir(true)],
    ]) {
      const r = provsim(args, { asNobody: true });
      expectOneLineError(r, new RegExp(`${locked}: permission denied; cannot list the folder`));
    }
  });

  test('triage of a folder it may not list', () => {
    const locked = join(tempDir(true), 'exports');
    mkdirSync(locked, { mode: 0o000 });
    const r = provsim(['triage', locked, '--as-of', '2026-03-04T09:00:00Z'], { asNobody: true });
    expectOneLineError(r, /exports: permission denied; cannot list the folder/);
  });

  test.each([
    ['validate', []],
    ['triage', ['--as-of', '2026-03-04T09:00:00Z']],
    ['fleet', ['--out', tempDir()]],
  ])('%s: a loop of symbolic links, and a path through a file', (command, extra) => {
    const folder = tempDir();
    symlinkSync(join(folder, 'loop-b'), join(folder, 'loop-a'));
    symlinkSync(join(folder, 'loop-a'), join(folder, 'loop-b'));
    expectOneLineError(
      provsim([command, join(folder, 'loop-a'), ...extra]),
      /loop-a: a loop of symbolic links; cannot read/,
    );
    const file = writeFile(folder, 'plain.yaml', VALID);
    expectOneLineError(
      provsim([command, join(file, 'inside.yaml'), ...extra]),
      /plain\.yaml\/inside\.yaml: a part of the path is a file, not a folder; cannot read/,
    );
  });
});

describe('every command that reads a file checks it first', () => {
  const huge = (name: string): string => {
    const file = writeFile(tempDir(), name, '');
    truncateSync(file, 64 * 1024 * 1024 + 1);
    return file;
  };
  const tooLarge = (name: string, noun: string) =>
    new RegExp(`${name.replace('.', '\\.')}: 67108865 bytes, more than the 64 MiB allowed for an? ${noun}`);

  test.each([
    ['merge', 'shard report', 'x.fleet.json', []],
    ['triage', 'inventory export', 'export.csv', ['--as-of', '2026-03-04T09:00:00Z']],
  ])('%s refuses a file over its 64 MiB limit without reading it', (command, noun, name, extra) => {
    expectOneLineError(provsim([command, huge(name), ...extra]), tooLarge(name, noun));
  });

  test('import refuses a log over its 64 MiB limit (a line per log, then that nothing usable remains)', () => {
    const r = provsim(['import', huge('smsts.log')]);
    expect(r.code).toBe(2);
    const lines = r.err.trimEnd().split('\n');
    expect(lines[0]).toMatch(tooLarge('smsts.log', 'log file'));
    expect(lines.slice(1)).toStrictEqual(['provsim: nothing usable remains: none of the files could be read']);
  });

  test('triage refuses a FIFO among its exports, and a device', () => {
    const folder = join(dir, 'exports-with-fifo');
    mkdirSync(folder);
    execFileSync('mkfifo', [join(folder, 'x.csv')]);
    const asOf = ['--as-of', '2026-03-04T09:00:00Z'];
    expectOneLineError(
      provsim(['triage', folder, ...asOf], { timeoutMs: 20_000 }),
      /x\.csv: a named pipe \(FIFO\), not a regular file; give an inventory export/,
    );
    expectOneLineError(
      provsim(['triage', '/dev/zero', ...asOf], { timeoutMs: 20_000 }),
      /\/dev\/zero: a character device, not a regular file/,
    );
  });
});

describe('encodings', () => {
  const utf16 = (text: string, bigEndian: boolean) => {
    const le = Buffer.from(text, 'utf16le');
    if (bigEndian) le.swap16();
    return Buffer.concat([Buffer.from(bigEndian ? [0xfe, 0xff] : [0xff, 0xfe]), le]);
  };

  test.each([
    ['UTF-8 with a BOM', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(VALID)])],
    ['UTF-16 LE with a BOM', utf16(VALID, false)],
    ['UTF-16 BE with a BOM', utf16(VALID, true)],
  ])('%s is read', (_, bytes) => {
    const r = provsim(['validate', writeFile(dir, 'enc.yaml', bytes)]);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^ok .*enc\.yaml \(edge-valid\)/);
    expect(r.code).toBe(0);
  });

  test('UTF-16 without a BOM and Windows-1252 are refused, naming the encoding', () => {
    const noBom = writeFile(dir, 'nobom.yaml', Buffer.from(VALID, 'utf16le'));
    expectOneLineError(
      provsim(['validate', noBom]),
      /nobom\.yaml: looks like UTF-16 without a byte-order mark; save it as UTF-8/,
    );
    const latin = writeFile(dir, 'latin.yaml', Buffer.from('name: caf\xe9\n', 'latin1'));
    expectOneLineError(provsim(['validate', latin]), /latin\.yaml: not valid UTF-8 text \(perhaps Windows-1252/);
  });
});

describe('YAML traps get a message that says what to do', () => {
  test.each([
    [
      'two documents',
      'name: a\n---\nname: b\n',
      /more than one YAML document .*remove the separator or split the file/,
    ],
    [
      '2^53 + 1',
      'name: a\nseed: 9007199254740993\n',
      /seed: .*got number 9007199254740993, too large to be read exactly/,
    ],
    [
      '!!binary',
      'name: a\ndescription: !!binary aGVsbG8=\n',
      /description: expected a string, got binary data \(a !!binary tag\)/,
    ],
    [
      'a large document without aliases',
      `name: a\nx: [${'1,'.repeat(100_001)}1]\n`,
      /the document holds more than 100000 values; a scenario is far smaller/,
    ],
  ])('%s', (_, text, message) => {
    expectOneLineError(provsim(['validate', writeFile(dir, 'trap.yaml', text)]), message);
  });
});

describe('the wall clock stays inside 1970..9999', () => {
  test.each([
    [
      'a start in 9999',
      'start: 9999-12-31T00:00:00Z\nhorizon: 1h',
      /start: the start must lie from 1970-01-01T00:00:00Z to 9999-12-30T23:59:59Z/,
    ],
    ['a start in 1900', 'start: 1900-01-01T00:00:00Z', /start: the start must lie from 1970/],
    [
      'a horizon into year 10000',
      'start: 9999-12-01T00:00:00Z\nhorizon: 60d',
      /horizon: the wall clock reaches \+010000-01-30T00:00:00Z at the horizon/,
    ],
    [
      'a clock jump before 1970',
      'start: 1970-01-01T00:00:00Z\nevents:\n  - { at: 1h, type: clock-jump, by: -2h }',
      /events: a clock-jump at 1h sets the wall clock to 1969-12-31T23:00:00Z/,
    ],
  ])('%s is refused by the loader', (_, body, message) => {
    expectOneLineError(provsim(['validate', writeFile(dir, 'clock.yaml', `name: clock\n${body}\n`)]), message);
  });

  test('the last allowed start runs, and its logs import again', () => {
    const out = tempDir();
    const file = writeFile(dir, 'late.yaml', VALID.replace('horizon: 4h', 'start: 9999-12-30T19:00:00Z\nhorizon: 4h'));
    const run = provsim(['run', file, '--logs', '--timezone', '+14:00', '--out', out]);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const imported = provsim(['import', join(out, 'edge-valid', 'smsts.log'), '--timezone', '+14:00']);
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/Download content/);
  });
});
