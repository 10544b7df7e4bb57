/** Writing a scenario back as YAML (the inverse of the loader: `parseScenario` reads it back to an equal scenario). */
import { Document, isMap, isSeq } from 'yaml';
import { formatDuration } from '../time/Duration.js';
import { formatIsoSeconds } from '../time/formatWall.js';
import type { Scenario, ScenarioEvent } from './Scenario.js';

/** Writes a scenario as YAML that `parseScenario` reads back to an equal scenario. */
export function scenarioToYaml(s: Scenario): string {
  const d = formatDuration;
  const c = s.client;
  const ccmevalOut: unknown =
    !c.ccmeval.enabled && c.ccmeval.everyMs === 86_400_000 && c.ccmeval.firstMs === 86_400_000
      ? false
      : {
          ...(c.ccmeval.enabled ? {} : { enabled: false }),
          every: d(c.ccmeval.everyMs),
          ...(c.ccmeval.firstMs === c.ccmeval.everyMs ? {} : { first: d(c.ccmeval.firstMs) }),
        };
  const out: Record<string, unknown> = {
    name: s.name,
    ...(s.description === '' ? {} : { description: s.description }),
    start: formatIsoSeconds(s.startMs),
    horizon: d(s.horizonMs),
    seed: s.seed,
    client: {
      version: c.version,
      bootTime: d(c.bootTimeMs),
      serviceRestart: d(c.serviceRestartMs),
      checkInterval: d(c.checkIntervalMs),
      policyInterval: d(c.policyIntervalMs),
      ccmeval: ccmevalOut,
      startup: c.startup,
      poweredOn: c.poweredOn,
      ...(c.startsIn === 'os' ? {} : { startsIn: c.startsIn }),
      ...(Object.keys(c.registry).length === 0 ? {} : { registry: { ...c.registry } }),
    },
    assumptions: { ...s.assumptions },
  };
  const ts = s.taskSequence;
  if (ts !== null) {
    const at = ts.provisioningAtStep === null ? undefined : ts.steps[ts.provisioningAtStep]?.name;
    out.taskSequence = {
      name: ts.name,
      startAt: d(ts.startAtMs),
      ...(at === undefined ? {} : { provisioningAt: at }),
      steps: ts.steps.map((st) => ({
        name: st.name,
        duration: d(st.durationMs),
        // `restart: true` keeps files without Windows PE as they were written.
        ...(st.restart === false ? {} : { restart: st.restart === 'os' ? true : st.restart }),
        ...(st.disablesClient ? { disablesClient: true } : {}),
        ...(st.fails ? { fails: true } : {}),
        ...(st.continueOnError ? { continueOnError: true } : {}),
      })),
    };
  }
  if (s.events.length > 0) out.events = s.events.map(eventToPlain);
  if (s.expect !== null) {
    const e = s.expect;
    out.expect = {
      ...(e.finalProvisioningMode === undefined ? {} : { finalProvisioningMode: e.finalProvisioningMode }),
      ...(e.exitReason === undefined ? {} : { exitReason: e.exitReason }),
      ...(e.exitedByMs === undefined ? {} : { exitedBy: d(e.exitedByMs) }),
      ...(e.taskSequence === undefined ? {} : { taskSequence: e.taskSequence }),
      ...(e.deploymentsProcessedByMs === undefined ? {} : { deploymentsProcessedBy: d(e.deploymentsProcessedByMs) }),
      ...(e.hazards === undefined ? {} : { hazards: [...e.hazards] }),
      ...(e.violations === undefined ? {} : { violations: [...e.violations] }),
    };
  }
  const doc = new Document(out, { version: '1.2' });
  // Steps, events and small lists read best one per line.
  const flowItems = (path: string[]) => {
    const seq = doc.getIn(path, true);
    if (isSeq(seq)) for (const item of seq.items) if (isMap(item)) item.flow = true;
  };
  flowItems(['taskSequence', 'steps']);
  flowItems(['events']);
  for (const key of ['hazards', 'violations']) {
    const list = doc.getIn(['expect', key], true);
    if (isSeq(list)) list.flow = true;
  }
  const cc = doc.getIn(['client', 'ccmeval'], true);
  if (isMap(cc)) cc.flow = true;
  return `# yaml-language-server: $schema=./scenario.schema.json\n${doc.toString({ lineWidth: 0 })}`;
}

function eventToPlain(e: ScenarioEvent): Record<string, unknown> {
  const d = formatDuration;
  const base: Record<string, unknown> = { type: e.type, at: d(e.atMs) };
  switch (e.type) {
    case 'power-loss':
    case 'reboot':
      if (e.downtimeMs !== 0) base.downtime = d(e.downtimeMs);
      if (!e.recoverable) base.recoverable = false;
      break;
    case 'deployment':
      base.name = e.name;
      break;
    case 'admin-wmi':
      base.enable = e.enable;
      break;
    case 'registry-set':
      base.name = e.name;
      base.value = e.value;
      break;
    case 'registry-delete':
      base.name = e.name;
      break;
    case 'clock-jump':
      base.by = d(e.byMs);
      break;
    case 'service-restart':
    case 'ts-crash':
    case 'ccmeval':
      break;
    case 'health-script':
      base.action = e.action;
      if (e.action === 'window') base.window = d(e.windowMs);
      break;
  }
  if (e.repeat !== undefined) base.repeat = { every: d(e.repeat.everyMs), count: e.repeat.count };
  return base;
}
