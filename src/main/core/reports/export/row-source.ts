import { QA_VERDICTS, type QaEvaluation, type QaRecordedTurn, type QaVerdict } from '../../../../shared/qa';
import path from 'node:path';
import type {
  ExportCallRow,
  ExportRecording,
  ExportScope,
  ExportSummary,
  ExportTurnRow,
  ExportVerdictRow,
} from '../../../../shared/reports';
import type { CallStats } from '../../../../shared/call-stats';
import {
  assembleCallStats,
  callTotalsFromArray,
  callTotalsSql,
  CallStatsFold,
  CallStatsQuery,
  percentile,
  readCallTotals,
  type CallScope,
  type CallTotals,
} from '../../calls';
import type { Db } from '../../store';
import { CallSessionStream, sessionsSql } from './call-sessions';
import { ExportScopeError } from './errors';
import {
  callsScope,
  callsSql,
  exportCallScope,
  campaignLookup,
  listNameLookup,
  operatorLookup,
  turnsSql,
  type CallSqlRow,
} from './scope-sql';
import { qaRunsFiles } from './qa-runs-file';
import { SnapshotWorker } from './snapshot-worker';

/**
 * The rows of an export, read from SQLite. Every sheet is a `.iterate()` over one statement, so
 * 100,000 calls are never in memory at once; all reads run in one read transaction on a connection
 * of their own, so the sheets and the summary describe the same moment of the database while the
 * app keeps writing (WAL), and a long export never holds the app's connection busy. A large export's
 * calls and turns are stepped by a worker thread whose read transaction is checked to see that same
 * moment (see SnapshotWorker).
 */
export interface ExportSource {
  /** What the export covers and how many rows each table holds: known when the source opens. */
  readonly heading: ExportHeading;
  /**
   * The heading with the calls' statistics (and, added by the job, the audit head). The statistics
   * are read when first asked for: asked after the calls were read whole, they are folded from those
   * rows (CallStatsFold) instead of a second pass over the calls, so a writer that can (the CSV's and
   * XLSX's summary sheet comes last) asks last.
   */
  readonly summary: ExportSummary;
  calls(): IterableIterator<ExportCallRow>;
  turns(): IterableIterator<ExportTurnRow>;
  verdicts(): IterableIterator<ExportVerdictRow>;
}

/** The summary without the statistics (nor the audit head). */
export type ExportHeading = Omit<ExportSummary, 'calls' | 'audit'>;

/** The statements a worker may read, by index. */
const CALLS = 0;
const SESSIONS = 1;
const TURNS = 2;
const TOTALS = 3;

/** Below this many calls a worker costs more than it saves (its start and a second connection). */
export const WORKER_MIN_CALLS = 5000;

export interface ExportSourceOptions {
  /**
   * Read the calls, their sessions and the turns in a worker thread on a connection of its own
   * (the second core steps SQLite while this thread builds cells), from `minCalls` calls on
   * (default WORKER_MIN_CALLS). `nativeBinding`: better-sqlite3's binary for Electron.
   */
  worker?: { nativeBinding?: string; minCalls?: number };
}

/**
 * Under plain Node (the CLI, `calldeck serve`) large exports read in a worker by default. Under
 * Electron a worker's connection needs the app's native binding, which the caller must pass.
 */
const DEFAULT_OPTIONS: ExportSourceOptions = process.versions.electron === undefined ? { worker: {} } : {};

const NO_ITEMS: string[] = [];

function parseList(json: string | null): string[] {
  // Most calls carry no flags: no parse (or new array) for each of them.
  if (!json || json === '[]') return NO_ITEMS;
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
  readonly heading: ExportHeading;
  private readonly where: { sql: string; params: Record<string, string> };
  private closed = false;
  private worker: SnapshotWorker | null = null;
  /** The statistics once read; the fold of a whole reading of the calls, to read them from. */
  private stats: { value: CallStats | null } | null = null;
  private folded: CallStatsFold | null = null;

  constructor(
    private readonly db: Db,
    readonly scope: ExportScope,
    now: Date = new Date(),
    options: ExportSourceOptions = DEFAULT_OPTIONS,
  ) {
    try {
      this.where = callsScope(scope);
      if (options.worker) this.worker = this.startWorker(options.worker);
      // One read transaction: every statement below sees the same snapshot.
      db.exec('BEGIN');
      this.heading = this.makeHeading(now);
    } catch (err) {
      this.close();
      throw err;
    }
  }

  get summary(): ExportSummary {
    return { ...this.heading, calls: this.callStats() };
  }

  /** Where the calls and turns are read: a worker thread, or this one (small, or a commit came between). */
  get reading(): 'worker' | 'this thread' {
    return this.worker?.used ? 'worker' : 'this thread';
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.worker?.close();
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }

  /** A worker for the calls, sessions and turns statements (see SnapshotWorker), or null. */
  private startWorker(o: { nativeBinding?: string; minCalls?: number }): SnapshotWorker | null {
    if (this.scope.kind === 'qa_run' || this.db.memory) return null;
    const calls =
      this.db
        .prepare<Record<string, string>, number>(
          `SELECT count(*) FROM call_attempts a WHERE ${this.where.sql}`,
        )
        .pluck()
        .get(this.where.params) ?? 0;
    if (calls < (o.minCalls ?? WORKER_MIN_CALLS)) return null;
    const { sql, params } = this.where;
    // Rows as JSON (see RowForm): parsed here, one string per row cloned across.
    const statements = [
      callsSql(sql, 'json'),
      sessionsSql(sql, 'json'),
      turnsSql(sql, 'json'),
      callTotalsSql(sql, true),
    ].map((s) => ({ sql: s, params, json: true }));
    return new SnapshotWorker(this.db.name, statements, o.nativeBinding);
  }

  /** A statement's rows on this connection, raw (arrays in the SELECT's order: cheaper than named rows). */
  private rawRows(sql: string): IterableIterator<unknown[]> {
    return this.db.prepare<Record<string, string>, unknown[]>(sql).raw(true).iterate(this.where.params);
  }

  /** Statement `k`'s rows from the worker, or null: read them on this connection. */
  private fromWorker(k: number): IterableIterator<unknown[]> | null {
    return this.worker?.rows(k) ?? null;
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

  /**
   * The dashboard's statistics over the export's calls, in its snapshot: folded from the calls
   * already read whole, else read by CallStatsQuery (the summary asked for first: HTML, PDF).
   */
  private callStats(): CallStats | null {
    if (this.stats) return this.stats.value;
    if (this.closed)
      throw new Error("internal: the export's statistics were asked for after its source closed");
    const scope = exportCallScope(this.scope);
    const value =
      scope === null
        ? null
        : this.folded
          ? assembleCallStats(scope.campaignId ?? null, this.folded.parts(this.readTotals(scope)))
          : new CallStatsQuery(this.db).stats(scope, this.readTotals(scope));
    this.stats = { value };
    this.folded = null;
    return value;
  }

  /**
   * The sums over the calls (all of the statistics a fold does not give): read by the worker when it
   * runs, which has time to spare (it reads them with its first rows; this thread, the export's
   * busiest, reads the rows and writes them), else on this connection.
   */
  private readTotals(scope: CallScope): CallTotals {
    const rows = this.fromWorker(TOTALS);
    if (rows) for (const row of rows) return callTotalsFromArray(row);
    return readCallTotals(this.db, scope);
  }

  private makeHeading(now: Date): ExportHeading {
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
    return {
      title,
      scope: this.scope,
      generatedAt: now.toISOString(),
      qa,
      counts: { calls, turns, verdicts },
    };
  }

  *calls(): IterableIterator<ExportCallRow> {
    const operator = operatorLookup(this.db);
    const campaignOf = campaignLookup(this.db);
    const listNameOf = listNameLookup(this.db);
    // Each call's sessions (disposition, latencies, recordings) come from a second statement in
    // the same order, merged as the rows come (see CallSessionStream).
    const rows = (this.fromWorker(CALLS) ??
      this.rawRows(callsSql(this.where.sql))) as IterableIterator<CallSqlRow>;
    // The first whole reading folds the statistics as it goes (unless they were read already).
    const fold = this.stats === null && exportCallScope(this.scope) !== null ? new CallStatsFold() : null;
    const sessions = new CallSessionStream(
      this.fromWorker(SESSIONS) ?? this.rawRows(sessionsSql(this.where.sql)),
      fold ? (s) => fold.addSession(s) : undefined,
    );
    try {
      for (const [
        id,
        callSid,
        number,
        ownListId,
        campaignId,
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
      ] of rows) {
        const campaign = campaignId === null ? null : campaignOf(campaignId);
        const listId = ownListId ?? campaign?.listId ?? null;
        const s = sessions.take(id);
        const v = s.latencies;
        const flagList = parseList(flags);
        fold?.addCall({ state, answeredAt, durationSec, createdAt, flags: flagList });
        yield {
          attemptId: id,
          callSid,
          contactName,
          number,
          listId: listId === null ? null : String(listId),
          listName: listId === null ? null : listNameOf(String(listId)),
          campaignId,
          campaignName: campaign?.name ?? null,
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
          flags: flagList,
          latency: v.length === 0 ? null : { p50: percentile(v, 0.5), p95: percentile(v, 0.95) },
          recordings: s.recordings,
        };
      }
      // Every session was taken by its call: the fold saw all of them.
      if (fold && sessions.drained && this.stats === null) this.folded = fold;
    } finally {
      sessions.close();
    }
  }

  *turns(): IterableIterator<ExportTurnRow> {
    if (this.scope.kind === 'qa_run') {
      yield* this.qaTurns();
      return;
    }
    type TurnSqlRow = [string, ExportTurnRow['speaker'], string, ExportTurnRow['mediaMs']];
    const rows = (this.fromWorker(TURNS) ??
      this.rawRows(turnsSql(this.where.sql))) as IterableIterator<TurnSqlRow>;
    // Raw rows (arrays) made into objects here: cheaper than the driver's named rows.
    for (const [attemptId, speaker, text, mediaMs] of rows) yield { attemptId, speaker, text, mediaMs };
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

  /**
   * A QA run's audio file from its artifact's path, which is relative to the data folder (the
   * database's own folder): only files under its qa/runs, as the bundle copies them (null: another
   * path, never read into a report; an in-memory database has no folder).
   */
  private qaAudioPath(): (rel: string) => string | null {
    if (this.db.memory) return () => null;
    const resolve = qaRunsFiles(path.dirname(this.db.name));
    return (rel) => {
      const { file, inside } = resolve(rel);
      return inside ? file : null;
    };
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
        callerId: string | null;
        callerRel: string | null;
        botId: string | null;
        botRel: string | null;
      }
    >(
      `SELECT s.id, s.run_id AS runId, s.scenario_name AS scenario, s.scenario_file AS scenarioFile, s.caller,
         s.repeat, s.verdict, s.end_reason AS endReason, s.error, s.evaluation,
         s.caller_audio AS callerId, c.rel_path AS callerRel, s.bot_audio AS botId, b.rel_path AS botRel
       FROM qa_scenario_runs s
       LEFT JOIN artifacts c ON c.id = s.caller_audio
       LEFT JOIN artifacts b ON b.id = s.bot_audio
       WHERE s.run_id = ? ORDER BY s.seq`,
    );
    const audio = this.qaAudioPath();
    for (const r of rows.iterate(this.scope.runId)) {
      const { kinds, reasons } = failuresOf(parseJson<QaEvaluation>(r.evaluation), r.error);
      const recordings: ExportRecording[] = [];
      for (const [channel, id, rel] of [
        ['caller', r.callerId, r.callerRel],
        ['bot', r.botId, r.botRel],
      ] as const) {
        const file = id === null || rel === null ? null : audio(rel);
        if (file !== null) recordings.push({ sessionId: r.id, channel, path: file, artifactId: id });
      }
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
        recordings,
      };
    }
  }
}
