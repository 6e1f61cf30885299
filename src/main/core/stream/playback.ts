import { pcmDurationMs } from './protocol';

export interface ScheduledAudio {
  pcm: Buffer;
  /** Media time (ms since stream start) at which this audio starts and ends playing. */
  startMs: number;
  endMs: number;
}

export interface PendingMark {
  name: string;
  /** Media time at which every audio queued before the mark has played. */
  atMs: number;
}

/**
 * The phone's playback queue for bot audio, in media time: audio plays back to back from when it
 * arrives; a mark is due once the audio queued before it has played; `clear` drops what is unplayed.
 */
export class BotPlayback {
  private queuedUntil = 0;
  private marks: PendingMark[] = [];

  constructor(private readonly sampleRate: number) {}

  /** Media time at which all queued audio will have played. */
  get queuedUntilMs(): number {
    return this.queuedUntil;
  }

  isPlaying(nowMs: number): boolean {
    return this.queuedUntil > nowMs;
  }

  enqueueAudio(pcm: Buffer, nowMs: number): ScheduledAudio {
    const startMs = Math.max(this.queuedUntil, nowMs);
    const endMs = startMs + pcmDurationMs(pcm.length, this.sampleRate);
    this.queuedUntil = endMs;
    return { pcm, startMs, endMs };
  }

  /** Queues a mark; returns the marks due now (this one, if nothing is left to play). */
  enqueueMark(name: string, nowMs: number): PendingMark[] {
    this.marks.push({ name, atMs: Math.max(this.queuedUntil, nowMs) });
    return this.advance(nowMs);
  }

  /** The marks that became due by `nowMs`, in order, removed from the queue. */
  advance(nowMs: number): PendingMark[] {
    let due = 0;
    while (due < this.marks.length && (this.marks[due] as PendingMark).atMs <= nowMs) due++;
    return due === 0 ? [] : this.marks.splice(0, due);
  }

  /** Drops unplayed audio. Returns how much was dropped and the marks that were waiting behind it. */
  clear(nowMs: number): { droppedMs: number; marks: PendingMark[] } {
    const droppedMs = Math.max(0, this.queuedUntil - nowMs);
    this.queuedUntil = Math.min(this.queuedUntil, nowMs);
    const marks = this.marks.map((m) => ({ name: m.name, atMs: nowMs }));
    this.marks = [];
    return { droppedMs, marks };
  }
}
