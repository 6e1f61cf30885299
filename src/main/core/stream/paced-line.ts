import type { PacingClock } from './pacing';
import { bytesPerMs, INBOUND_CHUNK_MS } from './protocol';

type Item = { kind: 'audio'; pcm: Buffer } | { kind: 'dtmf'; digit: string; durationMs: number };
type Queued = Item & { done?: (sent: boolean) => void };

export interface PacedLineSink {
  isOpen(): boolean;
  /** One 100 ms chunk of caller audio ending at media time `endMs`. */
  media(pcm: Buffer, endMs: number): void;
  dtmf(digit: string, durationMs: number): void;
  /** Media time reached the stream's cap. */
  expired(): Promise<void>;
}

/**
 * The caller's side of the line: audio and key presses queued in order and sent as 100 ms chunks when
 * the clock allows. A live line sends silence whenever nothing is queued.
 */
export class PacedLine {
  private readonly queue: Queued[] = [];
  private readonly chunkBytes: number;
  private feeding = false;
  private sent = 0;

  constructor(
    sampleRate: number,
    private readonly clock: PacingClock,
    private readonly continuous: boolean,
    private readonly maxDurationMs: number,
    private readonly sink: PacedLineSink,
    private readonly onError: (err: Error) => void,
  ) {
    this.chunkBytes = bytesPerMs(sampleRate) * INBOUND_CHUNK_MS;
  }

  /** Media time sent so far. */
  get sentMs(): number {
    return this.sent;
  }

  get idle(): boolean {
    return this.queue.length === 0 && !this.continuous;
  }

  /** Audio split into 100 ms chunks (the last padded with silence); resolves true once all was sent. */
  say(pcm: Buffer): Promise<boolean> {
    const items: Item[] = [];
    for (let at = 0; at < pcm.length; at += this.chunkBytes) {
      const piece = pcm.subarray(at, at + this.chunkBytes);
      const chunk =
        piece.length === this.chunkBytes
          ? piece
          : Buffer.concat([piece, Buffer.alloc(this.chunkBytes - piece.length)]);
      items.push({ kind: 'audio', pcm: chunk });
    }
    return this.enqueue(items);
  }

  silence(ms: number): Promise<boolean> {
    const chunks = Math.max(1, Math.ceil(ms / INBOUND_CHUNK_MS));
    return this.say(Buffer.alloc(chunks * this.chunkBytes));
  }

  dtmf(digit: string, durationMs: number): Promise<boolean> {
    return this.enqueue([{ kind: 'dtmf', digit, durationMs }]);
  }

  /** Starts the line (a live line begins sending silence at once). */
  start(): void {
    this.clock.begin();
    this.kick();
  }

  /** The line went down: everything still queued is reported as not sent. */
  hangUp(): void {
    for (const item of this.queue.splice(0)) item.done?.(false);
  }

  private enqueue(items: Item[]): Promise<boolean> {
    if (!this.sink.isOpen() || items.length === 0) return Promise.resolve(this.sink.isOpen());
    return new Promise((resolve) => {
      items.forEach((item, i) => this.queue.push(i === items.length - 1 ? { ...item, done: resolve } : item));
      this.kick();
    });
  }

  private kick(): void {
    if (this.feeding) return;
    this.feeding = true;
    this.feed()
      .catch((err: unknown) => this.onError(err instanceof Error ? err : new Error(String(err))))
      .finally(() => {
        this.feeding = false;
        // Items queued while the loop was winding down would otherwise wait for the next call.
        if (this.queue.length > 0 && this.sink.isOpen()) this.kick();
      });
  }

  private async feed(): Promise<void> {
    const silence = Buffer.alloc(this.chunkBytes);
    while (this.sink.isOpen()) {
      const item: Queued | undefined =
        this.queue.shift() ?? (this.continuous ? { kind: 'audio', pcm: silence } : undefined);
      if (!item) return;
      if (item.kind === 'dtmf') {
        this.sink.dtmf(item.digit, item.durationMs);
        item.done?.(true);
        continue;
      }
      const endMs = this.sent + INBOUND_CHUNK_MS;
      if (endMs > this.maxDurationMs) {
        item.done?.(false);
        await this.sink.expired();
        return;
      }
      await this.clock.waitUntil(endMs);
      if (!this.sink.isOpen()) {
        item.done?.(false);
        return;
      }
      this.sent = endMs;
      this.sink.media(item.pcm, endMs);
      item.done?.(true);
    }
  }
}
