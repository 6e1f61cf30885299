import { randomUUID } from 'node:crypto';
import type { CampaignSettings } from '../../../shared/campaigns';
import { isTerminal, type DialOutcome } from '../calls';
import type { Logger } from '../logging';
import type { CallAttemptRow, CampaignAttemptRow, CampaignsRepository } from '../store';
import type { CallMode } from '../telephony';
import { outcomeFlags, type BotRecord, type OutcomeFlag } from './outcome-check';
import { Pacer, type AccountLimiter, type Clock } from './pacing';
import { outcomeOfCall, retryDecision } from './retry-policy';
import { nextStep, type NumberLookups, type QueueItem, type SchedulerPolicy, type Step } from './scheduler';

/** What the provider says about an attempt a crash left without its answer (see reconcile.ts). */
export type LookupAnswer =
  | { kind: 'none' }
  | { kind: 'found'; sid: string }
  /** The provider could not be asked or did not say for sure: nothing is dialled again yet. */
  | { kind: 'unsure'; reason: string };

export interface CampaignDialRequest {
  attemptId: string;
  campaignId: string;
  contactId: number;
  number: string;
  bot: string;
  mode: CallMode;
}

/** What a campaign's run needs; the composition root supplies it. */
/** The outcome check of one attempt from its call as it stands now and the bot's record of it. */
export function attemptFlags(
  deps: Pick<RunDeps, 'agentLeg' | 'bot'>,
  attemptId: string,
  call: CallAttemptRow,
): OutcomeFlag[] {
  return outcomeFlags({
    view: {
      state: call.state,
      durationSec: call.durationSec,
      answeredBy: call.answeredBy,
      answeredAt: call.answeredAt,
      stream: call.stream as 'none' | 'live' | 'ended',
      transferDecision: call.transferDecision as 'agent' | 'none' | null,
      price: call.price,
    },
    agentLeg: deps.agentLeg(attemptId),
    bot: deps.bot(attemptId),
  });
}

export interface RunDeps {
  repo: CampaignsRepository;
  settings(campaignId: string): CampaignSettings;
  /** One attempt through calls' dialOnce, its id the one reserved here (it travels in CustomField). */
  dial(req: CampaignDialRequest): Promise<DialOutcome>;
  /** The call state machine's row for an attempt; undefined when the request never left. */
  call(attemptId: string): CallAttemptRow | undefined;
  /** The call reached an agent leg. */
  agentLeg(attemptId: string): boolean;
  bot(attemptId: string): BotRecord | null;
  isDnc(number: string): boolean;
  /** Asks the provider whether a call left without an answer exists (by custom field, number and time). */
  lookup(call: CallAttemptRow): Promise<LookupAnswer>;
  /**
   * Records what the provider says about a call by its id on the state machine; `unknown` when the
   * provider has no record of it at all.
   */
  adopt(call: CallAttemptRow, sid: string): Promise<'known' | 'unknown'>;
  /** Ends a call row the provider has no call for (it never rang). */
  noCall(call: CallAttemptRow): void;
  /** Moves the campaign to completed (the model's audited transition). */
  complete(campaignId: string): void | Promise<void>;
  /**
   * Resolves when dialing may begin (telephony up, calls a crash left open settled). A run waits
   * for it before its first look at the queue; it may never resolve in a core that takes no calls.
   */
  ready?: Promise<void>;
  accountCallsPerMinute(): number;
  /** The account-wide limiter every running campaign and test call shares (none: this campaign's own only). */
  account?: AccountLimiter;
  onProgress?(campaignId: string): void;
  clock: Clock;
  log: Logger;
  /** How long an unsure reconciliation waits before it is asked again (default 5 s). */
  reconcileRetryMs?: number;
  /**
   * A provider's "no such call" is trusted only this long after the attempt was created (default
   * 20 s, beyond the client's request timeout): a request that timed out here may still be taken
   * up there, and dialling again before then could call the contact twice.
   */
  lostCallGraceMs?: number;
}

export type RunEnd = 'completed' | 'stopped';

const iso = (ms: number) => new Date(ms).toISOString();
/** An unsure reconciliation is asked again this often. */
const RECONCILE_RETRY_MS = 5_000;
const LOST_CALL_GRACE_MS = 20_000;

/**
 * One running campaign: a loop that settles finished attempts (outcome check, retry policy), then
 * takes the scheduler's next step, until every contact is done or the schedule ends. Attempts are
 * reserved (a row unique per campaign, contact and attempt number) before their request leaves; a
 * request that got no call gives its reservation back. After a crash, attempts left without the
 * provider's answer are reconciled with the provider before their contact can be dialled again.
 */
export class CampaignRun {
  readonly pacer: Pacer;
  private paused = false;
  private stopped = false;
  private wakeUp: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Attempts whose dial request is on its way (their call row may not exist yet). */
  private readonly sending = new Set<string>();
  /** Attempts holding a pacer slot. */
  private readonly slots = new Set<string>();
  /** Unsure reconciliations: not asked again before this time. */
  private readonly unsureUntil = new Map<string, number>();
  private readonly dials = new Set<Promise<void>>();

  constructor(
    readonly campaignId: string,
    private readonly deps: RunDeps,
  ) {
    const s = deps.settings(campaignId);
    this.pacer = new Pacer(s.pacing, deps.clock, deps.accountCallsPerMinute(), deps.account);
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    this.wake();
  }

  /** Something changed (a call's state, the queue): take the next step now. */
  wake(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const w = this.wakeUp;
    this.wakeUp = undefined;
    w?.();
  }

  private sleep(until: number | null): Promise<void> {
    return new Promise((resolve) => {
      this.wakeUp = resolve;
      if (until !== null) {
        const ms = Math.max(0, until - this.deps.clock.now());
        // Node timers hold 2^31-1 ms at most; a longer wait is re-evaluated when it fires.
        this.timer = setTimeout(() => this.wake(), Math.min(ms, 2 ** 31 - 1));
      }
    });
  }

  async run(signal: AbortSignal): Promise<RunEnd> {
    const onAbort = () => this.stop();
    signal.addEventListener('abort', onAbort);
    try {
      if (this.deps.ready) {
        // Until telephony is up, a missing call row would look like a request that never left.
        const aborted = new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          signal.addEventListener('abort', () => resolve(), { once: true });
        });
        await Promise.race([this.deps.ready, aborted]);
      }
      while (!this.stopped) {
        await this.settle();
        if (this.stopped) break;
        if (this.paused) {
          await this.sleep(null);
          continue;
        }
        const step = this.step();
        switch (step.kind) {
          case 'dial':
            this.startDial(step.item, step.attemptNo);
            break;
          case 'skip':
            this.deps.repo.updateContact(
              this.campaignId,
              step.item.contactId,
              { status: 'skipped', skipReason: step.reason },
              iso(this.deps.clock.now()),
            );
            this.progress();
            break;
          case 'defer':
            this.deps.repo.updateContact(
              this.campaignId,
              step.item.contactId,
              { nextEligibleAt: iso(step.until) },
              iso(this.deps.clock.now()),
            );
            break;
          case 'wait':
            await this.sleep(this.withReconcile(step.until));
            break;
          case 'finished':
            await Promise.all(this.dials);
            await this.deps.complete(this.campaignId);
            return 'completed';
          case 'ended': {
            await Promise.all(this.dials);
            const at = iso(this.deps.clock.now());
            for (const c of this.deps.repo.queue(this.campaignId)) {
              if (c.status === 'pending')
                this.deps.repo.updateContact(
                  this.campaignId,
                  c.contactId,
                  { status: 'skipped', skipReason: 'after_end' },
                  at,
                );
            }
            await this.deps.complete(this.campaignId);
            return 'completed';
          }
          default: {
            const never: never = step;
            throw new Error(`unexpected step ${JSON.stringify(never)}`);
          }
        }
      }
      await Promise.all(this.dials);
      return 'stopped';
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (this.timer) clearTimeout(this.timer);
    }
  }

  /** A wait also ends when an unsure reconciliation is due to be asked again. */
  private withReconcile(until: number | null): number | null {
    let next = until;
    for (const t of this.unsureUntil.values()) next = next === null ? t : Math.min(next, t);
    return next;
  }

  private step(): Step {
    const { repo, clock } = this.deps;
    const s = this.deps.settings(this.campaignId);
    const now = clock.now();
    const nowIso = iso(now);
    const summary = repo.queueSummary(this.campaignId, nowIso);
    const due: QueueItem[] = repo.dueContacts(this.campaignId, nowIso, 1).map((c) => ({
      contactId: c.contactId,
      number: c.number,
      attempts: c.attempts,
      nextEligibleAt: c.nextEligibleAt === null ? null : Date.parse(c.nextEligibleAt),
    }));
    const policy: SchedulerPolicy = {
      window: s.window,
      schedule: {
        start: s.schedule.startAt ? Date.parse(s.schedule.startAt) : Number.NEGATIVE_INFINITY,
        end: s.schedule.endAt ? Date.parse(s.schedule.endAt) : null,
      },
      retry: s.retry,
      capPerDay: s.frequencyCapPerDay,
      duplicates: s.duplicates,
    };
    const lookups: NumberLookups = {
      isDnc: (n) => this.deps.isDnc(n),
      attemptsBetween: (n, from, to) => repo.attemptsToNumber(n, iso(from), iso(to)),
      dialledElsewhere: (n) => repo.dialledElsewhere(this.campaignId, n),
    };
    return nextStep(
      now,
      {
        due,
        earliestLater: summary.earliestLater === null ? null : Date.parse(summary.earliestLater),
        pending: summary.pending,
        inCall: summary.inCall,
      },
      policy,
      lookups,
      this.pacer,
    );
  }

  private startDial(item: QueueItem, attemptNo: number): void {
    const { repo, clock } = this.deps;
    if (!this.pacer.tryAcquire()) return;
    const attemptId = randomUUID().replace(/-/g, '');
    const s = this.deps.settings(this.campaignId);
    // Committed before the request leaves: the unique key makes a second placement of this attempt impossible.
    repo.transaction(() =>
      repo.reserveAttempt({
        attemptId,
        campaignId: this.campaignId,
        contactId: item.contactId,
        attemptNo,
        at: iso(clock.now()),
      }),
    );
    this.slots.add(attemptId);
    this.sending.add(attemptId);
    // The contact moved from pending to in a call: the counters the operator watches move with it.
    this.progress();
    const p = this.deps
      .dial({
        attemptId,
        campaignId: this.campaignId,
        contactId: item.contactId,
        number: item.number,
        bot: s.bot,
        mode: s.mode,
      })
      .then(
        (outcome) => this.dialled(attemptId, item, attemptNo, outcome),
        (err: unknown) => {
          // dialOnce records every provider answer; a throw is ours (e.g. the database): the attempt stays
          // open and is reconciled like one a crash left, so it is never dialled twice.
          this.deps.log.error('campaign dial failed', { campaignId: this.campaignId, attemptId, err });
        },
      )
      .finally(() => {
        this.sending.delete(attemptId);
        this.dials.delete(p);
        this.wake();
      });
    this.dials.add(p);
  }

  private dialled(attemptId: string, item: QueueItem, attemptNo: number, outcome: DialOutcome): void {
    const { repo, clock } = this.deps;
    const now = clock.now();
    const giveBack = (nextEligibleAt: number | null, status: 'pending' | 'skipped', reason?: string) => {
      repo.transaction(() => {
        repo.releaseAttempt({
          attemptId,
          campaignId: this.campaignId,
          contactId: item.contactId,
          attemptNo,
          nextEligibleAt: nextEligibleAt === null ? null : iso(nextEligibleAt),
          at: iso(now),
        });
        if (status === 'skipped')
          repo.updateContact(
            this.campaignId,
            item.contactId,
            { status, skipReason: reason ?? null },
            iso(now),
          );
      });
      this.releaseSlot(attemptId);
    };
    if (outcome.kind === 'refused') {
      giveBack(null, 'skipped', outcome.reason);
      return;
    }
    const r = outcome.result;
    if (r.kind === 'rate_limited') {
      // Exotel refused the request: no call exists. The pacer slows down; the contact waits its Retry-After.
      this.pacer.onFailure(r);
      giveBack(now + r.retryAfterMs, 'pending');
    }
  }

  private releaseSlot(attemptId: string): void {
    if (this.slots.delete(attemptId)) this.pacer.release();
  }

  /** Settles every open attempt whose call has ended, or that a crash left without an answer. */
  private async settle(): Promise<void> {
    const open = this.deps.repo.attempts(this.campaignId, { open: true });
    for (const a of open) {
      if (this.sending.has(a.attemptId)) continue;
      const call = this.deps.call(a.attemptId);
      if (call === undefined) {
        // Reserved, but the call row was never written: the request never left (a crash in between).
        this.deps.repo.transaction(() =>
          this.deps.repo.releaseAttempt({
            attemptId: a.attemptId,
            campaignId: this.campaignId,
            contactId: a.contactId,
            attemptNo: a.attemptNo,
            nextEligibleAt: null,
            at: iso(this.deps.clock.now()),
          }),
        );
        this.releaseSlot(a.attemptId);
        continue;
      }
      const state = call.state;
      // The request left (dialOnce returned, or a crash cut it short) with no provider id: the call may
      // exist. Interrupted is how start-up recovery settles such a call; neither says it never rang.
      if (call.providerSid === null && (state === 'interrupted' || !isTerminal(state))) {
        await this.reconcile(a, call);
        continue;
      }
      if (state === 'interrupted' && call.providerSid !== null) {
        // Start-up recovery could not learn how this call ended (the provider could not say, or said it
        // was still going on): ask again until it says, never count it as failed meanwhile.
        await this.recheck(a, call, call.providerSid);
        continue;
      }
      if (!isTerminal(state)) {
        // A live call from before a restart holds a slot like any other.
        if (!this.slots.has(a.attemptId)) {
          this.pacer.holdSlot();
          this.slots.add(a.attemptId);
        }
        continue;
      }
      this.finish(a, call);
    }
  }

  /**
   * An attempt whose request may have left with no answer recorded: only when the provider is sure
   * there was no call is the reservation given back (so its contact may be dialled again); a found
   * call is adopted and settles like any other; otherwise it is asked again later.
   */
  private async reconcile(a: CampaignAttemptRow, call: CallAttemptRow): Promise<void> {
    const now = this.deps.clock.now();
    if ((this.unsureUntil.get(a.attemptId) ?? 0) > now) return;
    let answer = await this.deps.lookup(call);
    const age = this.deps.clock.now() - Date.parse(call.createdAt);
    if (answer.kind === 'none' && age < (this.deps.lostCallGraceMs ?? LOST_CALL_GRACE_MS))
      answer = { kind: 'unsure', reason: 'too soon to be sure: the request may still be taken up' };
    switch (answer.kind) {
      case 'none':
        this.unsureUntil.delete(a.attemptId);
        this.deps.log.info('reconciled: the provider has no call for this attempt', {
          attemptId: a.attemptId,
        });
        this.deps.noCall(call);
        this.deps.repo.transaction(() =>
          this.deps.repo.releaseAttempt({
            attemptId: a.attemptId,
            campaignId: this.campaignId,
            contactId: a.contactId,
            attemptNo: a.attemptNo,
            nextEligibleAt: null,
            at: iso(this.deps.clock.now()),
          }),
        );
        this.releaseSlot(a.attemptId);
        break;
      case 'found':
        this.unsureUntil.delete(a.attemptId);
        await this.deps.adopt(call, answer.sid);
        break;
      case 'unsure':
        this.deps.log.warn('reconcile: the provider could not say; the contact waits', {
          attemptId: a.attemptId,
          reason: answer.reason,
        });
        this.unsureUntil.set(a.attemptId, now + (this.deps.reconcileRetryMs ?? RECONCILE_RETRY_MS));
        break;
      default: {
        const never: never = answer;
        throw new Error(`unexpected lookup answer ${JSON.stringify(never)}`);
      }
    }
  }

  /** Asks the provider for an interrupted call's real end; until it gives one, asks again later. */
  private async recheck(a: CampaignAttemptRow, call: CallAttemptRow, sid: string): Promise<void> {
    const now = this.deps.clock.now();
    if ((this.unsureUntil.get(a.attemptId) ?? 0) > now) return;
    if ((await this.deps.adopt(call, sid)) === 'unknown') {
      // No record at the provider: no call there can still end, so the attempt counts as it stands.
      this.unsureUntil.delete(a.attemptId);
      this.finish(a, call);
      return;
    }
    if (this.deps.call(a.attemptId)?.state === 'interrupted')
      this.unsureUntil.set(a.attemptId, now + (this.deps.reconcileRetryMs ?? RECONCILE_RETRY_MS));
    else this.unsureUntil.delete(a.attemptId);
  }

  private finish(a: CampaignAttemptRow, call: CallAttemptRow): void {
    const { repo, clock } = this.deps;
    const state = call.state as Parameters<typeof outcomeOfCall>[0];
    const outcome = outcomeOfCall(state, call.answeredBy);
    const flags = attemptFlags(this.deps, a.attemptId, call);
    const now = clock.now();
    const endedAt = call.endedAt ? Date.parse(call.endedAt) : now;
    const decision = retryDecision(this.deps.settings(this.campaignId).retry, a.attemptNo, outcome, endedAt);
    const contact = repo.contact(this.campaignId, a.contactId);
    repo.transaction(() => {
      repo.finishAttempt({
        attemptId: a.attemptId,
        outcome,
        disposition: this.deps.bot(a.attemptId)?.disposition ?? null,
        flags,
        at: iso(now),
      });
      // A contact the operator skipped meanwhile stays skipped.
      if (contact?.status === 'skipped') return;
      repo.updateContact(
        this.campaignId,
        a.contactId,
        decision.kind === 'retry'
          ? { status: 'pending', nextEligibleAt: iso(decision.notBefore), lastOutcome: outcome }
          : { status: 'done', lastOutcome: outcome },
        iso(now),
      );
    });
    this.releaseSlot(a.attemptId);
    this.progress();
  }

  private progress(): void {
    this.deps.onProgress?.(this.campaignId);
  }
}
