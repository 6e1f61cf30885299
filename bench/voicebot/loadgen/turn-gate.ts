import { absNow } from '../timing';

// The worst case's meeting point: turn i starts once every caller still on the line has heard the
// bot's turn before it (or the wait ran out), and all of them are given the same wall time at which
// their line must end, far enough ahead that the longest line can still be said in full.

interface Pending {
  arrived: Set<number>;
  resolvers: ((endAbs: number) => void)[];
  timer: NodeJS.Timeout;
}

export class TurnGate {
  private readonly pending = new Map<number, Pending>();
  private readonly left = new Set<number>();
  private readonly released = new Set<number>();

  constructor(
    private readonly callers: number,
    /** Each turn's line length (ms), for the end time it gives. */
    private readonly lineMs: number[],
    /** Slack before the longest line must start (covers the chunk in flight and timer slip). */
    private readonly leadMs: number,
    private readonly maxWaitMs: number,
  ) {}

  /** Caller `index` is ready for `turn`; resolves with the wall time its line must end at. */
  arrive(turn: number, index: number): Promise<number> {
    // Late for a turn already released (its wait ran out): speak as soon as possible.
    if (this.released.has(turn)) return Promise.resolve(this.endAbs(turn));
    let p = this.pending.get(turn);
    if (!p) {
      p = { arrived: new Set(), resolvers: [], timer: setTimeout(() => this.release(turn), this.maxWaitMs) };
      this.pending.set(turn, p);
    }
    p.arrived.add(index);
    const promise = new Promise<number>((resolve) => p.resolvers.push(resolve));
    this.check(turn);
    return promise;
  }

  /** Caller `index` says nothing more (finished, hung up by the bot, or failed). */
  leave(index: number): void {
    this.left.add(index);
    for (const turn of [...this.pending.keys()]) this.check(turn);
  }

  private check(turn: number): void {
    const p = this.pending.get(turn);
    if (!p) return;
    const waiting = [...Array(this.callers).keys()].filter((i) => !this.left.has(i) && !p.arrived.has(i));
    if (waiting.length === 0) this.release(turn);
  }

  private release(turn: number): void {
    const p = this.pending.get(turn);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(turn);
    this.released.add(turn);
    const endAbs = this.endAbs(turn);
    for (const resolve of p.resolvers) resolve(endAbs);
  }

  private endAbs(turn: number): number {
    return absNow() + this.leadMs + (this.lineMs[turn] ?? 0);
  }
}
