/**
 * Summaries merge exactly: any partition of the clients, merged in any order (through their JSON, as worker
 * threads and shard files pass them), gives byte for byte the report of one run over all of them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Fleet } from '../../../sim/fleet/load/Fleet.js';
import { buildFleetReport } from '../../../sim/fleet/report/FleetReport.js';
import { FleetSummary, publicationEntries } from '../../../sim/fleet/summary/FleetSummary.js';
import { formatJson } from '../../../sim/fleet/report/formatJson.js';
import { parseFleet } from '../../../sim/fleet/load/loadFleet.js';
import { chunksOf, shardRange, simulateRange } from '../../../sim/fleet/run/simulateRange.js';
import { createRandom } from '../../../sim/kernel/Random.js';

const fleetFile = join(import.meta.dirname, '../../../scenarios/fleets/upgrade-wave.fleet.yaml');
const fleet: Fleet = { ...parseFleet(readFileSync(fleetFile, 'utf8'), 'upgrade-wave.fleet.yaml'), clients: 3000 };

describe('FleetSummary', () => {
  // Run inside each test, not in the describe body, so that npm run mutate's per-test coverage sees it.
  const wholeRun = () => simulateRange(fleet, { from: 0, to: fleet.clients });

  it('merges any partition, in any order, into the report of one run', () => {
    const expected = formatJson(buildFleetReport(fleet, wholeRun(), null));
    const rng = createRandom(3);
    for (let round = 0; round < 4; round++) {
      const parts: FleetSummary[] = [];
      let from = 0;
      while (from < fleet.clients) {
        const to = Math.min(fleet.clients, from + rng.nextInt(1, 900));
        parts.push(simulateRange(fleet, { from, to }));
        from = to;
      }
      // Shuffle, and pass each part through its JSON as a worker or a shard file would.
      for (let i = parts.length - 1; i > 0; i--) {
        const j = rng.nextInt(0, i);
        [parts[i], parts[j]] = [parts[j] as FleetSummary, parts[i] as FleetSummary];
      }
      const merged = new FleetSummary(fleet);
      for (const p of parts) merged.merge(FleetSummary.fromJSON(fleet, JSON.parse(JSON.stringify(p.toJSON()))));
      expect(formatJson(buildFleetReport(fleet, merged, null))).toBe(expected);
    }
  });

  it('counts what happened: clients, entries, exits, deployments', () => {
    const r = buildFleetReport(fleet, wholeRun(), null);
    expect(r.clients).toBe(3000);
    expect(r.provisioning.entered).toBeGreaterThan(400);
    expect(Object.values(r.provisioning.exits).reduce((a, b) => a + b, 0) + r.provisioning.stuckAtEnd).toBe(
      r.provisioning.intervals,
    );
    expect(r.deployments.processed + r.deployments.unprocessed).toBe(3000 * publicationEntries(fleet).length);
    expect(r.fastPath.closedForm + r.fastPath.skipping).toBe(3000);
    expect(r.provisioning.inMode.counts).toHaveLength(14 * 24 + 1);
    expect(r.provisioning.prematureExits.clients).toBeGreaterThan(0);
    expect(r.examples.prematureExit.length).toBeGreaterThan(0);
  });
});

describe('shardRange', () => {
  it('cuts the clients into N contiguous slices that cover each exactly once', () => {
    for (const [clients, n] of [
      [10, 3],
      [1_000_000, 7],
      [5, 8],
    ] as const) {
      let next = 0;
      for (let i = 1; i <= n; i++) {
        const r = shardRange(clients, i, n);
        expect(r.from).toBe(next);
        next = r.to;
      }
      expect(next).toBe(clients);
    }
  });

  it('refuses a shard outside 1..N', () => {
    expect(() => shardRange(10, 0, 3)).toThrow(/1 <= I <= N/);
    expect(() => shardRange(10, 4, 3)).toThrow(/1 <= I <= N/);
  });

  it('chunks a range in order', () => {
    expect(chunksOf({ from: 5, to: 12 }, 3)).toEqual([
      { from: 5, to: 8 },
      { from: 8, to: 11 },
      { from: 11, to: 12 },
    ]);
  });
});
