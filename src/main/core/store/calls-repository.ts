import type { CallAttemptInfo, CallEventInfo } from '../../../shared/telephony';
import type { Db } from './database';

/**
 * One call attempt as stored: what the Api shows, plus our links and the CustomField we send.
 * `state` and the view columns are derived from call_events.
 */
export interface CallAttemptRow extends CallAttemptInfo {
  contactId: string | null;
  listId: string | null;
  campaignId: string | null;
  customField: string;
}

export type NewCallAttempt = Pick<
  CallAttemptRow,
  'id' | 'contactId' | 'listId' | 'campaignId' | 'number' | 'mode' | 'provider' | 'customField' | 'state'
>;

/** The derived columns the state machine rewrites after each event. */
export type CallAttemptView = Pick<
  CallAttemptRow,
  | 'state'
  | 'providerSid'
  | 'transferDecision'
  | 'answeredBy'
  | 'endReason'
  | 'durationSec'
  | 'answeredAt'
  | 'endedAt'
>;

/** One event of a call as stored: what the Api shows, plus the key that spots a repeated input. */
export interface CallEventRow extends CallEventInfo {
  dedupeKey: string;
}

export interface NewCallEvent {
  attemptId: string;
  source: string;
  type: string;
  payload: unknown;
  receivedAt: string;
  dedupeKey: string;
}

const ATTEMPT_COLUMNS = `id, contact_id AS contactId, list_id AS listId, campaign_id AS campaignId, number, mode,
  provider, provider_sid AS providerSid, custom_field AS customField, state,
  transfer_decision AS transferDecision, answered_by AS answeredBy, end_reason AS endReason,
  duration_sec AS durationSec, created_at AS createdAt, updated_at AS updatedAt,
  answered_at AS answeredAt, ended_at AS endedAt`;

const EVENT_COLUMNS = `seq, attempt_id AS attemptId, source, type, payload, received_at AS receivedAt,
  dedupe_key AS dedupeKey, duplicate, applied, note`;

interface RawEvent extends Omit<CallEventRow, 'payload' | 'duplicate' | 'applied'> {
  payload: string;
  duplicate: number;
  applied: number;
}

function toEvent(raw: RawEvent): CallEventRow {
  let payload: unknown;
  try {
    payload = JSON.parse(raw.payload);
  } catch {
    payload = raw.payload; // a damaged row stays readable; the state machine skips what it cannot parse
  }
  return { ...raw, payload, duplicate: raw.duplicate === 1, applied: raw.applied === 1 };
}

/** Call attempts and their append-only event log. */
export class CallsRepository {
  constructor(private readonly db: Db) {}

  insertAttempt(a: NewCallAttempt, now = new Date().toISOString()): CallAttemptRow {
    this.db
      .prepare(
        `INSERT INTO call_attempts (id, contact_id, list_id, campaign_id, number, mode, provider, custom_field,
           state, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        a.id,
        a.contactId,
        a.listId,
        a.campaignId,
        a.number,
        a.mode,
        a.provider,
        a.customField,
        a.state,
        now,
        now,
      );
    const row = this.getAttempt(a.id);
    if (!row) throw new Error(`call attempt ${a.id} vanished after insert`);
    return row;
  }

  getAttempt(id: string): CallAttemptRow | undefined {
    return this.db
      .prepare<[string], CallAttemptRow>(`SELECT ${ATTEMPT_COLUMNS} FROM call_attempts WHERE id = ?`)
      .get(id);
  }

  findByProviderSid(sid: string): CallAttemptRow | undefined {
    return this.db
      .prepare<[string], CallAttemptRow>(
        `SELECT ${ATTEMPT_COLUMNS} FROM call_attempts WHERE provider_sid = ?`,
      )
      .get(sid);
  }

  /** Newest first; `states` filters (e.g. the non-terminal ones for crash recovery). */
  listAttempts(options: { states?: readonly string[]; limit?: number } = {}): CallAttemptRow[] {
    const states = options.states ?? [];
    const where = states.length ? `WHERE state IN (${states.map(() => '?').join(', ')})` : '';
    return this.db
      .prepare<unknown[], CallAttemptRow>(
        `SELECT ${ATTEMPT_COLUMNS} FROM call_attempts ${where} ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      )
      .all(...states, options.limit ?? 1000);
  }

  updateView(id: string, v: CallAttemptView, now = new Date().toISOString()): void {
    this.db
      .prepare(
        `UPDATE call_attempts SET state = ?, provider_sid = ?, transfer_decision = ?, answered_by = ?,
           end_reason = ?, duration_sec = ?, answered_at = ?, ended_at = ?, updated_at = ? WHERE id = ?`,
      )
      .run(
        v.state,
        v.providerSid,
        v.transferDecision,
        v.answeredBy,
        v.endReason,
        v.durationSec,
        v.answeredAt,
        v.endedAt,
        now,
        id,
      );
  }

  /** Appends an event; an event whose dedupe key was already recorded is kept, marked duplicate. */
  appendEvent(e: NewCallEvent): CallEventRow {
    const seen = this.db
      .prepare<[string, string], { seq: number }>(
        'SELECT seq FROM call_events WHERE attempt_id = ? AND dedupe_key = ? AND duplicate = 0',
      )
      .get(e.attemptId, e.dedupeKey);
    const info = this.db
      .prepare(
        `INSERT INTO call_events (attempt_id, source, type, payload, received_at, dedupe_key, duplicate, note)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        e.attemptId,
        e.source,
        e.type,
        JSON.stringify(e.payload ?? null),
        e.receivedAt,
        e.dedupeKey,
        seen ? 1 : 0,
        seen ? `duplicate of event ${seen.seq}` : null,
      );
    const row = this.getEvent(Number(info.lastInsertRowid));
    if (!row) throw new Error('call event vanished after insert');
    return row;
  }

  markEvent(seq: number, applied: boolean, note: string | null): void {
    this.db
      .prepare('UPDATE call_events SET applied = ?, note = COALESCE(?, note) WHERE seq = ?')
      .run(applied ? 1 : 0, note, seq);
  }

  getEvent(seq: number): CallEventRow | undefined {
    const raw = this.db
      .prepare<[number], RawEvent>(`SELECT ${EVENT_COLUMNS} FROM call_events WHERE seq = ?`)
      .get(seq);
    return raw ? toEvent(raw) : undefined;
  }

  /** Every event of an attempt in arrival order, duplicates included. */
  listEvents(attemptId: string): CallEventRow[] {
    return this.db
      .prepare<[string], RawEvent>(
        `SELECT ${EVENT_COLUMNS} FROM call_events WHERE attempt_id = ? ORDER BY seq`,
      )
      .all(attemptId)
      .map(toEvent);
  }

  /** Runs fn in one transaction (append + derive must be atomic). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
