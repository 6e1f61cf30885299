import { DateTime } from 'luxon';
import type { TerminalCallState } from '../calls';

/**
 * The retry policy and the per-contact limits a dial must pass: which outcomes are retried and
 * when, the frequency cap across campaigns (attempts per local day), and duplicates across running
 * campaigns. Pure functions over plain values; the runner feeds them the stored counts.
 */

export type RetryableOutcome = 'busy' | 'no_answer' | 'failed' | 'machine';
export type FinishedOutcome = 'answered' | RetryableOutcome | 'canceled';

/** The campaign's retry rules (the shape of the model's RetryPolicy). */
export interface RetryRules {
  /** Attempts per contact in this campaign, the first included. */
  maxAttempts: number;
  on: readonly RetryableOutcome[];
  intervalMinutes: number;
  backoff: 'linear' | 'exponential';
}

/** A finished call as the campaign counts it: a machine that answered is `machine`, not answered. */
export function outcomeOfCall(state: TerminalCallState, answeredBy: string | null): FinishedOutcome {
  switch (state) {
    case 'completed':
      return answeredBy === 'machine' ? 'machine' : 'answered';
    case 'busy':
      return 'busy';
    case 'no_answer':
      return 'no_answer';
    case 'failed':
      return 'failed';
    // The provider could not say how the call went after our crash: counted as failed, so the policy decides.
    case 'interrupted':
      return 'failed';
    case 'canceled':
      return 'canceled';
    default: {
      const never: never = state;
      throw new Error(`unexpected call state ${String(never)}`);
    }
  }
}

/** The wait after attempt `attemptNo` before the next: linear repeats the interval, exponential doubles it. */
export function retryDelayMs(rules: RetryRules, attemptNo: number): number {
  const base = rules.intervalMinutes * 60_000;
  switch (rules.backoff) {
    case 'linear':
      return base;
    case 'exponential':
      return base * 2 ** Math.max(0, attemptNo - 1);
    default: {
      const never: never = rules.backoff;
      throw new Error(`unexpected backoff ${String(never)}`);
    }
  }
}

export type RetryDecision =
  | { kind: 'retry'; notBefore: number }
  | { kind: 'final'; reason: 'answered' | 'not_retried' | 'attempts_exhausted' | 'canceled' };

/** After attempt `attemptNo` ended with `outcome` at `endedAt`: dial again (not before when), or done. */
export function retryDecision(
  rules: RetryRules,
  attemptNo: number,
  outcome: FinishedOutcome,
  endedAt: number,
): RetryDecision {
  if (outcome === 'answered') return { kind: 'final', reason: 'answered' };
  if (outcome === 'canceled') return { kind: 'final', reason: 'canceled' };
  if (!rules.on.includes(outcome)) return { kind: 'final', reason: 'not_retried' };
  if (attemptNo >= rules.maxAttempts) return { kind: 'final', reason: 'attempts_exhausted' };
  return { kind: 'retry', notBefore: endedAt + retryDelayMs(rules, attemptNo) };
}

/** The local day (in the calling window's zone) holding `at`: the frequency cap counts within it. */
export function capDay(timeZone: string, at: number): { start: number; end: number } {
  const local = DateTime.fromMillis(at, { zone: timeZone });
  if (!local.isValid) throw new Error(`unknown time zone ${timeZone}`);
  const start = local.startOf('day');
  return { start: start.toMillis(), end: start.plus({ days: 1 }).toMillis() };
}

/** What a dial must pass at the moment it would leave, besides pacing and the window. */
export interface DialChecks {
  /** On the Do-Not-Call register now (it may have been added mid-campaign). */
  dnc: boolean;
  /** Attempts to this number today (the cap day), across all campaigns. */
  attemptsToday: number;
  capPerDay: number;
  /** The number already has an attempt in another running campaign. */
  dialledElsewhere: boolean;
  duplicates: 'once' | 'per_campaign';
}

export type ContactVerdict =
  | { kind: 'dial' }
  /** The cap is reached today: not before the next cap day. */
  | { kind: 'wait'; until: number }
  | { kind: 'skip'; reason: 'dnc' | 'duplicate' };

/** Whether this contact may be dialled at `now` (the cap day is in `timeZone`). */
export function contactVerdict(checks: DialChecks, timeZone: string, now: number): ContactVerdict {
  if (checks.dnc) return { kind: 'skip', reason: 'dnc' };
  if (checks.duplicates === 'once' && checks.dialledElsewhere) return { kind: 'skip', reason: 'duplicate' };
  if (checks.attemptsToday >= checks.capPerDay) return { kind: 'wait', until: capDay(timeZone, now).end };
  return { kind: 'dial' };
}
