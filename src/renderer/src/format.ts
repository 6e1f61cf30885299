/**
 * How every page writes dates, times and counts. One fixed locale, en-IN, not the browser's: the
 * operators are in India, counts were already written en-IN (12,34,567) everywhere, and one table must
 * not read 26/11/2026 while the next reads 11/26/2026. Times are in the computer's own time zone.
 */
export const APP_LOCALE = 'en-IN';

const DATE_TIME = new Intl.DateTimeFormat(APP_LOCALE, {
  day: 'numeric',
  month: 'numeric',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  second: '2-digit',
});
const TIME = new Intl.DateTimeFormat(APP_LOCALE, { hour: 'numeric', minute: '2-digit', second: '2-digit' });
const COUNT = new Intl.NumberFormat(APP_LOCALE);

type When = string | number | Date | null | undefined;

const instant = (when: When): Date | undefined => {
  if (when === null || when === undefined) return undefined;
  const d = when instanceof Date ? when : new Date(when);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** 26/11/2026, 7:05:59 am; '—' for no time (or one that does not parse). */
export function formatDateTime(when: When): string {
  const d = instant(when);
  return d ? DATE_TIME.format(d) : '—';
}

/** 7:05:59 am; '—' for no time. */
export function formatTime(when: When): string {
  const d = instant(when);
  return d ? TIME.format(d) : '—';
}

/** 12,34,567 */
export function formatCount(n: number): string {
  return COUNT.format(n);
}
