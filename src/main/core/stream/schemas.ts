import { z } from 'zod';

// Zod schemas for every Exotel stream frame, both ways. Parsing is lenient (numbers as strings or
// integers, camelCase or snake_case keys, both media_format spellings); the output is one normalised,
// camelCase TypeScript shape per event.

/** An integer sent either as a JSON number or as a decimal string. */
const intish = z.union([
  z.number().int(),
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, 'expected an integer')
    .transform(Number),
]);

/** A string that some senders emit as a number (digits, bit rates, parameter values). */
const stringish = z.union([z.string(), z.number().transform(String)]);

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Base64 PCM16LE → Buffer; an odd byte count cannot be 16-bit audio. */
const pcmPayload = z
  .string()
  .refine((s) => s.length % 4 === 0 && BASE64.test(s), 'payload is not base64')
  .transform((s): Buffer => Buffer.from(s, 'base64'))
  .refine((b) => b.length % 2 === 0, 'payload is not 16-bit PCM (odd byte count)');

const sid = z.string().min(1);

const mediaFormat = z
  .object({
    encoding: z.string().default('raw/slin'),
    sample_rate: intish.default(8000),
    bit_rate: stringish.optional(),
  })
  .transform((m) => ({ encoding: m.encoding, sampleRate: m.sample_rate, bitRate: m.bit_rate }));

const customParameters = z
  .record(z.string(), z.union([stringish, z.boolean().transform(String), z.null().transform(() => '')]))
  .default({});

// ---- Exotel → bot ---------------------------------------------------------------------------------

const connected = z
  .object({ event: z.literal('connected') })
  .transform(() => ({ event: 'connected' as const }));

const start = z
  .object({
    event: z.literal('start'),
    sequence_number: intish.optional(),
    stream_sid: sid.optional(),
    start: z.object({
      stream_sid: sid.optional(),
      call_sid: sid,
      account_sid: z.string().default(''),
      from: stringish.default(''),
      to: stringish.default(''),
      custom_parameters: customParameters,
      media_format: mediaFormat.default({ encoding: 'raw/slin', sampleRate: 8000, bitRate: undefined }),
    }),
  })
  // Some third-party clients send no stream_sid at all: the call sid stands in for it (flagged, so the
  // connection can say so once), rather than dropping the frame and leaving the call silent.
  .transform((f) => ({
    event: 'start' as const,
    sequenceNumber: f.sequence_number,
    streamSid: f.stream_sid ?? f.start.stream_sid ?? f.start.call_sid,
    ...(f.stream_sid === undefined && f.start.stream_sid === undefined
      ? { streamSidFromCallSid: true as const }
      : {}),
    callSid: f.start.call_sid,
    accountSid: f.start.account_sid,
    from: f.start.from,
    to: f.start.to,
    customParameters: f.start.custom_parameters,
    mediaFormat: f.start.media_format,
  }));

const media = z
  .object({
    event: z.literal('media'),
    sequence_number: intish.optional(),
    stream_sid: sid.optional(),
    media: z.object({ chunk: intish.optional(), timestamp: intish.optional(), payload: pcmPayload }),
  })
  .transform((f) => ({
    event: 'media' as const,
    sequenceNumber: f.sequence_number,
    streamSid: f.stream_sid,
    chunk: f.media.chunk,
    timestamp: f.media.timestamp,
    payload: f.media.payload,
  }));

const dtmf = z
  .object({
    event: z.literal('dtmf'),
    sequence_number: intish.optional(),
    stream_sid: sid.optional(),
    dtmf: z.object({
      digit: stringish.pipe(z.string().regex(/^[0-9*#A-Da-d]$/, 'digit must be one of 0-9 * # A-D')),
      duration: intish.optional(),
    }),
  })
  .transform((f) => ({
    event: 'dtmf' as const,
    sequenceNumber: f.sequence_number,
    streamSid: f.stream_sid,
    digit: f.dtmf.digit,
    durationMs: f.dtmf.duration,
  }));

const markIn = z
  .object({
    event: z.literal('mark'),
    sequence_number: intish.optional(),
    stream_sid: sid.optional(),
    mark: z.object({ name: stringish }),
  })
  .transform((f) => ({
    event: 'mark' as const,
    sequenceNumber: f.sequence_number,
    streamSid: f.stream_sid,
    name: f.mark.name,
  }));

const stop = z
  .object({
    event: z.literal('stop'),
    sequence_number: intish.optional(),
    stream_sid: sid.optional(),
    stop: z
      .object({
        call_sid: z.string().optional(),
        account_sid: z.string().optional(),
        reason: z.string().optional(),
      })
      .default({}),
  })
  .transform((f) => ({
    event: 'stop' as const,
    sequenceNumber: f.sequence_number,
    streamSid: f.stream_sid,
    callSid: f.stop.call_sid,
    accountSid: f.stop.account_sid,
    reason: f.stop.reason,
  }));

export const inboundSchemas = { connected, start, media, dtmf, mark: markIn, stop } as const;
export type InboundEvent = keyof typeof inboundSchemas;
export const INBOUND_EVENTS = Object.keys(inboundSchemas) as InboundEvent[];

export type ConnectedFrame = z.output<typeof connected>;
export type StartFrame = z.output<typeof start>;
export type MediaFrame = z.output<typeof media>;
export type DtmfFrame = z.output<typeof dtmf>;
export type InboundMarkFrame = z.output<typeof markIn>;
export type StopFrame = z.output<typeof stop>;
/** Everything Exotel sends to the bot, as one discriminated union on `event`. */
export type InboundFrame =
  ConnectedFrame | StartFrame | MediaFrame | DtmfFrame | InboundMarkFrame | StopFrame;

// ---- bot → Exotel ---------------------------------------------------------------------------------

const mediaOut = z
  .object({ event: z.literal('media'), stream_sid: sid.optional(), media: z.object({ payload: pcmPayload }) })
  .transform((f) => ({ event: 'media' as const, streamSid: f.stream_sid, payload: f.media.payload }));

const markOut = z
  .object({ event: z.literal('mark'), stream_sid: sid.optional(), mark: z.object({ name: stringish }) })
  .transform((f) => ({ event: 'mark' as const, streamSid: f.stream_sid, name: f.mark.name }));

const clear = z
  .object({ event: z.literal('clear'), stream_sid: sid.optional() })
  .transform((f) => ({ event: 'clear' as const, streamSid: f.stream_sid }));

export const outboundSchemas = { media: mediaOut, mark: markOut, clear } as const;
export type OutboundEvent = keyof typeof outboundSchemas;
export const OUTBOUND_EVENTS = Object.keys(outboundSchemas) as OutboundEvent[];

export type OutboundMediaFrame = z.output<typeof mediaOut>;
export type OutboundMarkFrame = z.output<typeof markOut>;
export type ClearFrame = z.output<typeof clear>;
/** Everything the bot sends to Exotel, as one discriminated union on `event`. */
export type OutboundFrame = OutboundMediaFrame | OutboundMarkFrame | ClearFrame;
