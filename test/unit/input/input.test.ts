import { afterEach, describe, expect, it } from 'vitest';
import {
  InputError,
  isForbiddenKey,
  parseJson,
  parseJsonObject,
  quoteKey,
  safeRecord,
  scanJson,
} from '../../../src/main/core/input';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

function expectError(result: { ok: boolean; error?: InputError }, kind: InputError['kind']): InputError {
  expect(result.ok).toBe(false);
  const error = result.error as InputError;
  expect(error).toBeInstanceOf(InputError);
  expect(error.kind).toBe(kind);
  return error;
}

afterEach(() => {
  // A failed test must not leave the prototype polluted for the next one.
  for (const key of Object.keys(Object.prototype)) delete (Object.prototype as Record<string, unknown>)[key];
});

describe('parseJson', () => {
  it('parses ordinary JSON into objects without a prototype, at every depth', () => {
    const r = parseJson('{"a":{"b":[{"c":1}]},"s":"x"}');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const v = r.value as { a: { b: { c: number }[] }; s: string };
    expect(Object.getPrototypeOf(v)).toBeNull();
    expect(Object.getPrototypeOf(v.a)).toBeNull();
    expect(Object.getPrototypeOf(v.a.b[0])).toBeNull();
    expect(Array.isArray(v.a.b)).toBe(true);
    expect(v.a.b[0]?.c).toBe(1);
    expect(v.s).toBe('x');
    expect(parseJson('"text"')).toEqual({ ok: true, value: 'text' });
  });

  it('refuses text over the byte limit before parsing', () => {
    const e = expectError(parseJson(`"${'x'.repeat(100)}"`, { maxBytes: 50 }), 'too_large');
    expect(e.message).toBe('JSON text is over 50 bytes');
    // Bytes, not characters: 20 three-byte characters are 60 bytes.
    expectError(parseJson(`"${'€'.repeat(20)}"`, { maxBytes: 50 }), 'too_large');
    expectError(parseJson(Buffer.alloc(51, 0x20), { maxBytes: 50 }), 'too_large');
  });

  it('refuses nesting deeper than the limit, counting brackets outside strings only', () => {
    expectError(parseJson(nested(4000)), 'too_deep');
    expectError(parseJson(`{"a":${nested(9)}}`, { maxDepth: 9 }), 'too_deep');
    expect(parseJson(`{"a":${nested(8)}}`, { maxDepth: 9 }).ok).toBe(true);
    // Brackets inside strings (with escaped quotes) do not count.
    const inString = `{"a":"${'[{'.repeat(500)}\\"${'['.repeat(500)}"}`;
    expect(parseJson(inString, { maxDepth: 2 }).ok).toBe(true);
  });

  it('refuses more keys in total than the limit', () => {
    const wide = JSON.stringify(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`k${i}`, i])));
    expect(expectError(parseJson(wide, { maxKeys: 10 }), 'too_many_keys').message).toBe(
      'JSON has more than 10 keys',
    );
    const spread = JSON.stringify(Array.from({ length: 6 }, () => ({ a: 1, b: 2 })));
    expectError(parseJson(spread, { maxKeys: 10 }), 'too_many_keys');
    // Colons inside strings are not keys.
    expect(parseJson(JSON.stringify({ a: ':'.repeat(100) }), { maxKeys: 1 }).ok).toBe(true);
  });

  it('refuses __proto__, constructor and prototype keys at any depth, and never pollutes', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const e = expectError(parseJson(`{"ok":[{"a":{"${key}":{"polluted":"yes"}}}]}`), 'forbidden_key');
      expect(e.message).toBe(`key "${key}" is not allowed`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports invalid JSON with a short message that never echoes the input', () => {
    const e = expectError(parseJson(`{"a": ${'x'.repeat(10_000)}`), 'invalid_json');
    expect(e.message.length).toBeLessThan(120);
  });

  it('parseJsonObject wants an object', () => {
    expectError(parseJsonObject('[1]'), 'not_an_object');
    expectError(parseJsonObject('null'), 'not_an_object');
    expect(parseJsonObject('{"a":1}').ok).toBe(true);
  });

  it('scanJson alone bounds a 1 MB, 500,000-deep text in linear time without recursion', () => {
    const text = nested(500_000);
    const started = performance.now();
    expect(scanJson(text, { maxBytes: 2_000_000, maxDepth: 64, maxKeys: 10 })?.kind).toBe('too_deep');
    expect(performance.now() - started).toBeLessThan(1000);
  });
});

describe('safeRecord', () => {
  it('builds a record without a prototype from pairs, later values winning', () => {
    const r = safeRecord(new URLSearchParams('a=1&b=2&a=3'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(Object.getPrototypeOf(r.value)).toBeNull();
    expect({ ...r.value }).toEqual({ a: '3', b: '2' });
  });

  it('refuses forbidden keys and too many keys, and never pollutes', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const e = expectError(safeRecord([[key, 'x']]), 'forbidden_key');
      expect(e.message).toBe(`key "${key}" is not allowed`);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    const many = Array.from({ length: 6 }, (_, i): [string, string] => [`k${i}`, 'v']);
    expectError(safeRecord(many, { maxKeys: 5 }), 'too_many_keys');
  });

  it('cuts a huge key in the error message', () => {
    const e = expectError(parseJson(`{"a":{"${'k'.repeat(100_000)}":1,"prototype":2}}`), 'forbidden_key');
    expect(e.message).toBe('key "prototype" is not allowed');
    const long = new InputError('forbidden_key', `key ${quoteKey('x'.repeat(100_000))} is not allowed`);
    expect(long.message.length).toBeLessThan(80);
  });

  it('isForbiddenKey names exactly the three keys', () => {
    expect(['__proto__', 'constructor', 'prototype'].every(isForbiddenKey)).toBe(true);
    expect(['proto', 'Constructor', '__proto', 'toString'].some(isForbiddenKey)).toBe(false);
  });
});
