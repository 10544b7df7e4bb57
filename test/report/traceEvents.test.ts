/**
 * The trace-viewer export of every bundled scenario, held to the Trace Event Format (the JSON object form that
 * Perfetto and chrome://tracing read) by a strict checker written from the format's specification, and to the
 * report it comes from.
 */
import { describe, expect, it } from 'vitest';
import { formatChromeTrace, toChromeTrace } from '../../sim/report/traceEvents.js';
import { bundledReport, bundledReports } from './bundledReports.js';

type Json = Record<string, unknown>;

const TOP_KEYS = new Set([
  'traceEvents',
  'displayTimeUnit',
  'otherData',
  'systemTraceEvents',
  'stackFrames',
  'samples',
]);
const EVENT_KEYS = new Set(['name', 'cat', 'ph', 'ts', 'tts', 'dur', 'tdur', 'pid', 'tid', 's', 'args', 'id', 'cname']);
const PHASES = new Set([
  'B',
  'E',
  'X',
  'i',
  'I',
  'C',
  'b',
  'n',
  'e',
  's',
  't',
  'f',
  'P',
  'N',
  'O',
  'D',
  'M',
  'V',
  'v',
  'R',
  'c',
]);
const METADATA = new Set(['process_name', 'process_labels', 'process_sort_index', 'thread_name', 'thread_sort_index']);

/** Every way `trace` breaks the Trace Event Format (JSON object form); [] when it conforms. */
function traceFormatProblems(trace: unknown): string[] {
  const problems: string[] = [];
  if (typeof trace !== 'object' || trace === null || Array.isArray(trace)) return ['not a JSON object'];
  const top = trace as Json;
  for (const k of Object.keys(top)) if (!TOP_KEYS.has(k)) problems.push(`unknown top-level key ${k}`);
  if (!Array.isArray(top.traceEvents)) return [...problems, 'traceEvents is not an array'];
  if (top.displayTimeUnit !== undefined && top.displayTimeUnit !== 'ms' && top.displayTimeUnit !== 'ns')
    problems.push('displayTimeUnit must be "ms" or "ns"');
  if (top.otherData !== undefined && (typeof top.otherData !== 'object' || top.otherData === null))
    problems.push('otherData must be an object');
  (top.traceEvents as unknown[]).forEach((raw, i) => {
    const at = `traceEvents[${i}]`;
    if (typeof raw !== 'object' || raw === null) {
      problems.push(`${at} is not an object`);
      return;
    }
    const e = raw as Json;
    for (const k of Object.keys(e)) if (!EVENT_KEYS.has(k)) problems.push(`${at}: unknown key ${k}`);
    if (typeof e.name !== 'string' || e.name === '') problems.push(`${at}: name must be a non-empty string`);
    if (typeof e.ph !== 'string' || !PHASES.has(e.ph)) problems.push(`${at}: unknown phase ${String(e.ph)}`);
    for (const k of ['pid', 'tid']) if (!Number.isInteger(e[k])) problems.push(`${at}: ${k} must be an integer`);
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0)
      problems.push(`${at}: ts must be a number >= 0`);
    if (e.cat !== undefined && typeof e.cat !== 'string') problems.push(`${at}: cat must be a string`);
    if (e.args !== undefined && (typeof e.args !== 'object' || e.args === null || Array.isArray(e.args)))
      problems.push(`${at}: args must be an object`);
    if (e.ph === 'X' && (typeof e.dur !== 'number' || e.dur < 0)) problems.push(`${at}: X needs dur >= 0`);
    if (e.ph !== 'X' && e.dur !== undefined) problems.push(`${at}: only X events take dur`);
    if ((e.ph === 'i' || e.ph === 'I') && e.s !== undefined && !['g', 'p', 't'].includes(e.s as string))
      problems.push(`${at}: instant scope must be g, p or t`);
    if (e.ph !== 'i' && e.ph !== 'I' && e.s !== undefined) problems.push(`${at}: only instants take s`);
    if (e.ph === 'M') {
      const args = (e.args ?? {}) as Json;
      if (!METADATA.has(e.name as string)) problems.push(`${at}: unknown metadata ${String(e.name)}`);
      if (String(e.name).endsWith('_name') && typeof args.name !== 'string') problems.push(`${at}: args.name`);
      if (String(e.name).endsWith('_sort_index') && !Number.isInteger(args.sort_index))
        problems.push(`${at}: args.sort_index`);
    }
  });
  return problems;
}

interface Ev {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  tid: number;
  args?: Json;
}

/** Complete events on one thread must nest (a viewer cannot draw partial overlaps on one track). */
function overlapProblems(events: readonly Ev[]): string[] {
  const problems: string[] = [];
  const byTid = new Map<number, Ev[]>();
  for (const e of events.filter((x) => x.ph === 'X')) byTid.set(e.tid, [...(byTid.get(e.tid) ?? []), e]);
  for (const [tid, list] of byTid) {
    const sorted = [...list].sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
    const stack: Ev[] = [];
    for (const e of sorted) {
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as Ev;
        if (e.ts >= top.ts + (top.dur ?? 0)) stack.pop();
        else break;
      }
      const top = stack[stack.length - 1];
      if (top !== undefined && e.ts + (e.dur ?? 0) > top.ts + (top.dur ?? 0))
        problems.push(`tid ${tid}: "${e.name}" at ${e.ts} overlaps "${top.name}" partially`);
      stack.push(e);
    }
  }
  return problems;
}

describe('toChromeTrace', () => {
  it('flags a broken trace (the checker itself)', () => {
    expect(traceFormatProblems({ traceEvents: [{ name: 'x', ph: 'X', ts: -1, pid: 1, tid: 1.5 }] })).toEqual([
      'traceEvents[0]: tid must be an integer',
      'traceEvents[0]: ts must be a number >= 0',
      'traceEvents[0]: X needs dur >= 0',
    ]);
    expect(
      overlapProblems([
        { name: 'a', ph: 'X', ts: 0, dur: 10, tid: 1 },
        { name: 'b', ph: 'X', ts: 5, dur: 10, tid: 1 },
      ]),
    ).toHaveLength(1);
  });

  it.each(bundledReports().map((r) => [r.scenario.name, r]))('%s conforms to the format', (_, r) => {
    const trace = JSON.parse(formatChromeTrace(r)) as { traceEvents: Ev[] };
    expect(traceFormatProblems(trace)).toEqual([]);
    expect(overlapProblems(trace.traceEvents)).toEqual([]);
    const named = new Set(trace.traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.tid));
    for (const e of trace.traceEvents.filter((x) => x.ph !== 'M')) expect(named.has(e.tid)).toBe(true);
  });

  it.each(bundledReports().map((r) => [r.scenario.name, r]))('%s matches its report in microseconds', (_, r) => {
    const { traceEvents } = toChromeTrace(r);
    const pm = traceEvents.filter((e) => e.ph === 'X' && e.cat === 'provisioning');
    expect(pm.map((e) => [e.ts, (e.ts ?? 0) + (e.dur ?? 0)])).toEqual(
      r.provisioning.intervals.map((i) => [i.enteredAtMs * 1000, (i.exitedAtMs ?? r.scenario.horizonMs) * 1000]),
    );
    const checks = traceEvents.filter((e) => e.ph === 'i' && e.cat === 'check-loop');
    expect(checks.map((e) => e.ts)).toEqual(r.checks.map((c) => c.atMs * 1000));
    const steps = traceEvents.filter((e) => e.ph === 'X' && e.cat === 'task-sequence' && e.args?.state !== undefined);
    expect(steps).toHaveLength(r.trace.filter((e) => e.type === 'ts-step-start').length);
  });

  it('has one named track per component', () => {
    const { traceEvents } = toChromeTrace(bundledReport('disabled-client-ccmeval-rescue'));
    const names = traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.args?.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'Device',
        'CcmExec',
        'Provisioning mode',
        'Task sequence',
        'Check loop',
        'Policy',
        'ccmeval',
        'Hazards',
        'Deployment 1. Defender platform update',
      ]),
    );
    expect(new Set(traceEvents.filter((e) => e.name === 'thread_name').map((e) => e.tid)).size).toBe(names.length);
  });

  it('gives the same bytes for the same report', () => {
    const r = bundledReport('restart-storm');
    expect(formatChromeTrace(r)).toBe(formatChromeTrace(bundledReport('restart-storm')));
  });
});
