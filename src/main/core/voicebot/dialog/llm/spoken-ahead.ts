import type { TurnSpeech } from '../types';
import { SentenceSplitter } from './sentence-splitter';

/**
 * The part of one LLM turn sent ahead to the pipeline (see TurnSpeech): each model round's text is
 * split into sentences as it streams in. Only a round's text is ever sent; a tool-only round has none.
 * A round with text always ends the turn with that text, so what was sent is the start of the turn's
 * text, unless the model fails mid-reply: then the dialog's line is appended to what was already said.
 */
export class SpokenAhead {
  /** Every segment sent so far, joined. */
  text = '';

  constructor(
    private readonly speech: TurnSpeech | undefined,
    private readonly bargeIn: boolean,
  ) {}

  /** The text-delta callback for one model round (undefined when nothing is spoken ahead). */
  round(): ((delta: string) => void) | undefined {
    const speech = this.speech;
    if (!speech) return undefined;
    // A sentence left unfinished when the round fails is dropped: it was never said.
    const splitter = new SentenceSplitter();
    return (delta) => {
      for (const segment of splitter.push(delta)) {
        this.text += segment;
        speech.segment(segment, this.bargeIn);
      }
    };
  }

  /** A line the dialog says instead of the model's reply: after whatever the caller already heard. */
  then(line: string): string {
    return this.text === '' ? line : `${this.text} ${line}`;
  }
}
