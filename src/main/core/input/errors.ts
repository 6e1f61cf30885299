export type InputErrorKind =
  'too_large' | 'too_deep' | 'too_many_keys' | 'forbidden_key' | 'invalid_json' | 'not_an_object';

/** Outside input we refuse to build objects from. The message is short and never echoes the input. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly kind: InputErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export type InputResult<T> = { ok: true; value: T } | { ok: false; error: InputError };

/** A record built from outside input: no prototype, so no key can reach Object.prototype. */
export type SafeRecord = Record<string, unknown>;

/** Keys that walk to a prototype when assigned or followed (`obj[k]`), whatever the object. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export const isForbiddenKey = (key: string): boolean => FORBIDDEN.has(key);

const MAX_QUOTED = 40;

/** A key for an error message: quoted, cut, never the whole of a huge input. */
export function quoteKey(key: string): string {
  const cut = key.length > MAX_QUOTED ? `${key.slice(0, MAX_QUOTED)}…` : key;
  return JSON.stringify(cut);
}

export const forbiddenKey = (key: string): InputError =>
  new InputError('forbidden_key', `key ${quoteKey(key)} is not allowed`);
