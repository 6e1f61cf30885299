import type { Logger } from '../logging';
import type { CallAttemptRow } from '../store';
import type { CallDetailsResult } from '../telephony';
import type { CallInput } from './call-state';
import { callDetailsInput } from './call-state-inputs';

/** What can read a call's state from the provider (the Exotel client, or it speaking to the sandbox). */
export interface CallDetailsSource {
  callDetails(sid: string): Promise<CallDetailsResult>;
}

export interface ProviderCheckDeps {
  /** The provider that placed this attempt, if it can still be reached (credentials may be gone). */
  providerFor: (attempt: CallAttemptRow) => CallDetailsSource | undefined;
  attempt: (id: string) => CallAttemptRow | undefined;
  /** Records the provider's answer as the call's own input (source `api`). */
  record: (attemptId: string, input: CallInput, dedupeKey: string) => void;
  /** Says on the attempt's disputed events what came of the check. */
  settleDisputes: (attemptId: string, answer: CheckAnswer) => void;
  log: Logger;
  /** Checks per attempt, ever: a flood of forged callbacks must not spend the account's API rate. */
  maxChecksPerAttempt?: number;
}

/** What the provider said of the call (`status` in our spelling), or why we could not ask it. */
export type CheckAnswer = { ok: true; status: string } | { ok: false; why: string };

/**
 * Asks the provider's call-details API for the true state of a call whose callback was disputed.
 * One check at a time per attempt, a few per attempt at most; a failed check leaves the disputed
 * callback unapplied (a later callback or the stream's end settles the call) and is logged.
 */
export class ProviderCheck {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly checks = new Map<string, number>();
  private closed = false;

  constructor(private readonly d: ProviderCheckDeps) {}

  request(attemptId: string): void {
    if (this.closed || this.inFlight.has(attemptId)) return;
    const done = this.checks.get(attemptId) ?? 0;
    const max = this.d.maxChecksPerAttempt ?? 3;
    if (done >= max) {
      if (done === max) {
        this.checks.set(attemptId, done + 1); // said once per call
        this.d.log.warn('provider check skipped: this call was checked enough', { attemptId, checks: done });
      }
      return;
    }
    // Forget the oldest counts first: the map must not grow with every call ever placed.
    if (this.checks.size >= 10_000) this.checks.delete(this.checks.keys().next().value ?? '');
    this.checks.set(attemptId, done + 1);
    const check = this.run(attemptId)
      .catch((err: unknown) => this.d.log.error('provider check failed unexpectedly', { attemptId, err }))
      .finally(() => this.inFlight.delete(attemptId));
    this.inFlight.set(attemptId, check);
  }

  /** Resolves when no check is running (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight.values()]);
  }

  /** Later answers are dropped: the store may be closing. */
  close(): void {
    this.closed = true;
  }

  private async run(attemptId: string): Promise<void> {
    const attempt = this.d.attempt(attemptId);
    if (!attempt) return;
    const failed = (why: string) => {
      this.d.log.warn('could not confirm a disputed callback with the provider', { attemptId, why });
      if (!this.closed) this.d.settleDisputes(attemptId, { ok: false, why });
    };
    if (attempt.providerSid === null) return failed('the call has no provider id yet');
    const provider = this.d.providerFor(attempt);
    if (!provider) return failed(`provider ${attempt.provider} is not available`);
    const result = await provider.callDetails(attempt.providerSid);
    if (this.closed) return;
    if (result.kind !== 'found') return failed(`${result.kind}: ${result.message}`);
    if (result.call.Sid !== attempt.providerSid) return failed(`answer is for another call`);
    const mapped = callDetailsInput(result.call);
    if (!mapped.ok) return failed(mapped.error);
    this.d.record(attemptId, mapped.input, mapped.dedupeKey);
    this.d.settleDisputes(attemptId, { ok: true, status: mapped.input.status });
  }
}
