import { DateTime } from 'luxon';
import type { WEEKDAYS } from '../../../shared/settings';

/**
 * The calling window as a calendar in the callee's zone: which instants are inside, and when it next
 * opens. Everything is computed on local wall-clock time through luxon, so DST changes move the
 * instants, never the local hours (a window whose opening falls in a spring-forward gap opens at the
 * first local minute that exists).
 */

export type Weekday = (typeof WEEKDAYS)[number];

export interface CalendarWindow {
  days: readonly Weekday[];
  /** Local HH:mm, inclusive. */
  start: string;
  /** Local HH:mm, exclusive; after `start` (a window never spans midnight). */
  end: string;
  /** IANA zone, e.g. Asia/Kolkata. */
  timeZone: string;
}

/** luxon's weekday: 1 = Monday … 7 = Sunday. */
const LUXON_DAY: Record<Weekday, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };

const minutesOf = (hhmm: string): number => {
  const m = /^(\d{2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`not a HH:mm time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
};

function localAt(w: CalendarWindow, at: number): DateTime {
  const local = DateTime.fromMillis(at, { zone: w.timeZone });
  if (!local.isValid) throw new Error(`unknown time zone ${w.timeZone}`);
  return local;
}

/** Whether a dial at this instant is inside the window. */
export function isInsideWindow(w: CalendarWindow, at: number): boolean {
  const local = localAt(w, at);
  if (!w.days.some((d) => LUXON_DAY[d] === local.weekday)) return false;
  const minute = local.hour * 60 + local.minute;
  return minute >= minutesOf(w.start) && minute < minutesOf(w.end);
}

/**
 * The first instant in (lo, hi] whose local time is at or after `minute` of the day, given that lo's
 * is before it and hi's is at or after it: where a spring-forward gap that swallowed `minute` ends.
 */
function firstAtOrAfterMinute(w: CalendarWindow, lo: number, hi: number, minute: number): number {
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    const local = localAt(w, mid);
    if (local.hour * 60 + local.minute >= minute) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The instant a local day's window opens (luxon moves a time inside a DST gap forward). */
function openingOn(w: CalendarWindow, day: DateTime): number {
  const start = minutesOf(w.start);
  const set = day.set({ hour: Math.floor(start / 60), minute: start % 60, second: 0, millisecond: 0 });
  if (set.hour * 60 + set.minute === start) return set.toMillis();
  // The opening fell in a spring-forward gap and luxon moved it past the gap by the gap's length: the
  // window opens at the gap's end, the first instant of that day whose local time is at or after start.
  const lo = day.startOf('day').toMillis();
  const first = localAt(w, lo);
  if (first.hour * 60 + first.minute >= start) return lo;
  return firstAtOrAfterMinute(w, lo, set.toMillis(), start);
}

/**
 * The first instant at or after `from` that is inside the window: `from` itself when it is inside.
 * Null when the window has no days (nothing is ever inside).
 */
export function nextOpening(w: CalendarWindow, from: number): number | null {
  if (isInsideWindow(w, from)) return from;
  const today = localAt(w, from).startOf('day');
  // Eight local days cover a whole week plus today's remainder.
  for (let i = 0; i <= 8; i++) {
    const day = today.plus({ days: i });
    if (!w.days.some((d) => LUXON_DAY[d] === day.weekday)) continue;
    const opens = openingOn(w, day);
    // A window lying wholly in a DST gap does not open that day.
    if (opens > from && isInsideWindow(w, opens)) return opens;
  }
  return null;
}

/** When the window holding `at` closes (the first instant after it that is outside); null if `at` is outside. */
export function windowCloses(w: CalendarWindow, at: number): number | null {
  if (!isInsideWindow(w, at)) return null;
  const local = localAt(w, at);
  const end = minutesOf(w.end);
  const set = local.set({ hour: Math.floor(end / 60), minute: end % 60, second: 0, millisecond: 0 });
  const closes =
    set.hour * 60 + set.minute === end
      ? set.toMillis()
      : // The end fell in a spring-forward gap (luxon moved it past the gap): the window closes where
        // the gap begins, the first instant whose local time is at or past the end.
        firstAtOrAfterMinute(w, at, set.toMillis(), end);
  return closes > at ? closes : at + 1;
}

/** A campaign's schedule: it dials from `start` and never at or after `end` (when set). */
export interface DialSchedule {
  start: number;
  end: number | null;
}

/**
 * The earliest instant at or after `from` that a dial may happen: inside the window, not before the
 * schedule starts, before it ends. Null: never again (the end comes first, or the window is empty).
 */
export function nextDialTime(w: CalendarWindow, schedule: DialSchedule, from: number): number | null {
  const opens = nextOpening(w, Math.max(from, schedule.start));
  if (opens === null) return null;
  if (schedule.end !== null && opens >= schedule.end) return null;
  return opens;
}
