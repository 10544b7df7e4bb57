/**
 * `provsim fleet`, `tune` and `merge` end to end: reports written, `--explain` reproducible with `provsim run`,
 * shards merged into exactly the single-run report, bad input refused with exit 2 and nothing written, and (with the
 * built executable) byte-identical results whatever the number of worker threads.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../sim/cli/main.js';
import { outcomeFromReport } from '../../sim/fleet/simulate/ClientOutcome.js';
import { clientScenario } from '../../sim/fleet/simulate/clientScenario.js';
import { parseFleet } from '../../sim/fleet/load/loadFleet.js';
import { simulateClient } from '../../sim/fleet/simulate/simulateClient.js';
import type { Report } from '../../sim/report/Report.js';

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'provsim-fleet-'));
const root = join(import.meta.dirname, '../..');
const WAVE = join(root, 'scenarios/fleets/upgrade-wave.fleet.yaml');
const SMALL = ['--clients', '1500', '--days', '7', '--workers', '1'];

describe('provsim fleet', () => {
  it('writes the JSON and HTML reports and prints the summary', async () => {
    const out = tempDir();
    const r = await cli('fleet', WAVE, ...SMALL, '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^Fleet upgrade-wave: 1,500 clients over 7d from 2026-04-06 06:00Z \(seed 11\)/);
    for (const needle of [
      'entered',
      'time in it, per client',
      'exits by reason',
      'premature exits',
      'stuck at the end',
    ])
      expect(r.out).toContain(needle);
    const json = JSON.parse(readFileSync(join(out, 'upgrade-wave.fleet.json'), 'utf8')) as { clients: number };
    expect(json.clients).toBe(1500);
    const html = readFileSync(join(out, 'upgrade-wave.fleet.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain('<svg class="chart"');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it('prints with --format json exactly the report file', async () => {
    const out = tempDir();
    const r = await cli('fleet', WAVE, ...SMALL, '--out', out, '--format', 'json');
    expect(r.out).toBe(readFileSync(join(out, 'upgrade-wave.fleet.json'), 'utf8'));
  });

  it('explains a client as a scenario that provsim run reproduces', async () => {
    const fleet = { ...parseFleet(readFileSync(WAVE, 'utf8'), WAVE), clients: 1500, horizonMs: 7 * 86_400_000 };
    const out = tempDir();
    const fleetRun = await cli('fleet', WAVE, ...SMALL, '--out', out, '--format', 'json');
    const examples = (JSON.parse(fleetRun.out) as { examples: { prematureExit: number[]; timeout: number[] } })
      .examples;
    const indices = [...examples.prematureExit.slice(0, 2), ...examples.timeout.slice(0, 1), 0, 777];
    expect(indices.length).toBeGreaterThanOrEqual(4);
    for (const index of indices) {
      const explained = await cli('fleet', WAVE, ...SMALL, '--explain', String(index));
      expect(explained.code).toBe(0);
      expect(explained.out).toMatch(/^# yaml-language-server/);
      const file = join(out, `client-${index}.yaml`);
      writeFileSync(file, explained.out);
      const run = await cli('run', file, '--format', 'json', '--out', join(out, 'runs'));
      expect(run.code).toBe(0);
      const report = JSON.parse(run.out) as Report;
      expect(outcomeFromReport(report)).toEqual(simulateClient(clientScenario(fleet, index)));
    }
  });

  it('runs shards that provsim merge combines into exactly the single-run report', async () => {
    const out = tempDir();
    expect((await cli('fleet', WAVE, ...SMALL, '--out', out)).code).toBe(0);
    const whole = readFileSync(join(out, 'upgrade-wave.fleet.json'), 'utf8');
    const wholeHtml = readFileSync(join(out, 'upgrade-wave.fleet.html'), 'utf8');
    const shards = join(out, 'shards');
    for (const i of [3, 1, 2])
      expect((await cli('fleet', WAVE, ...SMALL, '--shard', `${i}/3`, '--out', shards)).code).toBe(0);
    const files = [1, 2, 3].map((i) => join(shards, `upgrade-wave.shard-${i}-of-3.fleet.json`));
    const merged = join(out, 'merged');
    const r = await cli('merge', files[2] as string, files[0] as string, files[1] as string, '--out', merged);
    expect(r.code).toBe(0);
    expect(readFileSync(join(merged, 'upgrade-wave.fleet.json'), 'utf8')).toBe(whole);
    expect(readFileSync(join(merged, 'upgrade-wave.fleet.html'), 'utf8')).toBe(wholeHtml);

    const missing = await cli('merge', files[0] as string, files[2] as string, '--out', join(out, 'x'));
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('missing shard 2/3');
    const twice = await cli(
      'merge',
      files[0] as string,
      files[0] as string,
      files[1] as string,
      '--out',
      join(out, 'x'),
    );
    expect(twice.code).toBe(2);
    expect(twice.err).toMatch(/shard 1\/3 is given twice/);
    const notShard = await cli('merge', join(out, 'upgrade-wave.fleet.json'), '--out', join(out, 'x'));
    expect(notShard.code).toBe(2);
    expect(notShard.err).toMatch(/not a shard/);
    expect(existsSync(join(out, 'x'))).toBe(false);
  });

  it('refuses a bad fleet file with file:line:column, exit 2 and no report', async () => {
    const dir = tempDir();
    const file = join(dir, 'bad.fleet.yaml');
    writeFileSync(file, 'name: bad\nclients: 10\nreleases: [{ version: "2403", share: 90% }]\n');
    const out = join(dir, 'reports');
    const r = await cli('fleet', file, '--out', out, '--workers', '1');
    expect(r.code).toBe(2);
    expect(r.err).toContain(
      `${file}:3:11: releases: the shares of the release mix add up to 90%; they must add up to 100%`,
    );
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses bad options with exit 2', async () => {
    for (const [args, message] of [
      [['--shard', '0/3'], /--shard 0\/3: expected I\/N/],
      [['--clients', 'many'], /--clients many: expected a whole number/],
      [['--days', '-1'], /--days -1: expected a decimal number of days/],
      [['--explain', '1500', '--clients', '1500'], /--explain 1500: expected a whole number from 0 to 1,499/],
      [['--workers', '0'], /--workers 0/],
    ] as const) {
      const r = await cli('fleet', WAVE, '--out', join(tempDir(), 'r'), ...args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.err).toMatch(message);
    }
  });
});

describe('provsim tune', () => {
  it('compares ProvisioningMaxMinutes values and names the smallest under the premature-exit limit', async () => {
    const out = tempDir();
    const r = await cli(
      'tune',
      WAVE,
      ...SMALL,
      '--max-minutes',
      '60,240,1440,2880',
      '--max-premature',
      '1%',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^Tuning ProvisioningMaxMinutes for fleet upgrade-wave: 1,500 clients/);
    const t = JSON.parse(readFileSync(join(out, 'upgrade-wave.tune.json'), 'utf8')) as {
      rows: { maxMinutes: number; prematureShare: number; stuckClientHours: number }[];
      recommended: number | null;
    };
    expect(t.rows.map((row) => row.maxMinutes)).toEqual([60, 240, 1440, 2880]);
    // A shorter timeout cuts more sequences and leaves fewer stuck hours.
    expect(t.rows[0]?.prematureShare).toBeGreaterThan(t.rows[3]?.prematureShare ?? 1);
    expect(t.rows[0]?.stuckClientHours).toBeLessThan(t.rows[3]?.stuckClientHours ?? 0);
    const ok = t.rows.filter((row) => row.prematureShare <= 0.01).map((row) => row.maxMinutes);
    expect(t.recommended).toBe(Math.min(...ok));
    expect(r.out).toContain(`Recommended ProvisioningMaxMinutes = ${t.recommended}`);
    expect(readFileSync(join(out, 'upgrade-wave.tune.html'), 'utf8')).toContain('<svg class="chart"');
  });

  it('refuses a bad list of values', async () => {
    const r = await cli('tune', WAVE, '--max-minutes', '60,abc', '--out', join(tempDir(), 'r'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--max-minutes 60,abc: expected a comma-separated list/);
  });
});

describe('the built provsim fleet', () => {
  const bin = join(root, 'bin/provsim.js');
  const built = existsSync(join(root, 'dist/fleet/run/fleetWorker.js'));

  it('is built with its worker (npm test builds it first)', () => {
    expect(built).toBe(true);
  });

  it.runIf(built)('gives byte-identical results with 1 and 2 worker threads, and no progress off a terminal', () => {
    const outs = [1, 2].map((w) => {
      const out = tempDir();
      const r = spawnSync(
        process.execPath,
        [bin, 'fleet', WAVE, '--clients', '6000', '--days', '7', '--workers', String(w), '--out', out],
        { encoding: 'utf8' },
      );
      expect(r.status).toBe(0);
      expect(r.stderr).toBe('');
      return { stdout: r.stdout.replace(out, 'OUT'), json: readFileSync(join(out, 'upgrade-wave.fleet.json'), 'utf8') };
    });
    expect(outs[1]).toEqual(outs[0]);
  });
});
