import { resamplePcm, type Audio } from './audio';
import { SpeechError, throwIfAborted } from './errors';
import type { MetricsSink } from './metrics';
import { timedStream } from './timing';
import type { TtsCache } from './tts-cache';

export interface SynthesizeOptions {
  /** The rate the caller needs (the stream's rate); audio is resampled to it. */
  sampleRate: number;
  signal?: AbortSignal;
}

/** Longest text one synthesis call accepts (a prompt is a few sentences; this stops accidents). */
export const MAX_TTS_CHARS = 4000;

/**
 * Text to speech. Callers use `synthesize` (streams PCM16LE chunks at the requested rate) or
 * `synthesizeAll`; providers implement `run`, yielding audio at whatever rate they produce.
 */
export abstract class Tts {
  abstract readonly provider: string;

  private cache?: TtsCache;

  constructor(protected readonly metrics?: MetricsSink) {}

  /** Serves whole lines from `cache` (and fills it): a line said again is not synthesised again. */
  useCache(cache: TtsCache): this {
    this.cache = cache;
    return this;
  }

  /** The voice in cache keys (providers with several voices or models name theirs). */
  protected get voiceKey(): string {
    return '';
  }

  async *synthesize(text: string, options: SynthesizeOptions): AsyncGenerator<Buffer> {
    const clean = this.checked(text);
    const cache = this.cache;
    if (!cache) {
      yield* this.fresh(clean, options);
      return;
    }
    const key = cache.key(this.provider, this.voiceKey, options.sampleRate, clean);
    // Decided before any await, so two calls asking at once find each other.
    const hit = cache.get(key);
    const pending = hit ? undefined : cache.pending(key);
    let fill = hit || pending ? undefined : cache.fill(key);
    const cached = hit ?? (await this.shared(pending, options.signal));
    if (cached) {
      this.metrics?.({
        role: 'tts',
        provider: this.provider,
        durationMs: 0,
        firstChunkMs: 0,
        audioMs: (cached.length / 2 / options.sampleRate) * 1000,
        chars: clean.length,
        chunks: 1,
        ok: true,
        cached: true,
      });
      yield cached;
      return;
    }
    fill ??= cache.fill(key); // what we waited for did not finish: synthesise it here
    const chunks: Buffer[] = [];
    let complete = false;
    try {
      for await (const pcm of this.fresh(clean, options)) {
        chunks.push(pcm);
        yield pcm;
      }
      complete = !options.signal?.aborted;
    } finally {
      // A line cut short (barge-in, failure, the consumer stopped) is not kept.
      if (complete) fill.done(Buffer.concat(chunks));
      else fill.abandon();
    }
  }

  /** The same line another call is synthesising right now; undefined if it does not finish. */
  private async shared(
    pending: Promise<Buffer | undefined> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<Buffer | undefined> {
    if (!pending) return undefined;
    throwIfAborted(signal, 'tts', this.provider);
    if (!signal) return pending;
    return new Promise<Buffer | undefined>((resolve, reject) => {
      const onAbort = () => reject(new SpeechError('aborted', 'tts', this.provider, 'aborted by the caller'));
      signal.addEventListener('abort', onAbort, { once: true });
      void pending.then((pcm) => {
        signal.removeEventListener('abort', onAbort);
        resolve(pcm);
      });
    });
  }

  private checked(text: string): string {
    const clean = text.replace(/\s+/g, ' ').trim();
    if (clean.length === 0)
      throw new SpeechError('bad_input', 'tts', this.provider, 'nothing to say (empty text)');
    if (clean.length > MAX_TTS_CHARS) {
      throw new SpeechError(
        'bad_input',
        'tts',
        this.provider,
        `text too long (${clean.length} > ${MAX_TTS_CHARS})`,
      );
    }
    return clean;
  }

  /** Synthesises `clean` (already checked) with the provider, resampled to the requested rate. */
  private async *fresh(clean: string, options: SynthesizeOptions): AsyncGenerator<Buffer> {
    let bytes = 0;
    let odd: Buffer | undefined; // a chunk may end mid-sample; carry the byte over
    const stream = timedStream(this.run(clean, options.signal), 'tts', this.provider, options.signal, (s) =>
      this.metrics?.({
        role: 'tts',
        provider: this.provider,
        durationMs: s.computeMs,
        firstChunkMs: s.firstChunkMs,
        audioMs: (bytes / 2 / options.sampleRate) * 1000,
        chars: clean.length,
        chunks: s.chunks,
        ok: !s.error,
        errorKind: s.error?.kind,
      }),
    );
    for await (const chunk of stream) {
      let pcm = resamplePcm(chunk.pcm, chunk.sampleRate, options.sampleRate);
      if (odd) pcm = Buffer.concat([odd, pcm]);
      odd = pcm.length % 2 === 1 ? pcm.subarray(pcm.length - 1) : undefined;
      if (odd) pcm = pcm.subarray(0, pcm.length - 1);
      if (pcm.length === 0) continue;
      bytes += pcm.length;
      yield pcm;
    }
  }

  async synthesizeAll(text: string, options: SynthesizeOptions): Promise<Audio> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.synthesize(text, options)) chunks.push(chunk);
    return { pcm: Buffer.concat(chunks), sampleRate: options.sampleRate };
  }

  /** Yields audio for already-trimmed, non-empty text; should stop promptly when `signal` fires. */
  protected abstract run(text: string, signal?: AbortSignal): AsyncIterable<Audio>;
}
