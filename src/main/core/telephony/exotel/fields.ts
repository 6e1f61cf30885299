/**
 * Helpers for Exotel's form fields. Multipart and url-encoded bodies flatten nested values as
 * `Legs[0][Status]` or `Stream[StreamSID]`; some senders put a JSON string in `Legs` / `Stream` instead.
 */

import { emptyRecord, InputError, isForbiddenKey, parseJson, quoteKey, type SafeRecord } from '../../input';

type Nested = SafeRecord;

/** `Legs[0][Status]` is 3 deep; Exotel never nests further than that. */
export const MAX_BRACKET_DEPTH = 8;
/** Limits for a field holding JSON text (`Legs`, `Stream`): a callback body is at most 1 MB anyway. */
const FIELD_JSON_LIMITS = { maxDepth: 16, maxKeys: 1000 };

const isRecord = (v: unknown): v is Nested => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Turns `A[0][B]=x` keys into `{A: {"0": {B: x}}}`; plain keys are kept as they are. The result has
 * no prototype; a path part `__proto__`, `constructor` or `prototype`, or a path deeper than
 * MAX_BRACKET_DEPTH, throws an InputError (the callback is refused).
 */
export function unflattenBrackets(fields: Record<string, unknown>): Nested {
  const out = emptyRecord();
  for (const [key, value] of Object.entries(fields)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
    const path = match
      ? [match[1] ?? key, ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '')]
      : [key];
    const forbidden = path.find(isForbiddenKey);
    if (forbidden !== undefined)
      throw new InputError('forbidden_key', `key ${quoteKey(forbidden)} is not allowed`);
    if (path.length > MAX_BRACKET_DEPTH) {
      throw new InputError(
        'too_deep',
        `field ${quoteKey(key)} is nested deeper than ${MAX_BRACKET_DEPTH} levels`,
      );
    }
    if (!match) {
      if (!Object.hasOwn(out, key)) out[key] = value;
      continue;
    }
    let node = out;
    for (let i = 0; i < path.length - 1; i++) {
      const part = path[i] ?? '';
      const next = Object.hasOwn(node, part) ? node[part] : undefined;
      if (isRecord(next)) node = next;
      else {
        const created = emptyRecord();
        node[part] = created;
        node = created;
      }
    }
    node[path[path.length - 1] ?? ''] = value;
  }
  return out;
}

/**
 * A value that may be a JSON string, an object, or an object keyed "0", "1", … → parsed value.
 * Text that only looks like JSON stays text; JSON over the limits or with forbidden keys throws an
 * InputError (the callback is refused).
 */
export function jsonish(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  const parsed = parseJson(trimmed, FIELD_JSON_LIMITS);
  if (parsed.ok) return parsed.value;
  if (parsed.error.kind === 'invalid_json') return value;
  throw parsed.error;
}

/** Arrays come as arrays, as objects keyed by index, or as a JSON string of either. */
export function asList(value: unknown): unknown[] {
  const v = jsonish(value);
  if (Array.isArray(v)) return v;
  if (isRecord(v)) {
    return Object.keys(v)
      .filter((k) => /^\d+$/.test(k))
      .sort((a, b) => Number(a) - Number(b))
      .map((k) => v[k]);
  }
  return [];
}

export function asRecord(value: unknown): Nested | null {
  const v = jsonish(value);
  return isRecord(v) ? v : null;
}

/** Strings, trimmed; empty and "null" mean absent. Numbers become strings. */
export function str(value: unknown): string | null {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return t === '' || t.toLowerCase() === 'null' ? null : t;
}

export function int(value: unknown): number | null {
  const s = str(value);
  if (s === null) return null;
  const n = Number(s);
  return Number.isFinite(n) ? Math.round(n) : null;
}

/** Case-insensitive lookup: Exotel's casing varies between docs and senders. */
export function pick(fields: Nested, ...names: string[]): unknown {
  for (const name of names) if (Object.hasOwn(fields, name)) return fields[name];
  const lower = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
  for (const name of names) {
    const key = lower.get(name.toLowerCase());
    if (key !== undefined) return fields[key];
  }
  return undefined;
}
