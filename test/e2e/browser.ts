/**
 * A headless Chromium for the browser tests, on any machine where `npm ci` ran: `CHROME_PATH` when it is set (a
 * user's own Chrome or Chromium), else the Chromium that the dev dependency `@sparticuz/chromium` ships inside its
 * npm package, unpacked once into `node_modules/.cache/provsim-chromium/<version>/` (about 200 MB, a few seconds).
 * No system package is needed. When neither works, the error says how to get a browser: the tests fail, never skip.
 *
 * Gotcha: `@sparticuz/chromium` unpacks into `os.tmpdir()` and reuses any `chromium` it finds there (whatever its
 * version), so it is pointed at a private, versioned folder for the duration of the call, and the folder is moved
 * into place only once complete (an interrupted unpacking is never reused).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

const HOW_TO_GET_ONE =
  'run `npm ci` in the project (it installs @sparticuz/chromium, which ships a headless Chromium), or set CHROME_PATH to a Chrome or Chromium executable';

/** The package's root folder: the nearest package.json above its entry point. */
function packageRoot(entry: string): string {
  let dir = dirname(entry);
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${entry}`);
    dir = up;
  }
  // The ESM build holds a package.json of its own ({"type": "module"}); the root is the one with a name.
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string };
  return pkg.name === '@sparticuz/chromium' ? dir : packageRoot(dir);
}

/** The path of a Chromium executable, and the environment it needs; throws with the way to get one. */
export async function findChromium(): Promise<{ path: string; env: Record<string, string> }> {
  const own = process.env.CHROME_PATH;
  if (own !== undefined && own !== '') {
    if (!existsSync(own)) throw new Error(`CHROME_PATH is ${own}, which does not exist; ${HOW_TO_GET_ONE}`);
    return { path: own, env: {} };
  }
  let root: string;
  try {
    root = packageRoot(fileURLToPath(import.meta.resolve('@sparticuz/chromium')));
  } catch (error) {
    throw new Error(`no Chromium: @sparticuz/chromium is not installed (${String(error)}); ${HOW_TO_GET_ONE}`);
  }
  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
  const cache = resolve('node_modules', '.cache', 'provsim-chromium');
  const dir = join(cache, version);
  if (!existsSync(join(dir, 'chromium'))) await unpack(dir, cache);
  // Fonts: the system's where fontconfig is set up, else the ones shipped with the browser.
  const env: Record<string, string> = existsSync('/etc/fonts/fonts.conf')
    ? {}
    : { FONTCONFIG_PATH: join(dir, 'fonts') };
  return { path: join(dir, 'chromium'), env };
}

async function unpack(dir: string, cache: string): Promise<void> {
  const partial = join(cache, `.partial-${process.pid}`);
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = partial;
  try {
    const { default: chromium } = await import('@sparticuz/chromium');
    const path = await chromium.executablePath();
    if (path !== join(partial, 'chromium')) throw new Error(`@sparticuz/chromium unpacked to ${path}, not ${partial}`);
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw new Error(`could not unpack the Chromium of @sparticuz/chromium (${String(error)}); ${HOW_TO_GET_ONE}`);
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
  try {
    renameSync(partial, dir);
  } catch (error) {
    // Another process unpacked the same version meanwhile: keep its copy.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(dir, 'chromium'))) throw error;
  }
}

/** The flags every browser test starts Chromium with: headless, offline, nothing of its own on the network. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A page of a file as a person sees it, with the console errors and warnings, page errors and requests it made. */
export interface OpenedPage {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

/** Starts the headless Chromium (offline) in a fresh profile; throws with the way to get one. */
export async function launchChromium(viewport = { width: 1400, height: 1040 }): Promise<BrowserContext> {
  const { path, env } = await findChromium();
  return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'provsim-chromium-')), {
    executablePath: path,
    env: { ...process.env, ...env },
    args: CHROMIUM_ARGS,
    headless: true,
    viewport,
    offline: true,
  });
}

/** Opens `file` in a new page of `context`, recording what a person would not want to see. */
export async function openFile(context: BrowserContext, file: string): Promise<OpenedPage> {
  const page = await context.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems, requests };
}
