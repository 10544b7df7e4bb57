/**
 * The `provsim remediate` page in headless Chromium (see browser.ts), offline: the table and both hourly charts
 * render with one line per strategy, nothing is fetched and the console stays free of errors. No browser fails the
 * test (it never skips), with a message that says how to get one.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { parseFleet } from '../../sim/fleet/load/loadFleet.js';
import { remediateHtml } from '../../sim/remediate/formatRemediate.js';
import { runRemediate } from '../../sim/remediate/runRemediate.js';
import { parseStrategy, type Strategy } from '../../sim/remediate/Strategy.js';
import { launchChromium, openFile } from './browser.js';

const fleetFile = join(import.meta.dirname, '../../scenarios/fleets/remediation.fleet.yaml');
let context: BrowserContext | undefined;

describe('the remediate page in Chromium', () => {
  afterAll(async () => context?.close());

  it('renders the table and one line per strategy in each chart, offline, with no console error', async () => {
    const fleet = { ...parseFleet(readFileSync(fleetFile, 'utf8'), fleetFile), clients: 300 };
    const strategies = ['wait', 'force-daily@02:00', 'window-daily@02:00/12h'].map((t) => parseStrategy(t) as Strategy);
    const dir = mkdtempSync(join(tmpdir(), 'provsim-remediate-'));
    const file = join(dir, 'remediation.remediate.html');
    writeFileSync(file, remediateHtml(runRemediate(fleet, strategies)));
    context = await launchChromium();
    const { page, problems, requests } = await openFile(context, file);
    expect(await page.evaluate('document.querySelectorAll("table tr").length')).toBe(1 + strategies.length);
    expect(await page.evaluate('document.querySelectorAll("svg").length')).toBe(2);
    // Each chart draws a path per strategy, laid out with a non-empty box.
    const drawn = await page.evaluate(`[...document.querySelectorAll('svg path')]
      .filter((el) => { const b = el.getBBox(); return b.width > 0 || b.height > 0; }).length`);
    expect(drawn).toBeGreaterThanOrEqual(2 * strategies.length);
    expect(requests.filter((u) => !u.startsWith('file://'))).toEqual([]);
    expect(problems).toEqual([]);
  }, 120_000);
});
