/** How many lines of one kind, and of all kinds, a window may write. */
export interface RateLimits {
  windowMs: number;
  /** Lines per kind (level + scope + message) per window; the rest are counted, then summarised. */
  perKey: number;
  /** Lines of all kinds per window. */
  total: number;
}

export interface Suppressed {
  key: string;
  count: number;
}

/** Kinds tracked per window; more distinct kinds than this share one overflow counter. */
const MAX_KEYS = 500;
export const OVERFLOW_KEY = '';

/**
 * Fixed windows shared by every kind: `admit` says whether a line may be written now, and counts
 * the ones that may not. When a window ends, `rollover` hands back what was dropped in it.
 */
export class RateLimiter {
  private window = Number.NaN;
  private total = 0;
  private counts = new Map<string, number>();
  private dropped = new Map<string, number>();

  constructor(
    private readonly limits: RateLimits,
    private readonly now: () => number,
  ) {}

  /** Milliseconds until the current window ends. */
  get msLeft(): number {
    return Math.max(0, (this.window + 1) * this.limits.windowMs - this.now());
  }

  get hasDropped(): boolean {
    return this.dropped.size > 0;
  }

  /** Ends the window if its time is up; returns what it dropped (empty when nothing was). */
  rollover(): Suppressed[] {
    const window = Math.floor(this.now() / this.limits.windowMs);
    if (window === this.window) return [];
    this.window = window;
    this.total = 0;
    this.counts = new Map();
    const out = [...this.dropped].map(([key, count]) => ({ key, count }));
    this.dropped = new Map();
    return out;
  }

  admit(key: string): boolean {
    const tracked = this.counts.has(key) || this.counts.size < MAX_KEYS ? key : OVERFLOW_KEY;
    const seen = (this.counts.get(tracked) ?? 0) + 1;
    this.counts.set(tracked, seen);
    if (seen <= this.limits.perKey && this.total < this.limits.total) {
      this.total++;
      return true;
    }
    const droppedKey = this.dropped.has(tracked) || this.dropped.size < MAX_KEYS ? tracked : OVERFLOW_KEY;
    this.dropped.set(droppedKey, (this.dropped.get(droppedKey) ?? 0) + 1);
    return false;
  }
}
