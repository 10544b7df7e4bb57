/**
 * Reads scenario files (YAML, or JSON, which is YAML too) into a validated `Scenario`, writes one back, and emits
 * the JSON Schema of the format. All three come from one definition (`scenarioSpec.ts` and the specs of its blocks,
 * written in the field language of `fields.ts`): the schema in `scenarios/scenario.schema.json` is generated from
 * the same code that validates. This file is the loader's public face; the pieces live beside it: errors
 * (`ScenarioError.ts`), field specs (`sharedSpecs.ts`, `registrySpec.ts`, `clientSpec.ts`, `taskSequenceSpec.ts`,
 * `eventSpec.ts`, `scenarioSpec.ts`), parsing (`parseYamlWith.ts`) and serialising (`scenarioToYaml.ts`).
 *
 * Bad input never throws anything but a `ScenarioError`, which lists every problem found with its line, column and
 * key, what was wrong and what is allowed.
 */
import { parseYamlWith } from './parseYamlWith.js';
import type { Scenario } from './Scenario.js';
import { scenarioSpec } from './scenarioSpec.js';

// The pieces, each in its own file; re-exported here, the loader's public face, so that importers keep one door.
export { formatIssues, ScenarioError, type ScenarioIssue } from './ScenarioError.js';
export {
  assumptionsSpec,
  clientVersion,
  MAX_EVENTS,
  MAX_OCCURRENCES,
  MAX_REPEAT_COUNT,
  MAX_STEPS,
  RESTART_DESCRIPTION,
  rawStepNames,
  restartTarget,
} from './sharedSpecs.js';
export { MAX_WALL_MS, MIN_WALL_MS, scenarioJsonSchema } from './scenarioSpec.js';
export { parseYamlWith } from './parseYamlWith.js';
export { scenarioToYaml } from './scenarioToYaml.js';

/** Parses and validates a scenario; throws a `ScenarioError` listing every problem found (and nothing else). */
export function parseScenario(text: string, file: string): Scenario {
  return { ...parseYamlWith(text, file, scenarioSpec, { noun: 'scenario', needs: '`name`' }), file };
}
