/**
 * Human-readable forms of a report: the terminal summary with its timeline, the Markdown report, and the one-line
 * rows that end `provsim run` over several scenarios. Pure string building; no I/O.
 *
 * The timeline folds routine activity (checks that do not expire, skipped policy cycles, empty policy retrievals)
 * into one line per run of them, so that a 30-day run still reads in a screen.
 */
import type { TraceEntry } from '../model/types.js';
import { formatClock, formatHours } from '../scenario/Duration.js';
import type { Report } from './Report.js';

const KEY = 'ProvisioningEnabledTime';

function wallText(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.000Z$/, 'Z');
}

function epochText(seconds: number): string {
  return wallText(seconds * 1000);
}

/** One sentence per trace entry. */
export function describeEntry(e: TraceEntry): string {
  switch (e.type) {
    case 'environment':
      return e.cause === 'initial'
        ? "The device runs Windows PE (the boot image): the installed OS's client does not run there"
        : e.environment === 'winpe'
          ? 'The restart boots Windows PE (the boot image)'
          : 'The restart boots the installed OS';
    case 'device-down': {
      const what = {
        'power-loss': 'Power lost',
        reboot: 'Device restarts',
        'planned-restart': 'Planned restart',
        'powered-off': 'Device is off; powered on',
      }[e.cause];
      const down = e.downtimeMs > 0 ? `, down ${formatHours(e.downtimeMs)}` : '';
      return `${what}${down}; boot ends at ${formatClock(e.upAtMs)}`;
    }
    case 'device-up':
      return 'Device up (boot finished)';
    case 'service-start':
      return `CcmExec started (${{ boot: 'at boot', restart: 'after restart', ccmeval: 'by ccmeval', 'task-sequence': 're-enabled by the task sequence', 'service-restart': 'service restart' }[e.cause]})`;
    case 'service-stop':
      return `CcmExec stopped (${e.cause})${e.restartAtMs === null ? '' : `; starts again at ${formatClock(e.restartAtMs)}`}`;
    case 'startup-type':
      return `CcmExec startup type -> ${e.startup} (${e.cause})`;
    case 'provisioning-enter': {
      const by = {
        initial: 'already set at start',
        'task-sequence': 'task sequence start',
        'task-sequence-step': 'task-sequence step',
        manual: 'SetClientProvisioningMode($true)',
        'registry-edit': 'registry read at CcmExec start',
      }[e.cause];
      const stamp =
        e.timestampSeconds === null ? `no ${KEY}` : `${KEY} = ${e.timestampSeconds} (${epochText(e.timestampSeconds)})`;
      return e.newInterval
        ? `ENTER provisioning mode (${by}); ${stamp}`
        : `Re-entry while in provisioning mode (${by}): ${stamp}`;
    }
    case 'provisioning-exit':
      return e.closedInterval
        ? `EXIT provisioning mode: ${e.reason}`
        : `Exit call while not in provisioning mode (${e.reason}): registry rewritten`;
    case 'check': {
      const elapsed = e.elapsedSeconds === null ? `no ${KEY}` : `elapsed ${formatSeconds(e.elapsedSeconds)}`;
      return `Check: ${elapsed} of max ${formatHours(e.maxMinutes * 60_000)} -> ${e.expired ? 'EXPIRED' : 'wait'}`;
    }
    case 'check-loop':
      return e.action === 'start'
        ? `Check loop begins (first evaluation at ${formatClock(e.firstAtMs ?? e.atMs)})`
        : 'Check loop ends (out of provisioning mode)';
    case 'policy-retrieval':
      return e.processed.length > 0
        ? `Policy retrieved: processed ${e.processed.map((n) => `"${n}"`).join(', ')}`
        : 'Policy retrieved (nothing pending)';
    case 'policy-skipped':
      return 'Policy cycle skipped (provisioning mode)';
    case 'deployment-published':
      return `Deployment published: "${e.name}"`;
    case 'ts-start':
      return `Task sequence "${e.name}" starts`;
    case 'ts-wait-boot':
      return 'Task sequence due, device off: it starts when the boot ends';
    case 'ts-step-start':
      return `  step ${e.index + 1} "${e.name}" ${e.resumed ? 'starts (resumed)' : 'starts'}`;
    case 'ts-step-end':
      return `  step ${e.index + 1} "${e.name}" ${e.failed ? (e.continued ? 'FAILED (continue on error)' : 'FAILED') : 'done'}`;
    case 'ts-end':
      return `Task sequence ends: ${e.outcome}`;
    case 'ts-abandoned':
      return `Task sequence ABANDONED (${e.cause} in step ${e.stepIndex + 1}); provisioning mode stays`;
    case 'registry-edit':
      return e.value === null
        ? `Registry edit: ${e.name} deleted`
        : `Registry edit: ${e.name} = ${JSON.stringify(e.value)}`;
    case 'clock-jump':
      return `Clock ${e.byMs < 0 ? 'set back' : 'set forward'} ${formatHours(Math.abs(e.byMs))}: wall clock now ${wallText(e.wallMs)}`;
    case 'ccmeval':
      return `ccmeval${e.manual ? ' (manual)' : ''}: ${{ 'enabled-and-started': 'CcmExec disabled -> enabled and started', started: 'CcmExec stopped -> started', healthy: 'CcmExec healthy', 'skipped-device-off': 'skipped, device off', 'skipped-winpe': 'skipped, the device runs Windows PE (no client there)' }[e.action]}`;
    case 'admin-wmi':
      return `Administrator runs SetClientProvisioningMode($${e.enable})`;
    case 'health-script':
      return e.acted
        ? `Health script (${e.action}) repairs provisioning mode: ${e.action === 'registry-only' ? 'ProvisioningMode = "false" only' : 'ProvisioningMode = "false", then SetClientProvisioningMode($false)'}`
        : `Health script (${e.action}): nothing to do (${e.reason})`;
    case 'hazard':
      return `HAZARD ${e.kind}: ${e.detail}`;
    case 'ignored':
      return `(${e.what} ignored: ${e.reason})`;
  }
}

function formatSeconds(seconds: number): string {
  return seconds < 0 ? `-${formatHours(-seconds * 1000)}` : formatHours(seconds * 1000);
}

function isRoutine(e: TraceEntry): boolean {
  return (
    (e.type === 'check' && !e.expired) ||
    e.type === 'policy-skipped' ||
    (e.type === 'policy-retrieval' && e.processed.length === 0 && e.cause === 'tick')
  );
}

interface TimelineLine {
  readonly atMs: number;
  readonly wallMs: number;
  readonly text: string;
}

/** The timeline: one line per notable entry, routine runs folded into one line each. */
export function timeline(report: Report): TimelineLine[] {
  const startMs = Date.parse(report.scenario.start);
  const lines: TimelineLine[] = [];
  let offsetMs = 0;
  let run: { e: TraceEntry; wallMs: number }[] = [];
  const flush = () => {
    if (run.length <= 3) {
      for (const { e, wallMs } of run) lines.push({ atMs: e.atMs, wallMs, text: describeEntry(e) });
    } else {
      lines.push(
        foldRoutine(
          run.map((r) => r.e),
          run[0]?.wallMs ?? 0,
        ),
      );
    }
    run = [];
  };
  for (const e of report.trace) {
    if (e.type === 'clock-jump') offsetMs += e.byMs;
    const wallMs = startMs + e.atMs + offsetMs;
    if (isRoutine(e)) {
      run.push({ e, wallMs });
      continue;
    }
    flush();
    lines.push({ atMs: e.atMs, wallMs, text: describeEntry(e) });
  }
  flush();
  return lines;
}

function foldRoutine(entries: readonly TraceEntry[], wallMs: number): TimelineLine {
  const first = entries[0] as TraceEntry;
  const last = entries[entries.length - 1] as TraceEntry;
  const checks = entries.filter((e) => e.type === 'check');
  const skipped = entries.filter((e) => e.type === 'policy-skipped').length;
  const retrievals = entries.filter((e) => e.type === 'policy-retrieval').length;
  const parts: string[] = [];
  if (checks.length > 0) {
    const a = checks[0];
    const b = checks[checks.length - 1];
    const span = (x: typeof a) => (x?.elapsedSeconds == null ? 'no timestamp' : formatSeconds(x.elapsedSeconds));
    parts.push(
      `${checks.length} checks, none expired (elapsed ${span(a)} .. ${span(b)} of max ${formatHours((b?.maxMinutes ?? 0) * 60_000)})`,
    );
  }
  if (skipped > 0) parts.push(`${skipped} policy cycles skipped`);
  if (retrievals > 0) parts.push(`${retrievals} policy retrievals with nothing pending`);
  return { atMs: first.atMs, wallMs, text: `${parts.join('; ')} until ${formatClock(last.atMs)}` };
}

function assumptionsText(report: Report): string {
  return Object.entries(report.assumptions)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
}

function resultLines(report: Report): string[] {
  const { provisioning, taskSequence: ts, final } = report;
  const lines: string[] = [];
  const intervals = provisioning.intervals;
  const last = intervals[intervals.length - 1];
  const pm =
    intervals.length === 0
      ? 'never entered'
      : `${intervals.length} interval(s), ${formatHours(provisioning.totalMs)} in total; ` +
        (last?.exitedAtMs == null
          ? `STILL IN provisioning mode at the horizon (since ${formatClock(last?.enteredAtMs ?? 0)})`
          : `last exit at ${formatClock(last.exitedAtMs)} (${last.exitReason})`);
  lines.push(`Provisioning mode: ${pm}`);
  if (report.client.timeoutApplies) {
    const stamp = final.registry.ProvisioningEnabledTime;
    const deadline = stamp === undefined ? 'none (no timestamp)' : epochText(stamp + report.client.maxMinutes * 60);
    lines.push(
      `Timeout: max ${report.client.maxMinutes} min (${formatHours(report.client.maxMinutes * 60_000)}); deadline ${KEY} + max = ${deadline}`,
    );
  } else {
    lines.push(`Timeout: none (release ${report.client.version} is before 1902)`);
  }
  const tsWhen =
    ts.endedAtMs !== null
      ? ` at ${formatClock(ts.endedAtMs)}`
      : ts.abandonedAtMs !== null
        ? ` at ${formatClock(ts.abandonedAtMs)}`
        : '';
  lines.push(`Task sequence: ${ts.outcome}${tsWhen}`);
  for (const d of report.deployments) {
    lines.push(
      d.processedAtMs === null
        ? `Deployment "${d.name}": published ${formatClock(d.publishedAtMs)}, NOT processed`
        : `Deployment "${d.name}": published ${formatClock(d.publishedAtMs)}, processed ${formatClock(d.processedAtMs)} (waited ${formatHours(d.waitMs ?? 0)})`,
    );
  }
  lines.push(`Policy cycles skipped: ${provisioning.policyCyclesSkipped}; checks: ${report.checks.length}`);
  lines.push(`Hazards: ${hazardKinds(report) || 'none'}`);
  const reg = Object.entries(final.registry)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  lines.push(
    `Final: provisioning mode ${final.provisioningMode ? 'ON' : 'off'}; CcmExec ${final.service.status} (${final.service.startup}); ${final.consistent ? 'consistent' : 'INCONSISTENT'}; ${reg}`,
  );
  return lines;
}

function hazardKinds(report: Report): string {
  return [...new Set(report.hazards.map((h) => h.kind))].join(', ');
}

function expectationLines(report: Report): string[] {
  return report.expectations.map(
    (x) =>
      `${x.passed ? 'pass' : 'FAIL'} ${x.name}: expected ${JSON.stringify(x.expected)}, got ${JSON.stringify(x.actual)}`,
  );
}

function invariantLines(report: Report): string[] {
  if (report.invariants.length === 0) return ['Invariants: every one that applies holds'];
  return [
    'INVARIANT VIOLATIONS:',
    ...report.invariants.map((v) => `  ${v.invariant} at ${formatClock(v.atMs)}: ${v.message}`),
  ];
}

function header(report: Report): string[] {
  const s = report.scenario;
  return [
    `${s.name}${s.file === null ? '' : ` (${s.file})`}`,
    ...(s.description ? [s.description] : []),
    `client ${report.client.version}, start ${s.start}, horizon ${formatHours(s.horizonMs)}, seed ${s.seed}, ${report.eventCount} events`,
    `assumptions: ${assumptionsText(report)}`,
  ];
}

/** The terminal summary of one scenario. */
export function formatSummary(report: Report): string {
  const out = [
    ...header(report).map((l, i) => (i === 0 ? `== ${l} ==` : l)),
    '',
    'Timeline (simulation time | wall clock UTC)',
  ];
  for (const line of timeline(report))
    out.push(`  ${formatClock(line.atMs).padStart(15)} | ${wallText(line.wallMs)}  ${line.text}`);
  out.push('', ...resultLines(report));
  const expectations = expectationLines(report);
  if (expectations.length > 0) out.push('Expectations:', ...expectations.map((l) => `  ${l}`));
  out.push(...invariantLines(report));
  return `${out.join('\n')}\n`;
}

/** The Markdown report written beside the JSON one. */
export function formatMarkdown(report: Report): string {
  const [title, ...rest] = header(report);
  const out = [
    `# ${title}`,
    '',
    ...rest.map((l) => `${l}  `),
    '',
    '## Result',
    '',
    ...resultLines(report).map((l) => `- ${l}`),
  ];
  const expectations = expectationLines(report);
  if (expectations.length > 0) out.push('', '## Expectations', '', ...expectations.map((l) => `- ${l}`));
  out.push('', '## Invariants', '', ...invariantLines(report).map((l) => `- ${l.trim()}`));
  out.push('', '## Timeline', '', '| simulation time | wall clock (UTC) | what happened |', '| ---: | --- | --- |');
  for (const line of timeline(report)) {
    out.push(`| ${formatClock(line.atMs)} | ${wallText(line.wallMs)} | ${line.text.trim().replaceAll('|', '\\|')} |`);
  }
  return `${out.join('\n')}\n`;
}

/** The closing table of a multi-scenario run: name, outcome, time in provisioning mode, exit reason, hazards. */
export function formatRows(reports: readonly Report[]): string {
  const rows = reports.map((r) => {
    const last = r.provisioning.intervals[r.provisioning.intervals.length - 1];
    const failed = r.expectations.filter((x) => !x.passed).length;
    return [
      r.scenario.name,
      r.taskSequence.outcome,
      formatHours(r.provisioning.totalMs),
      last === undefined ? 'never entered' : last.exitedAtMs === null ? 'STILL IN' : (last.exitReason ?? ''),
      hazardKinds(r) || '-',
      r.expectations.length === 0 ? '' : failed === 0 ? 'expect ok' : `EXPECT FAILED (${failed})`,
    ];
  });
  const head = ['scenario', 'task sequence', 'in prov. mode', 'exit', 'hazards', ''];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return `${[fmt(head), ...rows.map(fmt)].join('\n')}\n`;
}
