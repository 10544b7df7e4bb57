/** Numeric options are strict everywhere: decimal integers in range, one parser for every command. */
import { describe, expect, test } from 'vitest';
import { expectOneLineError, provsim, tempDir, VALID, writeFile } from './builtCli.js';

const dir = tempDir();
const scenario = writeFile(dir, 'edge.yaml', VALID);
const fleet = writeFile(
  dir,
  'small.fleet.yaml',
  'name: small\nclients: 10\nhorizon: 2d\ntaskSequence:\n  steps:\n    - { name: Upgrade, duration: 1h }\n',
);

describe('numeric options', () => {
  test.each([
    ['--max-events', 'abc', /--max-events abc: expected a whole number from 1 to 1,000,000,000/],
    ['--max-events', '0', /--max-events 0: expected a whole number from 1/],
    ['--max-events', '-5', /--max-events -5: expected/],
    ['--max-events', '1.5', /--max-events 1\.5: expected a whole number/],
    ['--seed', '', /--seed '': expected a whole number from 0 to 4,294,967,295/],
    ['--seed', '0x10', /--seed 0x10: expected a whole number/],
    ['--seed', '1e3', /--seed 1e3: expected a whole number/],
    ['--seed', '9007199254740993', /--seed 9007199254740993: expected/],
  ])('run refuses %s %j', (option, value, message) => {
    const r = provsim(['run', scenario, `${option}=${value}`, '--out', tempDir()]);
    expectOneLineError(r, message);
  });

  test('an option given twice is refused', () => {
    const r = provsim(['validate', scenario, '--seed', '1', '--seed', '2']);
    expectOneLineError(r, /--seed is given 2 times; give it once/);
  });

  test('fleet, explore and import use the same parser', () => {
    expectOneLineError(
      provsim(['fleet', fleet, '--clients', '0x10', '--out', tempDir()]),
      /--clients 0x10: expected a whole number from 1/,
    );
    expectOneLineError(provsim(['fleet', fleet, '--workers', '2.5', '--out', tempDir()]), /--workers 2\.5: expected/);
    expectOneLineError(
      provsim(['fleet', fleet, '--days', '1e1', '--out', tempDir()]),
      /--days 1e1: expected a decimal number/,
    );
    expectOneLineError(
      provsim(['tune', fleet, '--max-minutes', '0x3c,120', '--out', tempDir()]),
      /--max-minutes 0x3c,120: expected/,
    );
    expectOneLineError(provsim(['explore', '--runs', '']), /--runs '': expected a whole number from 1/);
    expectOneLineError(
      provsim(['explore', '--runs', '5'], { env: { PROVSIM_SEED: '0x10' } }),
      /PROVSIM_SEED 0x10: expected/,
    );
    expectOneLineError(
      provsim(['import', scenario, '--max-minutes', '1.5']),
      /--max-minutes 1\.5: expected a whole number from 0/,
    );
  });

  test('a valid value is accepted', () => {
    const r = provsim(['validate', scenario, '--seed', '0010']);
    expect(r.code).toBe(0);
  });
});
