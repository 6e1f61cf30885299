import type { Vad } from '../../speech';

/** The caller's turns, in media time (ms since the stream started). */
export type UtteranceEvent =
  | { type: 'start'; atMs: number }
  | {
      /**
       * The caller has been silent for a while (less than the endpointing silence): the turn may be
       * over. Recognition can start now; it stands if the turn ends with this same end of speech.
       */
      type: 'pause';
      startMs: number;
      /** End of the caller's speech so far. */
      endMs: number;
      /** The end of the chunk that showed the pause. */
      atMs: number;
    }
  | {
      type: 'end';
      startMs: number;
      /** End of the caller's speech. */
      endMs: number;
      /** When the pipeline knew the turn was over: the end of the chunk that completed the silence. */
      detectedAtMs: number;
      /** True when cut at the maximum length rather than ended by silence. */
      cut: boolean;
    };

/**
 * Endpointing over a VAD: a turn starts with speech and ends after the VAD's hangover of silence
 * (the endpointing threshold, counted in samples), or is cut at the maximum length. After `pauseMs`
 * of silence inside a turn it says `pause` once per end of speech (null: never).
 */
export class Endpointer {
  private openStart: number | null = null;
  /** A cut turn's speech is still going on: its eventual end is not a new turn. */
  private ignoreRun = false;
  /** The end of speech the last `pause` was about. */
  private pausedEnd: number | null = null;

  constructor(
    private readonly vad: Vad,
    private readonly maxUtteranceMs: number,
    private readonly pauseMs: number | null = null,
  ) {}

  get speaking(): boolean {
    return this.openStart !== null;
  }

  /** Where the turn under way started (null: none). Its audio is still needed. */
  get openStartMs(): number | null {
    return this.openStart;
  }

  /** Feeds one inbound chunk; `nowMs` is the media time at its end. */
  push(pcm: Buffer, nowMs: number): UtteranceEvent[] {
    const out: UtteranceEvent[] = [];
    for (const e of this.vad.push(pcm)) this.onVad(e, nowMs, out);
    if (this.openStart !== null && nowMs - this.openStart >= this.maxUtteranceMs) {
      out.push({ type: 'end', startMs: this.openStart, endMs: nowMs, detectedAtMs: nowMs, cut: true });
      this.openStart = null;
      this.ignoreRun = true;
    }
    const silence = this.vad.trailingSilence;
    if (this.pauseMs !== null && this.openStart !== null && silence && silence.silentMs >= this.pauseMs) {
      if (silence.endMs !== this.pausedEnd) {
        this.pausedEnd = silence.endMs;
        out.push({ type: 'pause', startMs: this.openStart, endMs: silence.endMs, atMs: nowMs });
      }
    }
    return out;
  }

  /** End of stream: an open turn ends where the audio ends. */
  close(nowMs: number): UtteranceEvent[] {
    const out: UtteranceEvent[] = [];
    for (const e of this.vad.close()) this.onVad(e, nowMs, out);
    return out;
  }

  private onVad(
    e: { type: 'speech_start'; atMs: number } | { type: 'speech_end'; atMs: number; startMs: number },
    nowMs: number,
    out: UtteranceEvent[],
  ): void {
    if (e.type === 'speech_start') {
      this.ignoreRun = false;
      this.openStart = e.atMs;
      out.push({ type: 'start', atMs: e.atMs });
      return;
    }
    if (this.ignoreRun || this.openStart === null) {
      this.ignoreRun = false;
      return;
    }
    out.push({ type: 'end', startMs: this.openStart, endMs: e.atMs, detectedAtMs: nowMs, cut: false });
    this.openStart = null;
  }
}
