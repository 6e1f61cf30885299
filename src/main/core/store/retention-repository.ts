import type { Db } from './database';

/**
 * What retention may delete, class by class, older than a cutoff (ISO instant). A call is never
 * touched while it is still open, or while its campaign may still dial (draft, scheduled, running,
 * paused): the dialer's retries, frequency caps and counters read those rows.
 */
const PROTECTED_ATTEMPTS = `
  SELECT a.id FROM call_attempts a
  LEFT JOIN campaigns c ON c.id = a.campaign_id
  WHERE a.ended_at IS NULL OR (a.campaign_id IS NOT NULL AND (c.state IS NULL OR c.state NOT IN ('completed', 'canceled')))`;

/** Ended voicebot sessions started before the cutoff whose call (if any) is not protected. */
const OLD_SESSIONS = `
  SELECT s.id FROM voicebot_sessions s
  WHERE s.started_at < @cutoff AND s.ended_at IS NOT NULL
    AND (s.attempt_id IS NULL OR s.attempt_id NOT IN (${PROTECTED_ATTEMPTS}))`;

export interface SessionRecordings {
  id: string;
  files: string[];
}

export class RetentionRepository {
  constructor(private readonly db: Db) {}

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Sessions with recording files, older than the cutoff. */
  oldRecordings(cutoff: string): SessionRecordings[] {
    const rows = this.db
      .prepare<
        { cutoff: string },
        { id: string; caller: string | null; bot: string | null; mix: string | null }
      >(
        `SELECT id, caller_wav AS caller, bot_wav AS bot, mix_wav AS mix FROM voicebot_sessions
         WHERE id IN (${OLD_SESSIONS}) AND (caller_wav IS NOT NULL OR bot_wav IS NOT NULL OR mix_wav IS NOT NULL)`,
      )
      .all({ cutoff });
    return rows.map((r) => ({
      id: r.id,
      files: [r.caller, r.bot, r.mix].filter((f): f is string => f !== null),
    }));
  }

  /** The sessions no longer have recordings; their artifacts' rows go too. Returns artifact rows removed. */
  forgetRecordings(sessionIds: readonly string[]): number {
    const clear = this.db.prepare<[string]>(
      'UPDATE voicebot_sessions SET caller_wav = NULL, bot_wav = NULL, mix_wav = NULL WHERE id = ?',
    );
    const artifacts = this.db.prepare<[string]>(
      "DELETE FROM artifacts WHERE owner = ? AND kind = 'recording'",
    );
    let removed = 0;
    for (const id of sessionIds) {
      clear.run(id);
      removed += artifacts.run(`voicebot_session:${id}`).changes;
    }
    return removed;
  }

  /** Deletes transcript lines of old sessions; returns lines and sessions touched. */
  deleteTranscripts(cutoff: string): { lines: number; sessions: number } {
    const sessions = Number(
      this.db
        .prepare(
          `SELECT COUNT(DISTINCT session_id) FROM voicebot_lines WHERE session_id IN (${OLD_SESSIONS})`,
        )
        .pluck()
        .get({ cutoff }),
    );
    const lines = this.db
      .prepare(`DELETE FROM voicebot_lines WHERE session_id IN (${OLD_SESSIONS})`)
      .run({ cutoff }).changes;
    return { lines, sessions };
  }

  /** Deletes ended calls created before the cutoff (attempt, its events and its campaign row). */
  deleteCallRecords(cutoff: string): { calls: number; events: number } {
    const old = `SELECT id FROM call_attempts WHERE created_at < @cutoff AND id NOT IN (${PROTECTED_ATTEMPTS})`;
    const events = this.db
      .prepare(`DELETE FROM call_events WHERE attempt_id IN (${old})`)
      .run({ cutoff }).changes;
    this.db.prepare(`DELETE FROM campaign_attempts WHERE attempt_id IN (${old})`).run({ cutoff });
    const calls = this.db.prepare(`DELETE FROM call_attempts WHERE id IN (${old})`).run({ cutoff }).changes;
    return { calls, events };
  }

  /**
   * Recordings of finished QA runs started before the cutoff: their artifact rows go (files by
   * path relative to the data folder, for the caller to remove); the scenario runs keep their
   * verdicts and turns, and a re-score then says the audio is gone.
   */
  forgetQaRecordings(cutoff: string): { runs: number; files: string[] } {
    const owners = `SELECT 'qa_run:' || id FROM qa_runs WHERE started_at < @cutoff AND state != 'running'`;
    const rows = this.db
      .prepare<{ cutoff: string }, { owner: string; relPath: string }>(
        `SELECT owner, rel_path AS relPath FROM artifacts WHERE kind = 'recording' AND owner IN (${owners})`,
      )
      .all({ cutoff });
    this.db
      .prepare(`DELETE FROM artifacts WHERE kind = 'recording' AND owner IN (${owners})`)
      .run({ cutoff });
    return { runs: new Set(rows.map((r) => r.owner)).size, files: rows.map((r) => r.relPath) };
  }

  /** Backup archives beyond the newest `keep`: their artifact rows go; their files' relative paths. */
  forgetBackupsBeyond(keep: number): string[] {
    const rows = this.db
      .prepare<[number], { id: string; relPath: string }>(
        `SELECT id, rel_path AS relPath FROM artifacts WHERE owner = 'backup'
         ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ?`,
      )
      .all(keep);
    const remove = this.db.prepare<[string]>('DELETE FROM artifacts WHERE id = ?');
    for (const r of rows) remove.run(r.id);
    return rows.map((r) => r.relPath);
  }
}
