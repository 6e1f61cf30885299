/** The caller's channel: every inbound sample in order, so media time is simply its length. */
export class CallerTrack {
  private buf: Buffer;
  private used = 0;

  constructor(readonly sampleRate: number) {
    this.buf = Buffer.alloc(sampleRate * 2 * 10); // grows by doubling
  }

  get lengthMs(): number {
    return this.msOf(this.used);
  }

  append(pcm: Buffer): void {
    if (this.used + pcm.length > this.buf.length) {
      const bigger = Buffer.alloc(Math.max(this.buf.length * 2, this.used + pcm.length));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    pcm.copy(this.buf, this.used);
    this.used += pcm.length;
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
