/**
 * The caller's channel: every inbound sample in order, so media time is simply its length. Holds at
 * most `maxMs` of audio; what comes after is not kept.
 */
export class CallerTrack {
  private buf: Buffer;
  private used = 0;
  private readonly maxBytes: number;

  constructor(
    readonly sampleRate: number,
    maxMs = 3_600_000,
  ) {
    this.maxBytes = this.byteAt(maxMs);
    this.buf = Buffer.alloc(Math.min(sampleRate * 2 * 10, this.maxBytes)); // grows by doubling, up to the cap
  }

  get lengthMs(): number {
    return this.msOf(this.used);
  }

  get full(): boolean {
    return this.used >= this.maxBytes;
  }

  /** Appends what fits under the cap; returns the bytes kept. */
  append(pcm: Buffer): number {
    const kept = Math.min(pcm.length, this.maxBytes - this.used);
    if (kept <= 0) return 0;
    if (this.used + kept > this.buf.length) {
      const size = Math.min(this.maxBytes, Math.max(this.buf.length * 2, this.used + kept));
      const bigger = Buffer.alloc(size);
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    pcm.copy(this.buf, this.used, 0, kept);
    this.used += kept;
    return kept;
  }

  /** A copy of the audio between two media times (clamped to what was received). */
  slice(startMs: number, endMs: number): Buffer {
    const from = this.byteAt(Math.max(0, startMs));
    const to = this.byteAt(Math.min(this.lengthMs, endMs));
    return Buffer.from(this.buf.subarray(from, Math.max(from, to)));
  }

  pcm(): Buffer {
    return this.buf.subarray(0, this.used);
  }

  private byteAt(ms: number): number {
    return Math.round((ms * this.sampleRate) / 1000) * 2;
  }

  private msOf(bytes: number): number {
    return (bytes * 1000) / (2 * this.sampleRate); // multiply first: exact whole ms
  }
}
