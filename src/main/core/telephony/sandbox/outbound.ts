import type { Logger } from '../../logging';

/** The sandbox's requests into the app, shaped like Exotel's. */

export interface Leg {
  OnCallDuration: number;
  Status: string;
  AnsweredBy: string;
}

export type CallbackFields = Record<string, string | number | null | Leg[]>;

const EXOTEL_WAIT_MS = 15_000;

/** Multipart flattens Legs as `Legs[0][Status]`; JSON sends them as an array. */
function multipart(fields: CallbackFields): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (value === null) continue;
    if (Array.isArray(value)) {
      value.forEach((leg, i) => {
        for (const [k, v] of Object.entries(leg)) form.append(`Legs[${i}][${k}]`, String(v));
      });
    } else form.append(key, String(value));
  }
  return form;
}

export interface SendOptions {
  json: boolean;
  /** Exotel retries a callback not answered 200 within 15 s, up to 2 times. */
  retries: number;
  /** Send every callback twice (rehearses the app's idempotency). */
  duplicate: boolean;
  log: Logger;
  retryDelayMs: number;
}

/** POSTs a status callback; returns the last HTTP status (0 when unreachable). */
export async function sendStatusCallback(
  url: string,
  fields: CallbackFields,
  o: SendOptions,
): Promise<number> {
  let status = 0;
  for (let copy = 0; copy < (o.duplicate ? 2 : 1); copy++) {
    for (let attempt = 0; attempt <= o.retries; attempt++) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          ...(o.json
            ? { body: JSON.stringify(fields), headers: { 'Content-Type': 'application/json' } }
            : { body: multipart(fields) }),
          signal: AbortSignal.timeout(EXOTEL_WAIT_MS),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch (err) {
        status = 0;
        o.log.warn('sandbox status callback failed', { err });
      }
      if (status === 200) break;
      o.log.warn('sandbox status callback not accepted', { status, attempt });
      if (attempt < o.retries) await new Promise((r) => setTimeout(r, o.retryDelayMs));
    }
  }
  return status;
}

/** GETs a passthru URL with Exotel's query fields; returns the status (200 / 302 / …, 0 unreachable). */
export async function callPassthru(
  base: string,
  query: Record<string, string>,
  log: Logger,
): Promise<number> {
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    log.warn('sandbox passthru URL is invalid');
    return 0;
  }
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(EXOTEL_WAIT_MS) });
    await res.arrayBuffer();
    return res.status;
  } catch (err) {
    log.warn('sandbox passthru failed', { err });
    return 0;
  }
}
