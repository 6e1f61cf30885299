import fc from 'fast-check';

/** Keys an attacker uses to reach a prototype, plain and in Exotel's bracket notation. */
export const POISON_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '__proto__[x]',
  '__proto__[NODE_OPTIONS]',
  'constructor[prototype][polluted]',
  'Legs[0][__proto__][x]',
  'Legs[__proto__][x]',
  'Stream[__proto__][polluted]',
  'Stream[constructor][prototype][y]',
  'toString',
  'hasOwnProperty',
  'valueOf',
] as const;

/** Field names Exotel really sends, so fuzzed bodies reach deep into the parsers. */
export const EXOTEL_KEYS = [
  'CallSid',
  'Status',
  'EventType',
  'CustomField',
  'DateUpdated',
  'ConversationDuration',
  'Legs',
  'Legs[0][Status]',
  'Legs[0][AnsweredBy]',
  'Legs[0][OnCallDuration]',
  'Stream',
  'Stream[StreamSID]',
  'Stream[Status]',
  'Stream[DisconnectedBy]',
  'RecordingUrl',
  'digits',
  'CallFrom',
  'CallTo',
  'Direction',
] as const;

export const fieldKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...POISON_KEYS) },
  { weight: 4, arbitrary: fc.constantFrom(...EXOTEL_KEYS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
);

const leaf: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('completed', 'busy', 'no-answer', 'failed', 'in-progress', 'null', '', 'answered'),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 32, maxLength: 32 }),
);

/** Any JSON value, with poisonous keys and realistic field names mixed in. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(fieldKey, tie('value'), { maxKeys: 6 }),
  ),
})).value;

/** A flat form: what url-encoded and multipart bodies and passthru queries carry. */
export const formFields: fc.Arbitrary<[string, string][]> = fc.array(
  fc.tuple(fieldKey, fc.oneof(fc.string({ maxLength: 60 }), leaf.map(String))),
  { maxLength: 30 },
);

/** Text nested `depth` deep, e.g. `{"event":[[[…]]]}`: the shape that once overflowed the stack. */
export function deepJson(depth: number, open = '[', close = ']', head = '{"event":'): string {
  return `${head}${open.repeat(depth)}null${close.repeat(depth)}}`;
}

export const deepText: fc.Arbitrary<string> = fc
  .tuple(
    fc.integer({ min: 100, max: 20_000 }),
    fc.constantFrom<[string, string]>(['[', ']'], ['{"a":', '}'], ['[{"__proto__":', '}]']),
    fc.constantFrom('{"event":', '{"event":"media","media":', '{"CallSid":', '{"__proto__":'),
  )
  .map(([depth, [open, close], head]) => deepJson(depth, open, close, head));

/** Raw bytes of any kind: invalid UTF-8, NULs, half a JSON document. */
export const garbageBytes: fc.Arbitrary<Uint8Array> = fc.uint8Array({ maxLength: 2048 });
