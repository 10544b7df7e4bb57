/**
 * What scenario files and fleet files share (`sim/scenario/sharedSpecs.ts`) reads and answers alike in both: the
 * same spec, the same message.
 */
import { describe, expect, it } from 'vitest';
import { parseFleet } from '../../sim/fleet/load/loadFleet.js';
import { parseScenario, ScenarioError } from '../../sim/scenario/loadScenario.js';
import { DWORD_MAX, fmt, MINUTE, NAME_PATTERN } from '../../sim/scenario/sharedSpecs.js';

/** The messages (after `file:line:column: path: `) of a file that does not load. */
function messages(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).issues.map((i) => i.message);
  }
  throw new Error('the file was accepted');
}

const scenarioWith = (taskSequence: string) => `name: s\ntaskSequence: ${taskSequence}\n`;
const fleetWith = (taskSequence: string) =>
  `name: f\nclients: 10\ntaskSequences:\n  - { share: 10%, ${taskSequence.slice(2)}\n`;

describe('the specs scenario and fleet files share', () => {
  it('give the same provisioningAt message, with the closest step name', () => {
    const ts = '{ provisioningAt: Upgrad, steps: [{ name: Upgrade, duration: 1m }, { name: Restart, duration: 1m }] }';
    const expected =
      'no step is named "Upgrad"; did you mean "Upgrade"? provisioningAt must name one of the steps: "Upgrade", "Restart"';
    expect(messages(() => parseScenario(scenarioWith(ts), 's.yaml'))).toEqual([expected]);
    expect(messages(() => parseFleet(fleetWith(ts), 'f.fleet.yaml'))).toEqual([expected]);
  });

  it('say so when no step has a valid name, in both formats', () => {
    const ts = '{ provisioningAt: Upgrade, steps: [{ name: 5, duration: 1m }] }';
    const tail = 'no step is named "Upgrade"; the steps have no valid names';
    expect(messages(() => parseScenario(scenarioWith(ts), 's.yaml'))).toContain(tail);
    expect(messages(() => parseFleet(fleetWith(ts), 'f.fleet.yaml'))).toContain(tail);
  });

  it('refuse the same names, each format with its own example', () => {
    const [scenario] = messages(() => parseScenario('name: Bad_Name\n', 's.yaml'));
    const [fleet] = messages(() => parseFleet('name: Bad_Name\nclients: 10\n', 'f.fleet.yaml'));
    const rule = `use lowercase letters, digits and hyphens (${NAME_PATTERN.source})`;
    expect(scenario).toContain(rule);
    expect(scenario).toContain('for example upgrade-power-loss');
    expect(fleet).toContain(rule);
    expect(fleet).toContain('for example upgrade-wave');
  });

  it('take a seed up to DWORD_MAX in both formats, and no more', () => {
    expect(parseScenario(`name: s\nseed: ${DWORD_MAX}\n`, 's.yaml').seed).toBe(DWORD_MAX);
    expect(parseFleet(`name: f\nclients: 1\nseed: ${DWORD_MAX}\n`, 'f.fleet.yaml').seed).toBe(DWORD_MAX);
    expect(messages(() => parseScenario(`name: s\nseed: ${DWORD_MAX + 1}\n`, 's.yaml'))).toHaveLength(1);
    expect(messages(() => parseFleet(`name: f\nclients: 1\nseed: ${DWORD_MAX + 1}\n`, 'f.fleet.yaml'))).toHaveLength(1);
  });

  it('write durations in messages as the files do', () => {
    expect(fmt(90 * MINUTE)).toBe('1h30m');
    expect(fmt(0.5)).toBe('0.5ms');
  });
});
