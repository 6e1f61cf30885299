/** Bounds on what one log record may carry: outside input reaches the logs, so its size is capped. */
export interface LogShape {
  /** Longest string kept whole (longer ones are cut, with the count of what was cut). */
  maxStringChars: number;
  /** Largest serialised line, in bytes. */
  maxLineBytes: number;
}

const MAX_DEPTH = 4;
const MAX_ITEMS = 20;
const MAX_KEYS = 30;
const MAX_STACK_CHARS = 1500;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(+${text.length - max} chars)`;
}

function errorSummary(err: Error, shape: LogShape, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: truncate(String(err.name), 100),
    message: truncate(String(err.message), shape.maxStringChars),
  };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' || typeof code === 'number') out.code = code;
  if (typeof err.stack === 'string') out.stack = truncate(err.stack, MAX_STACK_CHARS);
  if (err.cause !== undefined && depth < MAX_DEPTH) out.cause = summarise(err.cause, shape, depth + 1);
  return out;
}

/**
 * A bounded copy of any value for a log line: strings cut, depth, array items and object keys
 * capped, errors reduced to name/message/stack, binary data and functions named, never throws
 * (throwing getters, cycles, BigInt). The work done is bounded by the caps, whatever the input.
 */
export function summarise(value: unknown, shape: LogShape, depth = 0): unknown {
  switch (typeof value) {
    case 'string':
      return truncate(value, shape.maxStringChars);
    case 'number':
    case 'boolean':
    case 'undefined':
      return value;
    case 'bigint':
      return truncate(`${value}n`, 100);
    case 'symbol':
      return truncate(value.toString(), 100);
    case 'function':
      return `[function ${truncate(value.name, 100)}]`;
    default:
      break;
  }
  if (value === null) return null;
  const obj = value as object;
  if (obj instanceof Error) return errorSummary(obj, shape, depth);
  if (Buffer.isBuffer(obj) || ArrayBuffer.isView(obj)) return `[binary ${obj.byteLength} bytes]`;
  if (obj instanceof ArrayBuffer) return `[binary ${obj.byteLength} bytes]`;
  if (obj instanceof Map || obj instanceof Set) return `[${obj.constructor.name} of ${obj.size}]`;
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (Array.isArray(obj)) {
    if (depth >= MAX_DEPTH) return `[array of ${obj.length}]`;
    const items = obj.slice(0, MAX_ITEMS).map((v) => summarise(v, shape, depth + 1));
    if (obj.length > MAX_ITEMS) items.push(`…(+${obj.length - MAX_ITEMS} items)`);
    return items;
  }
  if (depth >= MAX_DEPTH) return '[object]';
  const out: Record<string, unknown> = {};
  let keys: string[];
  try {
    keys = Object.keys(obj);
  } catch {
    return '[object: keys unreadable]';
  }
  for (const key of keys.slice(0, MAX_KEYS)) {
    let v: unknown;
    try {
      v = (obj as Record<string, unknown>)[key];
    } catch {
      v = '[unreadable]';
    }
    // defineProperty: a key named __proto__ stays a plain field of the copy.
    Object.defineProperty(out, truncate(key, 100), {
      value: summarise(v, shape, depth + 1),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  if (keys.length > MAX_KEYS) out['…'] = `+${keys.length - MAX_KEYS} keys`;
  return out;
}

/** JSON of `value` in at most `maxBytes` bytes: when too big, a cut preview of it is shown instead. */
export function boundedJson(value: unknown, maxBytes: number): string {
  const full = JSON.stringify(value ?? null);
  if (Buffer.byteLength(full) <= maxBytes) return full;
  let preview = full;
  for (let i = 0; i < 20; i++) {
    const out = JSON.stringify({ truncated: true, preview });
    const bytes = Buffer.byteLength(out);
    if (bytes <= maxBytes) return out;
    preview = preview.slice(0, Math.max(0, Math.floor((preview.length * maxBytes * 0.9) / bytes) - 64));
  }
  return '{"truncated":true}';
}

/** One JSON line of a record, at most `maxLineBytes` bytes (big fields become a cut preview). */
export function boundedLine(record: { message: string; fields?: unknown }, shape: LogShape): string {
  const line = JSON.stringify(record);
  if (Buffer.byteLength(line) <= shape.maxLineBytes) return line;
  const message = truncate(record.message, 200);
  const rest = Buffer.byteLength(JSON.stringify({ ...record, message, fields: null }));
  const fields = JSON.parse(boundedJson(record.fields, shape.maxLineBytes - rest)) as unknown;
  return JSON.stringify({ ...record, message, fields });
}
