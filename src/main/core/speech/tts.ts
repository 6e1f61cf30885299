import { resamplePcm, type Audio } from './audio';
import { SpeechError } from './errors';
import type { MetricsSink } from './metrics';
import { timedStream } from './timing';

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

  constructor(protected readonly metrics?: MetricsSink) {}

  async *synthesize(text: string, options: SynthesizeOptions): AsyncGenerator<Buffer> {
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
