import { QA_VERDICTS, type QaEvaluation, type QaRecordedTurn, type QaVerdict } from '../../../../shared/qa';
import type {
  ExportCallRow,
  ExportScope,
  ExportSummary,
  ExportTurnRow,
  ExportVerdictRow,
} from '../../../../shared/reports';
import { CallStatsQuery, percentile } from '../../calls';
import type { Db } from '../../store';
import { CallSessionStream } from './call-sessions';
import { ExportScopeError } from './errors';
import { callsScope, operatorLookup } from './scope-sql';

/**
 * The rows of an export, read from SQLite. Every sheet is a `.iterate()` over one statement, so
 * 100,000 calls are never in memory at once; all reads run in one read transaction on a connection
 * of their own, so the sheets and the summary describe the same moment of the database while the
 * app keeps writing (WAL), and a long export never holds the app's connection busy.
 */
export interface ExportSource {
  readonly summary: ExportSummary;
  calls(): IterableIterator<ExportCallRow>;
  turns(): IterableIterator<ExportTurnRow>;
  verdicts(): IterableIterator<ExportVerdictRow>;
}

/**
 * A row of the calls statement in raw mode (an array, in the SELECT's order): arrays are cheaper
 * than objects to build, and this statement runs once per exported call.
 */
type CallSqlRow = [
  id: string,
  callSid: string | null,
  number: string,
  listId: string | null,
  listName: string | null,
  campaignId: string | null,
  campaignName: string | null,
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

function parseList(json: string | null): string[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

function parseJson<T>(json: string | null): T | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as T;
  } catch {
    return null;
  }
}

/** A QA scenario run's failures as kinds and one readable reason each (judges' reasoning included). */
export function failuresOf(
  evaluation: QaEvaluation | null,
  error: string | null,
): { kinds: string[]; reasons: string[] } {
  const kinds: string[] = [];
  const reasons: string[] = [];
  for (const f of evaluation?.failures ?? []) {
    if (!kinds.includes(f.kind)) kinds.push(f.kind);
    const at = f.turn === undefined ? '' : `turn ${f.turn}: `;
    reasons.push(`${at}${f.expectation} → ${f.actual}`);
  }
  for (const j of evaluation?.judged ?? [])
    if (j.verdict !== 'pass') reasons.push(`judge "${j.criterion}" (${j.verdict}): ${j.reasoning}`);
  if (error) reasons.push(error);
  return { kinds, reasons };
}

/** Opens the source over a reader connection it owns; `close()` ends the read and the connection. */
export class SqliteExportSource implements ExportSource {
  readonly summary: ExportSummary;
  private readonly where: { sql: string; params: Record<string, string> };
  private closed = false;

  constructor(
    private readonly db: Db,
    readonly scope: ExportScope,
    now: Date = new Date(),
  ) {
    // One read transaction: every statement below sees the same snapshot.
    db.exec('BEGIN');
    try {
      this.where = callsScope(scope);
      this.summary = this.makeSummary(now);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }

  private title(): string {
    switch (this.scope.kind) {
      case 'campaign': {
        const c = this.db
          .prepare<[string], { name: string }>('SELECT name FROM campaigns WHERE id = ?')
          .get(this.scope.campaignId);
        if (!c) throw new ExportScopeError(`No campaign ${this.scope.campaignId}`);
        return `Campaign “${c.name}” (${this.scope.campaignId})`;
      }
      case 'qa_run': {
        const r = this.db
          .prepare<[string], { suite: string; startedAt: string }>(
            'SELECT suite_name AS suite, started_at AS startedAt FROM qa_runs WHERE id = ?',
          )
          .get(this.scope.runId);
        if (!r) throw new ExportScopeError(`No QA run ${this.scope.runId}`);
        return `QA run of “${r.suite}” started ${r.startedAt} (${this.scope.runId})`;
      }
      case 'range':
        return `Calls placed from ${this.scope.from} to ${this.scope.to} (UTC, end excluded)`;
    }
  }

  private makeSummary(now: Date): ExportSummary {
    const title = this.title();
    const count = (sql: string) =>
      this.db.prepare<Record<string, string>, { n: number }>(sql).get(this.where.params)?.n ?? 0;
    const calls = count(`SELECT count(*) AS n FROM call_attempts a WHERE ${this.where.sql}`);
    let turns = count(
      `SELECT count(*) AS n FROM call_attempts a JOIN voicebot_sessions s ON s.attempt_id = a.id
       JOIN voicebot_lines l ON l.session_id = s.id WHERE ${this.where.sql}`,
    );
    let qa: ExportSummary['qa'] = null;
    let verdicts = 0;
    if (this.scope.kind === 'qa_run') {
      const byVerdict = Object.fromEntries(QA_VERDICTS.map((v) => [v, 0])) as Record<QaVerdict, number>;
      for (const r of this.db
        .prepare<[string], { verdict: QaVerdict; n: number }>(
          'SELECT verdict, count(*) AS n FROM qa_scenario_runs WHERE run_id = ? GROUP BY verdict',
        )
        .all(this.scope.runId))
        byVerdict[r.verdict] = r.n;
      verdicts = Object.values(byVerdict).reduce((a, b) => a + b, 0);
      qa = { runs: 1, scenarioRuns: verdicts, byVerdict };
      // Each recorded turn gives a caller line and a bot line at most: counted as the rows come.
      turns = 0;
      for (const _ of this.qaTurns()) turns += 1;
    }
    const stats =
      this.scope.kind === 'qa_run'
        ? null
        : new CallStatsQuery(this.db).stats(
            this.scope.kind === 'campaign'
              ? { campaignId: this.scope.campaignId }
              : { from: this.scope.from, to: this.scope.to },
          );
    return {
      title,
      scope: this.scope,
      generatedAt: now.toISOString(),
      calls: stats,
      qa,
      counts: { calls, turns, verdicts },
    };
  }

  *calls(): IterableIterator<ExportCallRow> {
    const operator = operatorLookup(this.db);
    // Each call's sessions (disposition, latencies, recordings) come from a second statement in
    // the same order, merged as the rows come (see CallSessionStream).
    const sessions = new CallSessionStream(this.db, this.where);
    const rows = this.db.prepare<Record<string, string>, CallSqlRow>(
      `SELECT a.id, a.provider_sid AS callSid, a.number, coalesce(a.list_id, cp.list_id) AS listId,
         l.name AS listName, a.campaign_id AS campaignId, cp.name AS campaignName, ca.attempt_no AS attemptNo,
         a.created_at AS createdAt, a.answered_at AS answeredAt, a.ended_at AS endedAt, a.state,
         a.end_reason AS endReason, a.duration_sec AS durationSec, a.price, a.answered_by AS answeredBy,
         a.transfer_decision AS transfer, ca.flags, coalesce(cc.name, c.name) AS contactName,
         ca.disposition AS campaignDisposition
       FROM call_attempts a
       LEFT JOIN campaigns cp ON cp.id = a.campaign_id
       LEFT JOIN contact_lists l ON l.id = CAST(coalesce(a.list_id, cp.list_id) AS INTEGER)
       LEFT JOIN contacts c ON c.id = CAST(a.contact_id AS INTEGER)
       LEFT JOIN campaign_attempts ca ON ca.attempt_id = a.id
       LEFT JOIN campaign_contacts cc ON cc.campaign_id = ca.campaign_id AND cc.contact_id = ca.contact_id
       WHERE ${this.where.sql} ORDER BY a.created_at, a.rowid`,
    );
    try {
      for (const [
        id,
        callSid,
        number,
        listId,
        listName,
        campaignId,
        campaignName,
        attemptNo,
        createdAt,
        answeredAt,
        endedAt,
        state,
        endReason,
        durationSec,
        price,
        answeredBy,
        transfer,
        flags,
        contactName,
        campaignDisposition,
      ] of rows.raw(true).iterate(this.where.params)) {
        const s = sessions.take(id);
        const v = s.latencies;
        yield {
          attemptId: id,
          callSid,
          contactName,
          number,
          listId: listId === null ? null : String(listId),
          listName,
          campaignId,
          campaignName,
          attemptNo,
          operator: operator(campaignId, createdAt, id),
          createdAt,
          answeredAt,
          endedAt,
          state,
          carrierStatus: endReason,
          durationSec,
          price,
          answeredBy,
          disposition: s.disposition ?? campaignDisposition,
          transfer,
          flags: parseList(flags),
          latency: v.length === 0 ? null : { p50: percentile(v, 0.5), p95: percentile(v, 0.95) },
          recordings: s.recordings,
        };
      }
    } finally {
      sessions.close();
    }
  }

  *turns(): IterableIterator<ExportTurnRow> {
    if (this.scope.kind === 'qa_run') {
      yield* this.qaTurns();
      return;
    }
    const rows = this.db.prepare<
      Record<string, string>,
      [attemptId: string, speaker: ExportTurnRow['speaker'], text: string, mediaMs: ExportTurnRow['mediaMs']]
    >(
      `SELECT s.attempt_id, l.speaker, l.text, l.start_ms
       FROM call_attempts a JOIN voicebot_sessions s ON s.attempt_id = a.id
       JOIN voicebot_lines l ON l.session_id = s.id
       WHERE ${this.where.sql} ORDER BY a.created_at, a.rowid, s.started_at, s.id, l.seq`,
    );
    // Raw rows (arrays) made into objects here: cheaper than the driver's named rows.
    for (const [attemptId, speaker, text, mediaMs] of rows.raw(true).iterate(this.where.params))
      yield { attemptId, speaker, text, mediaMs };
  }

  /** A QA run's turns: the caller's line (what it said or played) and the bot's (as transcribed). */
  private *qaTurns(): IterableIterator<ExportTurnRow> {
    if (this.scope.kind !== 'qa_run') return;
    const evaluation = this.db
      .prepare<[string], string | null>('SELECT evaluation FROM qa_scenario_runs WHERE id = ?')
      .pluck();
    const rows = this.db.prepare<[string], { id: string; data: string }>(
      `SELECT r.id, t.data FROM qa_scenario_runs r JOIN qa_turns t ON t.scenario_run_id = r.id
       WHERE r.run_id = ? ORDER BY r.seq, t.idx`,
    );
    let current: { id: string; botText: Map<number, string> } | undefined;
    for (const r of rows.iterate(this.scope.runId)) {
      if (current?.id !== r.id) {
        const e = parseJson<QaEvaluation>(evaluation.get(r.id) ?? null);
        current = { id: r.id, botText: new Map((e?.turns ?? []).map((t) => [t.index, t.botText])) };
      }
      const turn = parseJson<QaRecordedTurn>(r.data);
      if (!turn) continue;
      if (turn.callerText !== null)
        yield { attemptId: r.id, speaker: 'caller', text: turn.callerText, mediaMs: turn.callerStartMs };
      const bot = current.botText.get(turn.index) ?? turn.botTextReported;
      if (bot !== null && bot !== '')
        yield { attemptId: r.id, speaker: 'bot', text: bot, mediaMs: turn.botStartMs };
    }
  }

  *verdicts(): IterableIterator<ExportVerdictRow> {
    if (this.scope.kind !== 'qa_run') return;
    const rows = this.db.prepare<
      [string],
      {
        id: string;
        runId: string;
        scenario: string;
        scenarioFile: string;
        caller: ExportVerdictRow['caller'];
        repeat: number;
        verdict: QaVerdict;
        endReason: string;
        error: string | null;
        evaluation: string | null;
      }
    >(
      `SELECT id, run_id AS runId, scenario_name AS scenario, scenario_file AS scenarioFile, caller, repeat,
         verdict, end_reason AS endReason, error, evaluation
       FROM qa_scenario_runs WHERE run_id = ? ORDER BY seq`,
    );
    for (const r of rows.iterate(this.scope.runId)) {
      const { kinds, reasons } = failuresOf(parseJson<QaEvaluation>(r.evaluation), r.error);
      yield {
        runId: r.runId,
        scenarioRunId: r.id,
        scenario: r.scenario,
        scenarioFile: r.scenarioFile,
        caller: r.caller,
        repeat: r.repeat,
        verdict: r.verdict,
        endReason: r.endReason,
        failureKinds: kinds,
        reasons,
      };
    }
  }
}
