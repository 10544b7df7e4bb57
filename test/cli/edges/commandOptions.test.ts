/**
 * Options of `explore`, `fleet`, `remediate` and `tune` that were accepted when they were nonsense, or ran the
 * process out of memory: each is now one line naming the option, the value and what is allowed, exit 2.
 */
import { describe, expect, test } from 'vitest';
import { expectOneLineError, provsim, tempDir, VALID, writeFile } from './builtCli.js';

const dir = tempDir();

describe('explore --exhaustive --grid', () => {
  const base = (horizon: string) =>
    writeFile(
      dir,
      `grid-${horizon}.yaml`,
      VALID.replace('name: edge-valid', `name: grid-${horizon}`).replace('4h', horizon),
    );

  test('a grid so fine that a base has more than 10,000 insertion times is refused, not a fatal V8 error', () => {
    const r = provsim(['explore', '--exhaustive', '--grid', '1ms', '--base', base('5d')]);
    expectOneLineError(
      r,
      /--grid 1ms: .*grid-5d\.yaml \(horizon 5d\) would have 432,000,001 insertion times; at most 10,000 are allowed \(the limit on grid times per base\): give a coarser grid, such as 1m$/m,
    );
  });

  test('10,000 insertion times are allowed, 10,001 are not', () => {
    const at = provsim(['explore', '--exhaustive', '--depth', '0', '--grid', '1m', '--base', base('9999m')]);
    expect(at.err).not.toMatch(/insertion times/);
    expect(at.code).toBe(0);
    const past = provsim(['explore', '--exhaustive', '--depth', '0', '--grid', '1m', '--base', base('10000m')]);
    expectOneLineError(past, /would have 10,001 insertion times; at most 10,000/);
  });
});
