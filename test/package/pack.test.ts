/**
 * provsim as users get it: `npm pack` the package, install the tarball into an empty temporary project offline
 * (from the npm cache `npm ci` filled: a lock file for the project is made from this repository's, so npm needs
 * no registry), then, as the user would: run the installed `provsim` command, type-check the example test of
 * docs/library.md against the installed package with this repository's TypeScript, and run it with vitest.
 *
 * Gotchas: `npm pack --ignore-scripts` packs the `dist/` that `npm test` has just built (its `prepack` would
 * rebuild `dist/` while other test files run it); vitest is linked into the project from this repository rather
 * than installed (it is the user's test runner, not part of provsim).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/harness.js';

const ROOT = join(import.meta.dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  [key: string]: unknown;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  license: string;
  dependencies: Record<string, string>;
  bin: Record<string, string>;
  engines: Record<string, string>;
};

/** The example of docs/library.md: its ```ts block after "## A test of your own". */
function libraryExample(): string {
  const doc = readFileSync(join(ROOT, 'docs/library.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## A test of your own'));
  const m = /```ts\n([\s\S]*?)```/.exec(section);
  if (m === null) throw new Error('docs/library.md has no ```ts block under "## A test of your own"');
  return m[1] as string;
}

/**
 * The user project's lock file: provsim from the tarball, and exactly the packages of this repository's lock that
 * provsim's dependencies resolve to (Node's lookup, nearest node_modules first), with their integrity hashes.
 */
function userLock(tarball: string, tgz: Buffer): object {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const P = lock.packages;
  const resolve = (from: string, name: string): string | undefined => {
    let dir = from;
    for (;;) {
      const candidate = `${dir === '' ? '' : `${dir}/`}node_modules/${name}`;
      if (P[candidate] !== undefined) return candidate;
      if (dir === '') return undefined;
      const i = dir.lastIndexOf('/node_modules/');
      dir = i < 0 ? '' : dir.slice(0, i);
    }
  };
  const keep = new Set<string>();
  const stack = Object.keys(pkg.dependencies).map((n) => resolve('', n));
  while (stack.length > 0) {
    const key = stack.pop();
    if (key === undefined || keep.has(key)) continue;
    keep.add(key);
    const entry = P[key] as LockEntry;
    for (const n of Object.keys({ ...entry.dependencies, ...entry.optionalDependencies })) stack.push(resolve(key, n));
  }
  const spec = `file:${tarball}`;
  const packages: Record<string, unknown> = {
    '': { name: 'user-project', dependencies: { provsim: spec, 'fast-check': pkg.dependencies['fast-check'] } },
    'node_modules/provsim': {
      version: pkg.version,
      resolved: spec,
      integrity: `sha512-${createHash('sha512').update(tgz).digest('base64')}`,
      license: pkg.license,
      dependencies: pkg.dependencies,
      bin: pkg.bin,
      engines: pkg.engines,
    },
  };
  for (const key of [...keep].sort()) packages[key] = P[key];
  return { name: 'user-project', lockfileVersion: 3, requires: true, packages };
}

/** The environment of a child process, without this vitest run's own variables. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = Object.entries(process.env).filter(([k]) => !/^(VITEST|TEST$|FORCE_COLOR)/.test(k));
  return { ...Object.fromEntries(env), NO_COLOR: '1' };
}

function tsc(project: string, ...args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), ...args], {
    cwd: project,
    encoding: 'utf8',
  });
}

describe('the packed package', () => {
  let project = '';
  let tarball = '';

  beforeAll(() => {
    const dir = tempDir('provsim-pack-');
    const out = execFileSync(NPM, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    const name = (JSON.parse(out) as { filename: string }[])[0]?.filename as string;
    tarball = join(dir, name);
    project = join(dir, 'project');
    mkdirSync(project);
    const relative = `../${name}`;
    const manifest = {
      name: 'user-project',
      private: true,
      type: 'module',
      dependencies: { provsim: `file:${relative}`, 'fast-check': pkg.dependencies['fast-check'] },
    };
    writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const lock = userLock(relative, readFileSync(tarball));
    writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
    execFileSync(NPM, ['ci', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], {
      cwd: project,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    symlinkSync(join(ROOT, 'node_modules/vitest'), join(project, 'node_modules/vitest'), 'dir');
    writeFileSync(join(project, 'upgrade.test.ts'), libraryExample());
    const compilerOptions = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    };
    writeFileSync(
      join(project, 'tsconfig.json'),
      `${JSON.stringify({ compilerOptions, include: ['upgrade.test.ts'] }, null, 2)}\n`,
    );
  }, 240_000);

  it('holds the built code, its declarations and the command, and no sources or tests', () => {
    const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n');
    for (const f of ['dist/index.js', 'dist/index.d.ts', 'dist/arbitraries.d.ts', 'bin/provsim.js', 'package.json'])
      expect(files).toContain(`package/${f}`);
    expect(files.filter((f) => /^package\/(sim|test)\/|^package\/dist\/bench\//.test(f))).toEqual([]);
  });

  it('installs a provsim command that runs with no build step', () => {
    const bin = join(project, 'node_modules/.bin/provsim');
    const r = spawnSync(bin, ['check', 'node_modules/provsim/scenarios'], { cwd: project, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\n15 passed, 0 failed, 0 skipped\n$/);
    expect(spawnSync(bin, ['--version'], { encoding: 'utf8' }).stdout).toBe(`${pkg.version}\n`);
  });

  it("type-checks the example of docs/library.md against the package's types, which are real", () => {
    const ok = tsc(project, '-p', '.');
    expect(ok.stdout + ok.stderr).toBe('');
    expect(ok.status).toBe(0);
    writeFileSync(join(project, 'wrong.ts'), "import { runScenario } from 'provsim';\nrunScenario(42);\n");
    const wrong = tsc(project, '--noEmit', '--strict', '--module', 'NodeNext', '--skipLibCheck', 'wrong.ts');
    expect(wrong.status).not.toBe(0);
    expect(wrong.stdout).toMatch(/wrong\.ts\(2,13\): error TS2345: Argument of type 'number'/);
  });

  it('runs the example of docs/library.md with vitest', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project], {
      cwd: project,
      encoding: 'utf8',
      env: cleanEnv(),
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Tests\s+4 passed \(4\)/);
  });
});
