import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isInsideWindow,
  nextDialTime,
  nextOpening,
  windowCloses,
  type CalendarWindow,
  type Weekday,
} from '../../../src/main/core/campaigns/window-calendar';

const DAYS: Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
// Zones with no DST, hour and half-hour DST, a southern-hemisphere DST and a DST change at midnight.
const ZONES = [
  'Asia/Kolkata',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'America/Santiago',
  'Pacific/Chatham',
];

/** An oracle independent of luxon: the zone's wall clock through Intl. */
function wallClock(zone: string, at: number): { day: Weekday; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(at));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return {
    day: get('weekday').toLowerCase().slice(0, 3) as Weekday,
    minute: Number(get('hour')) * 60 + Number(get('minute')),
  };
}
const hhmm = (m: number) =>
  `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const oracleInside = (w: CalendarWindow, at: number) => {
  const c = wallClock(w.timeZone, at);
  const [sh = 0, sm = 0] = w.start.split(':').map(Number);
  const [eh = 0, em = 0] = w.end.split(':').map(Number);
  return w.days.includes(c.day) && c.minute >= sh * 60 + sm && c.minute < eh * 60 + em;
};

const windowArb = fc
  .record({
    days: fc.subarray(DAYS, { minLength: 1 }),
    a: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    b: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    timeZone: fc.constantFrom(...ZONES),
  })
  .filter((r) => r.a !== r.b)
  .map((r): CalendarWindow => ({
    days: r.days,
    start: hhmm(Math.min(r.a, r.b)),
    end: hhmm(Math.max(r.a, r.b)),
    timeZone: r.timeZone,
  }));
// 2020-2030, minute-aligned and not, so DST transitions are crossed often enough.
const instantArb = fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) });

describe('calling window calendar', () => {
  it('India by default: 09:00–21:00 IST, weekdays', () => {
    const w: CalendarWindow = {
      days: ['mon', 'tue', 'wed', 'thu', 'fri'],
      start: '09:00',
      end: '21:00',
      timeZone: 'Asia/Kolkata',
    };
    // Monday 2026-01-05 08:59 IST = 03:29Z: outside; 09:00 IST opens.
    const before = Date.UTC(2026, 0, 5, 3, 29);
    expect(isInsideWindow(w, before)).toBe(false);
    expect(nextOpening(w, before)).toBe(Date.UTC(2026, 0, 5, 3, 30));
    // Friday 21:00 IST closes; the next opening is Monday 09:00 IST.
    const fridayClose = Date.UTC(2026, 0, 9, 15, 30);
    expect(isInsideWindow(w, fridayClose - 1)).toBe(true);
    expect(isInsideWindow(w, fridayClose)).toBe(false);
    expect(windowCloses(w, fridayClose - 60_000)).toBe(fridayClose);
    expect(nextOpening(w, fridayClose)).toBe(Date.UTC(2026, 0, 12, 3, 30));
  });

  it('opens at the end of a spring-forward gap when the opening falls inside it', () => {
    // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT (07:00Z). A 02:30–05:00 window opens at 03:00 EDT.
    const w: CalendarWindow = { days: ['sun'], start: '02:30', end: '05:00', timeZone: 'America/New_York' };
    expect(nextOpening(w, Date.UTC(2026, 2, 8, 5, 0))).toBe(Date.UTC(2026, 2, 8, 7, 0));
    // A window wholly inside the gap does not open that day: the next Sunday's opening instead.
    const gap: CalendarWindow = { days: ['sun'], start: '02:10', end: '02:50', timeZone: 'America/New_York' };
    expect(nextOpening(gap, Date.UTC(2026, 2, 8, 5, 0))).toBe(Date.UTC(2026, 2, 15, 6, 10));
  });

  it('closes where a spring-forward gap begins when the end falls inside it', () => {
    // Found by the property below: New York, 2029-03-11: 02:00 EST jumps to 03:00 EDT (07:00Z). A
    // 00:00–02:01 window's last minute is 01:59 EST; 03:00 EDT is already outside. luxon moves 02:01 to
    // 03:01 EDT, which had made the window close a minute late.
    const w: CalendarWindow = { days: ['sun'], start: '00:00', end: '02:01', timeZone: 'America/New_York' };
    const opens = nextOpening(w, Date.UTC(2029, 2, 4, 7, 1));
    expect(opens).toBe(Date.UTC(2029, 2, 11, 5, 0));
    expect(windowCloses(w, opens!)).toBe(Date.UTC(2029, 2, 11, 7, 0));
    expect(isInsideWindow(w, Date.UTC(2029, 2, 11, 7, 0) - 1)).toBe(true);
    expect(isInsideWindow(w, Date.UTC(2029, 2, 11, 7, 0))).toBe(false);
  });

  it('agrees with the zone wall clock (Intl) on every instant', () => {
    fc.assert(
      fc.property(windowArb, instantArb, (w, at) => {
        expect(isInsideWindow(w, at)).toBe(oracleInside(w, at));
      }),
      { numRuns: 2000 },
    );
  });

  it('next opening: inside, not before the asked instant, and nothing inside in between', () => {
    fc.assert(
      fc.property(
        windowArb,
        instantArb,
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 20, maxLength: 20 }),
        (w, from, probes) => {
          const opens = nextOpening(w, from);
          expect(opens).not.toBeNull();
          if (opens === null) return;
          expect(opens).toBeGreaterThanOrEqual(from);
          expect(oracleInside(w, opens)).toBe(true);
          // At most eight days away (a week plus today's remainder).
          expect(opens - from).toBeLessThanOrEqual(8 * 86_400_000 + 3_600_000);
          if (opens > from) {
            expect(oracleInside(w, opens - 1)).toBe(false);
            for (const p of probes) {
              expect(oracleInside(w, Math.min(opens - 1, from + Math.floor(p * (opens - from))))).toBe(false);
            }
            // Minute by minute near the opening too, where DST gaps would hide an earlier inside minute.
            for (let t = opens - 60_000; t > Math.max(from, opens - 3 * 3_600_000); t -= 60_000) {
              expect(oracleInside(w, t)).toBe(false);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a window close is the first outside instant', () => {
    fc.assert(
      fc.property(windowArb, instantArb, (w, from) => {
        const opens = nextOpening(w, from);
        if (opens === null) return;
        const closes = windowCloses(w, opens);
        expect(closes).not.toBeNull();
        if (closes === null) return;
        expect(closes).toBeGreaterThan(opens);
        expect(oracleInside(w, closes - 1)).toBe(true);
        expect(oracleInside(w, closes)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  it('never a dial time before the schedule starts or at/after it ends', () => {
    fc.assert(
      fc.property(
        windowArb,
        instantArb,
        instantArb,
        fc.option(fc.integer({ min: 0, max: 30 * 86_400_000 })),
        (w, from, start, span) => {
          const end = span === null ? null : start + span;
          const t = nextDialTime(w, { start, end }, from);
          if (t === null) {
            // Only when the window's next opening after both is at or past the end.
            const opens = nextOpening(w, Math.max(from, start));
            expect(opens === null || (end !== null && opens >= end)).toBe(true);
            return;
          }
          expect(t).toBeGreaterThanOrEqual(Math.max(from, start));
          if (end !== null) expect(t).toBeLessThan(end);
          expect(oracleInside(w, t)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
