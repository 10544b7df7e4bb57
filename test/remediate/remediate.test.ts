/**
 * `provsim remediate` on the bundled remediation fleet: each strategy does what it is known to do (pinned per
 * client, against `wait` on the very same client), the fleet's fast path stays exact under every strategy (against
 * `buildReport(runModel(...))` of the `--explain` scenario), strategies parse strictly, and the command line
 * writes its reports and exits as the interface says.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type ClientOutcome, outcomeFromReport } from '../../sim/fleet/simulate/ClientOutcome.js';
import type { Fleet } from '../../sim/fleet/load/Fleet.js';
import { parseFleet } from '../../sim/fleet/load/loadFleet.js';
import { fastPathOf, simulateClient } from '../../sim/fleet/simulate/simulateClient.js';
import { runModel } from '../../sim/model/runModel.js';
import { hasTimeout } from '../../sim/model/transition.js';
import {
  type ClientMeasures,
  fleetUnder,
  measuresOf,
  remediateScenario,
  runRemediate,
} from '../../sim/remediate/runRemediate.js';
import { parseStrategy, type Strategy } from '../../sim/remediate/Strategy.js';
import { buildReport } from '../../sim/report/Report.js';
import { parseScenario, scenarioToYaml } from '../../sim/scenario/loadScenario.js';
import { cli, tempDir } from '../cli/harness.js';

const fleetFile = join(import.meta.dirname, '../../scenarios/fleets/remediation.fleet.yaml');
const CLIENTS = 1200;
const fleet: Fleet = { ...parseFleet(readFileSync(fleetFile, 'utf8'), fleetFile), clients: CLIENTS };

function strategy(text: string): Strategy {
  const s = parseStrategy(text);
  if (typeof s === 'string') throw new Error(s);
  return s;
}

const WAIT = strategy('wait');
const FORCE = strategy('force-daily@02:00');
const WINDOW = strategy('window-daily@02:00/2d');
const REGISTRY = strategy('registry-only-daily@02:00');
const MAX = strategy('max=240');

/** Every client's measures under a strategy, as `runRemediate` computes them. */
function perClient(
  s: Strategy,
): (ClientMeasures & { version: string; tsRunMs: number | null; intervals: ClientOutcome['intervals'] })[] {
  const out = [];
  for (let i = 0; i < CLIENTS; i++) {
    const scenario = remediateScenario(fleet, s, i);
    const base = { ...scenario, events: scenario.events.filter((e) => e.type !== 'health-script') };
    const path = fastPathOf(base);
    const o = simulateClient(path === 'closed-form' ? base : scenario, path);
    const phase = fleetUnder(fleet, s).startMs - scenario.startMs;
    const ts = o.taskSequence;
    const tsRunMs = ts.startedAtMs === null || ts.endedAtMs === null ? null : ts.endedAtMs - ts.startedAtMs;
    out.push({
      ...measuresOf(o, phase, scenario.horizonMs, scenario.client.version),
      version: scenario.client.version,
      tsRunMs,
      intervals: o.intervals,
    });
  }
  return out;
}

describe('remediate on the bundled fleet', () => {
  const wait = perClient(WAIT);

  it('wait leaves clients before 1902 stuck to the horizon, and cuts nothing', () => {
    const legacyStuck = wait.filter((m) => m.stuckAtEnd && !hasTimeout(m.version));
    expect(legacyStuck.length).toBeGreaterThan(0);
    expect(wait.filter((m) => m.stuckAtEnd).length).toBe(legacyStuck.length);
    expect(wait.filter((m) => m.cut).length).toBe(0);
  });

  it('force-daily cuts running sequences and frees every stuck client', () => {
    const force = perClient(FORCE);
    expect(force.filter((m) => m.cut).length).toBeGreaterThan(0);
    expect(force.filter((m) => m.stuckAtEnd).length).toBe(0);
    const total = (ms: typeof wait) => ms.reduce((a, m) => a + m.stuckMs, 0);
    expect(total(force)).toBeLessThan(total(wait));
  });

  it('window-daily with a window longer than any sequence cuts none', () => {
    const window = perClient(WINDOW);
    const longest = Math.max(...wait.map((m) => m.tsRunMs ?? 0));
    expect(longest).toBeLessThan(2 * 86_400_000);
    expect(window.filter((m) => m.cut).length).toBe(0);
    // Clients before 1902 have no timestamp: the window cannot be checked, so they stay stuck.
    expect(window.filter((m) => m.stuckAtEnd).every((m) => !hasTimeout(m.version))).toBe(true);
  });

  it('registry-only-daily leaves clients inconsistent, and shortens only the time of clients it leaves so', () => {
    const registry = perClient(REGISTRY);
    expect(registry.filter((m) => m.inconsistent).length).toBeGreaterThan(0);
    registry.forEach((m, i) => {
      const before = wait[i] as (typeof wait)[number];
      if (m.stuckMs < before.stuckMs) expect(m.inconsistent, `client ${i}`).toBe(true);
    });
  });

  it('a lower max= cuts the sequences that stay in provisioning mode longer than it', () => {
    const max = perClient(MAX);
    const cut = max.filter((m) => m.cut);
    expect(cut.length).toBeGreaterThan(0);
    // Each cut is the timeout, more than 240 minutes after the entry, while that client's sequence ran.
    for (const m of cut) {
      const timeouts = m.intervals.filter((i) => i.exitReason === 'timeout');
      expect(timeouts.length).toBeGreaterThan(0);
      for (const i of timeouts) expect((i.exitedAtMs as number) - i.enteredAtMs).toBeGreaterThan(240 * 60_000);
    }
    expect(wait.filter((m) => m.cut).length).toBe(0);
  });

  it('gives the same report twice (determinism)', () => {
    const small = { ...fleet, clients: 300 };
    const a = JSON.stringify(runRemediate(small, [WAIT, FORCE, WINDOW, REGISTRY, MAX]));
    expect(JSON.stringify(runRemediate(small, [WAIT, FORCE, WINDOW, REGISTRY, MAX]))).toBe(a);
  });
});

describe('the fast path under every strategy', () => {
  it('equals buildReport(runModel(...)) of the --explain scenario, which reads back to itself', () => {
    let checked = 0;
    for (const s of [WAIT, FORCE, WINDOW, REGISTRY, MAX]) {
      for (let i = 0; i < CLIENTS; i += 7) {
        const scenario = remediateScenario(fleet, s, i);
        const base = { ...scenario, events: scenario.events.filter((e) => e.type !== 'health-script') };
        const path = fastPathOf(base);
        const fast = simulateClient(path === 'closed-form' ? base : scenario, path);
        const slow = outcomeFromReport(buildReport(runModel(scenario)));
        const label = `${s.label} client ${i}`;
        expect({ ...fast, eventCount: 0 }, label).toEqual({ ...slow, eventCount: 0 });
        expect({ ...parseScenario(scenarioToYaml(scenario), 'x.yaml'), file: null }, label).toEqual({
          ...scenario,
          file: null,
        });
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(800);
  });
});

describe('strategies', () => {
  it('parse with their labels', () => {
    expect(strategy(' wait ')).toEqual({ kind: 'wait', label: 'wait' });
    expect(strategy('max=120')).toEqual({ kind: 'max', label: 'max=120', maxMinutes: 120 });
    expect(strategy('force-daily@02:30')).toMatchObject({
      action: 'force',
      atMsOfDay: 150 * 60_000,
      label: 'force-daily@02:30',
    });
    expect(strategy('window-daily@23:59')).toMatchObject({ windowMs: 4 * 3_600_000, label: 'window-daily@23:59/4h' });
    expect(strategy('window-daily@00:00/90m')).toMatchObject({ windowMs: 90 * 60_000 });
  });

  it.each([
    ['nothing', 'not a strategy'],
    ['max=0', 'from 1 to 4294967295'],
    ['max=4294967296', 'from 1 to 4294967295'],
    ['force-daily@24:00', 'not a time of day'],
    ['force-daily@2:00', 'not a strategy'],
    ['force-daily@02:00/4h', 'only window-daily takes a /WINDOW'],
    ['window-daily@02:00/soon', 'not a positive duration'],
  ])('refuse %s', (text, message) => {
    const s = parseStrategy(text);
    expect(typeof s).toBe('string');
    expect(s).toContain(message);
  });

  it('schedule the script daily at the time of day, UTC, from the client scenario start', () => {
    const scenario = remediateScenario(fleet, FORCE, 3);
    const scripts = scenario.events.filter((e) => e.type === 'health-script');
    expect(scripts).toHaveLength(1);
    const first = scripts[0] as (typeof scripts)[number];
    expect(new Date(scenario.startMs + first.atMs).toISOString()).toMatch(/T02:00:00\.000Z$/);
    expect(first.repeat?.everyMs).toBe(86_400_000);
    expect(first.atMs + ((first.repeat?.count ?? 1) - 1) * 86_400_000).toBeLessThanOrEqual(scenario.horizonMs);
  });
});

describe('provsim remediate', () => {
  it('prints the table, writes the JSON and HTML reports, and exits 0', async () => {
    const out = tempDir();
    const r = await cli(
      'remediate',
      fleetFile,
      '--clients',
      '200',
      '--strategy',
      'wait',
      '--strategy',
      'force-daily@02:00',
      '--out',
      out,
    );
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^wait\s+0\*/m);
    expect(existsSync(join(out, 'remediation.remediate.json'))).toBe(true);
    expect(readFileSync(join(out, 'remediation.remediate.html'), 'utf8')).toContain('<svg');
  });

  it('prints one JSON document with --format json', async () => {
    const r = await cli(
      'remediate',
      fleetFile,
      '--clients',
      '100',
      '--strategy',
      'window-daily@03:00/12h',
      '--format',
      'json',
      '--out',
      tempDir(),
    );
    expect(r.code).toBe(0);
    const json = JSON.parse(r.out);
    expect(json.rows.map((x: { strategy: string }) => x.strategy)).toEqual(['window-daily@03:00/12h']);
    expect(json.rows[0].hourly.exits).toHaveLength(14 * 24);
  });

  it('explains one client under one strategy as a scenario that runs', async () => {
    const r = await cli('remediate', fleetFile, '--explain', '5', '--strategy', 'force-daily@02:00');
    expect(r.code).toBe(0);
    expect(parseScenario(r.out, 'x.yaml').events.some((e) => e.type === 'health-script')).toBe(true);
  });

  it('writes shards that provsim merge adds up to exactly what one run writes', async () => {
    const common = ['--clients', '150', '--days', '4', '--strategy', 'wait', '--strategy', 'registry-only-daily@05:00'];
    const whole = tempDir();
    expect((await cli('remediate', fleetFile, ...common, '--out', whole)).code).toBe(0);
    const shards = tempDir();
    for (const shard of ['2/3', '1/3', '3/3']) {
      expect((await cli('remediate', fleetFile, ...common, '--shard', shard, '--out', shards)).code).toBe(0);
    }
    const files = ['1', '2', '3'].map((i) => join(shards, `remediation.remediate.shard-${i}-of-3.json`));
    const merged = tempDir();
    expect((await cli('merge', files[2] as string, files[0] as string, files[1] as string, '--out', merged)).code).toBe(
      0,
    );
    for (const f of ['remediation.remediate.json', 'remediation.remediate.html']) {
      expect(readFileSync(join(merged, f), 'utf8'), f).toBe(readFileSync(join(whole, f), 'utf8'));
    }
    const twice = await cli('merge', files[0] as string, files[0] as string, files[1] as string, '--out', tempDir());
    expect(twice.code).toBe(2);
    expect(twice.err).toContain('given twice');
  });

  it('refuses a bad strategy with one line and exit 2, writing nothing', async () => {
    const out = join(tempDir(), 'reports');
    const r = await cli('remediate', fleetFile, '--strategy', 'force-daily@25:00', '--out', out);
    expect(r.code).toBe(2);
    expect(r.err).toContain('--strategy "force-daily@25:00": 25:00 is not a time of day');
    expect(existsSync(out)).toBe(false);
  });
});
