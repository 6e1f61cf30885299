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

  /** The channel as PCM16, `lengthMs` long (silence where the bot did not speak). */
  render(lengthMs: number): Buffer {
    const out = Buffer.alloc(this.sample(lengthMs) * 2);
    for (const s of this.segments) {
      const at = s.startSample * 2;
      if (at >= out.length) break;
      s.pcm.copy(out, at, 0, Math.min(s.pcm.length, out.length - at));
    }
    return out;
  }

  private sample(ms: number): number {
    return Math.round((ms * this.sampleRate) / 1000);
  }
}
