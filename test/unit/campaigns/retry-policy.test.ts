import { describe, expect, it } from 'vitest';
import {
  capDay,
  contactVerdict,
  outcomeOfCall,
  retryDecision,
  retryDelayMs,
  type RetryRules,
} from '../../../src/main/core/campaigns/retry-policy';

const rules = (r: Partial<RetryRules> = {}): RetryRules => ({
  maxAttempts: 3,
  on: ['busy', 'no_answer', 'failed'],
  intervalMinutes: 30,
  backoff: 'linear',
  ...r,
});

describe('retry policy', () => {
  it('counts a machine-answered call as machine, an interrupted one as failed', () => {
    expect(outcomeOfCall('completed', 'human')).toBe('answered');
    expect(outcomeOfCall('completed', null)).toBe('answered');
    expect(outcomeOfCall('completed', 'machine')).toBe('machine');
    expect(outcomeOfCall('no_answer', null)).toBe('no_answer');
    expect(outcomeOfCall('interrupted', null)).toBe('failed');
    expect(outcomeOfCall('canceled', null)).toBe('canceled');
  });

  it('linear repeats the interval; exponential doubles it per attempt', () => {
    expect([1, 2, 3].map((n) => retryDelayMs(rules(), n))).toEqual([1_800_000, 1_800_000, 1_800_000]);
    expect([1, 2, 3].map((n) => retryDelayMs(rules({ backoff: 'exponential' }), n))).toEqual([
      1_800_000, 3_600_000, 7_200_000,
    ]);
  });

  it('retries only the chosen outcomes, up to the attempt limit', () => {
    const at = 1_000_000;
    expect(retryDecision(rules(), 1, 'busy', at)).toEqual({ kind: 'retry', notBefore: at + 1_800_000 });
    expect(retryDecision(rules(), 2, 'no_answer', at)).toEqual({ kind: 'retry', notBefore: at + 1_800_000 });
    expect(retryDecision(rules(), 3, 'busy', at)).toEqual({ kind: 'final', reason: 'attempts_exhausted' });
    expect(retryDecision(rules(), 1, 'machine', at)).toEqual({ kind: 'final', reason: 'not_retried' });
    expect(retryDecision(rules({ on: ['machine'] }), 1, 'machine', at).kind).toBe('retry');
    expect(retryDecision(rules(), 1, 'answered', at)).toEqual({ kind: 'final', reason: 'answered' });
    expect(retryDecision(rules({ maxAttempts: 1 }), 1, 'busy', at)).toEqual({
      kind: 'final',
      reason: 'attempts_exhausted',
    });
  });

  it('the frequency cap counts within the local day and waits for the next', () => {
    // 2026-01-05 23:00 IST = 17:30Z: the IST day runs 2026-01-04T18:30Z to 2026-01-05T18:30Z.
    const at = Date.UTC(2026, 0, 5, 17, 30);
    expect(capDay('Asia/Kolkata', at)).toEqual({
      start: Date.UTC(2026, 0, 4, 18, 30),
      end: Date.UTC(2026, 0, 5, 18, 30),
    });
    const base = {
      dnc: false,
      attemptsToday: 2,
      capPerDay: 3,
      dialledElsewhere: false,
      duplicates: 'once' as const,
    };
    expect(contactVerdict(base, 'Asia/Kolkata', at)).toEqual({ kind: 'dial' });
    expect(contactVerdict({ ...base, attemptsToday: 3 }, 'Asia/Kolkata', at)).toEqual({
      kind: 'wait',
      until: Date.UTC(2026, 0, 5, 18, 30),
    });
    expect(contactVerdict({ ...base, dnc: true }, 'Asia/Kolkata', at)).toEqual({
      kind: 'skip',
      reason: 'dnc',
    });
    expect(contactVerdict({ ...base, dialledElsewhere: true }, 'Asia/Kolkata', at)).toEqual({
      kind: 'skip',
      reason: 'duplicate',
    });
    expect(
      contactVerdict({ ...base, dialledElsewhere: true, duplicates: 'per_campaign' }, 'Asia/Kolkata', at),
    ).toEqual({ kind: 'dial' });
  });
});
