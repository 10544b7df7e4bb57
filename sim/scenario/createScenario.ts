/**
 * Builds a Scenario in code, every omitted field taking the same default as in a scenario file. For tests,
 * generators and fleets; files go through `parseScenario`.
 */
import {
  type Assumptions,
  type ClientConfig,
  DEFAULT_ASSUMPTIONS,
  DEFAULT_HORIZON_MS,
  DEFAULT_START_MS,
  type Scenario,
  type TaskSequence,
  type TaskSequenceStep,
} from './Scenario.js';

export type StepOptions = Pick<TaskSequenceStep, 'name' | 'durationMs'> & Partial<TaskSequenceStep>;

export interface ScenarioOptions {
  readonly name?: string;
  readonly description?: string;
  readonly file?: string | null;
  readonly startMs?: number;
  readonly horizonMs?: number;
  readonly seed?: number;
  readonly client?: Partial<Omit<ClientConfig, 'ccmeval'>> & { readonly ccmeval?: Partial<ClientConfig['ccmeval']> };
  readonly assumptions?: Partial<Assumptions>;
  readonly taskSequence?: (Partial<Omit<TaskSequence, 'steps'>> & { readonly steps: readonly StepOptions[] }) | null;
  readonly events?: Scenario['events'];
  readonly expect?: Scenario['expect'];
}

export const DEFAULT_CLIENT: ClientConfig = {
  version: '2403',
  bootTimeMs: 120_000,
  serviceRestartMs: 10_000,
  checkIntervalMs: 3_600_000,
  policyIntervalMs: 3_600_000,
  ccmeval: { enabled: true, everyMs: 86_400_000, firstMs: 86_400_000 },
  startup: 'auto',
  poweredOn: true,
  startsIn: 'os',
  registry: {},
};

export function createStep(options: StepOptions): TaskSequenceStep {
  return { restart: false, disablesClient: false, fails: false, continueOnError: false, ...options };
}

export function createScenario(options: ScenarioOptions = {}): Scenario {
  const everyMs = options.client?.ccmeval?.everyMs ?? DEFAULT_CLIENT.ccmeval.everyMs;
  const ts = options.taskSequence;
  return {
    name: options.name ?? 'scenario',
    description: options.description ?? '',
    file: options.file ?? null,
    startMs: options.startMs ?? DEFAULT_START_MS,
    horizonMs: options.horizonMs ?? DEFAULT_HORIZON_MS,
    seed: options.seed ?? 1,
    client: {
      ...DEFAULT_CLIENT,
      ...options.client,
      ccmeval: { enabled: true, everyMs, firstMs: everyMs, ...options.client?.ccmeval },
    },
    assumptions: { ...DEFAULT_ASSUMPTIONS, ...options.assumptions },
    taskSequence:
      ts === undefined || ts === null
        ? null
        : {
            name: ts.name ?? 'Task sequence',
            startAtMs: ts.startAtMs ?? 0,
            provisioningAtStep: ts.provisioningAtStep ?? null,
            steps: ts.steps.map(createStep),
          },
    events: options.events ?? [],
    expect: options.expect ?? null,
  };
}
