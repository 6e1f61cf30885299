import type {
  QaCallerKind,
  QaEndReason,
  QaEvaluation,
  QaRecordedTurn,
  QaRunState,
  QaRunSummary,
  QaScenarioRunInfo,
  QaSkippedRun,
  QaVerdict,
} from '../../../shared/qa';
import type { Db } from './database';

export interface NewQaRun {
  id: string;
  jobId: string | null;
  suiteDir: string;
  suiteName: string;
  bot: string;
  callers: QaCallerKind[];
  repeat: number;
  parallel: number;
  seed: number;
  total: number;
  startedAt: string;
}

/** A scenario run as the runner stores it: what the Api shows, plus its place in the run. */
export type NewQaScenarioRun = QaScenarioRunInfo & { seq: number };

interface RunRow {
  id: string;
  jobId: string | null;
  suiteDir: string;
  suiteName: string;
  bot: string;
  callers: string;
  repeat: number;
  parallel: number;
  seed: number;
  state: QaRunState;
  total: number;
  mediaMs: number;
  wallMs: number;
  startedAt: string;
  finishedAt: string | null;
  skipped: string;
}

interface ScenarioRow {
  id: string;
  runId: string;
  scenarioFile: string;
  scenarioName: string;
  caller: QaCallerKind;
  repeat: number;
  seed: number;
  verdict: QaVerdict;
  endReason: QaEndReason;
  error: string | null;
  durationMs: number;
  wallMs: number;
  disposition: string | null;
  transfer: number | null;
  variables: string;
  evaluation: string | null;
  callerAudio: string | null;
  botAudio: string | null;
}

const RUN_COLUMNS = `id, job_id AS jobId, suite_dir AS suiteDir, suite_name AS suiteName, bot, callers, repeat,
  parallel, seed, state, total, media_ms AS mediaMs, wall_ms AS wallMs, started_at AS startedAt,
  finished_at AS finishedAt, skipped`;
const SCENARIO_COLUMNS = `id, run_id AS runId, scenario_file AS scenarioFile, scenario_name AS scenarioName, caller,
  repeat, seed, verdict, end_reason AS endReason, error, duration_ms AS durationMs, wall_ms AS wallMs,
  disposition, transfer, variables, evaluation, caller_audio AS callerAudio, bot_audio AS botAudio`;

/** One re-score of a run as stored: the new verdict and evaluation of each scenario run it scored. */
export interface StoredRescore {
  id: string;
  runId: string;
  actor: string;
  createdAt: string;
  results: {
    scenarioRunId: string;
    verdict: QaVerdict;
    evaluation: QaEvaluation | null;
    error: string | null;
  }[];
}

const emptyCounts = (): Record<QaVerdict, number> => ({ pending: 0, passed: 0, failed: 0, no_verdict: 0 });

/** QA runs, their scenario runs and recorded turns. JSON columns are written and read only here. */
export class QaRepository {
  constructor(private readonly db: Db) {}

  insertRun(r: NewQaRun): void {
    this.db
      .prepare(
        `INSERT INTO qa_runs (id, job_id, suite_dir, suite_name, bot, callers, repeat, parallel, seed, state, total,
           started_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'running', ?, ?)`,
      )
      .run(
        r.id,
        r.jobId,
        r.suiteDir,
        r.suiteName,
        r.bot,
        JSON.stringify(r.callers),
        r.repeat,
        r.parallel,
        r.seed,
        r.total,
        r.startedAt,
      );
  }

  setJob(runId: string, jobId: string): void {
    this.db.prepare('UPDATE qa_runs SET job_id = ? WHERE id = ?').run(jobId, runId);
  }

  finishRun(
    runId: string,
    state: Exclude<QaRunState, 'running'>,
    mediaMs: number,
    wallMs: number,
    error: string | null,
  ): void {
    this.db
      .prepare(
        `UPDATE qa_runs SET state = ?, media_ms = ?, wall_ms = ?, error = ?, finished_at = ? WHERE id = ? AND state = 'running'`,
      )
      .run(state, Math.round(mediaMs), Math.round(wallMs), error, new Date().toISOString(), runId);
  }

  /** The planned runs that will not run, and the total left to run. */
  setSkipped(runId: string, skipped: QaSkippedRun[], total: number): void {
    this.db
      .prepare('UPDATE qa_runs SET skipped = ?, total = ? WHERE id = ?')
      .run(JSON.stringify(skipped), total, runId);
  }

  /** Runs left `running` by a process that died: they end `failed` (a QA run does not resume). */
  failOpenRuns(reason: string): number {
    return this.db
      .prepare(`UPDATE qa_runs SET state = 'failed', error = ?, finished_at = ? WHERE state = 'running'`)
      .run(reason, new Date().toISOString()).changes;
  }

  insertScenarioRun(s: NewQaScenarioRun): void {
    const insert = this.db.prepare(
      `INSERT INTO qa_scenario_runs (id, run_id, seq, scenario_file, scenario_name, caller, repeat, seed, verdict,
         end_reason, error, duration_ms, wall_ms, disposition, transfer, variables, evaluation, caller_audio,
         bot_audio, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const turn = this.db.prepare('INSERT INTO qa_turns (scenario_run_id, idx, data) VALUES (?, ?, ?)');
    this.db.transaction(() => {
      insert.run(
        s.id,
        s.runId,
        s.seq,
        s.scenarioFile,
        s.scenarioName,
        s.caller,
        s.repeat,
        s.seed,
        s.verdict,
        s.endReason,
        s.error,
        Math.round(s.durationMs),
        Math.round(s.wallMs),
        s.disposition,
        s.transfer === null ? null : s.transfer ? 1 : 0,
        JSON.stringify(s.variables),
        s.evaluation ? JSON.stringify(s.evaluation) : null,
        s.callerAudio,
        s.botAudio,
        new Date().toISOString(),
      );
      for (const t of s.turns) turn.run(s.id, t.index, JSON.stringify(t));
    })();
  }

  private summary(row: RunRow): QaRunSummary {
    const counts = emptyCounts();
    const rows = this.db
      .prepare<[string], { verdict: QaVerdict; n: number }>(
        'SELECT verdict, COUNT(*) AS n FROM qa_scenario_runs WHERE run_id = ? GROUP BY verdict',
      )
      .all(row.id);
    for (const r of rows) counts[r.verdict] = r.n;
    return {
      id: row.id,
      jobId: row.jobId,
      suiteDir: row.suiteDir,
      suiteName: row.suiteName,
      bot: row.bot,
      callers: JSON.parse(row.callers) as QaCallerKind[],
      repeat: row.repeat,
      parallel: row.parallel,
      seed: row.seed,
      state: row.state,
      startedAt: row.startedAt,
      finishedAt: row.finishedAt,
      counts,
      speedRatio: row.wallMs > 0 && row.mediaMs > 0 ? row.mediaMs / row.wallMs : null,
      skipped: JSON.parse(row.skipped) as QaSkippedRun[],
    };
  }

  /** Newest first. */
  runs(limit: number): QaRunSummary[] {
    return this.db
      .prepare<[number], RunRow>(
        `SELECT ${RUN_COLUMNS} FROM qa_runs ORDER BY started_at DESC, rowid DESC LIMIT ?`,
      )
      .all(limit)
      .map((r) => this.summary(r));
  }

  run(id: string): QaRunSummary | undefined {
    const row = this.db.prepare<[string], RunRow>(`SELECT ${RUN_COLUMNS} FROM qa_runs WHERE id = ?`).get(id);
    return row ? this.summary(row) : undefined;
  }

  /** A run's scenario runs in the order they were planned, each with its turns. */
  scenarioRuns(runId: string): QaScenarioRunInfo[] {
    return this.db
      .prepare<[string], ScenarioRow>(
        `SELECT ${SCENARIO_COLUMNS} FROM qa_scenario_runs WHERE run_id = ? ORDER BY seq`,
      )
      .all(runId)
      .map((r) => this.scenarioInfo(r));
  }

  /** One scenario run by its id, with its turns. */
  scenarioRun(id: string): QaScenarioRunInfo | undefined {
    const row = this.db
      .prepare<[string], ScenarioRow>(`SELECT ${SCENARIO_COLUMNS} FROM qa_scenario_runs WHERE id = ?`)
      .get(id);
    return row ? this.scenarioInfo(row) : undefined;
  }

  private scenarioInfo(r: ScenarioRow): QaScenarioRunInfo {
    const turns = this.db
      .prepare<[string], { data: string }>('SELECT data FROM qa_turns WHERE scenario_run_id = ? ORDER BY idx')
      .all(r.id);
    return {
      ...r,
      transfer: r.transfer === null ? null : r.transfer === 1,
      variables: JSON.parse(r.variables) as Record<string, string>,
      evaluation: r.evaluation ? (JSON.parse(r.evaluation) as QaEvaluation) : null,
      turns: turns.map((t) => JSON.parse(t.data) as QaRecordedTurn),
    };
  }

  /** A re-score and its results in one transaction (the run's own verdicts are not touched). */
  insertRescore(r: StoredRescore): void {
    const head = this.db.prepare(
      'INSERT INTO qa_rescores (id, run_id, actor, created_at) VALUES (?, ?, ?, ?)',
    );
    const row = this.db.prepare(
      `INSERT INTO qa_rescore_results (rescore_id, scenario_run_id, verdict, evaluation, error)
         VALUES (?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      head.run(r.id, r.runId, r.actor, r.createdAt);
      for (const x of r.results)
        row.run(
          r.id,
          x.scenarioRunId,
          x.verdict,
          x.evaluation ? JSON.stringify(x.evaluation) : null,
          x.error,
        );
    })();
  }

  /** A run's re-scores, newest first. */
  rescores(runId: string): StoredRescore[] {
    const results = this.db.prepare<
      [string],
      { scenarioRunId: string; verdict: QaVerdict; evaluation: string | null; error: string | null }
    >(
      `SELECT r.scenario_run_id AS scenarioRunId, r.verdict, r.evaluation, r.error FROM qa_rescore_results r
         JOIN qa_scenario_runs s ON s.id = r.scenario_run_id WHERE r.rescore_id = ? ORDER BY s.seq`,
    );
    return this.db
      .prepare<[string], { id: string; runId: string; actor: string; createdAt: string }>(
        `SELECT id, run_id AS runId, actor, created_at AS createdAt FROM qa_rescores WHERE run_id = ?
           ORDER BY created_at DESC, rowid DESC`,
      )
      .all(runId)
      .map((h) => ({
        ...h,
        results: results.all(h.id).map((x) => ({
          ...x,
          evaluation: x.evaluation ? (JSON.parse(x.evaluation) as QaEvaluation) : null,
        })),
      }));
  }
}
