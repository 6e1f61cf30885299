import type { TranscriptLine } from '../../../../shared/voicebot';
import type { SessionObserver } from './observer';
import type { SpokenTurn } from './speaker';

/**
 * The session's transcript lines, numbered in order. A bot turn's line is written once the turn has
 * finished and its text is final: a turn streamed ahead and cut by barge-in waits for the dialog's
 * result (it is recorded as interrupted), unless the call ends first (then what was said so far).
 */
export class SessionTranscript {
  private seq = 0;

  constructor(private readonly observer: SessionObserver) {}

  add(line: Omit<TranscriptLine, 'seq'>): void {
    // Whole milliseconds, as stored.
    const times = { startMs: Math.round(line.startMs), endMs: Math.round(line.endMs) };
    this.observer.line({ seq: ++this.seq, ...line, ...times });
  }

  /** The turn has finished at media time `endMs`; its line is written now if its text is final. */
  finished(cur: SpokenTurn, endMs: number): void {
    cur.finished = true;
    cur.endMs = endMs;
    if (cur.decided) this.botLine(cur, endMs);
  }

  /** Writes the turn's line once (nothing for a turn with nothing to say). */
  botLine(cur: SpokenTurn, nowMs: number): void {
    if (cur.lined) return;
    cur.lined = true;
    if (cur.text.trim() === '') return;
    const endMs = cur.endMs ?? nowMs;
    this.add({
      turn: cur.no,
      speaker: 'bot',
      kind: 'prompt',
      text: cur.text,
      startMs: cur.startMs ?? endMs,
      endMs,
      interrupted: cur.interrupted,
      confidence: null,
      state: cur.state,
    });
  }
}
