/**
 * A started browser, offline, for the tests that open provsim's HTML pages as a person would: the Chromium that
 * `browser.ts` finds, driven by playwright-core, started on first use. No browser fails these tests (it never
 * skips them), with a message that says how to get one.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { findChromium } from './browser.js';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** A browser started on first use; `close` ends it if it started. */
export interface Browser {
  context(): Promise<BrowserContext>;
  /** Opens a file and records console errors and warnings, page errors and every request. */
  open(path: string): Promise<Page>;
  readonly problems: string[];
  readonly requests: string[];
  close(): Promise<void>;
}

export function createBrowser(): Browser {
  let started: Promise<BrowserContext> | undefined;
  const problems: string[] = [];
  const requests: string[] = [];
  const context = (): Promise<BrowserContext> => {
    started ??= (async () => {
      const { path, env } = await findChromium();
      return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'provsim-chromium-')), {
        executablePath: path,
        env: { ...process.env, ...env },
        args: ARGS,
        headless: true,
        viewport: { width: 1400, height: 1040 },
        offline: true,
      });
    })();
    return started;
  };
  return {
    context,
    problems,
    requests,
    async open(path: string): Promise<Page> {
      const page = await (await context()).newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(path).href, { waitUntil: 'load' });
      return page;
    },
    async close(): Promise<void> {
      if (started !== undefined) await (await started.catch(() => undefined))?.close();
    },
  };
}
