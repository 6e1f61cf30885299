import { forbiddenKey, InputError, isForbiddenKey, type InputResult, type SafeRecord } from './errors';

/** Enough for any Exotel callback (~40 fields) and any form a person fills in. */
export const DEFAULT_MAX_FIELDS = 500;

/** An empty record without a prototype. */
export const emptyRecord = (): SafeRecord => Object.create(null) as SafeRecord;

/**
 * A record from key/value pairs (form fields, URLSearchParams, multipart fields), later values
 * winning. Refuses `__proto__`, `constructor`, `prototype` and more than `maxKeys` distinct keys.
 */
export function safeRecord<V>(
  pairs: Iterable<readonly [string, V]>,
  limits: { maxKeys?: number } = {},
): InputResult<SafeRecord> {
  const maxKeys = limits.maxKeys ?? DEFAULT_MAX_FIELDS;
  const out = emptyRecord();
  let count = 0;
  for (const [key, value] of pairs) {
    if (isForbiddenKey(key)) return { ok: false, error: forbiddenKey(key) };
    if (!Object.hasOwn(out, key) && ++count > maxKeys) {
      return { ok: false, error: new InputError('too_many_keys', `more than ${maxKeys} fields`) };
    }
    out[key] = value;
  }
  return { ok: true, value: out };
}

/**
 * Adds fields one at a time (for streaming parsers such as busboy) with the same rules as
 * `safeRecord`; the first refusal is kept and every later field is ignored.
 */
export class SafeRecordBuilder {
  readonly record = emptyRecord();
  private count = 0;
  error: InputError | undefined;

  constructor(private readonly maxKeys = DEFAULT_MAX_FIELDS) {}

  add(key: string, value: unknown): void {
    if (this.error) return;
    if (isForbiddenKey(key)) this.error = forbiddenKey(key);
    else if (!Object.hasOwn(this.record, key) && ++this.count > this.maxKeys) this.tooMany();
    else this.record[key] = value;
  }

  /** For a parser that enforces the count itself and only says that it stopped. */
  tooMany(): void {
    this.error ??= new InputError('too_many_keys', `more than ${this.maxKeys} fields`);
  }

  result(): InputResult<SafeRecord> {
    return this.error ? { ok: false, error: this.error } : { ok: true, value: this.record };
  }
}
