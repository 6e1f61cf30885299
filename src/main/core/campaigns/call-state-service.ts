import { randomUUID } from 'node:crypto';
import type { Logger } from '../logging';
import type { CallAttemptRow, CallEventRow, CallsRepository } from '../store';
import type { CallMode, Passthru, StatusCallback } from '../telephony';
import {
  CallInputSchema,
  reduceCall,
  type CallInput,
  type RecordedInput,
  type TransferDecision,
} from './call-state';
import { passthruInput, statusCallbackInput } from './call-state-inputs';

export type CallEventSource =
  'dialer' | 'api' | 'status_callback' | 'passthru' | 'stream' | 'operator' | 'timer';

export interface CallStateChange {
  attempt: CallAttemptRow;
  event: CallEventRow;
  /** False for duplicates and for inputs the state machine ignored (late, out of order). */
  changed: boolean;
}

export interface NewAttempt {
  number: string;
  mode: CallMode;
  provider: string;
  contactId?: string | null;
  listId?: string | null;
  campaignId?: string | null;
  id?: string;
}

/** What a passthru answers: 200 (branch A) or 302 (branch B: connect an agent). */
export type PassthruBranch = 'continue' | 'transfer';

/** Key-sorted JSON so the same input always yields the same dedupe key. */
function stableKey(input: CallInput): string {
  return JSON.stringify(Object.fromEntries(Object.entries(input).sort(([a], [b]) => a.localeCompare(b))));
}

/**
 * The single writer of call state: every input is appended to call_events first, then the state is
 * derived again from all events and cached on the attempt row, in one transaction.
 */
export class CallStateService {
  constructor(
    private readonly repo: CallsRepository,
    private readonly log: Logger,
    private readonly onChange: (change: CallStateChange) => void = () => undefined,
  ) {}

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
    });
  }

  attempt(id: string): CallAttemptRow | undefined {
    return this.repo.getAttempt(id);
  }

  events(id: string): CallEventRow[] {
    return this.repo.listEvents(id);
  }

  record(
    attemptId: string,
    source: CallEventSource,
    input: CallInput,
    dedupeKey = `${source}:${stableKey(input)}`,
    receivedAt = new Date().toISOString(),
  ): CallStateChange {
    const change = this.repo.transaction(() => {
      this.mustGet(attemptId);
      const event = this.repo.appendEvent({
        attemptId,
        source,
        type: input.type,
        payload: input,
        receivedAt,
        dedupeKey,
      });
      if (event.duplicate) {
        return { attempt: this.mustGet(attemptId), event, changed: false };
      }
      const recorded: RecordedInput[] = [];
      let last = -1;
      for (const e of this.repo.listEvents(attemptId)) {
        if (e.duplicate) continue;
        const parsed = CallInputSchema.safeParse(e.payload);
        if (!parsed.success) {
          if (e.seq === event.seq) throw new Error(`call input ${input.type} does not match its schema`);
          this.log.error('stored call event is unreadable; skipped', { attemptId, seq: e.seq });
          continue;
        }
        if (e.seq === event.seq) last = recorded.length;
        recorded.push({ input: parsed.data, at: e.receivedAt });
      }
      const { view, outcomes } = reduceCall(recorded);
      const outcome = outcomes[last];
      const applied = outcome?.applied ?? false;
      this.repo.markEvent(event.seq, applied, outcome && !outcome.applied ? outcome.reason : null);
      this.repo.updateView(attemptId, view);
      return {
        attempt: this.mustGet(attemptId),
        event: this.repo.getEvent(event.seq) ?? event,
        changed: applied,
      };
    });
    if (change.event.duplicate)
      this.log.info('duplicate call event recorded', { attemptId, type: input.type });
    this.onChange(change);
    return change;
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
    const afterBot =
      p.stream !== null ||
      this.repo
        .listEvents(attempt.id)
        .some((e) => !e.duplicate && (e.type === 'stream_started' || e.type === 'transfer_decided'));
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
