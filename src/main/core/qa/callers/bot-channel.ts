import type { QaRecordedTurn } from '../../../../shared/qa';
import type { ExotelStreamClient } from '../../stream';
import { layOut } from './pcm';

interface Segment {
  startMs: number;
  endMs: number;
  pcm: Buffer;
  turn: QaRecordedTurn;
}

const BYTES_PER_MS = 16; // 8 kHz PCM16

/**
 * The bot's channel as the caller heard it, on the call's media clock: audio where it played, cut
 * where the bot cleared it (barge-in), marks with when they were sent and echoed. Audio that arrives
 * while a turn is current belongs to that turn.
 */
export class BotChannel {
  private readonly segments: Segment[] = [];
  private current: QaRecordedTurn | null = null;
  private readonly marksByName = new Map<string, QaRecordedTurn>();
  private sawMarks = false;

  constructor(private readonly client: ExotelStreamClient) {
    client.on('botMedia', (a) => this.onAudio(a.pcm, a.startMs, a.endMs));
    client.on('botMark', (m) => {
      this.sawMarks = true;
      const t = this.current;
      if (!t) return;
      t.marks.push({ name: m.name, sentMs: m.atMs, echoedMs: null });
      this.marksByName.set(m.name, t);
    });
    client.on('mark', (m) => {
      const t = this.marksByName.get(m.name);
      const mark = t?.marks.find((x) => x.name === m.name);
      if (mark) mark.echoedMs = m.atMs;
    });
    client.on('clear', (c) => this.onClear(c.atMs));
  }

  beginTurn(t: QaRecordedTurn): void {
    this.current = t;
  }

  private onAudio(pcm: Buffer, startMs: number, endMs: number): void {
    const t = this.current;
    if (!t) return;
    this.segments.push({ startMs, endMs, pcm, turn: t });
    t.botStartMs ??= startMs;
    t.botEndMs = Math.max(t.botEndMs ?? endMs, endMs);
  }

  private onClear(atMs: number): void {
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i];
      if (!s || s.endMs <= atMs) continue;
      if (s.startMs >= atMs) this.segments.splice(i, 1);
      else {
        s.pcm = s.pcm.subarray(0, Math.round((atMs - s.startMs) * BYTES_PER_MS) & ~1);
        s.endMs = atMs;
      }
      if (s.turn.botEndMs !== null && s.turn.botEndMs > atMs) {
        s.turn.botEndMs = atMs;
        s.turn.botClearedMs = atMs;
      }
    }
  }

  turnStarted(t: QaRecordedTurn): boolean {
    return t.botStartMs !== null;
  }

  /**
   * The bot has finished the turn: a mark it sent this turn was echoed (all its audio played), or,
   * from a bot that sends no marks, its audio ended `quietMs` ago.
   */
  turnFinished(t: QaRecordedTurn, quietMs: number): boolean {
    const now = this.client.mediaMs;
    if (t.botEndMs !== null && now < t.botEndMs) return false;
    if (this.sawMarks) return t.marks.some((m) => m.echoedMs !== null);
    return t.botEndMs !== null && now - t.botEndMs >= quietMs;
  }

  /** The bot's audio of one turn, end to end. */
  turnAudio(t: QaRecordedTurn): Buffer {
    return Buffer.concat(this.segments.filter((s) => s.turn === t).map((s) => s.pcm));
  }

  finish(): void {
    this.current = null;
  }

  pcm(durationMs: number): Buffer {
    return layOut(
      this.segments.map((s) => ({ atMs: s.startMs, pcm: s.pcm })),
      durationMs,
    );
  }
}
