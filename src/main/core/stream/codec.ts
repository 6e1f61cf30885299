import type { z } from 'zod';
import { emptyRecord, parseJson, type InputErrorKind, type JsonLimits, type SafeRecord } from '../input';
import {
  inboundSchemas,
  outboundSchemas,
  type InboundFrame,
  type OutboundFrame,
  type InboundEvent,
  type OutboundEvent,
} from './schemas';

/** InputErrorKind covers text we refused to parse (size, depth, keys, forbidden keys, not JSON). */
export type StreamFrameErrorKind = InputErrorKind | 'unknown_event' | 'invalid_frame';

/**
 * Bounds checked on a frame's text before it is parsed. Exotel's deepest frame (`start` with its
 * media_format) is 3 levels and carries ~20 keys; a 100 ms media frame is ~2.3 KB.
 */
export const FRAME_LIMITS: JsonLimits = { maxBytes: 1024 * 1024, maxDepth: 8, maxKeys: 256 };

/** A frame we could not use. The caller logs it and drops the frame; the session goes on. */
export class StreamFrameError extends Error {
  override readonly name = 'StreamFrameError';
  constructor(
    readonly kind: StreamFrameErrorKind,
    message: string,
    /** The start of the raw frame, for the log (payloads can be large). */
    readonly excerpt: string,
    readonly event?: string,
  ) {
    super(message);
  }
}

export type ParseResult<F> = { ok: true; frame: F } | { ok: false; error: StreamFrameError };

const EXCERPT_CHARS = 200;

const camelToSnake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const OPAQUE_KEYS = new Set(['custom_parameters']);

/**
 * camelCase keys → snake_case, except inside custom_parameters (those keys belong to the caller).
 * Objects come out without a prototype (the input has no forbidden keys: parseJson refused them).
 */
function snakeKeys(value: unknown, depth = 0): unknown {
  if (depth > 4 || value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const out: SafeRecord = emptyRecord();
  for (const [k, v] of Object.entries(value)) {
    const key = camelToSnake(k);
    // When both spellings arrive, the documented snake_case one wins.
    if (Object.hasOwn(out, key) && key !== k) continue;
    out[key] = OPAQUE_KEYS.has(key) ? v : snakeKeys(v, depth + 1);
  }
  return out;
}

function rawText(data: unknown): string | undefined {
  if (typeof data === 'string') return data;
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data) && data.every((d) => Buffer.isBuffer(d)))
    return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return undefined;
}

const EVENT_CHARS = 40;

/** An unknown event for a message: never the structure itself (it may be huge or deeply nested). */
function describeEvent(event: unknown): string {
  if (typeof event === 'string') {
    return JSON.stringify(event.length > EVENT_CHARS ? `${event.slice(0, EVENT_CHARS)}…` : event);
  }
  if (event === undefined) return '(none)';
  if (event === null) return 'null';
  if (Array.isArray(event)) return '(an array)';
  if (typeof event === 'object') return '(an object)';
  return `(a ${typeof event})`;
}

function parseWith<E extends string, F>(
  data: unknown,
  schemas: Record<E, z.ZodType<F, unknown>>,
  side: string,
): ParseResult<F> {
  const text = rawText(data);
  const excerpt = (text ?? String(data)).slice(0, EXCERPT_CHARS);
  const fail = (kind: StreamFrameErrorKind, message: string, event?: string): ParseResult<F> => ({
    ok: false,
    error: new StreamFrameError(kind, message, excerpt, event),
  });
  if (text === undefined) return fail('invalid_json', `${side} frame is not text`);
  const parsed = parseJson(text, FRAME_LIMITS);
  if (!parsed.ok) {
    const { kind, message } = parsed.error;
    if (kind === 'invalid_json') return fail(kind, `${side} frame is ${message}`);
    return fail(kind, `${side} frame refused: ${message}`);
  }
  const json = parsed.value;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return fail('not_an_object', `${side} frame is not a JSON object`);
  }
  const event = (json as { event?: unknown }).event;
  if (typeof event !== 'string' || !Object.hasOwn(schemas, event)) {
    const named = describeEvent(event);
    return fail('unknown_event', `${side} frame has unknown event ${named}`, named);
  }
  const result = schemas[event as E].safeParse(snakeKeys(json));
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return fail('invalid_frame', `invalid ${side} "${event}" frame: ${issues}`, event);
  }
  return { ok: true, frame: result.data };
}

/** Parses one frame Exotel sent to the bot (text or Buffer from `ws`). Never throws. */
export function parseInboundFrame(data: unknown): ParseResult<InboundFrame> {
  return parseWith<InboundEvent, InboundFrame>(data, inboundSchemas, 'inbound');
}

/** Parses one frame the bot sent to Exotel (used by the Exotel-side client). Never throws. */
export function parseOutboundFrame(data: unknown): ParseResult<OutboundFrame> {
  return parseWith<OutboundEvent, OutboundFrame>(data, outboundSchemas, 'outbound');
}

// ---- emission: exactly the documented form (snake_case; numbers as strings, as Exotel sends them) ---

const str = (n: number | undefined) => (n === undefined ? undefined : String(n));

/** What the bot sends; the stream_sid is added on emission. */
export type OutboundMessage =
  { event: 'media'; payload: Buffer } | { event: 'mark'; name: string } | { event: 'clear' };

/** Bot → Exotel, documented form. Payloads are PCM16LE, base64. */
export function encodeOutboundFrame(frame: OutboundMessage | OutboundFrame, streamSid: string): string {
  switch (frame.event) {
    case 'media':
      return JSON.stringify({
        event: 'media',
        stream_sid: streamSid,
        media: { payload: frame.payload.toString('base64') },
      });
    case 'mark':
      return JSON.stringify({ event: 'mark', stream_sid: streamSid, mark: { name: frame.name } });
    case 'clear':
      return JSON.stringify({ event: 'clear', stream_sid: streamSid });
  }
}

/** Exotel → bot, documented form (what the sandbox and the QA runner send). */
export function encodeInboundFrame(frame: InboundFrame): string {
  const head = (f: { sequenceNumber?: number; streamSid?: string }) => ({
    sequence_number: str(f.sequenceNumber),
    stream_sid: f.streamSid,
  });
  switch (frame.event) {
    case 'connected':
      return JSON.stringify({ event: 'connected' });
    case 'start':
      return JSON.stringify({
        event: 'start',
        ...head(frame),
        start: {
          stream_sid: frame.streamSid,
          call_sid: frame.callSid,
          account_sid: frame.accountSid,
          from: frame.from,
          to: frame.to,
          custom_parameters: frame.customParameters,
          media_format: {
            encoding: frame.mediaFormat.encoding,
            sample_rate: String(frame.mediaFormat.sampleRate),
            bit_rate: frame.mediaFormat.bitRate,
          },
        },
      });
    case 'media':
      return JSON.stringify({
        event: 'media',
        ...head(frame),
        media: {
          chunk: str(frame.chunk),
          timestamp: str(frame.timestamp),
          payload: frame.payload.toString('base64'),
        },
      });
    case 'dtmf':
      return JSON.stringify({
        event: 'dtmf',
        ...head(frame),
        dtmf: { digit: frame.digit, duration: str(frame.durationMs) },
      });
    case 'mark':
      return JSON.stringify({ event: 'mark', ...head(frame), mark: { name: frame.name } });
    case 'stop':
      return JSON.stringify({
        event: 'stop',
        ...head(frame),
        stop: { call_sid: frame.callSid, account_sid: frame.accountSid, reason: frame.reason },
      });
  }
}
