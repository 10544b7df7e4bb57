/**
 * Fleet files: the bundled fleets load, bad input gets one `file:line:column: key: message` per problem, and the
 * committed JSON Schema is the one the loader's definitions generate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fleetJsonSchema, parseFleet } from '../../../sim/fleet/load/loadFleet.js';
import { ScenarioError } from '../../../sim/scenario/loadScenario.js';

const folder = join(import.meta.dirname, '../../../scenarios/fleets');
const bundled = readdirSync(folder).filter((f) => f.endsWith('.fleet.yaml'));

const MINIMAL = `name: tiny
clients: 10
`;

/** The issues of a bad fleet, as formatted lines. */
function problems(text: string): string[] {
  try {
    parseFleet(text, 'bad.fleet.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ScenarioError);
    return (error as ScenarioError).message.split('\n');
  }
  throw new Error('the fleet was accepted');
}

describe('parseFleet', () => {
  it('loads every bundled fleet, the default one with 1,000,000 clients over 30 days', () => {
    expect(bundled).toContain('default.fleet.yaml');
    for (const file of bundled) {
      const fleet = parseFleet(readFileSync(join(folder, file), 'utf8'), file);
      expect(fleet.name).toMatch(/^[a-z0-9-]+$/);
      expect(fleet.description).not.toBe('');
    }
    const def = parseFleet(readFileSync(join(folder, 'default.fleet.yaml'), 'utf8'), 'default.fleet.yaml');
    expect(def.clients).toBe(1_000_000);
    expect(def.horizonMs).toBe(30 * 86_400_000);
  });

  it('fills in defaults', () => {
    const f = parseFleet(MINIMAL, 'tiny.fleet.yaml');
    expect(f.horizonMs).toBe(30 * 86_400_000);
    expect(f.releases).toEqual([{ value: '2403', share: 1 }]);
    expect(f.maxMinutes).toEqual([{ value: null, share: 1 }]);
    expect(f.client.policyIntervalMs).toBe(3_600_000);
    expect(f.taskSequences).toEqual([]);
    expect(f.powerLoss).toBeNull();
    expect(f.file).toBe('tiny.fleet.yaml');
  });

  it('reads shares, rates and the three distributions', () => {
    const f = parseFleet(
      `${MINIMAL}releases: [{ version: "2403", share: 90% }, { version: 1810, share: 0.1 }]
taskSequences:
  - share: 2.5%
    steps:
      - { name: A, duration: 90m }
      - { name: B, duration: { uniform: { min: 1m, max: 5m } }, fails: 2%, disablesClient: true }
      - { name: C, duration: { lognormal: { median: 1h, p95: 4h } } }
interruptions:
  powerLoss: { perDay: 0.24, downtime: { fixed: 10m } }
`,
      'x',
    );
    expect(f.releases.map((r) => [r.value, r.share])).toEqual([
      ['2403', 0.9],
      ['1810', 0.1],
    ]);
    const ts = f.taskSequences[0];
    expect(ts?.share).toBe(0.025);
    expect(ts?.steps.map((s) => s.duration)).toEqual([
      { kind: 'fixed', ms: 5_400_000 },
      { kind: 'uniform', minMs: 60_000, maxMs: 300_000 },
      { kind: 'lognormal', medianMs: 3_600_000, p95Ms: 14_400_000 },
    ]);
    expect(ts?.steps[1]).toMatchObject({ fails: 0.02, disablesClient: 1 });
    expect(f.powerLoss?.perHour).toBeCloseTo(0.01, 12);
  });

  it('names the line, column and key of each problem, with what is allowed', () => {
    const lines = problems(`name: bad
clients: 10
horizn: 3d
releases:
  - { version: "2403", share: 90% }
  - { version: "1810", share: 5% }
taskSequences:
  - share: 3%
    provisioningAt: Upgrade
    steps:
      - { name: Upgrade OS, duration: { lognormal: { median: 2h, p95: 1h } } }
      - { name: B, duration: { fixed: 1m, uniform: { min: 1m, max: 2m } } }
interruptions:
  powerLoss: { downtime: 5m }
`);
    expect(lines).toContain(
      'bad.fleet.yaml:3:1: horizn: unknown key "horizn"; did you mean "horizon"? Allowed: name, description, clients, start, horizon, seed, releases, maxMinutes, client, assumptions, taskSequences, interruptions, initiallyStuck, deployments',
    );
    expect(
      lines.some((l) => /^bad\.fleet\.yaml:5:3: releases: the shares of the release mix add up to 95%/.test(l)),
    ).toBe(true);
    expect(
      lines.some((l) =>
        /^bad\.fleet\.yaml:9:21: taskSequences\[0\]\.provisioningAt: no step is named "Upgrade"/.test(l),
      ),
    ).toBe(true);
    expect(
      lines.some((l) =>
        /:11:.*steps\[0\]\.duration\.lognormal\.p95: p95 \(1h\) is less than the median \(2h\)/.test(l),
      ),
    ).toBe(true);
    expect(
      lines.some((l) =>
        /:12:.*steps\[1\]\.duration: a distribution takes exactly one of fixed, uniform or lognormal/.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => /:14:.*interruptions\.powerLoss: give the rate as perHour or perDay/.test(l))).toBe(true);
  });

  it('refuses a share that is not a percentage or fraction, with the fix', () => {
    const [line] = problems(`${MINIMAL}releases: [{ version: "2403", share: 90 }]\n`);
    expect(line).toMatch(
      /bad\.fleet\.yaml:3:\d+: releases\[0\]\.share: expected a share: .* \(write 90% for a percentage\)/,
    );
  });

  it('holds its names and description to the rules of a scenario file (no control characters)', () => {
    const lines = problems(`${MINIMAL}description: "a\\u001b[31m"
taskSequences:
  - { name: "TS\\n2", share: 1%, steps: [{ name: "]LOG]!>", duration: { fixed: 1m } }] }
deployments: [{ name: "App\\u0007", at: 1h }]
`);
    expect(
      lines.some((l) =>
        /description: "a\\u001b\[31m" holds a control character other than a line break or a tab/.test(l),
      ),
    ).toBe(true);
    expect(lines.some((l) => /taskSequences\[0\]\.name: "TS\\n2" holds a control character/.test(l))).toBe(true);
    expect(lines.some((l) => /taskSequences\[0\]\.steps\[0\]\.name: "\]LOG\]!>" holds "\]LOG\]!>"/.test(l))).toBe(true);
    expect(lines.some((l) => /deployments\[0\]\.name: "App\\u0007" holds a control character/.test(l))).toBe(true);
  });

  it('refuses a horizon past a year and intervals under a minute', () => {
    const lines = problems(`${MINIMAL}horizon: 400d\nclient: { policyInterval: 30s }\n`);
    expect(lines.some((l) => /horizon: the horizon is 400d; a fleet runs at most 366d/.test(l))).toBe(true);
    expect(lines.some((l) => /client\.policyInterval: policyInterval is 30s; a fleet needs 1m or more/.test(l))).toBe(
      true,
    );
  });

  it('refuses an empty file and invalid YAML', () => {
    expect(problems('')).toEqual([
      'bad.fleet.yaml:1:1: the file is empty; a fleet needs at least `name` and `clients`',
    ]);
    expect(problems('name: [\n')[0]).toMatch(/^bad\.fleet\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('fleet.schema.json', () => {
  it('is the schema the loader generates (regenerate: node bin/provsim.js fleet-schema > scenarios/fleets/fleet.schema.json)', () => {
    const committed = JSON.parse(readFileSync(join(folder, 'fleet.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(fleetJsonSchema())));
  });

  it('describes every top-level key the loader accepts', () => {
    const schema = fleetJsonSchema() as { properties: Record<string, unknown>; required: string[] };
    expect(Object.keys(schema.properties)).toContain('taskSequences');
    expect(schema.required).toEqual(['name', 'clients']);
  });
});
