import type { SpeechRole } from './errors';

/** One timed call of a speech provider. Durations are wall-clock ms of compute, not media time. */
export interface SpeechMetric {
  role: SpeechRole;
  provider: string;
  /** Wall-clock time the call took (for streams: until the last chunk). */
  durationMs: number;
  /** Until the first audio chunk (TTS) or the first token (LLM). */
  firstChunkMs?: number;
  /** Media duration of audio produced (TTS) or consumed (ASR, VAD). */
  audioMs?: number;
  /** Characters of text in (TTS) or out (ASR, LLM). */
  chars?: number;
  /** Chunks streamed (TTS audio chunks, LLM deltas). */
  chunks?: number;
  /** LLM token usage when the provider reports it. */
  promptTokens?: number;
  completionTokens?: number;
  ok: boolean;
  errorKind?: string;
  /** Finished after its deadline (ASR in the worker pool). */
  late?: boolean;
  /** TTS: served from the cache, nothing synthesised. */
  cached?: boolean;
}

export type MetricsSink = (metric: SpeechMetric) => void;

/** Keeps metrics in memory and summarises them (tests, benches, per-call records). */
export class MetricsRecorder {
  readonly metrics: SpeechMetric[] = [];
  readonly sink: MetricsSink = (m) => {
    this.metrics.push(m);
  };

  of(role: SpeechRole): SpeechMetric[] {
    return this.metrics.filter((m) => m.role === role);
  }

  /** Real-time factor: compute time / media time, over successful calls of a role. */
  realTimeFactor(role: SpeechRole): number | undefined {
    const ok = this.of(role).filter((m) => m.ok && (m.audioMs ?? 0) > 0);
    const audio = ok.reduce((s, m) => s + (m.audioMs ?? 0), 0);
    return audio > 0 ? ok.reduce((s, m) => s + m.durationMs, 0) / audio : undefined;
  }

  meanDurationMs(role: SpeechRole): number | undefined {
    const ok = this.of(role).filter((m) => m.ok);
    return ok.length > 0 ? ok.reduce((s, m) => s + m.durationMs, 0) / ok.length : undefined;
  }
}
