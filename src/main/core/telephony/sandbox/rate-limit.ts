/** A sliding one-minute window of request times, as Exotel's per-account API limit. */
export class MinuteRateLimit {
  private readonly times: number[] = [];

  constructor(private readonly perMinute: number) {}

  /** Admits a request now, or says how long until one would be admitted. */
  take(now = Date.now()): { ok: true } | { ok: false; retryAfterMs: number } {
    while (this.times.length > 0 && (this.times[0] ?? 0) <= now - 60_000) this.times.shift();
    if (this.times.length < this.perMinute) {
      this.times.push(now);
      return { ok: true };
    }
    return { ok: false, retryAfterMs: Math.max(1, (this.times[0] ?? now) + 60_000 - now) };
  }
}
