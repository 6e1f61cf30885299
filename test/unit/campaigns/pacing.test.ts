import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AccountLimiter,
  Pacer,
  RECOVERY_STEP_MS,
  Semaphore,
  TokenBucket,
} from '../../../src/main/core/campaigns/pacing';

class FakeClock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

describe('token bucket and semaphore', () => {
  it('spaces dials by 60 s / rate with a burst of one, and follows a rate change', () => {
    const b = new TokenBucket(120);
    expect(b.take(0)).toBe(true);
    expect(b.take(0)).toBe(false);
    expect(b.waitMs(100)).toBe(400);
    expect(b.take(500)).toBe(true);
    b.setRate(60);
    expect(b.waitMs(500)).toBe(1000);
    expect(() => b.setRate(0)).toThrow(/positive/);
  });

  it('never hands out more permits than its limit; lowering it keeps held permits', () => {
    const s = new Semaphore(2);
    expect([s.tryAcquire(), s.tryAcquire(), s.tryAcquire()]).toEqual([true, true, false]);
    s.setLimit(1);
    s.release();
    expect(s.tryAcquire()).toBe(false);
    s.release();
    expect(s.tryAcquire()).toBe(true);
    s.release();
    expect(() => s.release()).toThrow(/released more often/);
  });
});

describe('pacer', () => {
  it('achieves the configured rate exactly when woken on time', () => {
    const clock = new FakeClock();
    const p = new Pacer({ callsPerMinute: 90, maxConcurrent: 1000 }, clock);
    const start = clock.t;
    let dials = 0;
    while (clock.t - start < 10 * 60_000) {
      const r = p.readiness();
      if (r.kind === 'ready') {
        expect(p.tryAcquire()).toBe(true);
        dials += 1;
      } else if (r.kind === 'wait') clock.t += r.ms;
      else throw new Error('full with 1000 slots');
    }
    // 10 minutes at 90/min, the first dial at 0: 900 dials (the 901st falls exactly at the end).
    expect(dials).toBe(900);
  });

  it('keeps the configured rate when each wake-up comes late', () => {
    const clock = new FakeClock();
    const p = new Pacer({ callsPerMinute: 1200, maxConcurrent: 1000 }, clock);
    const start = clock.t;
    let dials = 0;
    let late = 0;
    while (clock.t - start < 10 * 60_000) {
      const r = p.readiness();
      if (r.kind === 'ready') {
        expect(p.tryAcquire()).toBe(true);
        p.release(); // instant outcomes
        dials += 1;
      } else if (r.kind === 'wait') {
        // A busy event loop: every timer fires 0-20 ms late (the interval is 50 ms).
        late = (late * 7 + 13) % 21;
        clock.t += r.ms + late;
      } else throw new Error('full with 1000 slots');
    }
    // 12,000 due in 10 minutes: within 2%.
    expect(Math.abs(dials - 12_000) / 12_000).toBeLessThan(0.02);
  });

  it('keeps the configured rate when some wake-ups come later than half an interval', () => {
    const clock = new FakeClock();
    const p = new Pacer({ callsPerMinute: 1200, maxConcurrent: 1000 }, clock);
    const start = clock.t;
    let dials = 0;
    let wakeUps = 0;
    let lastDial = Number.NEGATIVE_INFINITY;
    while (clock.t - start < 10 * 60_000) {
      const r = p.readiness();
      if (r.kind === 'ready') {
        expect(p.tryAcquire()).toBe(true);
        p.release();
        // Still burst one: no two dials closer than half the 50 ms interval.
        expect(clock.t - lastDial).toBeGreaterThanOrEqual(25);
        lastDial = clock.t;
        dials += 1;
      } else if (r.kind === 'wait') {
        // A shared machine: most timers fire 0-4 ms late, every 8th 30-45 ms late (a GC pause, a
        // WAL checkpoint, another process), beyond half the 50 ms interval.
        wakeUps += 1;
        clock.t += r.ms + (wakeUps % 8 === 0 ? 30 + (wakeUps % 16) : wakeUps % 5);
      } else throw new Error('full with 1000 slots');
    }
    expect(Math.abs(dials - 12_000) / 12_000).toBeLessThan(0.02);
  });

  it("holds the account limit across campaigns running at once, each campaign's own rate beneath it", () => {
    const clock = new FakeClock();
    let limit = 120;
    const account = new AccountLimiter(() => limit, clock);
    // Two campaigns each allowed the account's whole rate, and a slower third.
    const pacers = [
      new Pacer({ callsPerMinute: 120, maxConcurrent: 100 }, clock, 120, account),
      new Pacer({ callsPerMinute: 120, maxConcurrent: 100 }, clock, 120, account),
      new Pacer({ callsPerMinute: 12, maxConcurrent: 100 }, clock, 120, account),
    ];
    const dials: number[][] = [[], [], []];
    const all: number[] = [];
    const start = clock.t;
    while (clock.t - start < 10 * 60_000) {
      let wait = Number.POSITIVE_INFINITY;
      for (const [i, p] of pacers.entries()) {
        const r = p.readiness();
        if (r.kind === 'ready') {
          expect(p.tryAcquire()).toBe(true);
          p.release();
          dials[i]!.push(clock.t);
          all.push(clock.t);
        } else if (r.kind === 'wait') wait = Math.min(wait, r.ms);
      }
      if (wait !== Number.POSITIVE_INFINITY) clock.t += wait;
    }
    // Together: never more than the account's 120 in any 60 s, and all of it used.
    for (const t of all) expect(all.filter((u) => u >= t && u < t + 60_000).length).toBeLessThanOrEqual(121);
    expect(Math.abs(all.length - 1200) / 1200).toBeLessThan(0.02);
    // Each campaign's own rate still holds beneath it.
    expect(dials[2]!.length).toBeLessThanOrEqual(121);
    expect(dials[0]!.length).toBeGreaterThan(300);
    expect(dials[1]!.length).toBeGreaterThan(300);
    // A lower account limit in Settings applies at once.
    limit = 30;
    const before = all.length;
    const t0 = clock.t;
    while (clock.t - t0 < 60_000) {
      let wait = Number.POSITIVE_INFINITY;
      for (const p of pacers) {
        const r = p.readiness();
        if (r.kind === 'ready') {
          p.tryAcquire();
          p.release();
          all.push(clock.t);
        } else if (r.kind === 'wait') wait = Math.min(wait, r.ms);
      }
      if (wait !== Number.POSITIVE_INFINITY) clock.t += wait;
    }
    expect(all.length - before).toBeLessThanOrEqual(31);
  });

  it("makes a test call wait for the account's next token, or refuses it past its wait", async () => {
    const account = new AccountLimiter(() => 600); // one every 100 ms
    expect(account.take({})).toBe(true);
    const t0 = Date.now();
    expect(await account.acquire(1_000)).toBe(true);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    // The next token is 100 ms away: a 10 ms wait is not enough.
    expect(await account.acquire(10)).toBe(false);
  });

  it('caps the configured rate at the account limit', () => {
    const p = new Pacer({ callsPerMinute: 500, maxConcurrent: 5 }, new FakeClock(), 200);
    expect(p.snapshot().configured.callsPerMinute).toBe(200);
  });

  it('holds every dial until Retry-After after a 429, lowers the rate, then climbs back', () => {
    const clock = new FakeClock();
    const p = new Pacer({ callsPerMinute: 100, maxConcurrent: 10 }, clock);
    expect(p.tryAcquire()).toBe(true);
    p.onFailure({ kind: 'rate_limited', retryAfterMs: 7_000, message: 'Too many requests' });
    p.release();
    expect(p.readiness()).toEqual({ kind: 'wait', ms: 7_000 });
    expect(p.snapshot().effectiveCallsPerMinute).toBe(75);
    clock.t += 7_000;
    expect(p.tryAcquire()).toBe(true);
    p.release();
    clock.t += RECOVERY_STEP_MS;
    p.readiness();
    expect(p.snapshot().effectiveCallsPerMinute).toBe(85);
    clock.t += RECOVERY_STEP_MS;
    p.readiness();
    clock.t += RECOVERY_STEP_MS;
    p.readiness();
    expect(p.snapshot().effectiveCallsPerMinute).toBe(100);
  });

  it("lowers concurrency to what was running on Exotel's concurrency refusal", () => {
    const clock = new FakeClock();
    const p = new Pacer({ callsPerMinute: 6000, maxConcurrent: 5 }, clock);
    for (let i = 0; i < 3; i++) {
      expect(p.tryAcquire()).toBe(true);
      clock.t += 10;
    }
    p.onFailure({ kind: 'rate_limited', retryAfterMs: 5_000, message: 'Concurrent call limit of 2 reached' });
    p.release();
    clock.t += 5_000;
    expect(p.snapshot().effectiveConcurrent).toBe(2);
    expect(p.readiness()).toEqual({ kind: 'full' });
    p.release();
    expect(p.tryAcquire()).toBe(true);
    expect(p.tryAcquire()).toBe(false);
  });

  type Op =
    | { op: 'tick'; ms: number }
    | { op: 'dial' }
    | { op: 'end' }
    | { op: 'limit'; cpm: number; conc: number }
    | { op: '429'; retryAfterMs: number; concurrency: boolean };
  const opArb: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ op: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 20_000 }) }),
    },
    { weight: 6, arbitrary: fc.constant({ op: 'dial' as const }) },
    { weight: 3, arbitrary: fc.constant({ op: 'end' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('limit' as const),
        cpm: fc.integer({ min: 1, max: 600 }),
        conc: fc.integer({ min: 1, max: 20 }),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant('429' as const),
        retryAfterMs: fc.integer({ min: 0, max: 60_000 }),
        concurrency: fc.boolean(),
      }),
    },
  );

  it('never above the rate or the concurrency, never before Retry-After, under random ops and limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(opArb, { maxLength: 300 }),
        (cpm0, conc0, ops) => {
          const clock = new FakeClock();
          const p = new Pacer({ callsPerMinute: cpm0, maxConcurrent: conc0 }, clock);
          let cpm = cpm0;
          let conc = conc0;
          let inFlight = 0;
          let lastDial = Number.NEGATIVE_INFINITY;
          let heldUntil = 0;
          /** Dials since the limits last changed. */
          let since: number[] = [];
          // Burst one: no two dials closer than half an interval, no 60 s window above the rate + 1.
          const checkRate = () => {
            expect(clock.t - lastDial).toBeGreaterThanOrEqual(60_000 / cpm / 2 - 1e-6);
            lastDial = clock.t;
            since.push(clock.t);
            expect(since.filter((t) => t > clock.t - 60_000).length).toBeLessThanOrEqual(cpm + 1);
          };
          for (const o of ops) {
            switch (o.op) {
              case 'tick':
                clock.t += o.ms;
                break;
              case 'dial': {
                const ready = p.readiness().kind === 'ready';
                const ok = p.tryAcquire();
                expect(ok).toBe(ready);
                if (!ok) break;
                inFlight += 1;
                expect(inFlight).toBeLessThanOrEqual(conc);
                expect(clock.t).toBeGreaterThanOrEqual(heldUntil);
                checkRate();
                break;
              }
              case 'end':
                if (inFlight > 0) {
                  p.release();
                  inFlight -= 1;
                }
                break;
              case 'limit':
                cpm = o.cpm;
                conc = o.conc;
                since = [];
                p.setLimits({ callsPerMinute: cpm, maxConcurrent: conc });
                break;
              case '429':
                // A refused dial: it held a slot until the provider said no.
                if (!p.tryAcquire()) break;
                inFlight += 1;
                expect(inFlight).toBeLessThanOrEqual(conc);
                expect(clock.t).toBeGreaterThanOrEqual(heldUntil);
                checkRate();
                p.onFailure({
                  kind: 'rate_limited',
                  retryAfterMs: o.retryAfterMs,
                  message: o.concurrency ? 'Concurrent call limit of 3 reached' : 'Too many requests',
                });
                p.release();
                inFlight -= 1;
                heldUntil = Math.max(heldUntil, clock.t + o.retryAfterMs);
                break;
              default: {
                const never: never = o;
                throw new Error(String(never));
              }
            }
            const s = p.snapshot();
            expect(s.inFlight).toBe(inFlight);
            expect(s.maxInFlightSeen).toBeLessThanOrEqual(Math.max(conc0, 20));
            expect(s.effectiveCallsPerMinute).toBeLessThanOrEqual(cpm);
            expect(s.effectiveConcurrent).toBeLessThanOrEqual(conc);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
