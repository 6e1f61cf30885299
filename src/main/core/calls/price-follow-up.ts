import type { Logger } from '../logging';
import type { CallAttemptRow } from '../store';
import type { CallInput } from './call-state';
import { callDetailsInput } from './call-state-inputs';
import type { CallDetailsSource } from './provider-check';

/** Minutes between checks after a call ends: 1, 2, 4, … 128, so the last one is 255 min after the end. */
const INTERVALS_MIN = [1, 2, 4, 8, 16, 32, 64, 128];
/** When each check is due, in ms after the call's end. */
export const PRICE_CHECKS_MS: readonly number[] = INTERVALS_MIN.map(
  (_, i) => INTERVALS_MIN.slice(0, i + 1).reduce((a, b) => a + b, 0) * 60_000,
);

export interface PriceFollowUpDeps {
  /** Ended calls with a provider id and no price that ended at or after `endedSince` (ISO). */
  unpriced(endedSince: string): CallAttemptRow[];
  attempt(id: string): CallAttemptRow | undefined;
  /** Records the provider's report as the call's input (source `api`). */
  record(attemptId: string, input: CallInput, dedupeKey: string): void;
  /** The provider that placed the call, if it can still be asked. */
  providerFor(attempt: CallAttemptRow): CallDetailsSource | undefined;
  log: Logger;
  /** When a call is asked, in ms after its end (default PRICE_CHECKS_MS; the sandbox's are scaled). */
  checksFor?(attempt: CallAttemptRow): readonly number[];
  /** Checks per minute at most: they share the account's API rate with dialing. */
  perMinute?: number;
  now?(): number;
}

/**
 * Exotel fills a call's `Price` minutes after the end, and says so to no callback: each ended call is
 * asked through the call-details API at growing intervals until its price is recorded or the last
 * check has passed. Nothing is kept but the calls themselves: when a check is due follows from the
 * call's end, so a restart picks every unpriced call up again (`resume`) and asks at once those whose
 * check fell while the process was down. One check at a time, paced.
 */
export class PriceFollowUp {
  private readonly due = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private lastCheck = 0;
  private closed = false;

  constructor(private readonly d: PriceFollowUpDeps) {}

  private now(): number {
    return this.d.now?.() ?? Date.now();
  }

  private checks(a: CallAttemptRow): readonly number[] {
    return this.d.checksFor?.(a) ?? PRICE_CHECKS_MS;
  }

  /** Start-up: every unpriced call that ended recently enough to be asked again is followed. */
  resume(): number {
    const horizon = Math.max(...PRICE_CHECKS_MS);
    const rows = this.d.unpriced(new Date(this.now() - horizon).toISOString());
    let n = 0;
    for (const a of rows) if (this.track(a, true)) n++;
    if (n > 0) this.d.log.info('following up the price of calls ended before this start', { calls: n });
    return n;
  }

  /** A call changed: once it has ended with a provider id and no price, its checks are planned. */
  onCallChanged(a: CallAttemptRow): void {
    if (a.endedAt === null || a.price !== null || a.providerSid === null || this.due.has(a.id)) return;
    this.track(a, false);
  }

  /** Calls waiting for their price (tests, status). */
  get pending(): number {
    return this.due.size;
  }

  /** Resolves when no check is running. */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.due.clear();
  }

  /** `resumed`: a check that fell due while we were not running is made at once. */
  private track(a: CallAttemptRow, resumed: boolean): boolean {
    if (this.closed || a.endedAt === null) return false;
    const ended = Date.parse(a.endedAt);
    const now = this.now();
    const checks = this.checks(a);
    const next = checks.find((ms) => ended + ms > now);
    const missed = resumed && checks.some((ms) => ended + ms <= now);
    if (next === undefined && !missed) return false;
    this.due.set(a.id, missed ? now : ended + (next ?? 0));
    this.arm();
    return true;
  }

  private arm(): void {
    if (this.closed || this.running) return;
    clearTimeout(this.timer);
    let soonest = Infinity;
    for (const at of this.due.values()) soonest = Math.min(soonest, at);
    if (soonest === Infinity) return;
    const gap = 60_000 / (this.d.perMinute ?? 60);
    const wait = Math.max(soonest - this.now(), this.lastCheck + gap - this.now(), 0);
    // Unref'd: a CLI command that has finished its work is not held open by a price that may come.
    this.timer = setTimeout(() => this.fire(), wait).unref();
  }

  private fire(): void {
    this.timer = undefined;
    const now = this.now();
    let pick: string | undefined;
    let soonest = Infinity;
    for (const [id, at] of this.due)
      if (at <= now && at < soonest) {
        soonest = at;
        pick = id;
      }
    if (pick === undefined) return this.arm();
    const id = pick;
    this.lastCheck = now;
    this.running = this.check(id)
      .catch((err: unknown) => this.d.log.error('price check failed unexpectedly', { attemptId: id, err }))
      .finally(() => {
        this.running = undefined;
        this.arm();
      });
  }

  private async check(id: string): Promise<void> {
    this.due.delete(id);
    const a = this.d.attempt(id);
    if (!a || a.price !== null || a.providerSid === null) return;
    const provider = this.d.providerFor(a);
    if (!provider) {
      this.d.log.warn('price not followed up: the provider is not available', { attemptId: id });
      return;
    }
    const result = await provider.callDetails(a.providerSid);
    if (this.closed) return;
    if (result.kind === 'rejected' && result.status === 404) {
      // The provider has no such call (a sandbox restarted since): no price will ever come.
      this.d.log.warn('price not followed up: the provider does not know the call', { attemptId: id });
      return;
    }
    if (result.kind !== 'found' || result.call.Sid !== a.providerSid) {
      this.d.log.warn('price check: the provider did not answer for the call', {
        attemptId: id,
        answer: result.kind === 'found' ? 'another call' : `${result.kind}: ${result.message}`,
      });
    } else {
      const mapped = callDetailsInput(result.call);
      if (!mapped.ok)
        this.d.log.warn('price check: unreadable call details', { attemptId: id, why: mapped.error });
      else if (mapped.input.price !== null && mapped.input.price !== undefined) {
        this.d.record(id, mapped.input, mapped.dedupeKey);
        return;
      }
    }
    const after = this.d.attempt(id);
    if (after && after.price === null && !this.track(after, false))
      this.d.log.info('price never settled: no more checks for this call', { attemptId: id });
  }
}
