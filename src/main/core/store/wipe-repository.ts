import type { Db } from './database';

/**
 * What a wipe empties, children before parents: everything about contacts, calls, campaigns, the
 * voicebot's sessions, QA runs, jobs and artifacts. Tables a migration adds must be placed in one
 * of the two lists (a test checks that every table is).
 */
export const WIPED_TABLES = [
  'call_events',
  'campaign_attempts',
  'campaign_contacts',
  'campaigns',
  'call_attempts',
  'voicebot_lines',
  'voicebot_turn_metrics',
  'voicebot_sessions',
  'qa_rescore_results',
  'qa_rescores',
  'qa_turns',
  'qa_scenario_runs',
  'qa_runs',
  'contacts',
  'contact_lists',
  'jobs',
  'artifacts',
] as const;

/**
 * What a wipe keeps: the audit log (so the wipe itself stays provable), the schema's history, the
 * settings, and the Do-Not-Call register with its versions (a number that opted out must never be
 * dialled again, wipe or not).
 */
export const KEPT_TABLES = [
  'audit_log',
  'schema_migrations',
  'settings',
  'dnc',
  'dnc_versions',
  'dnc_changes',
] as const;

export class WipeRepository {
  constructor(private readonly db: Db) {}

  private tables(): string[] {
    const present = new Set(
      this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
    );
    return WIPED_TABLES.filter((t) => present.has(t));
  }

  /** Why a wipe cannot run now: campaigns that may still dial, jobs still running, calls still open. */
  blockers(): string[] {
    const campaigns = this.db
      .prepare(
        "SELECT name || ' (' || state || ')' FROM campaigns WHERE state IN ('scheduled', 'running', 'paused')",
      )
      .pluck()
      .all() as string[];
    const jobs = this.db.prepare("SELECT title FROM jobs WHERE state = 'running'").pluck().all() as string[];
    // A call still going (a test call, say): the call state machine and the voicebot still write its rows.
    const open = Number(
      this.db.prepare('SELECT COUNT(*) FROM call_attempts WHERE ended_at IS NULL').pluck().get(),
    );
    return [
      ...campaigns.map((c) => `campaign ${c}`),
      ...jobs.map((j) => `job “${j}”`),
      ...(open > 0
        ? [`${open} call${open === 1 ? '' : 's'} still open (let ${open === 1 ? 'it' : 'them'} end)`]
        : []),
    ];
  }

  /** Rows per wiped table. */
  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.tables())
      out[t] = Number(this.db.prepare(`SELECT COUNT(*) FROM "${t}"`).pluck().get());
    return out;
  }

  /**
   * Empties the wiped tables inside the caller's transaction, with secure_delete on so the freed
   * pages are zeroed; `scrub()` then pushes the WAL's old pages out. Returns rows deleted per table.
   */
  emptyTables(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const t of this.tables()) out[t] = this.db.prepare(`DELETE FROM "${t}"`).run().changes;
    return out;
  }

  /** Runs `fn` with secure_delete on, then checkpoints and truncates the WAL. */
  scrubbing<T>(fn: () => T): T {
    const previous = this.db.pragma('secure_delete', { simple: true }) as number;
    this.db.pragma('secure_delete = ON');
    try {
      return fn();
    } finally {
      this.db.pragma(`secure_delete = ${previous ? 'ON' : 'OFF'}`);
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    }
  }
}
