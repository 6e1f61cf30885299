import type { z } from 'zod';
import type { ProviderFailure } from '../types';
import { DEFAULT_RETRY_AFTER_MS } from './wire';
import { RestExceptionSchema } from './schemas';
import { parseJson, type JsonLimits } from '../../input';

/** Retry-After is seconds or an HTTP date; absent or unreadable → our default. */
export function retryAfterMs(header: string | null, now = Date.now()): number {
  if (header === null || header.trim() === '') return DEFAULT_RETRY_AFTER_MS;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const at = Date.parse(header);
  if (Number.isFinite(at)) return Math.max(0, at - now);
  return DEFAULT_RETRY_AFTER_MS;
}

/** One call or an error: a few KB and a few dozen keys. */
const ONE_CALL_LIMITS: Partial<JsonLimits> = { maxBytes: 64 * 1024, maxDepth: 8, maxKeys: 200 };
/**
 * A page of the bulk call list (the reconcile lookup): up to 100 calls of ~20 keys and under 1 KB
 * each (docs/exotel.md; the sandbox's: 17 keys, ~460 bytes), so a full page is ~2,000 keys and under
 * 100 KB. One call's limits refused any page of more than ~10 calls; these leave ten times a page.
 */
export const CALL_LIST_LIMITS: Partial<JsonLimits> = { maxBytes: 1024 * 1024, maxDepth: 8, maxKeys: 20_000 };

/** Read as "not JSON" beyond its limits (bounded, no prototypes). */
function tryJson(text: string, limits: Partial<JsonLimits> = ONE_CALL_LIMITS): unknown {
  const parsed = parseJson(text, limits);
  return parsed.ok ? parsed.value : undefined;
}

const snippet = (text: string) => text.replace(/\s+/g, ' ').trim().slice(0, 200);

/** A non-2xx answer → the failure the dialer acts on. */
export function failureFromResponse(status: number, headers: Headers, body: string): ProviderFailure {
  const parsed = RestExceptionSchema.safeParse(tryJson(body));
  const exception = parsed.success ? parsed.data.RestException : undefined;
  const message = exception?.Message ?? (snippet(body) || `HTTP ${status}`);
  if (status === 429) {
    return { kind: 'rate_limited', retryAfterMs: retryAfterMs(headers.get('retry-after')), message };
  }
  // A 5xx says nothing about whether the call was placed: the dialer must reconcile before retrying.
  if (status >= 500) {
    return {
      kind: 'network_error',
      mayHaveReached: true,
      message: `Exotel answered HTTP ${status}: ${message}`,
    };
  }
  return { kind: 'rejected', status, message, code: exception?.Code ?? null };
}

/** A 2xx answer whose body is not what we expect: it reached Exotel, so it may have placed the call. */
export function parseSuccess<T>(
  schema: z.ZodType<T>,
  body: string,
  limits: Partial<JsonLimits> = ONE_CALL_LIMITS,
): { ok: true; value: T } | { ok: false; failure: ProviderFailure } {
  const parsed = schema.safeParse(tryJson(body, limits));
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    failure: {
      kind: 'network_error',
      mayHaveReached: true,
      message: `Unexpected response from Exotel: ${parsed.error.issues[0]?.message ?? 'not JSON'}`,
    },
  };
}

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && typeof e === 'object' && e !== null; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** fetch threw: decide whether the request could have reached Exotel. Unknown cases say "maybe". */
export function failureFromThrow(err: unknown, timeoutMs: number): ProviderFailure {
  const name = err instanceof Error ? err.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return {
      kind: 'network_error',
      mayHaveReached: true,
      message: `No answer from Exotel within ${timeoutMs} ms`,
    };
  }
  const code = errorCode(err);
  const detail = err instanceof Error ? err.message : String(err);
  if (code !== undefined && NOT_SENT_CODES.has(code)) {
    return { kind: 'network_error', mayHaveReached: false, message: `Cannot reach Exotel (${code})` };
  }
  return {
    kind: 'network_error',
    mayHaveReached: true,
    message: `Network error talking to Exotel${code ? ` (${code})` : ''}: ${detail}`,
  };
}
