/**
 * The triage page as a person sees it, in headless Chromium, offline: the counts per category, one bar per hour
 * of forecast exits, the device table, and its filter (a category choice and a text box hide the other rows).
 * Nothing is fetched from the network and the console stays free of errors.
 *
 * No browser fails these tests (it never skips them), with a message that says how to get one (see browser.ts).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTimeZone, UTC } from '../../sim/time/TimeZone.js';
import { triage, type TriageReport } from '../../sim/triage/triage.js';
import { formatTriageHtml } from '../../sim/triage/triageHtml.js';
import { launchChromium, type OpenedPage, openFile } from './browser.js';

const EXPORTS = join(import.meta.dirname, '../../scenarios/triage');
const FILES = [
  'cmpivot-registry.csv',
  'cmpivot-service.csv',
  'cmpivot-client-version.csv',
  'get-ccmprovisioningmode.csv',
  'client-health.export.json',
];

let dir = '';
let report: TriageReport;
let context: Promise<BrowserContext> | undefined;
const opened: OpenedPage[] = [];

/** Opens the page in the browser started once; what it logs and requests is checked at the end. */
async function open(): Promise<Page> {
  context ??= launchChromium();
  const o = await openFile(await context, join(dir, 'triage.html'));
  opened.push(o);
  return o.page;
}

describe('the triage page in Chromium', () => {
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'provsim-triage-browser-'));
    const files = FILES.map((f) => ({ file: f, text: readFileSync(join(EXPORTS, f), 'utf8') }));
    report = triage(files, {
      asOfMs: Date.parse('2026-03-04T09:00:00Z'),
      zone: parseTimeZone('Europe/Berlin') ?? UTC,
    }).report;
    writeFileSync(join(dir, 'triage.html'), formatTriageHtml(report));
  });

  afterAll(async () => {
    if (context !== undefined) await (await context.catch(() => undefined))?.close();
  });

  it('shows the counts, a bar per hour of exits, and every device', async () => {
    const page = await open();
    for (const [category, n] of Object.entries(report.counts)) {
      expect(await page.locator(`.counts .count[data-category="${category}"]`).textContent()).toBe(String(n));
    }
    const bars = page.locator('#exits rect.bar');
    expect(await bars.count()).toBeGreaterThan(1);
    const heights: number[] = await page.evaluate(
      `[...document.querySelectorAll('#exits rect.bar')].map((r) => r.getBBox().height)`,
    );
    expect(heights.filter((h) => h > 0).length).toBeGreaterThan(0);
    expect(await page.locator('#devices tbody tr').count()).toBe(report.devices.length);
    await page.close();
  });

  it('filters the table by category and by text', async () => {
    const page = await open();
    const visible = () => page.locator('#devices tbody tr:not([hidden])').count();
    await page.selectOption('#category', 'never-exits');
    expect(await visible()).toBe(report.counts['never-exits']);
    await page.selectOption('#category', '');
    await page.fill('#filter', 'wks-0004');
    expect(await visible()).toBe(1);
    expect(await page.locator('#shown').textContent()).toBe(`1 of ${report.devices.length} shown`);
    await page.close();
  });

  it('loads nothing from the network and logs no errors', () => {
    const requests = opened.flatMap((o) => o.requests);
    expect(requests.length).toBeGreaterThan(0);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(opened.flatMap((o) => o.problems)).toEqual([]);
  });
});
