import { BotPlayback, type ScheduledAudio } from '../../stream';

interface Segment {
  startSample: number;
  pcm: Buffer;
}

/**
 * The bot's channel on the call's media timeline. Audio sent to the phone plays back to back from when
 * it is sent (as Exotel plays it); `clear` drops whatever had not played yet. The same model tells the
 * session whether the bot is still talking at a given media time.
 */
export class BotTrack {
  private readonly playback: BotPlayback;
  private readonly segments: Segment[] = [];
  /** Samples already handed to the recording. */
  private taken = 0;

  constructor(readonly sampleRate: number) {
    this.playback = new BotPlayback(sampleRate);
  }

  /** Media time at which everything sent so far will have played. */
  get queuedUntilMs(): number {
    return this.playback.queuedUntilMs;
  }

  isPlaying(nowMs: number): boolean {
    return this.playback.isPlaying(nowMs);
  }

  /** Records a chunk sent at media time `nowMs`; returns when it plays. */
  play(pcm: Buffer, nowMs: number): ScheduledAudio {
    const scheduled = this.playback.enqueueAudio(pcm, nowMs);
    this.segments.push({ startSample: this.sample(scheduled.startMs), pcm });
    return scheduled;
  }

  /** Barge-in at `nowMs`: unplayed audio is dropped from the recording too. Returns the ms dropped. */
  clear(nowMs: number): number {
    const { droppedMs } = this.playback.clear(nowMs);
    const cut = this.sample(nowMs);
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const s = this.segments[i] as Segment;
      if (s.startSample >= cut) this.segments.splice(i, 1);
      else if (s.startSample + s.pcm.length / 2 > cut) s.pcm = s.pcm.subarray(0, (cut - s.startSample) * 2);
      else break;
    }
    return droppedMs;
  }

  /** Bytes of bot audio held in memory (sent and not yet played into the recording). */
  get heldBytes(): number {
    let n = 0;
    for (const s of this.segments) n += s.pcm.length;
    return n;
  }

  /**
   * The channel from where the last take ended up to `untilMs`, as PCM16 (silence where the bot did
   * not speak). Audio before `untilMs` has played and can no longer be cleared, so it is let go.
   */
  take(untilMs: number): Buffer {
    const until = this.sample(untilMs);
    if (until <= this.taken) return Buffer.alloc(0);
    const out = Buffer.alloc((until - this.taken) * 2);
    let keepFrom = 0;
    for (const [i, s] of this.segments.entries()) {
      const start = s.startSample;
      const end = start + s.pcm.length / 2;
      if (start >= until) break;
      if (end <= this.taken) {
        keepFrom = i + 1;
        continue;
      }
      const from = Math.max(start, this.taken);
      const to = Math.min(end, until);
      s.pcm.copy(out, (from - this.taken) * 2, (from - start) * 2, (to - start) * 2);
      if (end <= until) keepFrom = i + 1;
    }
    this.segments.splice(0, keepFrom);
    this.taken = until;
    return out;
  }

  private sample(ms: number): number {
    return Math.round((ms * this.sampleRate) / 1000);
  }
}
