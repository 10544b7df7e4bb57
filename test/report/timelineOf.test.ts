/**
 * The lanes derived from a report: states cover the run without gaps or overlaps, every step, check and interval
 * of the report appears once, and deadlines land where the wall clock reaches `ProvisioningEnabledTime + max`.
 */
import { describe, expect, it } from 'vitest';
import { createScenario } from '../../sim/scenario/createScenario.js';
import { type TimelineSpan, timelineOf, wallClockOf } from '../../sim/report/timelineOf.js';
import { bundledReport, bundledReports, reportOf } from './bundledReports.js';

const H = 3_600_000;
const reports = bundledReports();
const byName = (spans: readonly TimelineSpan[], row: string) => spans.filter((s) => s.row === row);

describe('timelineOf', () => {
  it.each(reports.map((r) => [r.scenario.name, r]))('%s: device and CcmExec states cover the run', (_, r) => {
    const t = timelineOf(r);
    for (const row of ['Device', 'CcmExec']) {
      const spans = byName(t.spans, row);
      expect(spans[0]?.startMs).toBe(0);
      expect(spans[spans.length - 1]?.endMs).toBe(r.scenario.horizonMs);
      for (let i = 1; i < spans.length; i++) expect(spans[i]?.startMs).toBe(spans[i - 1]?.endMs);
      for (const s of spans) expect(s.endMs).toBeGreaterThan(s.startMs);
    }
  });

  it.each(reports.map((r) => [r.scenario.name, r]))('%s: steps, checks and intervals appear once each', (_, r) => {
    const t = timelineOf(r);
    const steps = byName(t.spans, 'Task sequence');
    expect(steps).toHaveLength(r.trace.filter((e) => e.type === 'ts-step-start').length);
    for (let i = 1; i < steps.length; i++) expect(steps[i]?.startMs).toBeGreaterThanOrEqual(steps[i - 1]?.endMs ?? 0);
    const checks = t.marks.filter((m) => m.component === 'check-loop');
    expect(checks.map((c) => c.atMs)).toEqual(r.checks.map((c) => c.atMs));
    expect(checks.filter((c) => c.kind === 'check-expired')).toHaveLength(r.checks.filter((c) => c.expired).length);
    expect(byName(t.spans, 'Provisioning mode').map((s) => [s.startMs, s.endMs])).toEqual(
      r.provisioning.intervals.map((i) => [i.enteredAtMs, i.exitedAtMs ?? r.scenario.horizonMs]),
    );
    expect(t.marks.filter((m) => m.component === 'hazards')).toHaveLength(r.hazards.length);
  });

  it.each(reports.map((r) => [r.scenario.name, r]))('%s: every timeout exit comes after its deadline', (_, r) => {
    const t = timelineOf(r);
    const current = t.deadlines.filter((d) => !d.superseded);
    for (const i of r.provisioning.intervals.filter((x) => x.exitReason === 'timeout')) {
      const d = current.find((x) => x.atMs >= i.enteredAtMs && x.atMs <= (i.exitedAtMs ?? 0));
      expect(d, `a deadline inside the interval ending at ${i.exitedAtMs}`).toBeDefined();
      // The deadline drawn is the one the expiring check used: the same max, and passed on the wall clock.
      const check = r.trace.find((e) => e.type === 'check' && e.expired && e.atMs === i.exitedAtMs);
      expect(check?.type === 'check' && check.maxMinutes).toBe(d?.maxMinutes);
      expect(check?.type === 'check' && check.wallMs).toBeGreaterThan(d?.wallMs ?? Infinity);
    }
    if (!r.client.timeoutApplies) expect(t.deadlines).toEqual([]);
  });

  it('has bundled scenarios that exit by timeout, so the deadline test above checks something', () => {
    const exits = reports.flatMap((r) => r.provisioning.intervals.filter((i) => i.exitReason === 'timeout'));
    expect(exits.length).toBeGreaterThanOrEqual(1);
  });

  it('draws the max read at CcmExec start under maxMinutesRead: service-start, as the checks use it', () => {
    // Entered at 0 (task sequence); max 60 read at the restart at 10s. The edit to 600 at 20m is not obeyed
    // until CcmExec starts again: the check at 1h10s still uses 60 and expires.
    const r = reportOf(
      createScenario({
        horizonMs: 3 * H,
        client: { registry: { ProvisioningMaxMinutes: 60 } },
        assumptions: { maxMinutesRead: 'service-start' },
        taskSequence: { startAtMs: 0, steps: [{ name: 'Long', durationMs: 2 * H }] },
        events: [{ type: 'registry-set', atMs: H / 3, name: 'ProvisioningMaxMinutes', value: 600 }],
      }),
    );
    const t = timelineOf(r);
    expect(t.deadlines.map((d) => d.maxMinutes)).toEqual([60]);
    expect(r.provisioning.intervals[0]?.exitReason).toBe('timeout');
    expect(r.checks.filter((c) => c.expired).map((c) => c.maxMinutes)).toEqual([60]);
  });

  it('draws the disabled client, the outage and the 48-hour deadline of the walk-through', () => {
    const t = timelineOf(bundledReport('disabled-client-ccmeval-rescue'));
    const device = byName(t.spans, 'Device').map((s) => [s.state, s.startMs, s.endMs]);
    expect(device).toEqual([
      ['on', 0, 50 * 60_000],
      ['off', 50 * 60_000, 55 * 60_000],
      ['booting', 55 * 60_000, 57 * 60_000],
      ['on', 57 * 60_000, 72 * H],
    ]);
    const disabled = byName(t.spans, 'CcmExec').filter((s) => s.state === 'disabled');
    expect(disabled.map((s) => [s.startMs, s.endMs])).toEqual([[30 * 60_000, 24 * H]]);
    expect(t.deadlines).toEqual([
      {
        atMs: 48.5 * H,
        wallMs: Date.parse('2026-03-04T18:30:00Z'),
        timestampSeconds: Date.parse('2026-03-02T18:30:00Z') / 1000,
        maxMinutes: 2880,
        superseded: false,
      },
    ]);
    expect(byName(t.spans, 'Task sequence').map((s) => s.state)).toEqual(['step-done', 'step-done', 'step-abandoned']);
  });

  it('moves the deadline a day later on the simulation axis when the clock is set back a day', () => {
    const r = bundledReport('clock-set-back');
    const [d] = timelineOf(r).deadlines;
    expect(d?.atMs).toBe(48.5 * H + 24 * H);
    expect(wallClockOf(r).at(d?.atMs ?? 0)).toBe(d?.wallMs);
  });

  it('keeps a deadline that a re-entry replaced, marked superseded', () => {
    const t = timelineOf(bundledReport('admin-enable-resets-timestamp'));
    expect(t.deadlines.length).toBeGreaterThanOrEqual(2);
    expect(t.deadlines.filter((d) => !d.superseded)).toHaveLength(1);
    expect(t.marks.some((m) => m.kind === 'reentry')).toBe(true);
  });

  it('ends a step still running at the horizon there', () => {
    const r = reportOf(
      createScenario({
        horizonMs: 2 * H,
        taskSequence: { startAtMs: 0, steps: [{ name: 'Long', durationMs: 5 * H }] },
      }),
    );
    const steps = byName(timelineOf(r).spans, 'Task sequence');
    expect(steps.map((s) => [s.state, s.endMs, s.openAtEnd])).toEqual([['step-running', 2 * H, true]]);
  });
});
