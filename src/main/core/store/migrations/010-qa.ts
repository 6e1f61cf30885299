import type { Migration } from '../migration';

/**
 * QA runs (issue 11): a suite run (`qa_runs`), one row per scenario × caller × repeat
 * (`qa_scenario_runs`, the evaluator's result as JSON, the two channels as artifact ids) and the
 * recorded turns (`qa_turns`, media times in ms).
 */
export const m010Qa: Migration = {
  version: 10,
  name: 'qa',
  up: `
    CREATE TABLE qa_runs (
      id TEXT PRIMARY KEY,
      job_id TEXT,
      suite_dir TEXT NOT NULL,
      suite_name TEXT NOT NULL,
      bot TEXT NOT NULL,
      callers TEXT NOT NULL,
      repeat INTEGER NOT NULL,
      parallel INTEGER NOT NULL,
      seed INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('running', 'finished', 'cancelled', 'failed')),
      total INTEGER NOT NULL DEFAULT 0,
      media_ms INTEGER NOT NULL DEFAULT 0,
      wall_ms INTEGER NOT NULL DEFAULT 0,
      error TEXT,
      started_at TEXT NOT NULL,
      finished_at TEXT
    );
    CREATE INDEX qa_runs_started ON qa_runs (started_at);
    CREATE TABLE qa_scenario_runs (
      id TEXT PRIMARY KEY,
      run_id TEXT NOT NULL REFERENCES qa_runs (id) ON DELETE CASCADE,
      seq INTEGER NOT NULL,
      scenario_file TEXT NOT NULL,
      scenario_name TEXT NOT NULL,
      caller TEXT NOT NULL CHECK (caller IN ('synthetic', 'human', 'llm')),
      repeat INTEGER NOT NULL,
      seed INTEGER NOT NULL,
      verdict TEXT NOT NULL CHECK (verdict IN ('pending', 'passed', 'failed', 'no_verdict')),
      end_reason TEXT NOT NULL,
      error TEXT,
      duration_ms INTEGER NOT NULL,
      wall_ms INTEGER NOT NULL,
      disposition TEXT,
      transfer INTEGER,
      variables TEXT NOT NULL,
      evaluation TEXT,
      caller_audio TEXT,
      bot_audio TEXT,
      created_at TEXT NOT NULL
    );
    CREATE INDEX qa_scenario_runs_run ON qa_scenario_runs (run_id, seq);
    CREATE TABLE qa_turns (
      scenario_run_id TEXT NOT NULL REFERENCES qa_scenario_runs (id) ON DELETE CASCADE,
      idx INTEGER NOT NULL,
      data TEXT NOT NULL,
      PRIMARY KEY (scenario_run_id, idx)
    );
  `,
};
