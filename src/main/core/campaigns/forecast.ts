import type { AttemptOutcome, CampaignForecast, Pacing, RetryPolicy } from '../../../shared/campaigns';
import { DEFAULT_ANSWER_RATE } from '../../../shared/campaigns';
import { capDay, retryDelayMs } from './retry-policy';
import { nextDialTime, windowCloses, type CalendarWindow, type DialSchedule } from './window-calendar';

/**
 * When a campaign will finish, before it starts and while it runs: a deterministic simulation of
 * the dialer over the queue. Dials leave at the paced rate (calls per minute, and no more than the
 * concurrency allows for the expected call length), only inside the window and before the end;
 * due retries go before fresh contacts, as the dialer takes them. Outcomes are handed out so that
 * after n dials each outcome has been given as close to n × its rate as whole calls allow (no
 * randomness: the same input gives the same forecast).
 */

type DialOutcome = Exclude<AttemptOutcome, 'canceled'>;
const OUTCOMES: readonly DialOutcome[] = ['answered', 'busy', 'no_answer', 'failed', 'machine'];

/** How the calls that are not answered usually split (Exotel's own campaign reports, rounded). */
const UNANSWERED_SPLIT: Record<Exclude<DialOutcome, 'answered'>, number> = {
  busy: 0.35,
  no_answer: 0.5,
  failed: 0.1,
  machine: 0.05,
};

/** Seconds a line is held per outcome beyond the talk: ringing, a busy tone, a failed setup. */
export const HOLD_SEC = { ring: 15, busy: 5, noAnswer: 45, failed: 3, machine: 25 } as const;
export const DEFAULT_TALK_SEC = 60;
/** Finished attempts that weigh as much as the assumption: the forecast leans on the campaign's own after that. */
export const PRIOR_WEIGHT = 10;

export interface ForecastContact {
  position: number;
  status: 'pending' | 'in_call' | 'done' | 'skipped';
  /** Attempts already made (an `in_call` contact's current one included). */
  attempts: number;
  /** When a pending contact may be dialled again (ms); null: now. */
  nextEligibleAt: number | null;
}

export interface ForecastInput {
  contacts: readonly ForecastContact[];
  pacing: Pacing;
  window: CalendarWindow;
  retry: RetryPolicy;
  /** The schedule's start (or now, whichever is later) and its end. */
  schedule: DialSchedule;
  /** Forecast from this instant (ms): the start for a draft, now for a running campaign. */
  from: number;
  /** Finished attempts so far, by outcome (empty before the campaign runs). */
  observed?: Partial<Record<DialOutcome, number>>;
  /** Overrides the answer rate (the rest keeps its split). */
  answerRate?: number;
  /** Average talk seconds of an answered call (the campaign's own once it has some). */
  talkSec?: number;
  /** Attempts one contact may get per local day (the window's zone); a capped retry waits for the next day. */
  capPerDay?: number;
}

/** With `trace`, every simulated dial (for tests: the instants, contacts and attempt numbers). */
export interface ForecastTrace {
  dials: { at: number; position: number; attemptNo: number; outcome: DialOutcome }[];
}

/** The outcome mix: the assumption blended with what the campaign has seen (see PRIOR_WEIGHT). */
export function outcomeRates(
  observed: Partial<Record<DialOutcome, number>> = {},
  answerRate?: number,
): { rates: Record<DialOutcome, number>; observedAttempts: number } {
  const assumed = (a: number): Record<DialOutcome, number> => ({
    answered: a,
    busy: (1 - a) * UNANSWERED_SPLIT.busy,
    no_answer: (1 - a) * UNANSWERED_SPLIT.no_answer,
    failed: (1 - a) * UNANSWERED_SPLIT.failed,
    machine: (1 - a) * UNANSWERED_SPLIT.machine,
  });
  const n = OUTCOMES.reduce((sum, o) => sum + (observed[o] ?? 0), 0);
  if (answerRate !== undefined) return { rates: assumed(answerRate), observedAttempts: n };
  const prior = assumed(DEFAULT_ANSWER_RATE);
  const rates = Object.fromEntries(
    OUTCOMES.map((o) => [o, ((observed[o] ?? 0) + PRIOR_WEIGHT * prior[o]) / (n + PRIOR_WEIGHT)]),
  ) as Record<DialOutcome, number>;
  return { rates, observedAttempts: n };
}

/** Seconds one dial holds a line, by outcome. */
function holdSec(outcome: DialOutcome, talkSec: number): number {
  switch (outcome) {
    case 'answered':
      return HOLD_SEC.ring + talkSec;
    case 'busy':
      return HOLD_SEC.busy;
    case 'no_answer':
      return HOLD_SEC.noAnswer;
    case 'failed':
      return HOLD_SEC.failed;
    case 'machine':
      return HOLD_SEC.machine;
    default: {
      const never: never = outcome;
      throw new Error(`unexpected outcome ${String(never)}`);
    }
  }
}

/** Hands out outcomes so that after n dials each has been given as close to n × rate as possible. */
class OutcomeDealer {
  private readonly given = new Map<DialOutcome, number>(OUTCOMES.map((o) => [o, 0]));
  private n = 0;
  constructor(private readonly rates: Record<DialOutcome, number>) {}

  next(): DialOutcome {
    this.n++;
    let best: DialOutcome = 'answered';
    let deficit = -Infinity;
    for (const o of OUTCOMES) {
      const d = this.n * this.rates[o] - (this.given.get(o) ?? 0);
      if (d > deficit + 1e-12) [best, deficit] = [o, d];
    }
    this.given.set(best, (this.given.get(best) ?? 0) + 1);
    return best;
  }
}

/** A small binary heap of retries by the instant they become due (then by queue position). */
class DueHeap {
  private readonly items: { at: number; position: number; attemptNo: number }[] = [];
  get size(): number {
    return this.items.length;
  }
  peek() {
    return this.items[0];
  }
  push(item: { at: number; position: number; attemptNo: number }): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i]!, a[p]!)) break;
      [a[i], a[p]] = [a[p]!, a[i]!];
      i = p;
    }
  }
  pop() {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l]!, a[m]!)) m = l;
        if (r < a.length && this.less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
  private less(x: { at: number; position: number }, y: { at: number; position: number }): boolean {
    return x.at < y.at || (x.at === y.at && x.position < y.position);
  }
}

/**
 * Every remaining attempt's outcome, decided before any timing: wave j holds the contacts that
 * make a j-th attempt, in queue order, and its dealer hands out the mix in that order. So a longer
 * list gives its first contacts exactly the outcomes a shorter one does (the forecast grows with
 * the list), and retries never exceed the policy.
 */
function dealOutcomes(
  contacts: readonly ForecastContact[],
  retry: RetryPolicy,
  rates: Record<DialOutcome, number>,
): Map<number, DialOutcome[]> {
  const byPosition = new Map<number, DialOutcome[]>();
  // The attempt each contact makes next (an in-call contact's current one is still to be dealt).
  let wave = contacts
    .filter((c) => c.status === 'pending' || c.status === 'in_call')
    .map((c) => ({ position: c.position, attemptNo: c.status === 'in_call' ? c.attempts : c.attempts + 1 }))
    .filter((c) => c.attemptNo <= retry.maxAttempts)
    .sort((a, b) => a.attemptNo - b.attemptNo || a.position - b.position);
  const dealers = new Map<number, OutcomeDealer>();
  while (wave.length) {
    const nextWave: typeof wave = [];
    for (const c of wave) {
      let dealer = dealers.get(c.attemptNo);
      if (!dealer) dealers.set(c.attemptNo, (dealer = new OutcomeDealer(rates)));
      const outcome = dealer.next();
      const list = byPosition.get(c.position) ?? [];
      list.push(outcome);
      byPosition.set(c.position, list);
      if (outcome !== 'answered' && retry.on.includes(outcome) && c.attemptNo < retry.maxAttempts)
        nextWave.push({ position: c.position, attemptNo: c.attemptNo + 1 });
    }
    wave = nextWave.sort((a, b) => a.attemptNo - b.attemptNo || a.position - b.position);
  }
  return byPosition;
}

export function forecast(input: ForecastInput, trace?: ForecastTrace): CampaignForecast {
  const { rates, observedAttempts } = outcomeRates(input.observed, input.answerRate);
  const talkSec = input.talkSec ?? DEFAULT_TALK_SEC;
  const meanHold = OUTCOMES.reduce((s, o) => s + rates[o] * holdSec(o, talkSec), 0);
  const effectiveCpm = Math.min(input.pacing.callsPerMinute, (input.pacing.maxConcurrent * 60) / meanHold);
  const gapMs = 60_000 / effectiveCpm;
  const outcomes = dealOutcomes(input.contacts, input.retry, rates);
  const outcomeOf = (position: number, attemptNo: number, first: number): DialOutcome =>
    outcomes.get(position)?.[attemptNo - first] ?? 'answered';
  const firstDealt = new Map<number, number>();
  const retries = new DueHeap();
  const from = Math.max(input.from, input.schedule.start);

  /** After an attempt ends: its retry, if its dealt outcome and the policy give one. */
  const afterAttempt = (position: number, attemptNo: number, outcome: DialOutcome, endsAt: number) => {
    if (outcome === 'answered' || !input.retry.on.includes(outcome) || attemptNo >= input.retry.maxAttempts)
      return;
    retries.push({ at: endsAt + retryDelayMs(input.retry, attemptNo), position, attemptNo: attemptNo + 1 });
  };

  const fresh: ForecastContact[] = [];
  let remaining = 0;
  for (const c of input.contacts) {
    if (c.status === 'done' || c.status === 'skipped') continue;
    remaining++;
    if (c.status === 'in_call') {
      // Its call is under way: it ends about now, with the outcome dealt to it.
      firstDealt.set(c.position, c.attempts);
      const outcome = outcomeOf(c.position, c.attempts, c.attempts);
      afterAttempt(c.position, c.attempts, outcome, from + holdSec(outcome, talkSec) * 1000);
    } else if (c.attempts >= input.retry.maxAttempts) {
      continue; // nothing left to dial (the dialer will close it)
    } else if (c.attempts > 0) {
      firstDealt.set(c.position, c.attempts + 1);
      retries.push({
        at: Math.max(c.nextEligibleAt ?? from, from),
        position: c.position,
        attemptNo: c.attempts + 1,
      });
    } else {
      firstDealt.set(c.position, 1);
      // Held back (the per-day cap across campaigns, or a wait the dialer set): dialled when it is due.
      const due = c.nextEligibleAt ?? from;
      if (due > from) retries.push({ at: due, position: c.position, attemptNo: 1 });
      else fresh.push(c);
    }
  }
  fresh.sort((a, b) => a.position - b.position);

  // The cap binds only when a contact may get more attempts than it allows in a day.
  const cap = input.capPerDay;
  const capBinds = cap !== undefined && cap < input.retry.maxAttempts;
  const daily = new Map<number, { dayEnd: number; n: number }>();
  const countDial = (position: number, t: number) => {
    if (!capBinds) return;
    const d = daily.get(position);
    if (d && t < d.dayEnd) d.n++;
    else daily.set(position, { dayEnd: capDay(input.window.timeZone, t).end, n: 1 });
  };

  let slot = from;
  let closes: number | null = null;
  let next = 0;
  let dials = 0;
  let retriesDialled = 0;
  let billedMinutes = 0;
  let finishAt: number | null = null;
  let firstDialAt: number | null = null;
  let lastDialAt: number | null = null;

  while (next < fresh.length || retries.size > 0) {
    const due = retries.peek();
    // Nothing fresh is left: wait for the next retry to come due.
    let t = next < fresh.length || !due ? slot : Math.max(slot, due.at);
    // Inside an opening we know until when: one calendar lookup per opening, not per dial.
    if (closes === null || t >= closes) {
      const open = nextDialTime(input.window, input.schedule, t);
      if (open === null) break; // the end (or an empty window) comes first: the rest is not reached
      t = open;
      closes = windowCloses(input.window, t) ?? t + 1;
      if (input.schedule.end !== null) closes = Math.min(closes, input.schedule.end);
    }
    const dueNow = retries.peek();
    let position: number;
    let attemptNo: number;
    const capped = capBinds && dueNow && dueNow.at <= t ? daily.get(dueNow.position) : undefined;
    if (dueNow && capped && t < capped.dayEnd && capped.n >= (cap ?? Infinity)) {
      // The contact has had its attempts today: its retry waits for the next local day.
      retries.pop();
      retries.push({ ...dueNow, at: capped.dayEnd });
      continue;
    }
    if (dueNow && dueNow.at <= t) {
      retries.pop();
      ({ position, attemptNo } = dueNow);
      if (attemptNo > 1) retriesDialled++;
    } else if (next < fresh.length) {
      position = fresh[next++]!.position;
      attemptNo = 1;
    } else {
      slot = t; // not due yet: the next turn waits for it
      continue;
    }
    const outcome = outcomeOf(position, attemptNo, firstDealt.get(position) ?? 1);
    const ends = t + holdSec(outcome, talkSec) * 1000;
    dials++;
    countDial(position, t);
    if (outcome === 'answered') billedMinutes += Math.ceil(talkSec / 60);
    else if (outcome === 'machine') billedMinutes += 1;
    firstDialAt ??= t;
    lastDialAt = t;
    finishAt = Math.max(finishAt ?? ends, ends);
    trace?.dials.push({ at: t, position, attemptNo, outcome });
    afterAttempt(position, attemptNo, outcome, ends);
    slot = t + gapMs;
  }

  const unreached = fresh.slice(next);
  return {
    from: new Date(from).toISOString(),
    finishAt: finishAt === null ? null : new Date(finishAt).toISOString(),
    firstDialAt: firstDialAt === null ? null : new Date(firstDialAt).toISOString(),
    lastDialAt: lastDialAt === null ? null : new Date(lastDialAt).toISOString(),
    contacts: remaining,
    dials,
    expectedRetries: retriesDialled,
    callMinutes: billedMinutes,
    answerRate: rates.answered,
    rates,
    answerRateSource: observedAttempts > 0 && input.answerRate === undefined ? 'observed' : 'assumed',
    observedAttempts,
    unreachable: {
      count: unreached.length,
      reason: unreached.length === 0 ? null : input.schedule.end !== null ? 'after_end' : 'no_window',
      firstPositions: unreached.slice(0, 20).map((c) => c.position),
    },
    retriesCut: retries.size,
    effectiveCallsPerMinute: Math.round(effectiveCpm * 100) / 100,
  };
}
