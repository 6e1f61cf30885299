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
  /** Wall ms the recognition should take (recognisers with a queue count a later one late). */
  deadlineMs?: number;
  /**
   * Added to the deadline (the recogniser's own or `deadlineMs`): a recognition asked for this long
   * before its result is needed (started at a pause, before the turn is over) is late only as late.
   */
  leadMs?: number;
  /** Told when this recognition misses its deadline; it still completes, with `late` set. */
  onLate?: (late: AsrLate) => void;
}

/** A recognition past its deadline: still done (never dropped), and reported. */
export interface AsrLate {
  deadlineMs: number;
  /** It was still waiting for a free worker rather than being decoded. */
  queued: boolean;
  /** Recognitions waiting at that moment. */
  waiting: number;
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
  /** Finished after its deadline (recognisers with a queue). */
  late?: boolean;
  /** Wall ms it waited for a worker before decoding started. */
  queueMs?: number;
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
      ...(r.value?.late ? { late: true } : {}),
    });
    if (r.error || !r.value) throw r.error ?? new SpeechError('provider', 'asr', this.provider, 'no result');
    return { ...r.value, text };
  }

  protected abstract run(audio: Audio, options: RecognizeOptions): Promise<AsrResult>;
}
