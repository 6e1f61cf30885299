import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RETRY_OUTCOMES, type RetryPolicy } from '../../../src/shared/campaigns';
import { WEEKDAYS } from '../../../src/shared/settings';
import {
  forecast,
  type ForecastContact,
  type ForecastInput,
  type ForecastTrace,
} from '../../../src/main/core/campaigns/forecast';
import { isInsideWindow } from '../../../src/main/core/campaigns/window-calendar';
import { capDay } from '../../../src/main/core/campaigns/retry-policy';

/** The forecast: a deterministic run of the dialer over the queue, checked over random campaigns. */

const fresh = (n: number): ForecastContact[] =>
  Array.from({ length: n }, (_, i) => ({
    position: i,
    status: 'pending',
    attempts: 0,
    nextEligibleAt: null,
  }));

const MONDAY_8AM_IST = Date.parse('2026-03-02T08:00:00+05:30');

const base = (n: number, over: Partial<ForecastInput> = {}): ForecastInput => ({
  contacts: fresh(n),
  pacing: { maxConcurrent: 10, callsPerMinute: 10 },
  window: { days: [...WEEKDAYS], start: '09:00', end: '21:00', timeZone: 'Asia/Kolkata' },
  retry: { maxAttempts: 3, on: ['busy', 'no_answer', 'failed'], intervalMinutes: 30, backoff: 'linear' },
  schedule: { start: MONDAY_8AM_IST, end: null },
  from: MONDAY_8AM_IST,
  ...over,
});

describe('forecast examples', () => {
  it('1,000 contacts at 10 calls a minute from 08:00 IST: dialling opens at 09:00 and ends the same evening', () => {
    const f = forecast(base(1000));
    expect(f.contacts).toBe(1000);
    expect(f.answerRate).toBe(0.6);
    expect(f.answerRateSource).toBe('assumed');
    // 1,000 first dials, and retries for the unanswered that the policy retries (busy, no answer, failed).
    expect(f.dials - f.expectedRetries).toBe(1000);
    expect(f.expectedRetries).toBeGreaterThan(300);
    expect(f.expectedRetries).toBeLessThan(1000 * 2);
    // 12 hours × 600 dials an hour > every dial: done the same day.
    expect(Date.parse(f.finishAt!)).toBeLessThan(Date.parse('2026-03-02T21:00:00+05:30') + 5 * 60_000);
    expect(f.unreachable).toEqual({ count: 0, reason: null, firstPositions: [] });
    // One billed minute per answered call (60 s talk) or machine: 600 + 228 + 87 answered over three
    // waves (each retrying 95% of the unanswered), and about 30 machines.
    expect(f.callMinutes).toBeGreaterThan(935);
    expect(f.callMinutes).toBeLessThan(955);
    expect(Date.parse(f.lastDialAt!)).toBeGreaterThanOrEqual(Date.parse('2026-03-02T09:00:00+05:30'));
    // Started at 08:00, the first call waits for the window to open at 09:00 (the panel says so).
    expect(f.firstDialAt).toBe(new Date(Date.parse('2026-03-02T09:00:00+05:30')).toISOString());
  });

  it('dials at once inside the window: the first dial is the forecast’s start', () => {
    const tenAm = Date.parse('2026-03-02T10:00:00+05:30');
    const f = forecast(base(5, { schedule: { start: tenAm, end: null }, from: tenAm }));
    expect(f.firstDialAt).toBe(new Date(tenAm).toISOString());
    expect(forecast(base(0)).firstDialAt).toBeNull();
  });

  // Found in an operator's pass: a contact capped for the day (three calls today in other campaigns) was
  // queued "next eligible 6:30 pm", while the forecast said its call would leave at once.
  it('dials a contact held back until later no sooner than that', () => {
    const tenAm = Date.parse('2026-03-02T10:00:00+05:30');
    const midnight = Date.parse('2026-03-03T00:00:00+05:30');
    const held = (position: number) => ({ ...fresh(1)[0]!, position, nextEligibleAt: midnight });
    const noRetry: RetryPolicy = { maxAttempts: 1, on: [], intervalMinutes: 30, backoff: 'linear' };
    const window = { days: [...WEEKDAYS], start: '00:00', end: '23:59', timeZone: 'Asia/Kolkata' };
    const only = forecast(
      base(0, {
        contacts: [held(0)],
        retry: noRetry,
        window,
        schedule: { start: tenAm, end: null },
        from: tenAm,
      }),
    );
    expect(only.firstDialAt).toBe(new Date(midnight).toISOString());
    expect([only.dials, only.expectedRetries]).toEqual([1, 0]);
    const mixed = forecast(
      base(0, {
        contacts: [...fresh(2), held(2)],
        retry: noRetry,
        window,
        schedule: { start: tenAm, end: null },
        from: tenAm,
      }),
    );
    expect(mixed.firstDialAt).toBe(new Date(tenAm).toISOString());
    expect(mixed.lastDialAt).toBe(new Date(midnight).toISOString());
    expect(mixed.dials).toBe(3);
  });

  it('names the queue tail an end date leaves unreached', () => {
    const end = Date.parse('2026-03-02T10:00:00+05:30'); // one hour of window at 10 a minute
    const f = forecast(base(1000, { schedule: { start: MONDAY_8AM_IST, end } }));
    expect(f.unreachable.reason).toBe('after_end');
    expect(f.unreachable.count).toBeGreaterThan(1000 - 600 - 1);
    expect(f.unreachable.firstPositions[0]).toBe(1000 - f.unreachable.count);
    expect(Date.parse(f.lastDialAt!)).toBeLessThan(end);
  });

  it('leans on the campaign’s own outcomes as they come in', () => {
    const observed = { answered: 10, busy: 90 };
    const f = forecast(base(100, { observed }));
    expect(f.answerRateSource).toBe('observed');
    expect(f.observedAttempts).toBe(100);
    expect(f.answerRate).toBeCloseTo((10 + 10 * 0.6) / 110, 6);
    expect(forecast(base(100, { observed, answerRate: 0.9 })).answerRate).toBe(0.9);
  });

  it('a retry past the day’s frequency cap waits for the next day', () => {
    const trace: ForecastTrace = { dials: [] };
    forecast(
      base(1, {
        answerRate: 0,
        retry: {
          maxAttempts: 4,
          on: ['busy', 'no_answer', 'failed', 'machine'],
          intervalMinutes: 0,
          backoff: 'linear',
        },
        capPerDay: 2,
      }),
      trace,
    );
    const days = trace.dials.map((d) =>
      new Date(d.at).toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' }),
    );
    expect(days).toEqual(['2026-03-02', '2026-03-02', '2026-03-03', '2026-03-03']);
    expect(new Date(trace.dials[2]!.at).toISOString()).toBe('2026-03-03T03:30:00.000Z'); // 09:00 IST
  });

  it('concurrency limits the rate when calls are long', () => {
    const f = forecast(base(10, { pacing: { maxConcurrent: 1, callsPerMinute: 60 }, talkSec: 120 }));
    expect(f.effectiveCallsPerMinute).toBeLessThan(1);
  });

  it('counts a contact in a call now and one waiting for its retry', () => {
    const contacts: ForecastContact[] = [
      { position: 0, status: 'done', attempts: 1, nextEligibleAt: null },
      { position: 1, status: 'in_call', attempts: 1, nextEligibleAt: null },
      { position: 2, status: 'pending', attempts: 2, nextEligibleAt: MONDAY_8AM_IST + 4 * 3600_000 },
      { position: 3, status: 'skipped', attempts: 0, nextEligibleAt: null },
    ];
    const trace: ForecastTrace = { dials: [] };
    const f = forecast(base(0, { contacts, answerRate: 0 }), trace);
    expect(f.contacts).toBe(2);
    // Position 2 makes its third and last attempt at noon; position 1's call ends and is retried.
    expect(trace.dials.filter((d) => d.position === 2).map((d) => d.attemptNo)).toEqual([3]);
    expect(trace.dials.find((d) => d.position === 2)?.at).toBe(MONDAY_8AM_IST + 4 * 3600_000);
    expect(trace.dials.filter((d) => d.position === 1).map((d) => d.attemptNo)).toEqual([2, 3]);
  });
});

const zones = ['Asia/Kolkata', 'America/New_York', 'Europe/London', 'Australia/Adelaide', 'UTC'];
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

const arbInput = fc
  .record({
    n: fc.integer({ min: 0, max: 120 }),
    days: fc.subarray([...WEEKDAYS], { minLength: 1 }),
    startMin: fc.integer({ min: 0, max: 22 * 60 }),
    lengthMin: fc.integer({ min: 15, max: 12 * 60 }),
    timeZone: fc.constantFrom(...zones),
    start: fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2026-12-20T00:00:00Z') }),
    endAfterH: fc.option(fc.integer({ min: 1, max: 24 * 10 }), { nil: null }),
    cpm: fc.integer({ min: 1, max: 120 }),
    concurrent: fc.integer({ min: 1, max: 20 }),
    maxAttempts: fc.integer({ min: 1, max: 4 }),
    on: fc.subarray([...RETRY_OUTCOMES]),
    intervalMinutes: fc.integer({ min: 0, max: 240 }),
    backoff: fc.constantFrom('linear' as const, 'exponential' as const),
    answerRate: fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: undefined }),
    capPerDay: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  })
  .map((r) => {
    const retry: RetryPolicy = {
      maxAttempts: r.maxAttempts,
      on: r.on,
      intervalMinutes: r.intervalMinutes,
      backoff: r.backoff,
    };
    const input: ForecastInput = {
      contacts: fresh(r.n),
      pacing: { maxConcurrent: r.concurrent, callsPerMinute: r.cpm },
      window: {
        days: r.days,
        start: hhmm(r.startMin),
        end: hhmm(Math.min(r.startMin + r.lengthMin, 23 * 60 + 59)),
        timeZone: r.timeZone,
      },
      retry,
      schedule: { start: r.start, end: r.endAfterH === null ? null : r.start + r.endAfterH * 3600_000 },
      from: r.start,
      answerRate: r.answerRate,
      capPerDay: r.capPerDay,
    };
    return input;
  });

describe('forecast properties', () => {
  it('never dials before the start, after the end or outside the window; never finishes before the start', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const trace: ForecastTrace = { dials: [] };
        const f = forecast(input, trace);
        for (const d of trace.dials) {
          expect(d.at).toBeGreaterThanOrEqual(input.schedule.start);
          if (input.schedule.end !== null) expect(d.at).toBeLessThan(input.schedule.end);
          expect(isInsideWindow(input.window, d.at)).toBe(true);
        }
        if (f.finishAt !== null) {
          expect(Date.parse(f.finishAt)).toBeGreaterThanOrEqual(input.from);
          expect(isInsideWindow(input.window, Date.parse(f.lastDialAt!))).toBe(true);
        }
        expect(f.dials).toBe(trace.dials.length);
      }),
      { numRuns: 150 },
    );
  });

  it('retries stay within the policy: attempts 1..max per contact, only after a retried outcome', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const trace: ForecastTrace = { dials: [] };
        const f = forecast(input, trace);
        const byContact = new Map<number, typeof trace.dials>();
        for (const d of trace.dials) byContact.set(d.position, [...(byContact.get(d.position) ?? []), d]);
        for (const dials of byContact.values()) {
          expect(dials.map((d) => d.attemptNo)).toEqual(dials.map((_, i) => i + 1));
          expect(dials.length).toBeLessThanOrEqual(input.retry.maxAttempts);
          for (const d of dials.slice(0, -1)) expect(input.retry.on).toContain(d.outcome);
        }
        expect(f.expectedRetries).toBeLessThanOrEqual(f.contacts * (input.retry.maxAttempts - 1));
        expect(f.expectedRetries).toBe(trace.dials.filter((d) => d.attemptNo > 1).length);
      }),
      { numRuns: 150 },
    );
  });

  it('never gives a contact more attempts in a local day than the frequency cap', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const trace: ForecastTrace = { dials: [] };
        forecast(input, trace);
        if (input.capPerDay === undefined) return;
        const perDay = new Map<string, number>();
        for (const d of trace.dials) {
          const key = `${d.position}@${capDay(input.window.timeZone, d.at).start}`;
          perDay.set(key, (perDay.get(key) ?? 0) + 1);
        }
        for (const n of perDay.values()) expect(n).toBeLessThanOrEqual(input.capPerDay);
      }),
      { numRuns: 150 },
    );
  });

  it('grows with the list: more contacts never finish earlier, dial less or reach more', () => {
    fc.assert(
      fc.property(arbInput, fc.integer({ min: 1, max: 40 }), (input, extra) => {
        const small = forecast(input);
        const large = forecast({ ...input, contacts: fresh(input.contacts.length + extra) });
        expect(large.dials).toBeGreaterThanOrEqual(small.dials);
        expect(large.unreachable.count).toBeGreaterThanOrEqual(small.unreachable.count);
        if (small.finishAt !== null && large.finishAt !== null)
          expect(Date.parse(large.finishAt)).toBeGreaterThanOrEqual(Date.parse(small.finishAt));
        if (small.finishAt !== null) expect(large.finishAt).not.toBeNull();
      }),
      { numRuns: 150 },
    );
  });
});
