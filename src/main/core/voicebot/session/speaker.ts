import type { Logger } from '../../logging';
import type { Tts } from '../../speech';
import { PcmFramer, type StreamConnection } from '../../stream';
import type { BotTurn } from '../dialog';
import type { BotTrack } from './bot-track';

/** One bot turn on its way to the phone. */
export interface SpokenTurn {
  no: number;
  markName: string;
  turn: BotTurn;
  /** Media time its first audio plays, and when its last audio will have played. */
  startMs: number | null;
  playEndMs: number | null;
  sentBytes: number;
  /** TTS still producing audio. */
  generating: boolean;
  /** Played (mark echoed), interrupted, or the call ended. */
  finished: boolean;
  interrupted: boolean;
  abort: AbortController;
  /** Wall clock: synthesis start → first audio chunk; and when the first media frame left. */
  ttsFirstMs: number | null;
  firstAudioWall: number | null;
}

/**
 * Speaks bot turns: streams TTS audio through a framer into media frames as it is synthesised, puts
 * each frame on the bot track (the recording and the playback model), and sends the turn's mark.
 */
export class Speaker {
  private readonly framer: PcmFramer;

  constructor(
    private readonly conn: StreamConnection,
    private readonly track: BotTrack,
    private readonly tts: Tts,
    chunkMs: number,
    private readonly nowMs: () => number,
    private readonly log: Logger,
  ) {
    this.framer = new PcmFramer({ sampleRate: conn.sampleRate, chunkMs });
  }

  /** Streams the turn's text (nothing for empty text), then its mark unless it was interrupted. */
  async speak(spoken: SpokenTurn): Promise<void> {
    const text = spoken.turn.text;
    if (text.trim() !== '') {
      const t0 = performance.now();
      try {
        const audio = this.tts.synthesize(text, {
          sampleRate: this.conn.sampleRate,
          signal: spoken.abort.signal,
        });
        for await (const pcm of audio) {
          spoken.ttsFirstMs ??= performance.now() - t0;
          if (spoken.interrupted || !this.conn.isOpen) break;
          this.send(spoken, this.framer.push(pcm));
        }
      } catch (err) {
        // An aborted synthesis is the barge-in itself, not a failure.
        if (!spoken.interrupted)
          this.log.warn('tts failed: the turn is not spoken', { err, turn: spoken.no });
      }
    }
    if (spoken.interrupted || !this.conn.isOpen) return;
    this.send(spoken, this.framer.flush());
    this.conn.sendMark(spoken.markName);
  }

  /** Barge-in: Exotel drops what it has queued; unsent audio and the unplayed recording go too. */
  clear(nowMs: number): void {
    this.framer.reset();
    if (this.conn.isOpen) this.conn.sendClear();
    this.track.clear(nowMs);
  }

  private send(spoken: SpokenTurn, chunks: Buffer[]): void {
    for (const chunk of chunks) {
      if (!this.conn.isOpen) return;
      this.conn.sendMediaChunk(chunk);
      const scheduled = this.track.play(chunk, this.nowMs());
      spoken.startMs ??= scheduled.startMs;
      spoken.firstAudioWall ??= performance.now();
      spoken.sentBytes += chunk.length;
    }
  }
}
