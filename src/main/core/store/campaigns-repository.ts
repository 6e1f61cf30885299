import type Database from 'better-sqlite3';
import type {
  AttemptOutcome,
  CampaignContactInfo,
  CampaignContactStatus,
  CampaignState,
} from '../../../shared/campaigns';
import type { Db } from './database';

/** A campaign as stored; `settings` and `contactIds` are JSON the campaigns domain parses. */
export interface CampaignRow {
  id: string;
  name: string;
  state: CampaignState;
  listId: number;
  listName: string | null;
  contactIds: string | null;
  settings: string;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export type NewCampaignRow = Omit<CampaignRow, 'listName' | 'updatedAt' | 'startedAt' | 'finishedAt'>;

/** A contact as it enters a campaign's queue (copied from the list). */
export interface QueueContact {
  contactId: number;
  number: string;
  name: string;
  /** Set when the contact enters the queue already skipped (e.g. marked Do-Not-Call). */
  skipReason?: string;
}

export interface CampaignContactRow {
  campaignId: string;
  contactId: number;
  position: number;
  number: string;
  name: string;
  status: CampaignContactStatus;
  attempts: number;
  nextEligibleAt: string | null;
  lastOutcome: AttemptOutcome | null;
  skipReason: string | null;
  updatedAt: string;
}

export interface CampaignAttemptRow {
  attemptId: string;
  campaignId: string;
  contactId: number;
  attemptNo: number;
  outcome: AttemptOutcome | null;
  disposition: string | null;
  flags: string[];
  createdAt: string;
  finishedAt: string | null;
}

/** A change to a contact's queue row; fields left out stay as they are. */
export interface ContactChange {
  status?: CampaignContactStatus;
  nextEligibleAt?: string | null;
  lastOutcome?: AttemptOutcome | null;
  skipReason?: string | null;
}

export interface CampaignCountsRow {
  byStatus: Partial<Record<CampaignContactStatus, number>>;
  byOutcome: Partial<Record<AttemptOutcome, number>>;
  attempts: number;
  inFlight: number;
  flagged: number;
}

const CAMPAIGN_COLUMNS = `c.id, c.name, c.state, c.list_id AS listId, l.name AS listName,
  c.contact_ids AS contactIds, c.settings, c.created_at AS createdAt, c.created_by AS createdBy,
  c.updated_at AS updatedAt, c.started_at AS startedAt, c.finished_at AS finishedAt`;
const CAMPAIGN_FROM = 'campaigns c LEFT JOIN contact_lists l ON l.id = c.list_id';

const CONTACT_COLUMNS = `campaign_id AS campaignId, contact_id AS contactId, position, number, name, status,
  attempts, next_eligible_at AS nextEligibleAt, last_outcome AS lastOutcome, skip_reason AS skipReason,
  updated_at AS updatedAt`;

const ATTEMPT_COLUMNS = `attempt_id AS attemptId, campaign_id AS campaignId, contact_id AS contactId,
  attempt_no AS attemptNo, outcome, disposition, flags, created_at AS createdAt, finished_at AS finishedAt`;

type RawAttempt = Omit<CampaignAttemptRow, 'flags'> & { flags: string };

function parseFlags(json: string | null): string[] {
  let flags: unknown;
  try {
    flags = JSON.parse(json ?? '[]');
  } catch {
    flags = []; // a damaged row stays readable
  }
  return Array.isArray(flags) ? flags.map(String) : [];
}

function toAttempt(raw: RawAttempt): CampaignAttemptRow {
  return { ...raw, flags: parseFlags(raw.flags) };
}

/**
 * Campaigns, their contact queue and the attempts that link a queued contact to its calls. Writes
 * run in the caller's transaction (an audited change or the dialer's own), so each method is one
 * or a few statements and opens none itself, except `transaction`.
 */
export class CampaignsRepository {
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

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)();
  }

  /** A new campaign and its queue, in list order (positions from 0). */
  insert(row: NewCampaignRow, contacts: readonly QueueContact[]): void {
    this.prepare(
      `INSERT INTO campaigns (id, name, state, list_id, contact_ids, settings, created_at, created_by, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      row.id,
      row.name,
      row.state,
      row.listId,
      row.contactIds,
      row.settings,
      row.createdAt,
      row.createdBy,
      row.createdAt,
    );
    this.insertQueue(row.id, contacts, row.createdAt);
  }

  private insertQueue(campaignId: string, contacts: readonly QueueContact[], at: string): void {
    const insert = this.prepare(
      `INSERT INTO campaign_contacts (campaign_id, contact_id, position, number, name, status, skip_reason,
           updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    contacts.forEach((c, i) =>
      insert.run(
        campaignId,
        c.contactId,
        i,
        c.number,
        c.name,
        c.skipReason ? 'skipped' : 'pending',
        c.skipReason ?? null,
        at,
      ),
    );
  }

  /** A draft's new selection: its queue is rebuilt (a draft has no attempts). */
  replaceQueue(campaignId: string, contactIds: string | null, contacts: readonly QueueContact[], at: string) {
    this.prepare('DELETE FROM campaign_contacts WHERE campaign_id = ?').run(campaignId);
    this.prepare('UPDATE campaigns SET contact_ids = ?, updated_at = ? WHERE id = ?').run(
      contactIds,
      at,
      campaignId,
    );
    this.insertQueue(campaignId, contacts, at);
  }

  get(id: string): CampaignRow | undefined {
    return this.prepare<[string], CampaignRow>(
      `SELECT ${CAMPAIGN_COLUMNS} FROM ${CAMPAIGN_FROM} WHERE c.id = ?`,
    ).get(id);
  }

  /** Newest first, optionally only some states. */
  list(states: readonly CampaignState[] = []): CampaignRow[] {
    const where = states.length ? `WHERE c.state IN (${states.map(() => '?').join(', ')})` : '';
    return this.prepare<unknown[], CampaignRow>(
      `SELECT ${CAMPAIGN_COLUMNS} FROM ${CAMPAIGN_FROM} ${where} ORDER BY c.created_at DESC, c.rowid DESC`,
    ).all(...states);
  }

  setDraft(id: string, name: string, settings: string, at: string): void {
    this.prepare(
      `UPDATE campaigns SET name = ?, settings = ?, updated_at = ? WHERE id = ? AND state = 'draft'`,
    ).run(name, settings, at, id);
  }

  /** Settings of a campaign in any state (pacing changed while running). */
  setSettings(id: string, settings: string, at: string): void {
    this.prepare('UPDATE campaigns SET settings = ?, updated_at = ? WHERE id = ?').run(settings, at, id);
  }

  /**
   * Moves the campaign from `from` to `to` only if it is still in `from` (another writer may have
   * moved it meanwhile): false when it was not.
   */
  setState(id: string, from: CampaignState, to: CampaignState, at: string): boolean {
    const started = to === 'running' ? at : null;
    const finished = to === 'completed' || to === 'canceled' ? at : null;
    return (
      this.prepare(
        `UPDATE campaigns SET state = ?, updated_at = ?, started_at = COALESCE(started_at, ?),
           finished_at = COALESCE(finished_at, ?) WHERE id = ? AND state = ?`,
      ).run(to, at, started, finished, id, from).changes === 1
    );
  }

  /** The list's callable contacts (valid, with a number), in row order; `ids` narrows to a selection. */
  listContacts(
    listId: number,
    ids?: readonly number[],
  ): (QueueContact & { dnc: boolean; variables: string })[] {
    type Raw = { contactId: number; number: string; name: string; dnc: number; variables: string };
    const rows = this.prepare<[number], Raw>(
      `SELECT id AS contactId, phone_e164 AS number, name, dnc, variables FROM contacts
         WHERE list_id = ? AND status = 'valid' AND phone_e164 IS NOT NULL ORDER BY row_number`,
    ).all(listId);
    const wanted = ids ? new Set(ids) : undefined;
    return rows
      .filter((r) => !wanted || wanted.has(r.contactId))
      .map((r) => ({
        contactId: r.contactId,
        number: r.number,
        name: r.name,
        dnc: r.dnc === 1,
        variables: r.variables,
      }));
  }

  contact(campaignId: string, contactId: number): CampaignContactRow | undefined {
    return this.prepare<[string, number], CampaignContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM campaign_contacts WHERE campaign_id = ? AND contact_id = ?`,
    ).get(campaignId, contactId);
  }

  /** Every queue row of a campaign, in queue order (the forecast reads them). */
  queue(campaignId: string): CampaignContactRow[] {
    return this.prepare<[string], CampaignContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM campaign_contacts WHERE campaign_id = ? ORDER BY position`,
    ).all(campaignId);
  }

  /** Pending contacts whose next attempt is due at `now` (ISO), in queue order. */
  dueContacts(campaignId: string, now: string, limit: number): CampaignContactRow[] {
    return this.prepare<[string, string, number], CampaignContactRow>(
      `SELECT ${CONTACT_COLUMNS} FROM campaign_contacts WHERE campaign_id = ? AND status = 'pending'
         AND (next_eligible_at IS NULL OR next_eligible_at <= ?) ORDER BY position LIMIT ?`,
    ).all(campaignId, now, limit);
  }

  updateContact(campaignId: string, contactId: number, change: ContactChange, at: string): void {
    const columns: [string, unknown][] = [
      ['status', change.status],
      ['next_eligible_at', change.nextEligibleAt],
      ['last_outcome', change.lastOutcome],
      ['skip_reason', change.skipReason],
    ];
    const given = columns.filter(([, v]) => v !== undefined);
    const sets = ['updated_at = ?', ...given.map(([c]) => `${c} = ?`)];
    const values = [at, ...given.map(([, v]) => v)];
    this.prepare(
      `UPDATE campaign_contacts SET ${sets.join(', ')} WHERE campaign_id = ? AND contact_id = ?`,
    ).run(...values, campaignId, contactId);
  }

  /**
   * Records the contact's next attempt before it is dialled: the attempt row (unique per campaign,
   * contact and number; a second insert of the same number throws) and the contact `in_call` with
   * its count raised.
   */
  reserveAttempt(a: {
    attemptId: string;
    campaignId: string;
    contactId: number;
    attemptNo: number;
    at: string;
  }) {
    this.prepare(
      `INSERT INTO campaign_attempts (attempt_id, campaign_id, contact_id, attempt_no, created_at)
         VALUES (?, ?, ?, ?, ?)`,
    ).run(a.attemptId, a.campaignId, a.contactId, a.attemptNo, a.at);
    this.prepare(
      `UPDATE campaign_contacts SET status = 'in_call', attempts = ?, updated_at = ?
         WHERE campaign_id = ? AND contact_id = ?`,
    ).run(a.attemptNo, a.at, a.campaignId, a.contactId);
  }

  finishAttempt(f: {
    attemptId: string;
    outcome: AttemptOutcome;
    disposition: string | null;
    flags: readonly string[];
    at: string;
  }): void {
    this.prepare(
      `UPDATE campaign_attempts SET outcome = ?, disposition = ?, flags = ?, finished_at = ? WHERE attempt_id = ?`,
    ).run(f.outcome, f.disposition, JSON.stringify(f.flags), f.at, f.attemptId);
  }

  /** A finished attempt's outcome check made again (its outcome stays as it was decided). */
  updateAttemptCheck(f: { attemptId: string; flags: readonly string[]; disposition: string | null }): void {
    this.prepare(
      `UPDATE campaign_attempts SET flags = ?, disposition = ? WHERE attempt_id = ? AND outcome IS NOT NULL`,
    ).run(JSON.stringify(f.flags), f.disposition, f.attemptId);
  }

  attempt(attemptId: string): CampaignAttemptRow | undefined {
    const raw = this.prepare<[string], RawAttempt>(
      `SELECT ${ATTEMPT_COLUMNS} FROM campaign_attempts WHERE attempt_id = ?`,
    ).get(attemptId);
    return raw ? toAttempt(raw) : undefined;
  }

  /** A campaign's attempts in the order they were made; `open` only those without an outcome. */
  attempts(campaignId: string, options: { open?: boolean } = {}): CampaignAttemptRow[] {
    const open = options.open ? 'AND outcome IS NULL' : '';
    return this.prepare<[string], RawAttempt>(
      `SELECT ${ATTEMPT_COLUMNS} FROM campaign_attempts WHERE campaign_id = ? ${open} ORDER BY created_at, rowid`,
    )
      .all(campaignId)
      .map(toAttempt);
  }

  counts(campaignId: string): CampaignCountsRow {
    const byStatus = Object.fromEntries(
      this.prepare<[string], { status: CampaignContactStatus; n: number }>(
        'SELECT status, COUNT(*) AS n FROM campaign_contacts WHERE campaign_id = ? GROUP BY status',
      )
        .all(campaignId)
        .map((r) => [r.status, r.n]),
    );
    const outcomes = this.prepare<[string], { outcome: AttemptOutcome | null; n: number; flagged: number }>(
      `SELECT outcome, COUNT(*) AS n, SUM(flags != '[]') AS flagged FROM campaign_attempts
         WHERE campaign_id = ? GROUP BY outcome`,
    ).all(campaignId);
    const byOutcome: Partial<Record<AttemptOutcome, number>> = {};
    let attempts = 0;
    let inFlight = 0;
    let flagged = 0;
    for (const r of outcomes) {
      attempts += r.n;
      flagged += r.flagged;
      if (r.outcome === null) inFlight += r.n;
      else byOutcome[r.outcome] = r.n;
    }
    return { byStatus, byOutcome, attempts, inFlight, flagged };
  }

  /** Average talk seconds of the campaign's answered calls (null before it has any). */
  answeredTalkSec(campaignId: string): number | null {
    const row = this.prepare<[string], { avg: number | null }>(
      `SELECT AVG(c.duration_sec) AS avg FROM campaign_attempts a JOIN call_attempts c ON c.id = a.attempt_id
         WHERE a.campaign_id = ? AND a.outcome = 'answered' AND c.duration_sec IS NOT NULL`,
    ).get(campaignId);
    return row?.avg ?? null;
  }

  /** One page of the queue in position order, each contact with its latest attempt. */
  contactsPage(
    campaignId: string,
    options: { status?: CampaignContactStatus; afterPosition: number; limit: number },
  ): { contacts: CampaignContactInfo[]; total: number } {
    const status = options.status ? 'AND q.status = ?' : '';
    const args: unknown[] = [campaignId, ...(options.status ? [options.status] : [])];
    type Raw = CampaignContactRow & {
      aId: string | null;
      aNo: number | null;
      aOutcome: AttemptOutcome | null;
      aDisposition: string | null;
      aFlags: string | null;
      aCreatedAt: string | null;
    };
    const rows = this.prepare<unknown[], Raw>(
      `SELECT q.campaign_id AS campaignId, q.contact_id AS contactId, q.position, q.number, q.name, q.status,
           q.attempts, q.next_eligible_at AS nextEligibleAt, q.last_outcome AS lastOutcome,
           q.skip_reason AS skipReason, q.updated_at AS updatedAt,
           a.attempt_id AS aId, a.attempt_no AS aNo, a.outcome AS aOutcome, a.disposition AS aDisposition,
           a.flags AS aFlags, a.created_at AS aCreatedAt
         FROM campaign_contacts q
         LEFT JOIN campaign_attempts a ON a.campaign_id = q.campaign_id AND a.contact_id = q.contact_id
           AND a.attempt_no = q.attempts
         WHERE q.campaign_id = ? ${status} AND q.position > ? ORDER BY q.position LIMIT ?`,
    ).all(...args, options.afterPosition, options.limit);
    const total = this.prepare<unknown[], { n: number }>(
      `SELECT COUNT(*) AS n FROM campaign_contacts q WHERE q.campaign_id = ? ${status}`,
    ).get(...args)?.n;
    return {
      total: total ?? 0,
      contacts: rows.map((r) => ({
        contactId: r.contactId,
        position: r.position,
        number: r.number,
        name: r.name,
        status: r.status,
        attempts: r.attempts,
        nextEligibleAt: r.nextEligibleAt,
        skipReason: r.skipReason,
        lastOutcome: r.lastOutcome,
        last:
          r.aId === null || r.aNo === null || r.aCreatedAt === null
            ? null
            : {
                attemptId: r.aId,
                attemptNo: r.aNo,
                outcome: r.aOutcome,
                disposition: r.aDisposition,
                flags: parseFlags(r.aFlags),
                createdAt: r.aCreatedAt,
              },
      })),
    };
  }

  // The dialer's reads (issue 10, C2): what the scheduler needs at each step.

  /** Pending and in-call counts, and when the first pending contact not yet due becomes due. */
  queueSummary(
    campaignId: string,
    now: string,
  ): { pending: number; inCall: number; earliestLater: string | null } {
    const row = this.prepare<
      [string, string],
      { pending: number; inCall: number; earliestLater: string | null }
    >(
      `SELECT COALESCE(SUM(status = 'pending'), 0) AS pending, COALESCE(SUM(status = 'in_call'), 0) AS inCall,
         MIN(CASE WHEN status = 'pending' AND next_eligible_at > ? THEN next_eligible_at END) AS earliestLater
         FROM campaign_contacts WHERE campaign_id = ? AND status IN ('pending', 'in_call')`,
    ).get(now, campaignId);
    return row ?? { pending: 0, inCall: 0, earliestLater: null };
  }

  /** Attempts to a number made in [from, to) by any campaign, for the frequency cap. */
  attemptsToNumber(number: string, from: string, to: string): number {
    return (
      this.prepare<[string, string, string], { n: number }>(
        `SELECT COUNT(*) AS n FROM campaign_contacts q
           JOIN campaign_attempts a ON a.campaign_id = q.campaign_id AND a.contact_id = q.contact_id
           WHERE q.number = ? AND a.created_at >= ? AND a.created_at < ?`,
      ).get(number, from, to)?.n ?? 0
    );
  }

  /** Whether another running or paused campaign has already dialled this number. */
  dialledElsewhere(campaignId: string, number: string): boolean {
    return (
      this.prepare<[string, string], { one: number }>(
        `SELECT 1 AS one FROM campaign_contacts q JOIN campaigns c ON c.id = q.campaign_id
           WHERE q.number = ? AND q.campaign_id != ? AND q.attempts > 0 AND c.state IN ('running', 'paused') LIMIT 1`,
      ).get(number, campaignId) !== undefined
    );
  }

  /**
   * Gives back a reserved attempt whose request got no call (refused before ringing, e.g. a 429 or
   * the DNC check): the row goes, the contact's count drops back and it waits until `nextEligibleAt`.
   * The call_attempts row stays as the record of the refused request.
   */
  releaseAttempt(a: {
    attemptId: string;
    campaignId: string;
    contactId: number;
    attemptNo: number;
    nextEligibleAt: string | null;
    at: string;
  }): void {
    this.prepare('DELETE FROM campaign_attempts WHERE attempt_id = ?').run(a.attemptId);
    this.prepare(
      `UPDATE campaign_contacts SET attempts = ?, status = 'pending', next_eligible_at = ?, updated_at = ?
         WHERE campaign_id = ? AND contact_id = ?`,
    ).run(a.attemptNo - 1, a.nextEligibleAt, a.at, a.campaignId, a.contactId);
  }
}
