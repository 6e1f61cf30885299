import type { ProviderFailure } from '../telephony';

/**
 * Pacing: how fast and how many at once. A token bucket (burst 1) holds calls per minute, a
 * semaphore holds concurrency; the provider's 429s (rate and concurrency) hold dialling until their
 * Retry-After and lower the effective limits, which climb back while no 429 comes. Limits may change
 * while a campaign runs. Time comes from an injected clock so tests and benchmarks can drive it.
 */

export interface Clock {
  now(): number;
}
export const systemClock: Clock = { now: () => Date.now() };

export interface PacingLimits {
  callsPerMinute: number;
  maxConcurrent: number;
}

/**
 * Calls per minute with a burst of one, on a schedule: dial k is due at anchor + k × interval. A
 * late dial (under one interval late: a timer or a busy event loop, not an idle queue) keeps the
 * schedule, so lateness does not slow the campaign; a later one restarts it from now. The dial
 * after a late one waits at least half an interval, and the schedule catches up over the next
 * dials. So no two dials are closer than half an interval, and no 60 s window holds more than the
 * rate + 1 (each dial is at most one interval behind its due time, never ahead of it).
 */
export class TokenBucket {
  /** When the last token was due (or taken, after a restart of the schedule). */
  private last = Number.NEGATIVE_INFINITY;
  /** When the last token was actually taken. */
  private taken = Number.NEGATIVE_INFINITY;
  private intervalMs: number;

  constructor(callsPerMinute: number) {
    this.intervalMs = intervalOf(callsPerMinute);
  }

  /** A new rate counts from the last dial itself: credit earned at the old rate is not carried over. */
  setRate(callsPerMinute: number): void {
    const interval = intervalOf(callsPerMinute);
    if (interval !== this.intervalMs) this.last = Math.max(this.last, this.taken);
    this.intervalMs = interval;
  }

  /** When the next token is there. */
  nextAt(): number {
    return Math.max(this.last + this.intervalMs, this.taken + this.intervalMs / 2);
  }

  /** 0 when a token is there now, else the whole ms until one is (a clock is whole ms). */
  waitMs(now: number): number {
    return Math.max(0, Math.ceil(this.nextAt() - now));
  }

  take(now: number): boolean {
    if (this.waitMs(now) > 0) return false;
    const due = this.last + this.intervalMs;
    // Restarting after any lateness over half an interval lost it all: at 1,200/min that is 25 ms,
    // which a shared machine's event loop often exceeds (bench/dialer measured 0.97 of the rate).
    this.last = now - due < this.intervalMs ? due : now;
    this.taken = now;
    return true;
  }
}

/**
 * The account's calls per minute (Settings), one for every running campaign and test call: Exotel
 * counts the account's calls, not a campaign's, so each campaign's own rate sits beneath this one.
 * Follows the setting as it changes. Fair: a claimant refused because another took the token is
 * served before anyone else asks again (otherwise the campaign whose timer fires first would take
 * every token). A claimant that stops asking loses its turn after a short grace.
 */
export class AccountLimiter {
  private readonly bucket: TokenBucket;
  /** Claimants refused while they could have dialled, in order. */
  private readonly queue: object[] = [];

  constructor(
    private readonly rate: () => number,
    private readonly clock: Clock = systemClock,
  ) {
    this.bucket = new TokenBucket(rate());
  }

  /** How long a turn is kept for a waiting claimant once the token is there. */
  private grace(): number {
    return Math.min(60_000 / this.rate() / 2, 250);
  }

  /** 0 when `who` may place a call now, else the whole ms until it should ask again. */
  waitMs(who: object): number {
    this.bucket.setRate(this.rate());
    const now = this.clock.now();
    const wait = this.bucket.waitMs(now);
    const since = this.bucket.nextAt();
    // A claimant that has not taken its turn within the grace has stopped asking.
    while (wait === 0 && this.queue.length > 0 && this.queue[0] !== who && now - since > this.grace())
      this.queue.shift();
    const head = this.queue[0];
    if (wait === 0 && (head === undefined || head === who)) return 0;
    if (!this.queue.includes(who)) this.queue.push(who);
    return wait > 0 ? wait : Math.max(1, Math.ceil(since + this.grace() - now));
  }

  take(who: object): boolean {
    if (this.waitMs(who) > 0) return false;
    if (!this.bucket.take(this.clock.now())) return false;
    const i = this.queue.indexOf(who);
    if (i >= 0) this.queue.splice(i, 1);
    return true;
  }

  /** For one call placed by hand: waits for the account's next token, at most `maxWaitMs`. */
  async acquire(maxWaitMs: number): Promise<boolean> {
    const who = {};
    const deadline = this.clock.now() + maxWaitMs;
    for (;;) {
      if (this.take(who)) return true;
      const wait = this.waitMs(who);
      if (this.clock.now() + wait > deadline) {
        const i = this.queue.indexOf(who);
        if (i >= 0) this.queue.splice(i, 1);
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, wait)));
    }
  }
}

function intervalOf(callsPerMinute: number): number {
  if (!(callsPerMinute > 0) || !Number.isFinite(callsPerMinute)) {
    throw new RangeError(`calls per minute must be a positive number, got ${callsPerMinute}`);
  }
  return 60_000 / callsPerMinute;
}

/** A counting semaphore whose limit may change; lowering it never revokes a held permit. */
export class Semaphore {
  private held = 0;

  constructor(private limit: number) {
    checkLimit(limit);
  }

  get inUse(): number {
    return this.held;
  }

  get available(): boolean {
    return this.held < this.limit;
  }

  setLimit(limit: number): void {
    checkLimit(limit);
    this.limit = limit;
  }

  tryAcquire(): boolean {
    if (!this.available) return false;
    this.held += 1;
    return true;
  }

  /** Takes a permit even above the limit (for work that is already running). */
  force(): void {
    this.held += 1;
  }

  release(): void {
    if (this.held === 0) throw new Error('semaphore released more often than acquired');
    this.held -= 1;
  }
}

function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`a concurrency limit is a whole number ≥ 1, got ${limit}`);
}

/** Whether a dial may start now: ready, wait this long, or wait for a call to end. */
export type Readiness = { kind: 'ready' } | { kind: 'wait'; ms: number } | { kind: 'full' };

export interface PacingSnapshot {
  configured: PacingLimits;
  effectiveCallsPerMinute: number;
  effectiveConcurrent: number;
  inFlight: number;
  maxInFlightSeen: number;
  heldUntil: number | null;
  rateLimited: number;
}

/** How long the limits stay lowered after a 429 before each step back up. */
export const RECOVERY_STEP_MS = 10_000;
/** A 429 multiplies the effective rate by this. */
const RATE_DECREASE = 0.75;
/** Exotel's concurrency refusal is a 429 too; its message names the limit. */
const CONCURRENCY_MESSAGE = /concurren/i;

export class Pacer {
  private limits: PacingLimits;
  private effectiveCpm: number;
  private effectiveConcurrent: number;
  private readonly bucket: TokenBucket;
  private readonly slots: Semaphore;
  private heldUntil = 0;
  private lastRateLimit = Number.NEGATIVE_INFINITY;
  private lastConcurrencyLimit = Number.NEGATIVE_INFINITY;
  private maxSeen = 0;
  private rateLimited = 0;

  /**
   * `accountCallsPerMinute`: the account's limit (Settings); a configured rate above it is capped.
   * `account`: the limiter every campaign and test call shares, so together they stay within it.
   */
  constructor(
    limits: PacingLimits,
    private readonly clock: Clock = systemClock,
    private readonly accountCallsPerMinute = Number.POSITIVE_INFINITY,
    private readonly account?: AccountLimiter,
  ) {
    this.limits = this.capped(limits);
    this.effectiveCpm = this.limits.callsPerMinute;
    this.effectiveConcurrent = this.limits.maxConcurrent;
    this.bucket = new TokenBucket(this.effectiveCpm);
    this.slots = new Semaphore(this.effectiveConcurrent);
  }

  private capped(l: PacingLimits): PacingLimits {
    intervalOf(l.callsPerMinute);
    checkLimit(l.maxConcurrent);
    return {
      callsPerMinute: Math.min(l.callsPerMinute, this.accountCallsPerMinute),
      maxConcurrent: l.maxConcurrent,
    };
  }

  /** Changes pacing while running; a lowered effective limit after a 429 stays no higher than the new one. */
  setLimits(limits: PacingLimits): void {
    this.limits = this.capped(limits);
    this.effectiveCpm = Math.min(this.effectiveCpm, this.limits.callsPerMinute);
    if (this.clock.now() - this.lastRateLimit >= RECOVERY_STEP_MS)
      this.effectiveCpm = this.limits.callsPerMinute;
    this.effectiveConcurrent = Math.min(this.effectiveConcurrent, this.limits.maxConcurrent);
    if (this.clock.now() - this.lastConcurrencyLimit >= RECOVERY_STEP_MS) {
      this.effectiveConcurrent = this.limits.maxConcurrent;
    }
    this.apply();
  }

  private apply(): void {
    this.bucket.setRate(this.effectiveCpm);
    this.slots.setLimit(this.effectiveConcurrent);
  }

  /** Steps lowered limits back up, one step per RECOVERY_STEP_MS without a 429. */
  private recover(now: number): void {
    if (this.effectiveCpm < this.limits.callsPerMinute && now - this.lastRateLimit >= RECOVERY_STEP_MS) {
      this.effectiveCpm = Math.min(
        this.limits.callsPerMinute,
        this.effectiveCpm + Math.max(1, this.limits.callsPerMinute * 0.1),
      );
      this.lastRateLimit = now;
    }
    if (
      this.effectiveConcurrent < this.limits.maxConcurrent &&
      now - this.lastConcurrencyLimit >= RECOVERY_STEP_MS
    ) {
      this.effectiveConcurrent += 1;
      this.lastConcurrencyLimit = now;
    }
    this.apply();
  }

  readiness(): Readiness {
    const now = this.clock.now();
    this.recover(now);
    if (now < this.heldUntil) return { kind: 'wait', ms: this.heldUntil - now };
    if (!this.slots.available) return { kind: 'full' };
    // The account is asked only when this campaign could dial now: asking holds a turn there.
    const ms = this.bucket.waitMs(now) || (this.account?.waitMs(this) ?? 0);
    return ms > 0 ? { kind: 'wait', ms } : { kind: 'ready' };
  }

  /** Takes a token and a slot for one dial; false (and nothing taken) when not ready. */
  tryAcquire(): boolean {
    if (this.readiness().kind !== 'ready') return false;
    const now = this.clock.now();
    if (!this.slots.tryAcquire()) return false;
    if (!this.bucket.take(now)) {
      this.slots.release();
      return false;
    }
    // Ready above means the account's token is there now too (same instant, nothing in between).
    if (this.account && !this.account.take(this)) throw new Error('internal: the account token vanished');
    this.maxSeen = Math.max(this.maxSeen, this.slots.inUse);
    return true;
  }

  /**
   * Counts a call already going (found after a restart) against the concurrency, token or not; it may
   * take the count above a lowered limit, which then holds new dials until calls end.
   */
  holdSlot(): void {
    this.slots.force();
    this.maxSeen = Math.max(this.maxSeen, this.slots.inUse);
  }

  /** The call that held a slot is over (ended, refused, or never left). */
  release(): void {
    this.slots.release();
  }

  /**
   * The provider refused a dial. A 429 holds every dial until its Retry-After and lowers the rate,
   * or, for the concurrency limit, the concurrency to what was running without this call.
   */
  onFailure(failure: ProviderFailure): void {
    if (failure.kind !== 'rate_limited') return;
    const now = this.clock.now();
    this.rateLimited += 1;
    this.heldUntil = Math.max(this.heldUntil, now + failure.retryAfterMs);
    if (CONCURRENCY_MESSAGE.test(failure.message)) {
      this.effectiveConcurrent = Math.max(1, Math.min(this.effectiveConcurrent, this.slots.inUse - 1));
      this.lastConcurrencyLimit = now;
    } else {
      this.effectiveCpm = Math.max(1, Math.floor(this.effectiveCpm * RATE_DECREASE));
      this.lastRateLimit = now;
    }
    this.apply();
  }

  snapshot(): PacingSnapshot {
    return {
      configured: { ...this.limits },
      effectiveCallsPerMinute: this.effectiveCpm,
      effectiveConcurrent: this.effectiveConcurrent,
      inFlight: this.slots.inUse,
      maxInFlightSeen: this.maxSeen,
      heldUntil: this.heldUntil > this.clock.now() ? this.heldUntil : null,
      rateLimited: this.rateLimited,
    };
  }
}
