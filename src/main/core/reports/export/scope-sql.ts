import type { ExportScope } from '../../../../shared/reports';
import { callScopeSql, type CallScope } from '../../calls';
import type { Db } from '../../store';

/** The calls an export covers, as the dashboard's statistics name them (null: a QA run's export). */
export function exportCallScope(scope: ExportScope): CallScope | null {
  switch (scope.kind) {
    case 'campaign':
      return { campaignId: scope.campaignId };
    case 'range':
      return { from: scope.from, to: scope.to };
    case 'qa_run':
      // A QA run talks to a bot over the media port: it places no call attempts.
      return null;
  }
}

/** The call_attempts rows (alias `a`) a scope covers, as a WHERE clause and its named parameters. */
export function callsScope(scope: ExportScope): { sql: string; params: Record<string, string> } {
  const calls = exportCallScope(scope);
  return calls ? callScopeSql(calls) : { sql: '0', params: {} };
}

/**
 * A row of the calls statement in raw mode (an array, in the SELECT's order): arrays are cheaper
 * than objects to build, and this statement runs once per exported call.
 */
export type CallSqlRow = [
  id: string,
  callSid: string | null,
  number: string,
  /** The attempt's own list (a test call's); a campaign's call takes its campaign's (see campaignLookup). */
  listId: string | null,
  campaignId: string | null,
  attemptNo: number | null,
  createdAt: string,
  answeredAt: string | null,
  endedAt: string | null,
  state: string,
  endReason: string | null,
  durationSec: number | null,
  price: number | null,
  answeredBy: string | null,
  transfer: string | null,
  flags: string | null,
  contactName: string | null,
  campaignDisposition: string | null,
];

/**
 * How a statement gives each row: its values, or one JSON array of them built by SQLite
 * (`json_array`). The row worker reads JSON: SQLite writes the text in C and the worker hands on one
 * string per row instead of a value per column (18 for a call), which halved its stepping of the
 * calls; the reading thread parses it (JSON.parse) into the same values (SQLite writes a REAL in
 * JSON so that it parses back to the same number).
 */
export type RowForm = 'values' | 'json';

/** A SELECT list as values or as one JSON array (see RowForm). */
export function selectList(columns: readonly string[], form: RowForm): string {
  return form === 'json' ? `json_array(${columns.join(', ')})` : columns.join(', ');
}

/**
 * The carrier's word on how a call ended. CallDeck's state machine keeps it as the call ends: the
 * state is the carrier's terminal status, and end_reason repeats it for every call that did not
 * complete (busy, no_answer, failed, canceled) or holds CallDeck's own reason where CallDeck ended
 * the call (a dial the carrier refused, a cancel, a timeout); for a completed call end_reason is
 * null, which had left the column blank on exactly the calls that went through. Read off the
 * attempt's row: looking up each call's latest end report in call_events instead cost the calls
 * statement ~100 ms more per 100,000 calls (six events each).
 */
const CARRIER_STATUS = `coalesce(a.end_reason, CASE WHEN a.state = 'completed' THEN 'completed' END)`;

/** The calls statement for the scope's WHERE clause over call_attempts `a` (rows: CallSqlRow). */
export function callsSql(where: string, form: RowForm = 'values'): string {
  // The campaign's and the list's names are the same on every row of a campaign: looked up once
  // each (campaignLookup, listNameLookup) instead of joined and carried on 100,000 rows.
  const columns = [
    'a.id',
    'a.provider_sid',
    'a.number',
    'a.list_id',
    'a.campaign_id',
    'ca.attempt_no',
    'a.created_at',
    'a.answered_at',
    'a.ended_at',
    'a.state',
    CARRIER_STATUS,
    'a.duration_sec',
    'a.price',
    'a.answered_by',
    'a.transfer_decision',
    'ca.flags',
    'coalesce(cc.name, c.name)',
    'ca.disposition',
  ];
  return `SELECT ${selectList(columns, form)}
    FROM call_attempts a
    LEFT JOIN contacts c ON c.id = CAST(a.contact_id AS INTEGER)
    LEFT JOIN campaign_attempts ca ON ca.attempt_id = a.id
    LEFT JOIN campaign_contacts cc ON cc.campaign_id = ca.campaign_id AND cc.contact_id = ca.contact_id
    WHERE ${where} ORDER BY a.created_at, a.rowid`;
}

/** The turns statement (rows: attempt id, speaker, text, media time). */
export function turnsSql(where: string, form: RowForm = 'values'): string {
  return `SELECT ${selectList(['s.attempt_id', 'l.speaker', 'l.text', 'l.start_ms'], form)}
    FROM call_attempts a JOIN voicebot_sessions s ON s.attempt_id = a.id
    JOIN voicebot_lines l ON l.session_id = s.id
    WHERE ${where} ORDER BY a.created_at, a.rowid, s.started_at, s.id, l.seq`;
}

/** A campaign's name and list by id, each read once (null: no such campaign). */
export function campaignLookup(db: Db): (id: string) => { name: string; listId: string | null } | null {
  const read = db.prepare<[string], { name: string; listId: string | number | null }>(
    'SELECT name, list_id AS listId FROM campaigns WHERE id = ?',
  );
  const known = new Map<string, { name: string; listId: string | null } | null>();
  return (id) => {
    let c = known.get(id);
    if (c === undefined) {
      const r = read.get(id);
      c = r ? { name: r.name, listId: r.listId === null ? null : String(r.listId) } : null;
      known.set(id, c);
    }
    return c;
  };
}

/** A contact list's name by id, each read once (null: no such list). */
export function listNameLookup(db: Db): (id: string) => string | null {
  const read = db
    .prepare<[string], string>('SELECT name FROM contact_lists WHERE id = CAST(? AS INTEGER)')
    .pluck();
  const known = new Map<string, string | null>();
  return (id) => {
    let name = known.get(id);
    if (name === undefined) {
      name = read.get(id) ?? null;
      known.set(id, name);
    }
    return name;
  };
}

/** How long after a test call's attempt row its Api action's audit row may be written. */
const TEST_CALL_AUDIT_WINDOW_MS = 120_000;

/**
 * Who is behind a call, from the audit log: for a campaign's call, who first started (or scheduled)
 * the campaign, else who created it; for a test call, the actor of the successful
 * `telephony.placeTestCall` row that names its attempt id. Rows written before they named it: the
 * first such row written after the attempt's row (written when the Api call returned, so it
 * follows the attempt by the dial's duration; none within 2 minutes: unknown).
 */
export function operatorLookup(
  db: Db,
): (campaignId: string | null, createdAt: string, attemptId: string) => string | null {
  const campaigns = new Map<string, string | null>();
  const starter = db
    .prepare<[string], string>(
      `SELECT actor FROM audit_log WHERE subject = ? AND action IN ('campaigns.start', 'campaigns.schedule')
       AND json_valid(payload) AND json_extract(payload, '$.outcome') = 'ok' ORDER BY seq LIMIT 1`,
    )
    .pluck();
  const creator = db.prepare<[string], string>('SELECT created_by FROM campaigns WHERE id = ?').pluck();
  const placedBy = db
    .prepare<[string, string, string], string>(
      `SELECT actor FROM audit_log WHERE action = 'telephony.placeTestCall' AND at >= ? AND at <= ?
       AND json_valid(payload) AND json_extract(payload, '$.attemptId') = ? LIMIT 1`,
    )
    .pluck();
  const tester = db
    .prepare<[string, string], string>(
      `SELECT actor FROM audit_log WHERE action = 'telephony.placeTestCall' AND at >= ? AND at <= ?
       AND json_valid(payload) AND json_extract(payload, '$.outcome') = 'ok'
       AND json_extract(payload, '$.attemptId') IS NULL ORDER BY at, seq LIMIT 1`,
    )
    .pluck();
  return (campaignId, createdAt, attemptId) => {
    if (campaignId === null) {
      const until = new Date(Date.parse(createdAt) + TEST_CALL_AUDIT_WINDOW_MS).toISOString();
      return placedBy.get(createdAt, until, attemptId) ?? tester.get(createdAt, until) ?? null;
    }
    if (!campaigns.has(campaignId))
      campaigns.set(campaignId, starter.get(`campaign:${campaignId}`) ?? creator.get(campaignId) ?? null);
    return campaigns.get(campaignId) ?? null;
  };
}
