import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../../src/main/core/campaigns/pacing';
import {
  capDay,
  retryDecision,
  retryDelayMs,
  type FinishedOutcome,
  type RetryableOutcome,
  type RetryRules,
} from '../../../src/main/core/campaigns/retry-policy';
import { nextStep, type QueueItem, type SchedulerPolicy } from '../../../src/main/core/campaigns/scheduler';
import { isInsideWindow, type Weekday } from '../../../src/main/core/campaigns/window-calendar';

/**
 * A whole campaign run against a simulated clock: random policies, windows, zones, schedules,
 * pacing, outcomes, call lengths, other campaigns' attempts and numbers added to DNC mid-run. Every
 * dial is checked at the moment it happens, and the retries against the policy afterwards.
 */

const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const OUTCOMES: FinishedOutcome[] = ['answered', 'busy', 'no_answer', 'failed', 'machine'];
const RETRYABLE: RetryableOutcome[] = ['busy', 'no_answer', 'failed', 'machine'];
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const DAY = 86_400_000;

const scenarioArb = fc
  .record({
    t0: fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
    days: fc.subarray(DAYS, { minLength: 1 }),
    startMin: fc.integer({ min: 0, max: 22 * 60 }),
    lengthMin: fc.integer({ min: 30, max: 12 * 60 }),
    timeZone: fc.constantFrom('Asia/Kolkata', 'America/New_York', 'Europe/London', 'Australia/Lord_Howe'),
    startAfter: fc.integer({ min: 0, max: 3 * DAY }),
    endAfter: fc.option(fc.integer({ min: 3_600_000, max: 10 * DAY })),
    retry: fc.record({
      maxAttempts: fc.integer({ min: 1, max: 4 }),
      on: fc.subarray(RETRYABLE),
      intervalMinutes: fc.integer({ min: 0, max: 240 }),
      backoff: fc.constantFrom('linear' as const, 'exponential' as const),
    }),
    capPerDay: fc.integer({ min: 1, max: 5 }),
    duplicates: fc.constantFrom('once' as const, 'per_campaign' as const),
    cpm: fc.integer({ min: 1, max: 120 }),
    conc: fc.integer({ min: 1, max: 8 }),
    contacts: fc.integer({ min: 1, max: 25 }),
    /** Each attempt's outcome and length (seconds), drawn in order. */
    calls: fc.array(
      fc.record({ outcome: fc.constantFrom(...OUTCOMES), sec: fc.integer({ min: 0, max: 900 }) }),
      {
        minLength: 1,
        maxLength: 100,
      },
    ),
    /** Other campaigns' attempts (contact index, offset from t0). */
    elsewhere: fc.array(fc.record({ i: fc.nat(), at: fc.integer({ min: -DAY, max: 10 * DAY }) }), {
      maxLength: 10,
    }),
    /** Numbers added to DNC mid-run (contact index, offset from t0). */
    dncAdds: fc.array(fc.record({ i: fc.nat(), at: fc.integer({ min: 0, max: 10 * DAY }) }), {
      maxLength: 5,
    }),
  })
  .map((s) => ({ ...s, endMin: Math.min(24 * 60 - 1, s.startMin + s.lengthMin) }));

interface Dial {
  contactId: number;
  attemptNo: number;
  at: number;
  endsAt: number;
  outcome: FinishedOutcome;
}

describe('the scheduler over random policies and clocks', () => {
  it('never dials outside the window, after the end, to DNC, above the cap, rate or concurrency; retries as the policy says', () => {
    const seen = { dials: 0, retries: 0, skips: 0, defers: 0, finished: 0, ended: 0 };
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const clock = {
          t: s.t0,
          now() {
            return this.t;
          },
        };
        const policy: SchedulerPolicy = {
          window: { days: s.days, start: hhmm(s.startMin), end: hhmm(s.endMin), timeZone: s.timeZone },
          schedule: {
            start: s.t0 + s.startAfter,
            end: s.endAfter === null ? null : s.t0 + s.startAfter + s.endAfter,
          },
          retry: s.retry satisfies RetryRules,
          capPerDay: s.capPerDay,
          duplicates: s.duplicates,
        };
        const pacer = new Pacer({ callsPerMinute: s.cpm, maxConcurrent: s.conc }, clock);
        const number = (i: number) => `+9198${String(i % s.contacts).padStart(8, '0')}`;
        // Every attempt to a number, any campaign: [number, at].
        const attemptLog: [string, number][] = s.elsewhere.map((e) => [number(e.i), s.t0 + e.at]);
        const elsewhere = new Set(s.elsewhere.filter((e) => e.at < 0).map((e) => number(e.i)));
        const dncAdds = s.dncAdds.map((d) => ({ n: number(d.i), at: s.t0 + d.at }));
        const dnc = new Set<string>();
        const items: (QueueItem & { status: 'pending' | 'in_call' | 'done' | 'skipped' })[] = Array.from(
          { length: s.contacts },
          (_, i) => ({
            contactId: i + 1,
            number: number(i),
            attempts: 0,
            nextEligibleAt: null,
            status: 'pending',
          }),
        );
        const dials: Dial[] = [];
        const open: Dial[] = [];
        let drawn = 0;
        let lastDial = Number.NEGATIVE_INFINITY;
        let result: 'finished' | 'ended' | null = null;

        const lookups = {
          isDnc: (n: string) => dnc.has(n),
          attemptsBetween: (n: string, from: number, to: number) =>
            attemptLog.filter(([m, at]) => m === n && at >= from && at < to).length,
          dialledElsewhere: (n: string) => elsewhere.has(n),
        };
        const advanceTo = (t: number) => {
          clock.t = Math.max(clock.t, t);
          for (const d of dncAdds) if (d.at <= clock.t) dnc.add(d.n);
          for (const call of [...open].sort((a, b) => a.endsAt - b.endsAt)) {
            if (call.endsAt > clock.t) continue;
            open.splice(open.indexOf(call), 1);
            pacer.release();
            const item = items[call.contactId - 1];
            if (!item) throw new Error('no item');
            const decision = retryDecision(policy.retry, call.attemptNo, call.outcome, call.endsAt);
            if (decision.kind === 'retry') {
              item.status = 'pending';
              item.nextEligibleAt = decision.notBefore;
            } else item.status = 'done';
          }
        };

        for (let steps = 0; steps < 5_000 && result === null; steps++) {
          const now = clock.t;
          const pending = items.filter((i) => i.status === 'pending');
          const due = pending.filter((i) => i.nextEligibleAt === null || i.nextEligibleAt <= now);
          const later = pending.filter((i) => !due.includes(i)).map((i) => i.nextEligibleAt ?? now);
          const step = nextStep(
            now,
            {
              due,
              earliestLater: later.length ? Math.min(...later) : null,
              pending: pending.length,
              inCall: open.length,
            },
            policy,
            lookups,
            pacer,
          );
          switch (step.kind) {
            case 'dial': {
              const item = items[step.item.contactId - 1]!;
              // Inside the window and the schedule.
              expect(isInsideWindow(policy.window, now)).toBe(true);
              expect(now).toBeGreaterThanOrEqual(policy.schedule.start);
              if (policy.schedule.end !== null) expect(now).toBeLessThan(policy.schedule.end);
              // Not on DNC now; under the cap today; not a duplicate when calling once.
              expect(dnc.has(item.number)).toBe(false);
              const day = capDay(s.timeZone, now);
              expect(lookups.attemptsBetween(item.number, day.start, day.end)).toBeLessThan(s.capPerDay);
              if (s.duplicates === 'once') expect(elsewhere.has(item.number)).toBe(false);
              // Rate and concurrency.
              expect(pacer.tryAcquire()).toBe(true);
              // Burst one: no two dials closer than half an interval, no 60 s window above the rate + 1.
              expect(now - lastDial).toBeGreaterThanOrEqual(60_000 / s.cpm / 2 - 1e-6);
              lastDial = now;
              expect(dials.filter((d) => d.at > now - 60_000).length + 1).toBeLessThanOrEqual(s.cpm + 1);
              expect(open.length + 1).toBeLessThanOrEqual(s.conc);
              expect(step.attemptNo).toBe(item.attempts + 1);
              expect(step.attemptNo).toBeLessThanOrEqual(s.retry.maxAttempts);
              const call = s.calls[drawn++ % s.calls.length] ?? { outcome: 'answered', sec: 10 };
              const dial: Dial = {
                contactId: item.contactId,
                attemptNo: step.attemptNo,
                at: now,
                endsAt: now + call.sec * 1000,
                outcome: call.outcome,
              };
              item.attempts = step.attemptNo;
              item.status = 'in_call';
              attemptLog.push([item.number, now]);
              dials.push(dial);
              seen.dials += 1;
              if (step.attemptNo > 1) seen.retries += 1;
              open.push(dial);
              // An instant outcome ends at once.
              advanceTo(now);
              break;
            }
            case 'skip':
              expect(
                step.reason === 'dnc' ? dnc.has(step.item.number) : elsewhere.has(step.item.number),
              ).toBe(true);
              items[step.item.contactId - 1]!.status = 'skipped';
              seen.skips += 1;
              break;
            case 'defer':
              expect(step.until).toBeGreaterThan(now);
              items[step.item.contactId - 1]!.nextEligibleAt = step.until;
              seen.defers += 1;
              break;
            case 'wait': {
              const nextEnd = open.length ? Math.min(...open.map((c) => c.endsAt)) : Number.POSITIVE_INFINITY;
              const until = Math.min(step.until ?? Number.POSITIVE_INFINITY, nextEnd);
              expect(Number.isFinite(until)).toBe(true);
              expect(until).toBeGreaterThanOrEqual(now);
              // A wait that does not move time must be one a call's end resolves.
              advanceTo(until);
              break;
            }
            case 'finished':
            case 'ended':
              expect(open.length).toBe(0);
              result = step.kind;
              seen[step.kind] += 1;
              break;
            default: {
              const never: never = step;
              throw new Error(String(never));
            }
          }
        }
        expect(result).not.toBeNull();

        // Retries exactly as the policy says.
        for (const item of items) {
          const mine = dials.filter((d) => d.contactId === item.contactId);
          mine.forEach((d, k) => {
            expect(d.attemptNo).toBe(k + 1);
            const prev = mine[k - 1];
            if (prev === undefined) return;
            expect(
              prev.outcome === 'answered' ? false : s.retry.on.includes(prev.outcome as RetryableOutcome),
            ).toBe(true);
            expect(d.at).toBeGreaterThanOrEqual(prev.endsAt + retryDelayMs(s.retry, prev.attemptNo));
          });
          const last = mine[mine.length - 1];
          if (result === 'finished' && item.status !== 'skipped') {
            // A contact left behind must have had a final outcome by the policy.
            expect(last).toBeDefined();
            if (last)
              expect(retryDecision(s.retry, last.attemptNo, last.outcome, last.endsAt).kind).toBe('final');
          }
        }
      }),
      { numRuns: 300 },
    );
    // The runs exercised every branch: dials, retries, skips, cap deferrals, both ways to stop.
    for (const [what, n] of Object.entries(seen)) expect(n, what).toBeGreaterThan(0);
  });

  it('a number put on DNC mid-campaign is never dialled after that, retry or not', () => {
    const clock = {
      t: Date.UTC(2026, 0, 5, 4, 0),
      now() {
        return this.t;
      },
    };
    const policy: SchedulerPolicy = {
      window: { days: DAYS, start: '09:00', end: '21:00', timeZone: 'Asia/Kolkata' },
      schedule: { start: clock.t, end: null },
      retry: { maxAttempts: 3, on: ['busy'], intervalMinutes: 1, backoff: 'linear' },
      capPerDay: 5,
      duplicates: 'per_campaign',
    };
    const pacer = new Pacer({ callsPerMinute: 60, maxConcurrent: 2 }, clock);
    const dnc = new Set<string>();
    const lookups = {
      isDnc: (n: string) => dnc.has(n),
      attemptsBetween: () => 0,
      dialledElsewhere: () => false,
    };
    const item: QueueItem = { contactId: 1, number: '+919800000001', attempts: 0, nextEligibleAt: null };
    const view = (i: QueueItem) => ({ due: [i], earliestLater: null, pending: 1, inCall: 0 });
    expect(nextStep(clock.t, view(item), policy, lookups, pacer)).toMatchObject({
      kind: 'dial',
      attemptNo: 1,
    });
    // Busy; the retry is due; meanwhile the number is put on DNC.
    dnc.add(item.number);
    clock.t += 120_000;
    expect(nextStep(clock.t, view({ ...item, attempts: 1 }), policy, lookups, pacer)).toEqual({
      kind: 'skip',
      item: { ...item, attempts: 1 },
      reason: 'dnc',
    });
  });
});
