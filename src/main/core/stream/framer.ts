import {
  MIN_CHUNK_MS,
  frameBytes,
  maxChunkBytes,
  minChunkBytes,
  bytesPerMs,
  isSupportedSampleRate,
} from './protocol';

export interface FramerOptions {
  sampleRate: number;
  /**
   * Size of the chunks emitted while streaming, in ms; rounded to 20 ms and clamped to the limits.
   * Default: the minimum (200 ms), so the first audio leaves as early as the rules allow.
   */
  chunkMs?: number;
}

/** Checks one outgoing chunk against Exotel's size rules; returns why it is wrong, or undefined. */
export function outgoingChunkProblem(bytes: number, sampleRate: number): string | undefined {
  const frame = frameBytes(sampleRate);
  if (bytes % frame !== 0) return `${bytes} bytes is not a multiple of ${frame} (20 ms at ${sampleRate} Hz)`;
  if (bytes < minChunkBytes(sampleRate))
    return `${bytes} bytes is under the minimum ${minChunkBytes(sampleRate)}`;
  if (bytes > maxChunkBytes(sampleRate)) return `${bytes} bytes is over ${maxChunkBytes(sampleRate)}`;
  return undefined;
}

/**
 * Turns arbitrary PCM16LE (any byte counts, streamed) into chunks Exotel plays without gaps: each a
 * multiple of 20 ms (320 bytes at 8 kHz), at least 3,200 bytes at 8 kHz (see MIN_CHUNK_MS) and at
 * most 100,000 bytes. `flush()` pads the remainder with silence to a 20 ms multiple and, if still
 * shorter, to the minimum (the rules allow nothing smaller, and trailing silence is inaudible).
 */
export class PcmFramer {
  readonly sampleRate: number;
  readonly chunkBytes: number;
  private pending: Buffer[] = [];
  private pendingBytes = 0;

  constructor(options: FramerOptions) {
    if (!isSupportedSampleRate(options.sampleRate)) {
      throw new RangeError(`unsupported sample rate ${options.sampleRate} (use 8000, 16000 or 24000)`);
    }
    this.sampleRate = options.sampleRate;
    const frame = frameBytes(this.sampleRate);
    const wanted = Math.round((options.chunkMs ?? MIN_CHUNK_MS) / 20) * frame;
    this.chunkBytes = Math.min(
      maxChunkBytes(this.sampleRate),
      Math.max(minChunkBytes(this.sampleRate), wanted),
    );
  }

  /** Bytes waiting for a full chunk. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  get bufferedMs(): number {
    return this.pendingBytes / bytesPerMs(this.sampleRate);
  }

  /** Adds PCM and returns every full chunk now available (possibly none). */
  push(pcm: Buffer): Buffer[] {
    if (pcm.length === 0) return [];
    this.pending.push(pcm);
    this.pendingBytes += pcm.length;
    if (this.pendingBytes < this.chunkBytes) return [];
    const all = Buffer.concat(this.pending, this.pendingBytes);
    const chunks: Buffer[] = [];
    let at = 0;
    while (all.length - at >= this.chunkBytes) {
      chunks.push(all.subarray(at, at + this.chunkBytes));
      at += this.chunkBytes;
    }
    const rest = all.subarray(at);
    this.pending = rest.length > 0 ? [Buffer.from(rest)] : [];
    this.pendingBytes = rest.length;
    return chunks;
  }

  /** Emits the remainder padded with silence (or nothing if empty) and resets. */
  flush(): Buffer[] {
    if (this.pendingBytes === 0) return [];
    const frame = frameBytes(this.sampleRate);
    const padded = Math.max(minChunkBytes(this.sampleRate), Math.ceil(this.pendingBytes / frame) * frame);
    const out = Buffer.alloc(padded); // zero = silence in PCM16
    Buffer.concat(this.pending, this.pendingBytes).copy(out);
    this.pending = [];
    this.pendingBytes = 0;
    return [out];
  }

  /** Drops buffered audio (barge-in). */
  reset(): void {
    this.pending = [];
    this.pendingBytes = 0;
  }
}

/** Frames a whole buffer at once: every chunk, the padded remainder last. */
export function frameAll(pcm: Buffer, options: FramerOptions): Buffer[] {
  const framer = new PcmFramer(options);
  return [...framer.push(pcm), ...framer.flush()];
}
