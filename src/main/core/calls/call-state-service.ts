import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging';
import type { CallAttemptRow, CallEventRow, CallsRepository } from '../store';
import type { CallMode, Passthru, StatusCallback } from '../telephony';
import {
  applyInput,
  CALL_STATES,
  CallInputSchema,
  STREAM_STATES,
  type CallInput,
  type CallView,
  type TransferDecision,
} from './call-state';
import { passthruInput, statusCallbackInput } from './call-state-inputs';
import { ProviderCheck, type CheckAnswer, type ProviderCheckDeps } from './provider-check';

/** `recovery`: start-up settling of calls a crash left open. */
export type CallEventSource =
  'dialer' | 'api' | 'status_callback' | 'passthru' | 'stream' | 'operator' | 'timer' | 'recovery';

export interface CallStateChange {
  attempt: CallAttemptRow;
  event: CallEventRow;
  /** False for repeats and for inputs the state machine ignored (late, out of order, disputed). */
  changed: boolean;
  /** The input repeated a recorded one and changed nothing: counted on that event's row. */
  repeat: boolean;
}

export interface NewAttempt {
  number: string;
  mode: CallMode;
  provider: string;
  contactId?: string | null;
  listId?: string | null;
  campaignId?: string | null;
  id?: string;
  /** The Do-Not-Call version the dial was checked against. */
  dncVersion?: number | null;
}

/** What a passthru answers: 200 (branch A) or 302 (branch B: connect an agent). */
export type PassthruBranch = 'continue' | 'transfer';

/** Repeat counts are written at most this often, or when this many rows wait. */
const REPEATS_FLUSH_MS = 250;
const REPEATS_BATCH = 1000;

/** Key-sorted JSON so the same input always yields the same dedupe key. */
function stableKey(input: CallInput): string {
  return JSON.stringify(Object.fromEntries(Object.entries(input).sort(([a], [b]) => a.localeCompare(b))));
}

const oneOf = <T extends string>(values: readonly T[], v: string | null, what: string): T => {
  if (v !== null && (values as readonly string[]).includes(v)) return v as T;
  throw new Error(`stored call ${what} "${String(v)}" is not one the state machine knows`);
};

/** The state machine's view as cached on the attempt row (written only by `record`). */
export function viewOf(a: CallAttemptRow): CallView {
  return {
    state: oneOf(CALL_STATES, a.state, 'state'),
    providerSid: a.providerSid,
    transferDecision:
      a.transferDecision === null ? null : oneOf(['agent', 'none'] as const, a.transferDecision, 'decision'),
    answeredBy: a.answeredBy,
    answeredAt: a.answeredAt,
    endedAt: a.endedAt,
    durationSec: a.durationSec,
    endReason: a.endReason,
    stream: oneOf(STREAM_STATES, a.stream, 'stream state'),
    price: a.price,
  };
}

export interface CallStateServiceOptions {
  /** Where a disputed callback is checked: the provider that placed the call. Without it, none is. */
  providerFor?: ProviderCheckDeps['providerFor'];
  maxChecksPerAttempt?: number;
}

/**
 * The single writer of call state: every input is recorded in call_events and applied to the
 * attempt's cached view, in one transaction. The view is the fold of the recorded inputs in order
 * (`reduceCall` over the rows gives it back): an input that repeats one already recorded and changes
 * nothing is counted on that row instead of stored again, so floods cost one indexed lookup each.
 */
export class CallStateService {
  private readonly check: ProviderCheck;
  private flushTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly repo: CallsRepository,
    private readonly log: Logger,
    private readonly onChange: (change: CallStateChange) => void = () => undefined,
    options: CallStateServiceOptions = {},
  ) {
    const providerFor = options.providerFor;
    this.check = new ProviderCheck({
      providerFor: (attempt) => providerFor?.(attempt),
      attempt: (id) => this.repo.getAttempt(id),
      record: (id, input, key) => void this.record(id, 'api', input, key),
      settleDisputes: (id, answer) => this.settleDisputes(id, answer),
      log,
      maxChecksPerAttempt: options.maxChecksPerAttempt,
    });
  }

  createAttempt(a: NewAttempt): CallAttemptRow {
    const id = a.id ?? randomUUID().replace(/-/g, '');
    return this.repo.insertAttempt({
      id,
      contactId: a.contactId ?? null,
      listId: a.listId ?? null,
      campaignId: a.campaignId ?? null,
      number: a.number,
      mode: a.mode,
      provider: a.provider,
      customField: id, // Exotel echoes CustomField back: it links callbacks to this row
      state: 'queued',
      dncVersion: a.dncVersion ?? null,
    });
  }

  attempt(id: string): CallAttemptRow | undefined {
    return this.repo.getAttempt(id);
  }

  events(id: string): CallEventRow[] {
    return this.repo.listEvents(id);
  }

  /** The variables the call was dialled with (a test call's), as recorded on its dial_requested event. */
  dialVariables(id: string): Record<string, string> | undefined {
    return this.dialRequest(id)?.variables;
  }

  /** The bot the call was dialled for, as recorded on its dial_requested event (none: the default). */
  dialBot(id: string): string | undefined {
    return this.dialRequest(id)?.bot;
  }

  private dialRequest(id: string): Extract<CallInput, { type: 'dial_requested' }> | undefined {
    const dial = this.repo.listEvents(id).find((e) => e.type === 'dial_requested');
    const parsed = CallInputSchema.safeParse(dial?.payload);
    return parsed.success && parsed.data.type === 'dial_requested' ? parsed.data : undefined;
  }

  record(
    attemptId: string,
    source: CallEventSource,
    input: CallInput,
    dedupeKey = `${source}:${stableKey(input)}`,
    receivedAt = new Date().toISOString(),
  ): CallStateChange {
    const valid = CallInputSchema.safeParse(input);
    if (!valid.success) throw new Error(`call input ${input.type} does not match its schema`);
    const { change, outcome } = this.repo.transaction(() => {
      const attempt = this.mustGet(attemptId);
      const step = applyInput(viewOf(attempt), valid.data, receivedAt);
      const previous = this.repo.lastEventWithKey(attemptId, dedupeKey);
      if (previous && !step.outcome.applied) {
        this.repo.countRepeat(previous.seq, receivedAt);
        const event = { ...previous, repeats: previous.repeats + 1, lastSeenAt: receivedAt };
        return { change: { attempt, event, changed: false, repeat: true }, outcome: step.outcome };
      }
      const notApplied = step.outcome.applied ? undefined : step.outcome;
      const event = this.repo.appendEvent({
        attemptId,
        source,
        type: input.type,
        payload: valid.data,
        receivedAt,
        dedupeKey,
        applied: step.outcome.applied,
        note: notApplied?.reason ?? null,
        disputed: notApplied?.disputed === true,
      });
      if (step.outcome.applied) this.repo.updateView(attemptId, step.view);
      const change: CallStateChange = {
        attempt: step.outcome.applied ? this.mustGet(attemptId) : attempt,
        event,
        changed: step.outcome.applied,
        repeat: false,
      };
      return { change, outcome: step.outcome };
    });
    if (!outcome.applied && outcome.disputed) {
      if (!change.repeat)
        this.log.warn('call input disputed: confirming with the provider', {
          attemptId,
          source,
          type: input.type,
          reason: outcome.reason,
        });
      this.check.request(attemptId);
    }
    if (change.repeat) {
      this.scheduleRepeatsFlush();
      // Counted, not logged one by one: a flood of copies must not flood the log either.
      const n = change.event.repeats;
      if ((n & (n - 1)) === 0)
        this.log.info('repeated call input counted', { attemptId, type: input.type, n });
      return change;
    }
    this.onChange(change);
    return change;
  }

  /** Resolves when no provider check is running. */
  checksIdle(): Promise<void> {
    return this.check.idle();
  }

  /** Writes the counted repeats, and drops provider answers that arrive later (the store is closing). */
  close(): void {
    this.check.close();
    this.flushRepeats();
  }

  private scheduleRepeatsFlush(): void {
    if (this.repo.unflushedRepeats >= REPEATS_BATCH) this.flushRepeats();
    else this.flushTimer ??= setTimeout(() => this.flushRepeats(), REPEATS_FLUSH_MS).unref();
  }

  private flushRepeats(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    try {
      this.repo.flushRepeats();
    } catch (err) {
      this.log.error('could not write repeated call inputs counts', { err });
    }
  }

  /** Says on each disputed callback still waiting what the provider answered. */
  private settleDisputes(attemptId: string, answer: CheckAnswer): void {
    for (const e of this.repo.disputedEvents(attemptId)) {
      const why = (e.note ?? 'disputed').split('; ')[0] ?? 'disputed';
      const claimed = (e.payload as { status?: unknown } | null)?.status;
      const said = answer.ok
        ? `provider ${claimed === answer.status ? 'confirms' : 'reports'} ${answer.status.replace('_', '-')}`
        : `provider check failed: ${answer.why}`;
      this.repo.setNote(e.seq, `${why}; ${said}`);
    }
  }

  decideTransfer(
    attemptId: string,
    decision: TransferDecision,
    source: CallEventSource = 'stream',
  ): CallStateChange {
    return this.record(attemptId, source, { type: 'transfer_decided', decision });
  }

  /** Finds the attempt a callback belongs to: by our CustomField, then by Exotel's CallSid. */
  private locate(customField: string | null, callSid: string): CallAttemptRow | undefined {
    const byField = customField ? this.repo.getAttempt(customField) : undefined;
    if (byField && (byField.providerSid === null || byField.providerSid === callSid)) return byField;
    return this.repo.findByProviderSid(callSid);
  }

  /** Links a provider id learned from a callback (the dial reply may never have been stored). */
  private link(attempt: CallAttemptRow, callSid: string, source: CallEventSource): void {
    if (attempt.providerSid !== null) return;
    this.record(attempt.id, source, { type: 'provider_accepted', providerSid: callSid }, `sid:${callSid}`);
  }

  /** Records a status callback. Unknown calls are logged and ignored (Exotel must still get 200). */
  onStatusCallback(
    cb: StatusCallback,
  ): { ok: true; change?: CallStateChange } | { ok: false; error: string } {
    const mapped = statusCallbackInput(cb);
    if (!mapped.ok) return mapped;
    const attempt = this.locate(cb.customField, cb.callSid);
    if (!attempt) {
      this.log.warn('status callback for an unknown call', {
        callSid: cb.callSid,
        customField: cb.customField,
      });
      return { ok: true };
    }
    this.link(attempt, cb.callSid, 'status_callback');
    return { ok: true, change: this.record(attempt.id, 'status_callback', mapped.input, mapped.dedupeKey) };
  }

  /** Records a passthru and picks the branch: 302 only after the bot, when it decided on an agent. */
  onPassthru(p: Passthru): PassthruBranch {
    const attempt = this.locate(p.customField, p.callSid);
    if (!attempt) {
      this.log.warn('passthru for an unknown call', { callSid: p.callSid, customField: p.customField });
      return 'continue';
    }
    this.link(attempt, p.callSid, 'passthru');
    const afterBot = p.stream !== null || attempt.stream !== 'none' || attempt.transferDecision !== null;
    const mapped = passthruInput(p, afterBot);
    const change = this.record(attempt.id, 'passthru', mapped.input, mapped.dedupeKey);
    if (!afterBot || change.attempt.transferDecision !== 'agent') return 'continue';
    this.record(attempt.id, 'passthru', { type: 'agent_transfer' }, 'passthru:agent-transfer');
    return 'transfer';
  }

  private mustGet(id: string): CallAttemptRow {
    const row = this.repo.getAttempt(id);
    if (!row) throw new Error(`unknown call attempt ${id}`);
    return row;
  }
}
