interface Chunk {
  /** Byte offset of the chunk in the call's caller audio. */
  at: number;
  pcm: Buffer;
}

/**
 * The caller's channel: media time is the length of every inbound sample so far. Only recent audio
 * is held (what a turn not yet recognised may still need, see release()); the whole channel goes to
 * the recording as it arrives. Takes at most `maxMs` of audio; what comes after is not kept.
 */
export class CallerTrack {
  private readonly chunks: Chunk[] = [];
  private used = 0;
  private held = 0;
  private readonly maxBytes: number;

  constructor(
    readonly sampleRate: number,
    maxMs = 3_600_000,
  ) {
    this.maxBytes = this.byteAt(maxMs);
  }

  get lengthMs(): number {
    return this.msOf(this.used);
  }

  get full(): boolean {
    return this.used >= this.maxBytes;
  }

  /** Bytes of caller audio held in memory. */
  get heldBytes(): number {
    return this.held;
  }

  /** Appends what fits under the cap; returns the audio kept (a copy: frame buffers may be reused). */
  append(pcm: Buffer): Buffer {
    const kept = Math.min(pcm.length, this.maxBytes - this.used);
    if (kept <= 0) return Buffer.alloc(0);
    const copy = Buffer.from(pcm.subarray(0, kept));
    this.chunks.push({ at: this.used, pcm: copy });
    this.used += kept;
    this.held += kept;
    return copy;
  }

  /** A copy of the audio between two media times (clamped to what was received and is still held). */
  slice(startMs: number, endMs: number): Buffer {
    const from = this.byteAt(Math.max(0, startMs));
    const to = this.byteAt(Math.min(this.lengthMs, endMs));
    if (to <= from) return Buffer.alloc(0);
    const out = Buffer.alloc(to - from);
    let filled = false;
    for (const c of this.chunks) {
      const end = c.at + c.pcm.length;
      if (end <= from || c.at >= to) continue;
      const s = Math.max(from, c.at);
      c.pcm.copy(out, s - from, s - c.at, Math.min(to, end) - c.at);
      filled = true;
    }
    return filled ? out : Buffer.alloc(0);
  }

  /** Forgets audio before `ms`: no turn will ask for it again. */
  release(ms: number): void {
    const cut = this.byteAt(Math.max(0, ms));
    let n = 0;
    for (const c of this.chunks) {
      if (c.at + c.pcm.length > cut) break;
      this.held -= c.pcm.length;
      n += 1;
    }
    if (n > 0) this.chunks.splice(0, n);
  }

  private byteAt(ms: number): number {
    return Math.round((ms * this.sampleRate) / 1000) * 2;
  }

  private msOf(bytes: number): number {
    return (bytes * 1000) / (2 * this.sampleRate); // multiply first: exact whole ms
  }
}
