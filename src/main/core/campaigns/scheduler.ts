import type { Pacer } from './pacing';
import { capDay, contactVerdict, type RetryRules } from './retry-policy';
import { nextDialTime, type CalendarWindow, type DialSchedule } from './window-calendar';

/**
 * The scheduler's decision, one step at a time, for every kind of campaign (bulk, selected
 * contacts, a single call): what to do now with the queue, the window, the schedule, the
 * per-contact limits and the pacer. Pure apart from reading the pacer; the runner applies each step
 * (skip, defer, dial) to storage and asks again.
 */

/** A contact waiting in the queue, as the scheduler needs it. */
export interface QueueItem {
  contactId: number;
  number: string;
  /** Attempts made so far in this campaign. */
  attempts: number;
  /** Not before this instant (a retry's interval or a frequency cap); null: now. */
  nextEligibleAt: number | null;
}

export interface SchedulerPolicy {
  window: CalendarWindow;
  schedule: DialSchedule;
  retry: RetryRules;
  capPerDay: number;
  duplicates: 'once' | 'per_campaign';
}

/** What the scheduler reads about a number at the moment it would dial it. */
export interface NumberLookups {
  isDnc(number: string): boolean;
  /** Attempts to this number in [from, to) across all campaigns. */
  attemptsBetween(number: string, from: number, to: number): number;
  /** The number has an attempt in another running campaign. */
  dialledElsewhere(number: string): boolean;
}

export interface QueueView {
  /** Pending contacts due now (nextEligibleAt ≤ now), in queue order; a few are enough. */
  due: readonly QueueItem[];
  /** The earliest nextEligibleAt of pending contacts not yet due; null when none. */
  earliestLater: number | null;
  pending: number;
  inCall: number;
}

export type Step =
  | { kind: 'dial'; item: QueueItem; attemptNo: number }
  | { kind: 'skip'; item: QueueItem; reason: 'dnc' | 'duplicate' }
  /** The frequency cap is reached today: the contact waits for the next cap day. */
  | { kind: 'defer'; item: QueueItem; until: number }
  /** Nothing to do now: ask again at `until`, or when a call ends (null). */
  | { kind: 'wait'; until: number | null }
  /** Every contact is done or skipped and no call is open. */
  | { kind: 'finished' }
  /** The schedule's end has come (or the window never opens again): nothing more will be dialled. */
  | { kind: 'ended'; unreached: number };

export function nextStep(
  now: number,
  queue: QueueView,
  policy: SchedulerPolicy,
  lookups: NumberLookups,
  pacer: Pacer,
): Step {
  if (queue.pending === 0) return queue.inCall === 0 ? { kind: 'finished' } : { kind: 'wait', until: null };
  const opens = nextDialTime(policy.window, policy.schedule, now);
  if (opens === null) {
    return queue.inCall === 0 ? { kind: 'ended', unreached: queue.pending } : { kind: 'wait', until: null };
  }
  if (opens > now) return { kind: 'wait', until: opens };
  const item = queue.due[0];
  if (item === undefined) return { kind: 'wait', until: queue.earliestLater };
  const readiness = pacer.readiness();
  switch (readiness.kind) {
    case 'ready':
      break;
    case 'wait':
      return { kind: 'wait', until: now + readiness.ms };
    case 'full':
      return { kind: 'wait', until: null };
    default: {
      const never: never = readiness;
      throw new Error(`unexpected readiness ${JSON.stringify(never)}`);
    }
  }
  const { window, capPerDay, duplicates } = policy;
  const day = capDay(window.timeZone, now);
  const verdict = contactVerdict(
    {
      dnc: lookups.isDnc(item.number),
      attemptsToday: lookups.attemptsBetween(item.number, day.start, day.end),
      capPerDay,
      dialledElsewhere: duplicates === 'once' && lookups.dialledElsewhere(item.number),
      duplicates,
    },
    window.timeZone,
    now,
  );
  switch (verdict.kind) {
    case 'dial':
      return { kind: 'dial', item, attemptNo: item.attempts + 1 };
    case 'skip':
      return { kind: 'skip', item, reason: verdict.reason };
    case 'wait':
      return { kind: 'defer', item, until: verdict.until };
    default: {
      const never: never = verdict;
      throw new Error(`unexpected verdict ${JSON.stringify(never)}`);
    }
  }
}
