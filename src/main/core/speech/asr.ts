import { audioDurationMs, type Audio } from './audio';
import { SpeechError } from './errors';
import type { Grammar } from './grammar';
import type { MetricsSink } from './metrics';
import { timedCall } from './timing';

export interface RecognizeOptions {
  /** The phrases expected in this dialog state: required by grammar recognisers, a hint for others. */
  grammar?: Grammar;
  /** BCP-47 language, e.g. "en" or "hi" (free-form recognisers). */
  language?: string;
  signal?: AbortSignal;
}

export interface RecognizedWord {
  text: string;
  /** Media time within the utterance. */
  startMs: number;
  endMs: number;
  confidence?: number;
}

export interface AsrResult {
  /** What was said, single-spaced; '' when nothing was recognised. */
  text: string;
  words?: RecognizedWord[];
  confidence?: number;
}

/** Longest utterance one call accepts (an endpointed caller turn is seconds, not minutes). */
export const MAX_ASR_MS = 120_000;

/** Speech to text over one endpointed utterance. Providers implement `run`. */
export abstract class Asr {
  abstract readonly provider: string;

  constructor(protected readonly metrics?: MetricsSink) {}

  async recognize(audio: Audio, options: RecognizeOptions = {}): Promise<AsrResult> {
    const audioMs = audioDurationMs(audio);
    if (audio.pcm.length < 2) throw new SpeechError('bad_input', 'asr', this.provider, 'no audio');
    if (audioMs > MAX_ASR_MS) {
      throw new SpeechError(
        'bad_input',
        'asr',
        this.provider,
        `utterance too long (${Math.round(audioMs)} ms)`,
      );
    }
    const r = await timedCall(() => this.run(audio, options), 'asr', this.provider, options.signal);
    const text = r.value ? r.value.text.replace(/\s+/g, ' ').trim() : '';
    this.metrics?.({
      role: 'asr',
      provider: this.provider,
      durationMs: r.computeMs,
      audioMs,
      chars: text.length,
      ok: !r.error,
      errorKind: r.error?.kind,
    });
    if (r.error || !r.value) throw r.error ?? new SpeechError('provider', 'asr', this.provider, 'no result');
    return { ...r.value, text };
  }

  protected abstract run(audio: Audio, options: RecognizeOptions): Promise<AsrResult>;
}
