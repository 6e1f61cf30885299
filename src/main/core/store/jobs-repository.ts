import type { Statement } from 'better-sqlite3';
import type { Db } from './database';

export type JobRowState = 'running' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface JobRow {
  id: string;
  kind: string;
  title: string;
  subject: string | null;
  actor: string;
  /** `<pid>:<run id>` of the process running the job. */
  owner: string;
  state: JobRowState;
  /** JSON. */
  input: string;
  /** JSON. */
  progress: string;
  summary: string | null;
  /** JSON. */
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  started_at: string;
  updated_at: string;
  finished_at: string | null;
  resumes: number;
}

export type NewJobRow = Pick<
  JobRow,
  'id' | 'kind' | 'title' | 'subject' | 'actor' | 'owner' | 'input' | 'progress' | 'started_at'
>;

export interface JobEnd {
  id: string;
  state: Exclude<JobRowState, 'running'>;
  progress: string;
  summary: string | null;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  at: string;
}

/** Jobs: one row per piece of long work, written when it starts, as it progresses and when it ends. */
export class JobsRepository {
  private readonly insertStmt: Statement<[NewJobRow]>;
  private readonly progressStmt: Statement<[string, string, string]>;
  private readonly finishStmt: Statement<[JobEnd]>;
  private readonly getStmt: Statement<[string], JobRow>;

  constructor(private readonly db: Db) {
    this.insertStmt = db.prepare(
      `INSERT INTO jobs (id, kind, title, subject, actor, owner, state, input, progress, started_at, updated_at)
       VALUES (@id, @kind, @title, @subject, @actor, @owner, 'running', @input, @progress, @started_at, @started_at)`,
    );
    this.progressStmt = db.prepare(
      `UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ? AND state = 'running'`,
    );
    // Only a running job ends: a finished row is final.
    this.finishStmt = db.prepare(
      `UPDATE jobs SET state = @state, progress = @progress, summary = @summary, result = @result,
         error_code = @error_code, error_message = @error_message, updated_at = @at, finished_at = @at
       WHERE id = @id AND state = 'running'`,
    );
    this.getStmt = db.prepare('SELECT * FROM jobs WHERE id = ?');
  }

  insert(row: NewJobRow): void {
    this.insertStmt.run(row);
  }

  progress(id: string, progress: string, at: string): void {
    this.progressStmt.run(progress, at, id);
  }

  /** Returns false when the job was not running (already finished). */
  finish(end: JobEnd): boolean {
    return this.finishStmt.run(end).changes > 0;
  }

  /** A job taken up again after a restart, now owned by this process. */
  resumed(id: string, owner: string, at: string): void {
    this.db
      .prepare('UPDATE jobs SET resumes = resumes + 1, owner = ?, updated_at = ? WHERE id = ?')
      .run(owner, at, id);
  }

  /** Marks this process's running jobs as alive (a restart tells a stale owner by this). */
  heartbeat(owner: string, at: string): void {
    this.db.prepare(`UPDATE jobs SET updated_at = ? WHERE owner = ? AND state = 'running'`).run(at, owner);
  }

  get(id: string): JobRow | undefined {
    return this.getStmt.get(id);
  }

  running(): JobRow[] {
    return this.db
      .prepare<[], JobRow>(`SELECT * FROM jobs WHERE state = 'running' ORDER BY started_at, id`)
      .all();
  }

  /** Finished jobs, newest first. */
  recentFinished(limit: number, kind?: string): JobRow[] {
    if (kind === undefined)
      return this.db
        .prepare<[number], JobRow>(
          `SELECT * FROM jobs WHERE state != 'running' ORDER BY finished_at DESC, id LIMIT ?`,
        )
        .all(limit);
    return this.db
      .prepare<[string, number], JobRow>(
        `SELECT * FROM jobs WHERE state != 'running' AND kind = ? ORDER BY finished_at DESC, id LIMIT ?`,
      )
      .all(kind, limit);
  }
}
