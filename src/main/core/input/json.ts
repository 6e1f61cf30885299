import { forbiddenKey, InputError, isForbiddenKey, type InputResult, type SafeRecord } from './errors';
import { emptyRecord } from './record';

export interface JsonLimits {
  /** UTF-8 bytes of the text. */
  maxBytes: number;
  /** Brackets open at once: `{"a":[1]}` is 2 deep. */
  maxDepth: number;
  /** Object keys in the whole document. */
  maxKeys: number;
}

export const DEFAULT_JSON_LIMITS: JsonLimits = { maxBytes: 1024 * 1024, maxDepth: 32, maxKeys: 10_000 };

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const OPENERS = new Set([0x7b, 0x5b]); // { [
const CLOSERS = new Set([0x7d, 0x5d]); // } ]

function byteLength(text: string, max: number): number {
  // Every UTF-16 unit is at least one UTF-8 byte and at most three: skip the count when it cannot matter.
  if (text.length > max || text.length * 3 <= max) return text.length;
  return Buffer.byteLength(text, 'utf8');
}

/**
 * Checks size, nesting depth and key count of JSON text in one pass, without recursion and before
 * any parser builds anything. Brackets and colons inside strings are skipped. Keys are counted as
 * the colons outside strings (one per object member in valid JSON; invalid JSON fails in the parser).
 */
export function scanJson(text: string, limits: JsonLimits): InputError | undefined {
  if (byteLength(text, limits.maxBytes) > limits.maxBytes) {
    return new InputError('too_large', `JSON text is over ${limits.maxBytes} bytes`);
  }
  let depth = 0;
  let keys = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      // Jump to the closing quote: one not preceded by an odd run of backslashes.
      let j = i;
      for (;;) {
        j = text.indexOf('"', j + 1);
        if (j < 0) return undefined; // unterminated: the parser reports it
        let slashes = 0;
        while (text.charCodeAt(j - 1 - slashes) === BACKSLASH) slashes++;
        if (slashes % 2 === 0) break;
      }
      i = j;
    } else if (OPENERS.has(c)) {
      if (++depth > limits.maxDepth) {
        return new InputError('too_deep', `JSON is nested deeper than ${limits.maxDepth} levels`);
      }
    } else if (CLOSERS.has(c)) depth--;
    else if (c === COLON && ++keys > limits.maxKeys) {
      return new InputError('too_many_keys', `JSON has more than ${limits.maxKeys} keys`);
    }
  }
  return undefined;
}

/** Copies parsed JSON into prototype-less objects; depth is already bounded by scanJson. */
function rebuild(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(rebuild);
  const out = emptyRecord();
  const source = value as Record<string, unknown>;
  for (const key of Object.keys(source)) {
    if (isForbiddenKey(key)) throw forbiddenKey(key);
    out[key] = rebuild(source[key]);
  }
  return out;
}

/**
 * Parses outside JSON within limits (checked before parsing); every object in the result has no
 * prototype, and `__proto__`, `constructor` and `prototype` keys are refused at any depth.
 */
export function parseJson(text: string | Buffer, limits: Partial<JsonLimits> = {}): InputResult<unknown> {
  const bounds = { ...DEFAULT_JSON_LIMITS, ...limits };
  if (Buffer.isBuffer(text) && text.length > bounds.maxBytes) {
    return { ok: false, error: new InputError('too_large', `JSON text is over ${bounds.maxBytes} bytes`) };
  }
  const source = Buffer.isBuffer(text) ? text.toString('utf8') : text;
  const refused = scanJson(source, bounds);
  if (refused) return { ok: false, error: refused };
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (err) {
    // V8's message quotes a token of the input; keep only its start.
    const why = err instanceof Error ? err.message.slice(0, 60) : 'syntax error';
    return { ok: false, error: new InputError('invalid_json', `not valid JSON (${why})`) };
  }
  try {
    return { ok: true, value: rebuild(parsed) };
  } catch (err) {
    if (err instanceof InputError) return { ok: false, error: err };
    throw err;
  }
}

/** `parseJson` for text that must hold one JSON object. */
export function parseJsonObject(
  text: string | Buffer,
  limits: Partial<JsonLimits> = {},
): InputResult<SafeRecord> {
  const result = parseJson(text, limits);
  if (!result.ok) return result;
  const v = result.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    return { ok: false, error: new InputError('not_an_object', 'JSON is not an object') };
  }
  return { ok: true, value: v as SafeRecord };
}
