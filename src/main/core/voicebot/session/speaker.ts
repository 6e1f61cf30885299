import type { Logger } from '../../logging';
import type { Tts } from '../../speech';
import { PcmFramer, type MediaPort } from '../../stream';
import type { DialogAction } from '../dialog';
import type { BotTrack } from './bot-track';

/** What a turn says and how it behaves; a streamed turn starts with a provisional one (see `decided`). */
export interface TurnShape {
  /** A streamed turn's text grows as its segments arrive; it is final once `decided`. */
  text: string;
  /** May the caller interrupt? Until a streamed turn is decided: the dialog's provisional policy. */
  bargeIn: boolean;
  /** 'continue' until a streamed turn is decided. */
  action: DialogAction;
  /** The dialog state, for the transcript; null until decided. */
  state: string | null;
  /** The dialog has returned this turn (a streamed turn starts speaking before). */
  decided: boolean;
}

/** One bot turn on its way to the phone. */
export interface SpokenTurn extends TurnShape {
  no: number;
  markName: string;
  /** Media time its first audio plays, and when its last audio will have played. */
  startMs: number | null;
  playEndMs: number | null;
  sentBytes: number;
  /** TTS still producing audio (or, for a streamed turn, the dialog still producing text). */
  generating: boolean;
  /** Played (mark echoed), interrupted, or the call ended; and the media time it did. */
  finished: boolean;
  endMs: number | null;
  interrupted: boolean;
  /** Its transcript line has been written (once finished and decided, or when the call ends). */
  lined: boolean;
  abort: AbortController;
  /** Wall clock: synthesis start → first audio chunk; and when the first media frame left. */
  ttsFirstMs: number | null;
  firstAudioWall: number | null;
  /** The turn's text pieces are synthesised one after another, in order. */
  queue: Promise<void>;
}

export function spokenTurn(no: number, shape: TurnShape): SpokenTurn {
  return {
    ...shape,
    no,
    markName: `turn-${no}`,
    startMs: null,
    playEndMs: null,
    sentBytes: 0,
    generating: true,
    finished: false,
    endMs: null,
    interrupted: false,
    lined: false,
    abort: new AbortController(),
    ttsFirstMs: null,
    firstAudioWall: null,
    queue: Promise.resolve(),
  };
}

/**
 * Speaks bot turns: streams TTS audio through one framer into media frames as it is synthesised, puts
 * each frame on the bot track (the recording and the playback model), and sends one mark per turn.
 * A turn may be spoken in pieces (sentences, as an LLM generates them): they go through the same framer
 * back to back, and only the end of the turn pads the framer's remainder.
 */
export class Speaker {
  private readonly framer: PcmFramer;

  constructor(
    private readonly conn: MediaPort,
    private readonly track: BotTrack,
    private readonly tts: Tts,
    chunkMs: number,
    private readonly nowMs: () => number,
    private readonly log: Logger,
  ) {
    this.framer = new PcmFramer({ sampleRate: conn.sampleRate, chunkMs });
  }

  /** Queues a piece of the turn's text after what is queued already; nothing once it is interrupted. */
  say(spoken: SpokenTurn, text: string): void {
    spoken.queue = spoken.queue.then(() => this.synthesize(spoken, text));
  }

  /** After every queued piece: the framer's remainder, then the turn's mark, unless it was interrupted. */
  async end(spoken: SpokenTurn): Promise<void> {
    await spoken.queue;
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

  /** Never rejects: a failed piece is logged and not spoken (the turn goes on). */
  private async synthesize(spoken: SpokenTurn, text: string): Promise<void> {
    if (text.trim() === '' || spoken.interrupted) return;
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
      if (!spoken.interrupted) this.log.warn('tts failed: the text is not spoken', { err, turn: spoken.no });
    }
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
