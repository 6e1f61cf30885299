import type { Logger } from '../../logging';
import type { BotTurn, DialogAction, TurnSpeech } from '../dialog';
import type { BotTrack } from './bot-track';
import { spokenTurn, type Speaker, type SpokenTurn, type TurnShape } from './speaker';
import type { SessionTranscript } from './transcript';

/** What the bot's voice needs from its session. */
export interface VoiceHost {
  /** Media time. */
  now(): number;
  active(): boolean;
  /** The caller is talking, or their input is waiting. */
  callerBusy(): boolean;
  /** A turn that may not be interrupted is about to play. */
  holdCaller(): void;
  /** A bot turn begins (the no-input clock stops). */
  turnBegins(): void;
  /** A turn that ends the call was cut by the caller while it was spoken ahead: the call ends now. */
  endCall(action: Exclude<DialogAction, 'continue'>): void;
}

/** One dialog turn: the sink to give the dialog (when speaking ahead), then the dialog's result to speak. */
export interface VoiceTurn {
  speech?: TurnSpeech;
  speak(turn: BotTurn): Promise<SpokenTurn>;
}

/**
 * Speaks the dialog's turns: a decided turn as a whole, or (LLM bots) sentence by sentence while the
 * dialog is still computing it, then the rest once it is decided. Either way one mark ends the turn,
 * and the turn's recorded text is what was spoken.
 */
export class TurnVoice {
  /** The latest bot turn. */
  current?: SpokenTurn;
  /** Bot turns so far. */
  count = 0;

  constructor(
    private readonly host: VoiceHost,
    private readonly speaker: Speaker,
    private readonly track: BotTrack,
    private readonly transcript: SessionTranscript,
    private readonly log: Logger,
  ) {}

  next(speakAhead: boolean): VoiceTurn {
    if (!speakAhead) return { speak: (turn) => this.speak(turn) };
    // Undefined until the dialog sends text; null when the turn is not spoken ahead.
    let ahead: SpokenTurn | null | undefined;
    return {
      speech: { segment: (text, bargeIn) => (ahead = this.speakAhead(ahead, text, bargeIn)) },
      speak: (turn) => (ahead ? this.decideAhead(ahead, turn) : this.speak(turn)),
    };
  }

  private begin(shape: TurnShape): SpokenTurn {
    const spoken = spokenTurn(++this.count, shape);
    this.current = spoken;
    this.host.turnBegins();
    return spoken;
  }

  private async speak(turn: BotTurn): Promise<SpokenTurn> {
    const { text, bargeIn, action, state } = turn;
    const spoken = this.begin({ text, bargeIn, action, state, decided: true });
    if (bargeIn && this.host.callerBusy() && action === 'continue') {
      // The caller spoke while the bot was thinking: they are not talked over; their words come next.
      spoken.interrupted = true;
      spoken.generating = false;
      this.transcript.finished(spoken, this.host.now());
      return spoken;
    }
    if (!bargeIn) this.host.holdCaller();
    this.speaker.say(spoken, text);
    return this.play(spoken);
  }

  /**
   * A segment of the turn the dialog is still computing. The first one starts the turn (unless the
   * caller is talking: then nothing is spoken ahead and the decided turn goes the usual way); each is
   * spoken as soon as the ones before it are. After a barge-in the rest is not spoken.
   */
  private speakAhead(
    ahead: SpokenTurn | null | undefined,
    text: string,
    bargeIn: boolean,
  ): SpokenTurn | null {
    if (ahead === null) return null;
    if (!ahead) {
      if (!this.host.active() || (bargeIn && this.host.callerBusy())) return null;
      ahead = this.begin({ text: '', bargeIn, action: 'continue', state: null, decided: false });
    }
    ahead.text += text;
    this.speaker.say(ahead, text);
    return ahead;
  }

  /**
   * The dialog has decided a turn that was spoken ahead: the rest of its text is spoken, then the mark.
   * Its text starts with what was spoken (the dialog's contract), so the recorded text is what was said.
   */
  private async decideAhead(spoken: SpokenTurn, turn: BotTurn): Promise<SpokenTurn> {
    let text = turn.text;
    if (!text.startsWith(spoken.text)) {
      this.log.error('a turn spoken ahead changed its text: only what was spoken is kept', {
        turn: spoken.no,
      });
      text = spoken.text;
    }
    const rest = text.slice(spoken.text.length);
    const { bargeIn, action, state } = turn;
    Object.assign(spoken, { text, bargeIn, action, state, decided: true });
    if (spoken.finished) {
      // Barged in while the model was still talking: recorded as interrupted, now that the text is known.
      spoken.generating = false;
      this.transcript.botLine(spoken, this.host.now());
      if (action !== 'continue') this.host.endCall(action);
      return spoken;
    }
    if (!bargeIn) this.host.holdCaller();
    this.speaker.say(spoken, rest);
    return this.play(spoken);
  }

  private async play(spoken: SpokenTurn): Promise<SpokenTurn> {
    await this.speaker.end(spoken);
    spoken.generating = false;
    if (!spoken.interrupted) spoken.playEndMs = Math.max(this.track.queuedUntilMs, this.host.now());
    return spoken;
  }
}
