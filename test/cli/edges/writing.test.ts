/**
 * Writing: every output path is checked before anything runs, every write error is one line with exit 2, a report
 * set is all or nothing (an interrupt removes what was staged; a later run removes what a killed one left), and a
 * closed or failing standard output ends the process without a stack trace.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { BIN, expectOneLineError, provsim, tempDir, VALID, writeFile } from './builtCli.js';

const dir = tempDir(true);
const scenario = writeFile(dir, 'edge.yaml', VALID);
const logs = join(import.meta.dirname, '../../import/fixtures');
const aLog = join(logs, readdirSync(logs).find((f) => f.endsWith('.log')) as string);

describe('output paths are checked before anything runs', () => {
  const file = writeFile(dir, 'a-file', 'x');
  const dangling = join(dir, 'dangling');
  symlinkSync(join(dir, 'missing', 'target'), dangling);

  test.each([
    ['an existing file', file, /--out .*a-file: a file, where a folder is needed; name a folder/],
    ['/dev/null', '/dev/null', /--out \/dev\/null: a device, where a folder is needed/],
    ['a dangling symlink', dangling, /--out .*dangling: a symbolic link to a missing target/],
    ['/proc/x', '/proc/x', /--out \/proc\/x: \/proc is on the proc pseudo-filesystem; name a real folder/],
  ])('run --out %s', (_, out, message) => {
    expectOneLineError(provsim(['run', scenario, '--out', out], { timeoutMs: 20_000 }), message);
  });

  test('an unwritable folder, as an unprivileged user', () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    const r = provsim(['run', scenario, '--out', join(locked, 'reports')], { asNobody: true });
    expectOneLineError(r, /--out .*locked\/reports: cannot write in .*locked: permission denied \(EACCES\)/);
    expect(readdirSync(locked)).toStrictEqual([]);
  });

  test('import --out and check --junit refuse a folder', () => {
    expectOneLineError(
      provsim(['import', aLog, '--out', dir]),
      /--out .*: a folder, where a file is needed; name a file/,
    );
    expectOneLineError(provsim(['check', scenario, '--junit', dir]), /--junit .*: a folder, where a file is needed/);
  });

  test('fleet, tune, remediate and triage check --out too', () => {
    const fleet = writeFile(dir, 'f.fleet.yaml', 'name: f\nclients: 5\nhorizon: 2d\n');
    expectOneLineError(provsim(['fleet', fleet, '--out', '/dev/null']), /--out \/dev\/null: a device, where a folder/);
    expectOneLineError(
      provsim(['tune', fleet, '--max-minutes', '60', '--out', file]),
      /a file, where a folder is needed/,
    );
    expectOneLineError(
      provsim(['remediate', fleet, '--strategy', 'wait', '--out', '/proc/x']),
      /--out \/proc\/x: \/proc is on the proc pseudo-filesystem/,
    );
    const exported = writeFile(dir, 'export.csv', 'ComputerName,ProvisioningMode\nPC1,true\n');
    expectOneLineError(
      provsim(['triage', exported, '--as-of', '2026-03-04T09:00:00Z', '--out', file]),
      /--out .*a-file: a file, where a folder is needed/,
    );
  });
});

describe('write errors', () => {
  const mount = join(tempDir(), 'full');
  mkdirSync(mount);
  afterAll(() => {
    spawnSync('umount', [mount]);
  });

  test('a full disk is one line, and no report is left', () => {
    // A 16 KiB tmpfs (the tests run as root here); a report set of the bundled scenarios does not fit.
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mount]);
    const scenarios = join(import.meta.dirname, '../../../scenarios');
    const r = provsim(['run', scenarios, '--out', join(mount, 'r')]);
    expectOneLineError(r, /cannot write .*: the disk is full \(ENOSPC\)/);
    expect(readdirSync(join(mount, 'r'))).toStrictEqual([]);
  });

  test('standard output on a full device is one line, exit 2', () => {
    const r = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${BIN}" run "${scenario}" --format json --out "${tempDir()}" > /dev/full`],
      {
        encoding: 'utf8',
      },
    );
    expect(r.stderr).toBe('provsim: cannot write to standard output (ENOSPC)\n');
    expect(r.status).toBe(2);
  });

  test.each([
    ['run --format json', `run "${scenario}" --format json --out "${dir}/piped"`, 'head -c 10'],
    ['replay', `replay "${aLog}"`, 'head -1'],
  ])('%s into a closed pipe ends quietly', (_, args, head) => {
    const r = spawnSync(
      'bash',
      ['-c', `"${process.execPath}" "${BIN}" ${args} 2>"${dir}/pipe.err" | ${head} >/dev/null; echo \${PIPESTATUS[0]}`],
      {
        encoding: 'utf8',
      },
    );
    expect(spawnSync('cat', [`${dir}/pipe.err`], { encoding: 'utf8' }).stdout).toBe('');
    expect(['0', '1']).toContain(r.stdout.trim());
  });
});

describe('a report set is all or nothing', () => {
  const many = tempDir();
  for (let i = 0; i < 200; i++) writeFile(many, `s${i}.yaml`, VALID.replace('edge-valid', `s${i}`));

  /** Starts a run, waits until it has staged a temporary file, then sends `signal`. */
  async function interrupt(out: string, signal: NodeJS.Signals): Promise<{ code: number | null; err: string }> {
    const child = spawn(process.execPath, [BIN, 'run', many, '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const done = new Promise<number | null>((ok) =>
      child.on('exit', (code, sig) => ok(code ?? (sig === null ? null : 128))),
    );
    for (let i = 0; i < 1200; i++) {
      if (existsSync(out) && readdirSync(out).some((f) => f.endsWith('.tmp'))) break;
      await new Promise((ok) => setTimeout(ok, 25));
    }
    child.kill(signal);
    return { code: await done, err };
  }

  test('SIGINT while writing removes everything staged', async () => {
    const out = join(tempDir(), 'reports');
    const r = await interrupt(out, 'SIGINT');
    expect(r.err).toBe('provsim: interrupted (SIGINT); no report was written\n');
    expect(r.code).toBe(130);
    expect(readdirSync(out)).toStrictEqual([]);
  });

  test('what a SIGKILL left is removed by the next run', async () => {
    const out = join(tempDir(), 'reports');
    await interrupt(out, 'SIGKILL');
    const left = readdirSync(out);
    expect(left.every((f) => f.endsWith('.tmp'))).toBe(true);
    expect(left.length).toBeGreaterThan(0);
    const r = provsim(['run', scenario, '--out', out]);
    expect(r.code).toBe(0);
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toStrictEqual([]);
    expect(readdirSync(out)).toContain('edge-valid.json');
  });

  test('a write that fails half-way leaves no report of the set', () => {
    const out = join(tempDir(), 'reports');
    mkdirSync(join(out, 'edge-valid.html'), { recursive: true });
    writeFileSync(join(out, 'keep.txt'), 'x');
    const r = provsim(['run', scenario, '--out', out]);
    expectOneLineError(r, /cannot write .*edge-valid\.html: a folder is in the way/);
    expect(readdirSync(out).sort()).toStrictEqual(['edge-valid.html', 'keep.txt']);
  });
});

describe('a report set replaces the earlier one in its folder', () => {
  const other = writeFile(dir, 'other.yaml', VALID.replace('edge-valid', 'other-scenario'));

  test('a later run leaves no report of the earlier set mixed in, and keeps what provsim did not write', () => {
    const out = join(tempDir(), 'reports');
    expect(provsim(['run', other, '--logs', '--trace', '--out', out]).code).toBe(0);
    expect(readdirSync(out)).toContain('other-scenario.json');
    writeFileSync(join(out, 'README.md'), 'mine');
    expect(provsim(['run', scenario, '--out', out]).code).toBe(0);
    expect(readdirSync(out).sort()).toStrictEqual([
      '.provsim-report-set.json',
      'README.md',
      'edge-valid.html',
      'edge-valid.json',
      'edge-valid.md',
      'index.html',
    ]);
    const manifest = JSON.parse(readFileSync(join(out, '.provsim-report-set.json'), 'utf8')) as { files: string[] };
    expect(manifest.files).toStrictEqual(['edge-valid.html', 'edge-valid.json', 'edge-valid.md', 'index.html']);
  });

  test('replay --out replaces the set too; a failed run leaves the earlier set whole', () => {
    const out = join(tempDir(), 'reports');
    expect(provsim(['run', other, '--out', out]).code).toBe(0);
    const before = readdirSync(out).sort();
    const bad = writeFile(dir, 'bad.yaml', 'name: Bad Name\n');
    expect(provsim(['run', other, bad, '--out', out]).code).toBe(2);
    expect(readdirSync(out).sort()).toStrictEqual(before);
    expect(provsim(['replay', aLog, '--out', out]).code).toBe(0);
    expect(readdirSync(out).some((f) => f.startsWith('other-scenario'))).toBe(false);
    expect(readdirSync(out)).toContain('index.html');
  });

  test('a manifest never makes provsim remove a file outside the folder or one it did not list', () => {
    const root = tempDir();
    const out = join(root, 'reports');
    mkdirSync(out);
    writeFileSync(join(root, 'precious.txt'), 'x');
    writeFileSync(join(out, 'mine.txt'), 'x');
    const manifest = { kind: 'provsim-report-set', files: ['../precious.txt', `${root}/precious.txt`, 'gone.json'] };
    writeFileSync(join(out, '.provsim-report-set.json'), JSON.stringify(manifest));
    expect(provsim(['run', scenario, '--out', out]).code).toBe(0);
    expect(existsSync(join(root, 'precious.txt'))).toBe(true);
    expect(existsSync(join(out, 'mine.txt'))).toBe(true);
  });
});
