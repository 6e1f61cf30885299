import type { CallAttemptInfo, CallEventInfo } from '../../../shared/telephony';
import type Database from 'better-sqlite3';
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
  /** What we saw of the voicebot stream: none | live | ended (derived, like state). */
  stream: string;
}

export type NewCallAttempt = Pick<
  CallAttemptRow,
  'id' | 'contactId' | 'listId' | 'campaignId' | 'number' | 'mode' | 'provider' | 'customField' | 'state'
> & {
  /** The Do-Not-Call register's version the dial was checked against (null: not checked here). */
  dncVersion?: number | null;
};

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
  | 'stream'
  | 'price'
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
  applied: boolean;
  /** Why it was not applied. */
  note: string | null;
  disputed?: boolean;
}

const ATTEMPT_COLUMNS = `id, contact_id AS contactId, list_id AS listId, campaign_id AS campaignId, number, mode,
  provider, provider_sid AS providerSid, custom_field AS customField, state,
  transfer_decision AS transferDecision, answered_by AS answeredBy, end_reason AS endReason,
  duration_sec AS durationSec, created_at AS createdAt, updated_at AS updatedAt,
  answered_at AS answeredAt, ended_at AS endedAt, stream_state AS stream, price,
  coalesce(state_since, updated_at) AS stateSince`;

const EVENT_COLUMNS = `seq, attempt_id AS attemptId, source, type, payload, received_at AS receivedAt,
  dedupe_key AS dedupeKey, duplicate, applied, note, repeats, last_seen_at AS lastSeenAt, disputed`;

interface RawEvent extends Omit<CallEventRow, 'payload' | 'duplicate' | 'applied' | 'disputed'> {
  payload: string;
  duplicate: number;
  applied: number;
  disputed: number;
}

function toEvent(raw: RawEvent): CallEventRow {
  let payload: unknown;
  try {
    payload = JSON.parse(raw.payload);
  } catch {
    payload = raw.payload; // a damaged row stays readable; the state machine skips what it cannot parse
  }
  return {
    ...raw,
    payload,
    duplicate: raw.duplicate === 1,
    applied: raw.applied === 1,
    disputed: raw.disputed === 1,
  };
}

/** Call attempts and their append-only event log. */
export class CallsRepository {
  /** Statements prepared once: callbacks arrive in floods, and preparing costs more than running. */
  private readonly pendingRepeats = new Map<number, { n: number; lastSeenAt: string }>();
  private readonly statements = new Map<string, Database.Statement<unknown[], unknown>>();

  constructor(private readonly db: Db) {}

  private prepare<P extends unknown[], R>(sql: string): Database.Statement<P, R> {
    let st = this.statements.get(sql);
    if (!st) {
      st = this.db.prepare<unknown[], unknown>(sql);
      this.statements.set(sql, st);
    }
    return st as unknown as Database.Statement<P, R>;
  }

  insertAttempt(a: NewCallAttempt, now = new Date().toISOString()): CallAttemptRow {
    this.prepare(
      `INSERT INTO call_attempts (id, contact_id, list_id, campaign_id, number, mode, provider, custom_field,
           state, created_at, updated_at, dnc_version, state_since)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
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
      a.dncVersion ?? null,
      now,
    );
    const row = this.getAttempt(a.id);
    if (!row) throw new Error(`call attempt ${a.id} vanished after insert`);
    return row;
  }

  getAttempt(id: string): CallAttemptRow | undefined {
    return this.prepare<[string], CallAttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM call_attempts WHERE id = ?`,
    ).get(id);
  }

  findByProviderSid(sid: string): CallAttemptRow | undefined {
    return this.prepare<[string], CallAttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM call_attempts WHERE provider_sid = ?`,
    ).get(sid);
  }

  /** Newest first; `states` filters (e.g. the non-terminal ones for crash recovery). */
  listAttempts(options: { states?: readonly string[]; limit?: number } = {}): CallAttemptRow[] {
    const states = options.states ?? [];
    const where = states.length ? `WHERE state IN (${states.map(() => '?').join(', ')})` : '';
    return this.prepare<unknown[], CallAttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM call_attempts ${where} ORDER BY created_at DESC, rowid DESC LIMIT ?`,
    ).all(...states, options.limit ?? 1000);
  }

  /** Ended calls with a provider id whose price has not settled, ended at or after `endedSince` (ISO). */
  listUnpriced(endedSince: string, limit = 100_000): CallAttemptRow[] {
    return this.prepare<[string, number], CallAttemptRow>(
      `SELECT ${ATTEMPT_COLUMNS} FROM call_attempts
         WHERE price IS NULL AND provider_sid IS NOT NULL AND ended_at >= ? ORDER BY ended_at LIMIT ?`,
    ).all(endedSince, limit);
  }

  updateView(id: string, v: CallAttemptView, now = new Date().toISOString()): void {
    this.prepare(
      // The right-hand sides read the row as it was: state_since moves only when the state does.
      `UPDATE call_attempts SET
           state_since = CASE WHEN state = ? AND state_since IS NOT NULL THEN state_since ELSE ? END,
           state = ?, provider_sid = ?, transfer_decision = ?, answered_by = ?,
           end_reason = ?, duration_sec = ?, answered_at = ?, ended_at = ?, stream_state = ?, price = ?,
           updated_at = ? WHERE id = ?`,
    ).run(
      v.state,
      now,
      v.state,
      v.providerSid,
      v.transferDecision,
      v.answeredBy,
      v.endReason,
      v.durationSec,
      v.answeredAt,
      v.endedAt,
      v.stream,
      v.price,
      now,
      id,
    );
  }

  /** Appends an event with what the state machine made of it. */
  appendEvent(e: NewCallEvent): CallEventRow {
    const info = this.prepare(
      `INSERT INTO call_events (attempt_id, source, type, payload, received_at, dedupe_key, applied, note,
           disputed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      e.attemptId,
      e.source,
      e.type,
      JSON.stringify(e.payload ?? null),
      e.receivedAt,
      e.dedupeKey,
      e.applied ? 1 : 0,
      e.note,
      e.disputed ? 1 : 0,
    );
    const row = this.getEvent(Number(info.lastInsertRowid));
    if (!row) throw new Error('call event vanished after insert');
    return row;
  }

  /** The newest event recorded under this dedupe key (rows older versions marked duplicate aside). */
  lastEventWithKey(attemptId: string, dedupeKey: string): CallEventRow | undefined {
    const raw = this.prepare<[string, string], RawEvent>(
      `SELECT ${EVENT_COLUMNS} FROM call_events WHERE attempt_id = ? AND dedupe_key = ? AND duplicate = 0
         ORDER BY seq DESC LIMIT 1`,
    ).get(attemptId, dedupeKey);
    return raw ? this.toEvent(raw) : undefined;
  }

  /**
   * One more copy of an event that changed nothing: counted on its row, not stored again. Counts
   * are kept in memory and written by `flushRepeats` (a write per copy would make a flood cost a
   * disk write each); reads include them meanwhile. A crash loses at most the unflushed counts.
   */
  countRepeat(seq: number, seenAt: string): void {
    const pending = this.pendingRepeats.get(seq);
    if (pending) {
      pending.n++;
      pending.lastSeenAt = seenAt;
    } else this.pendingRepeats.set(seq, { n: 1, lastSeenAt: seenAt });
  }

  get unflushedRepeats(): number {
    return this.pendingRepeats.size;
  }

  /** Writes the counted repeats in one transaction (dropped if the database is already closed). */
  flushRepeats(): void {
    const pending = [...this.pendingRepeats];
    this.pendingRepeats.clear();
    if (pending.length === 0 || !this.db.open) return;
    const update = this.prepare<[number, string, number], unknown>(
      'UPDATE call_events SET repeats = repeats + ?, last_seen_at = ? WHERE seq = ?',
    );
    this.db.transaction(() => {
      for (const [seq, p] of pending) update.run(p.n, p.lastSeenAt, seq);
    })();
  }

  /** A stored row with the repeats not yet written. */
  private toEvent(raw: RawEvent): CallEventRow {
    const row = toEvent(raw);
    const pending = this.pendingRepeats.get(row.seq);
    return pending ? { ...row, repeats: row.repeats + pending.n, lastSeenAt: pending.lastSeenAt } : row;
  }

  /** The attempt's disputed events still unapplied (they wait for the provider's word). */
  disputedEvents(attemptId: string): CallEventRow[] {
    return this.prepare<[string], RawEvent>(
      `SELECT ${EVENT_COLUMNS} FROM call_events WHERE attempt_id = ? AND disputed = 1 AND applied = 0
         ORDER BY seq`,
    )
      .all(attemptId)
      .map((raw) => this.toEvent(raw));
  }

  setNote(seq: number, note: string): void {
    this.prepare('UPDATE call_events SET note = ? WHERE seq = ?').run(note, seq);
  }

  getEvent(seq: number): CallEventRow | undefined {
    const raw = this.prepare<[number], RawEvent>(
      `SELECT ${EVENT_COLUMNS} FROM call_events WHERE seq = ?`,
    ).get(seq);
    return raw ? this.toEvent(raw) : undefined;
  }

  /** Every event of an attempt in arrival order (repeats are counted on their row). */
  listEvents(attemptId: string): CallEventRow[] {
    return this.prepare<[string], RawEvent>(
      `SELECT ${EVENT_COLUMNS} FROM call_events WHERE attempt_id = ? ORDER BY seq`,
    )
      .all(attemptId)
      .map((raw) => this.toEvent(raw));
  }

  /** Runs fn in one transaction (append + derive must be atomic). */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }
}
