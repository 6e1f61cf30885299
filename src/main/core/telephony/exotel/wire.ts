/**
 * Exotel wire facts that public sources leave open (docs/exotel.md marks them UNCONFIRMED).
 * Kept in one place so each is easy to change once confirmed.
 */

/** Exotel timestamps look like `2026-01-05 10:30:24`; the zone is not stated. We assume IST. */
export const EXOTEL_TIME_ZONE = 'Asia/Kolkata';
export const EXOTEL_TIMESTAMP_FORMAT = 'yyyy-MM-dd HH:mm:ss';

/** Per-plan concurrency caps are not published; the sandbox defaults to the smaller guess. */
export const DEFAULT_CONCURRENCY_CAP = 10;
/** Documented: 200 Voice API requests per minute per account. */
export const DEFAULT_REQUESTS_PER_MINUTE = 200;
/** When Exotel answers 429 without Retry-After, wait this long. */
export const DEFAULT_RETRY_AFTER_MS = 5_000;
/** How Exotel rejects a call over the concurrency cap is not documented; we assume 429 like the rate limit. */
export const CONCURRENCY_EXCEEDED_STATUS = 429;

export const exotelApiBase = (host: string): string => `https://${host}`;
export const flowUrl = (accountSid: string, appId: string): string =>
  `http://my.exotel.com/${accountSid}/exoml/start_voice/${appId}`;

/** Exotel's timestamp shape (`YYYY-MM-DD HH:mm:ss`) for an instant, in IST as we assume Exotel uses. */
export function exotelTimestamp(ms: number): string {
  const ist = new Date(ms + 5.5 * 3600 * 1000).toISOString();
  return `${ist.slice(0, 10)} ${ist.slice(11, 19)}`;
}

/** An Exotel timestamp back to an instant (IST); NaN when it is not one. */
export function parseExotelTimestamp(text: string): number {
  const m = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})$/.exec(text.trim());
  return m ? Date.parse(`${m[1]}T${m[2]}+05:30`) : Number.NaN;
}
