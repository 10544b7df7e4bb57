import { test as fcTest } from '@fast-check/vitest';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_EVENTS, EventLimitError, RunawayError, Simulator } from '../../sim/kernel/Simulator.js';

describe('Simulator', () => {
  fcTest.prop([fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 100 }), fc.integer({ min: 0, max: 1000 })])(
    'runs until t and never fires an event after t',
    (times, until) => {
      const sim = new Simulator<number>();
      for (const t of times) sim.schedule(t, 0, t);
      const fired: number[] = [];
      sim.runUntil(until, (payload, now) => {
        expect(now).toBe(payload);
        fired.push(now);
      });
      expect(fired).toEqual(times.filter((t) => t <= until).sort((a, b) => a - b));
      expect(sim.now).toBe(until);
      expect(sim.pending).toBe(times.filter((t) => t > until).length);
    },
  );

  it('lets a handler schedule at the current instant, after what is already due then', () => {
    const sim = new Simulator<string>();
    const seen: string[] = [];
    sim.schedule(5, 0, 'a');
    sim.schedule(5, 0, 'b');
    sim.runUntil(10, (p, now) => {
      seen.push(p);
      if (p === 'a') sim.schedule(now, 0, 'a-child');
    });
    expect(seen).toEqual(['a', 'b', 'a-child']);
  });

  it('skips a cancelled first event, firing the next one at its own time', () => {
    const sim = new Simulator<string>();
    const first = sim.schedule(5, 0, 'first');
    sim.schedule(7, 0, 'second');
    sim.schedule(7, 1, 'third');
    expect(sim.cancel(first)).toBe(true);
    expect(sim.pending).toBe(2);
    const seen: [string, number][] = [];
    sim.runUntil(7, (p, now) => seen.push([p, now]));
    expect(seen).toEqual([
      ['second', 7],
      ['third', 7],
    ]);
    expect(sim.eventCount).toBe(2);
    expect(sim.cancel(first)).toBe(false);
  });

  it('skips cancelled first events when stepping too', () => {
    const sim = new Simulator<string>();
    const a = sim.schedule(1, 0, 'a');
    const b = sim.schedule(2, 0, 'b');
    sim.schedule(3, 0, 'c');
    sim.cancel(a);
    sim.cancel(b);
    const seen: [string, number][] = [];
    expect(sim.step((p, now) => seen.push([p, now]))).toBe(true);
    expect(sim.step(() => {})).toBe(false);
    expect(seen).toEqual([['c', 3]]);
    expect(sim.now).toBe(3);
  });

  it('leaves the clock where it is when run until an earlier time', () => {
    const sim = new Simulator<string>();
    sim.runUntil(100, () => {});
    sim.runUntil(50, () => {});
    expect(sim.now).toBe(100);
  });

  it('refuses to schedule in the past', () => {
    const sim = new Simulator<string>();
    sim.runUntil(100, () => {});
    expect(() => sim.schedule(99, 0, 'late')).toThrow(/already at 100 ms/);
  });

  it('steps one event at a time', () => {
    const sim = new Simulator<string>();
    sim.schedule(7, 0, 'x');
    const seen: [string, number][] = [];
    expect(sim.step((p, now) => seen.push([p, now]))).toBe(true);
    expect(sim.step(() => {})).toBe(false);
    expect(seen).toEqual([['x', 7]]);
    expect(sim.eventCount).toBe(1);
  });

  it('stops a runaway run at the event limit with a message naming the limit', () => {
    const loop = () => {
      const sim = new Simulator<string>({ maxEvents: 100 });
      sim.schedule(0, 0, 'tick');
      sim.runUntil(1_000_000, (_, now) => sim.schedule(now + 1, 0, 'tick'));
    };
    expect(loop).toThrow(EventLimitError);
    expect(loop).toThrow(/Aborting after 100 events/);
  });

  it('runs years of simulated time with no horizon limit of its own', () => {
    const sim = new Simulator<string>();
    const tenYears = 10 * 365 * 86_400_000;
    sim.schedule(tenYears, 0, 'far');
    let at = -1;
    sim.runUntil(tenYears, (_, now) => {
      at = now;
    });
    expect(at).toBe(tenYears);
  });
});

describe('Simulator budgets and look-ups', () => {
  const runaway = (options: { maxEvents: number }) => {
    const sim = new Simulator<string>(options);
    let handled = 0;
    sim.schedule(0, 0, 'tick');
    let error: unknown;
    try {
      // A tick every millisecond from 0: the limit is reached at time `limit`, well before this horizon.
      sim.runUntil(2 * sim.eventLimit, (_, now) => {
        handled++;
        sim.schedule(now + 1, 0, 'tick');
      });
    } catch (e) {
      error = e;
    }
    return { sim, handled, error };
  };

  it('fires exactly maxEvents events, then stops at the next one with the whole message', () => {
    const { sim, handled, error } = runaway({ maxEvents: 100 });
    expect(handled).toBe(100);
    expect(sim.eventCount).toBe(100);
    expect(error).toBeInstanceOf(EventLimitError);
    expect(error).toBeInstanceOf(RunawayError);
    expect(error).toMatchObject({
      name: 'EventLimitError',
      limit: 100,
      atMs: 100,
      message:
        'Aborting after 100 events at simulation time 100 ms, assuming a runaway scenario (an interval too short ' +
        'for the horizon, or a repeat storm); raise the limit with --max-events.',
    });
  });

  it('takes DEFAULT_MAX_EVENTS as its limit when given none', () => {
    // (Running 500,000 events here would cost every kernel mutant of `npm run mutate` seconds.)
    expect(new Simulator<string>().eventLimit).toBe(DEFAULT_MAX_EVENTS);
    expect(new Simulator<string>({}).eventLimit).toBe(DEFAULT_MAX_EVENTS);
    expect(new Simulator<string>({ maxEvents: 7 }).eventLimit).toBe(7);
  });

  it('names a runaway error by its class', () => {
    expect(new RunawayError('too many', 5, 7)).toMatchObject({
      name: 'RunawayError',
      message: 'too many',
      limit: 5,
      atMs: 7,
    });
  });

  it("tells a pending timer's time, priority and payload, and nothing once it has fired", () => {
    const sim = new Simulator<string>();
    const h = sim.schedule(30, 4, 'x');
    expect([sim.timeOf(h), sim.priorityOf(h), sim.payloadOf(h)]).toEqual([30, 4, 'x']);
    sim.runUntil(30, () => {});
    expect([sim.timeOf(h), sim.priorityOf(h), sim.payloadOf(h)]).toEqual([NaN, NaN, undefined]);
  });
});
