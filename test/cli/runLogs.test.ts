import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './harness.js';
import { parseCmtraceStrict } from '../../sim/report/cmtrace/cmtraceLine.js';

describe('provsim run --logs', () => {
  it('writes the three logs of each scenario in its own folder', async () => {
    const out = mkdtempSync(join(tmpdir(), 'provsim-logs-'));
    const r = await cli('run', 'scenarios/handled-failure.yaml', '--logs', '--timezone=-05:00', '--out', out);
    expect(r.code).toBe(0);
    for (const name of ['smsts.log', 'CcmExec.log', 'PolicyAgent.log']) {
      const lines = parseCmtraceStrict(readFileSync(join(out, 'handled-failure', name), 'utf8'));
      expect(lines.length).toBeGreaterThan(0);
      expect(new Set(lines.map((l) => l.biasMinutes))).toEqual(new Set([300]));
    }
  });

  it('writes no logs without --logs, and nothing at all with a bad --timezone', async () => {
    const out = mkdtempSync(join(tmpdir(), 'provsim-logs-'));
    expect((await cli('run', 'scenarios/handled-failure.yaml', '--out', out)).code).toBe(0);
    expect(existsSync(join(out, 'handled-failure'))).toBe(false);
    const bad = join(out, 'bad');
    const r = await cli(
      'run',
      'scenarios/handled-failure.yaml',
      '--logs',
      '--timezone',
      'Europe/Nowhere',
      '--out',
      bad,
    );
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--timezone Europe\/Nowhere: not a time zone; use UTC, a fixed offset/);
    expect(existsSync(bad)).toBe(false);
  });
});
