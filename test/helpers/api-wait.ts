import type { ApiResult } from '../../src/shared/api/errors';

/** An Api result's value; a failure fails the test naming the error. */
export const ok = <T>(r: ApiResult<unknown>): T => {
  if (!r.ok) throw new Error(`expected success: ${JSON.stringify(r.error)}`);
  return r.value as T;
};

/** Polls `fn` every 20 ms until it gives a value; bounded by `ms`. */
export async function until<T>(fn: () => T | undefined, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

/** `until` for an async check: polls `fn` every 50 ms until it gives a value; bounded by `ms`. */
export async function untilAsync<T>(fn: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out');
}
