/**
 * The HTML report as a person sees it: opened in headless Chromium (the one `@sparticuz/chromium` ships, or
 * `CHROME_PATH`; see `browser.ts`), driven by playwright-core, offline. The chart must render with one mark per step, check and hazard of the report, nothing may be fetched
 * from the network, and the console must stay free of errors. A screenshot is saved in the test's temporary
 * folder; with PROVSIM_SCREENSHOT=path it is also written there (how docs/report-screenshot.png is made).
 *
 * No browser fails these tests (it never skips them), with a message that says how to get one.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatHtml } from '../../sim/report/html/formatHtml.js';
import { formatIndex } from '../../sim/report/html/formatIndex.js';
import type { Report } from '../../sim/report/Report.js';
import { bundledReport } from '../report/bundledReports.js';
import { CHROMIUM_ARGS, findChromium } from './browser.js';

const SCENARIO = 'disabled-client-ccmeval-rescue';

let dir = '';
let report: Report;
let started: Promise<BrowserContext> | undefined;
const problems: string[] = [];
const requests: string[] = [];

/** The browser, started once; every test that needs it fails (never skips) when Chromium is missing. */
function browser(): Promise<BrowserContext> {
  started ??= (async () => {
    const { path, env } = await findChromium();
    return chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'provsim-chromium-')), {
      executablePath: path,
      env: { ...process.env, ...env },
      args: CHROMIUM_ARGS,
      headless: true,
      viewport: { width: 1400, height: 1040 },
      offline: true,
    });
  })();
  return started;
}

/** Opens a page of the report folder and records console errors, page errors and every request. */
async function open(file: string): Promise<Page> {
  const page = await (await browser()).newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(join(dir, file)).href, { waitUntil: 'load' });
  return page;
}

/** How many marks of the named Vega mark group the browser laid out with a non-empty box. */
async function drawn(page: Page, figure: string, name: string): Promise<number> {
  // Runs in the page (a string, as this project compiles without the DOM's types).
  return page.evaluate(`[...document.querySelectorAll('#${figure} g.${name}_marks > [role="graphics-symbol"]')]
    .filter((el) => { const box = el.getBBox(); return box.width > 0 || box.height > 0; }).length`);
}

describe('the HTML report in Chromium', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'provsim-browser-'));
    report = bundledReport(SCENARIO);
    writeFileSync(join(dir, `${SCENARIO}.html`), await formatHtml(report));
    writeFileSync(join(dir, 'index.html'), formatIndex([{ report, files: { html: `${SCENARIO}.html` } }]));
  });

  afterAll(async () => {
    if (started !== undefined) await (await started.catch(() => undefined))?.close();
  });

  it('finds and starts a headless Chromium', async () => {
    await expect(browser()).resolves.toBeDefined();
  });

  it('renders the chart with a mark per step, check, interval and hazard', async () => {
    const page = await open(`${SCENARIO}.html`);
    const svg = await page.locator('#overview svg').boundingBox();
    expect(svg?.width).toBeGreaterThan(1000);
    expect(svg?.height).toBeGreaterThan(250);
    expect(await drawn(page, 'overview', 'step_bars')).toBe(
      report.trace.filter((e) => e.type === 'ts-step-start').length,
    );
    expect(await drawn(page, 'overview', 'check_ticks')).toBe(report.checks.length);
    expect(await drawn(page, 'overview', 'check_points')).toBe(report.checks.length);
    expect(await drawn(page, 'overview', 'provisioning_bars')).toBe(report.provisioning.intervals.length);
    expect(await drawn(page, 'overview', 'hazard_points')).toBe(report.hazards.length);
    expect(await drawn(page, 'overview', 'deadline_rules')).toBe(1);
    expect(await drawn(page, 'detail', 'step_bars')).toBe(3);
    expect(await page.locator('#overview g.step_bars_marks > path title').first().textContent()).toContain(
      'step 1 "Check readiness"',
    );
    expect(await page.locator('#outcome').textContent()).toContain('Left provisioning mode at 49h: timeout');
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot });
    expect(existsSync(shot)).toBe(true);
    const target = process.env.PROVSIM_SCREENSHOT;
    if (target !== undefined && target !== '') {
      mkdirSync(dirname(resolve(target)), { recursive: true });
      await page.screenshot({ path: resolve(target) });
    }
    await page.close();
  });

  it('opens the report from the index', async () => {
    const page = await open('index.html');
    await page.click(`a[href="${SCENARIO}.html"]`);
    await page.waitForURL(/disabled-client-ccmeval-rescue\.html$/);
    expect(await page.locator('h1').textContent()).toBe(SCENARIO);
    await page.close();
  });

  it('loads nothing from the network and logs no errors', () => {
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(problems).toEqual([]);
  });
});
