// Exotel stream protocol constants and the assumptions we made where public sources are silent
// (docs/exotel.md, section 3). Keep every such guess here so it is easy to change in one place.

export const SUPPORTED_SAMPLE_RATES = [8000, 16000, 24000] as const;
export type SampleRate = (typeof SUPPORTED_SAMPLE_RATES)[number];
export const DEFAULT_SAMPLE_RATE: SampleRate = 8000;

/** PCM16LE mono: two bytes a sample. */
export const BYTES_PER_SAMPLE = 2;

/** Outgoing chunks are a multiple of 20 ms (320 bytes at 8 kHz; scales with the rate). */
export const FRAME_MS = 20;
/**
 * Outgoing chunks are at least 3,200 bytes at 8 kHz. Exotel's page calls that "100 ms", but 3,200 bytes
 * of 8 kHz PCM16 is 200 ms; we obey the byte figure (the stricter one) and keep the duration when the
 * rate is higher (6,400 bytes at 16 kHz, 9,600 at 24 kHz). UNCONFIRMED for 16/24 kHz.
 */
export const MIN_CHUNK_MS = 200;
/** Outgoing chunks are at most 100,000 bytes, whatever the rate. */
export const MAX_CHUNK_BYTES = 100_000;

/** Exotel sends caller audio about every 100 ms. */
export const INBOUND_CHUNK_MS = 100;

/** Exotel's cap on one stream. */
export const MAX_STREAM_MS = 60 * 60 * 1000;

export const ASSUMPTIONS = {
  /**
   * UNCONFIRMED: `media.chunk` counts from 1 and `media.timestamp` is the media time (ms since stream
   * start) at the END of the chunk, which matches the documented example (chunk "2", timestamp "200").
   */
  chunkNumberingStartsAt: 1,
  timestampIsChunkEnd: true,
  /** UNCONFIRMED: `start` carries sequence_number 1; `connected` carries none. */
  firstSequenceNumber: 1,
  /**
   * UNCONFIRMED: on `clear`, marks queued behind the dropped audio are echoed at once (as Twilio does),
   * so the bot still learns that its turn is over.
   */
  echoMarksOnClear: true,
} as const;

export function bytesPerMs(sampleRate: number): number {
  return (sampleRate * BYTES_PER_SAMPLE) / 1000;
}

/** Bytes in one 20 ms frame: 320 at 8 kHz, 640 at 16 kHz, 960 at 24 kHz. */
export function frameBytes(sampleRate: number): number {
  return bytesPerMs(sampleRate) * FRAME_MS;
}

export function minChunkBytes(sampleRate: number): number {
  return bytesPerMs(sampleRate) * MIN_CHUNK_MS;
}

/** The largest frame multiple not above 100,000 bytes. */
export function maxChunkBytes(sampleRate: number): number {
  const frame = frameBytes(sampleRate);
  return Math.floor(MAX_CHUNK_BYTES / frame) * frame;
}

export function isSupportedSampleRate(rate: number): rate is SampleRate {
  return (SUPPORTED_SAMPLE_RATES as readonly number[]).includes(rate);
}

/** Media duration of a PCM16 buffer, in ms (fractional). */
export function pcmDurationMs(bytes: number, sampleRate: number): number {
  return bytes / bytesPerMs(sampleRate);
}
