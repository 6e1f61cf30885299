/**
 * Helpers for Exotel's form fields. Multipart and url-encoded bodies flatten nested values as
 * `Legs[0][Status]` or `Stream[StreamSID]`; some senders put a JSON string in `Legs` / `Stream` instead.
 */

type Nested = Record<string, unknown>;

const isRecord = (v: unknown): v is Nested => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Turns `A[0][B]=x` keys into `{A: {"0": {B: x}}}`; plain keys are kept as they are. */
export function unflattenBrackets(fields: Record<string, unknown>): Nested {
  const out: Nested = {};
  for (const [key, value] of Object.entries(fields)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
    if (!match) {
      if (!(key in out)) out[key] = value;
      continue;
    }
    const path = [
      match[1] ?? key,
      ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? ''),
    ];
    let node = out;
    for (let i = 0; i < path.length - 1; i++) {
      const part = path[i] ?? '';
      const next = node[part];
      if (isRecord(next)) node = next;
      else {
        const created: Nested = {};
        node[part] = created;
        node = created;
      }
    }
    node[path[path.length - 1] ?? ''] = value;
  }
  return out;
}

/** A value that may be a JSON string, an object, or an object keyed "0", "1", … → parsed value. */
export function jsonish(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!trimmed.startsWith('{') && !trimmed.startsWith('[')) return value;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return value;
  }
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
  for (const name of names) if (name in fields) return fields[name];
  const lower = new Map(Object.keys(fields).map((k) => [k.toLowerCase(), k]));
  for (const name of names) {
    const key = lower.get(name.toLowerCase());
    if (key !== undefined) return fields[key];
  }
  return undefined;
}
