import { createHash } from 'node:crypto';

export interface TtsCacheStats {
  /** Lines served from the cache, lines that waited for the same line being synthesised, misses. */
  hits: number;
  shared: number;
  misses: number;
  entries: number;
  bytes: number;
  evictions: number;
}

/** One line being synthesised: others asking for it wait for its audio instead of synthesising it. */
export interface TtsCacheFill {
  done(pcm: Buffer): void;
  /** Not finished (aborted, failed, the consumer stopped): waiters synthesise it themselves. */
  abandon(): void;
}

/** Default budget: ~35 minutes of 8 kHz audio, a few hundred bots' prompts and pre-synthesised lines. */
export const DEFAULT_TTS_CACHE_BYTES = 32 * 1024 * 1024;

/**
 * Whole lines of synthesised speech, keyed by a hash of provider, voice, rate and text, least
 * recently used evicted first within a byte budget. A bot's fixed prompts are then synthesised once
 * per voice and rate however many calls say them, and a line synthesised ahead (when a call is
 * placed) is ready when the callee answers.
 */
export class TtsCache {
  private readonly entries = new Map<string, Buffer>();
  private readonly inflight = new Map<string, Promise<Buffer | undefined>>();
  private bytes = 0;
  private readonly counts = { hits: 0, shared: 0, misses: 0, evictions: 0 };

  constructor(private readonly maxBytes = DEFAULT_TTS_CACHE_BYTES) {}

  key(provider: string, voice: string, sampleRate: number, text: string): string {
    return createHash('sha256')
      .update(JSON.stringify([provider, voice, sampleRate, text]))
      .digest('base64url');
  }

  /** The line's audio if cached (it becomes the most recently used). */
  get(key: string): Buffer | undefined {
    const pcm = this.entries.get(key);
    if (!pcm) return undefined;
    this.entries.delete(key);
    this.entries.set(key, pcm);
    this.counts.hits++;
    return pcm;
  }

  /** The same line being synthesised now (resolves undefined if that one does not finish). */
  pending(key: string): Promise<Buffer | undefined> | undefined {
    const p = this.inflight.get(key);
    if (p) this.counts.shared++;
    return p;
  }

  /** A miss: the caller synthesises the line and hands its audio over when complete. */
  fill(key: string): TtsCacheFill {
    this.counts.misses++;
    let settle: (pcm: Buffer | undefined) => void = () => undefined;
    const promise = new Promise<Buffer | undefined>((resolve) => (settle = resolve));
    this.inflight.set(key, promise);
    let open = true;
    const end = (pcm: Buffer | undefined) => {
      if (!open) return;
      open = false;
      if (this.inflight.get(key) === promise) this.inflight.delete(key);
      if (pcm) this.put(key, pcm);
      settle(pcm);
    };
    return { done: (pcm) => end(pcm), abandon: () => end(undefined) };
  }

  stats(): TtsCacheStats {
    return { ...this.counts, entries: this.entries.size, bytes: this.bytes };
  }

  private put(key: string, pcm: Buffer): void {
    if (pcm.length === 0 || pcm.length > this.maxBytes) return;
    const prior = this.entries.get(key);
    if (prior) this.bytes -= prior.length;
    this.entries.delete(key);
    this.entries.set(key, pcm);
    this.bytes += pcm.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
      this.counts.evictions++;
    }
  }
}
