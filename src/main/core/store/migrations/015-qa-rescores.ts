import type { Migration } from '../migration';

/**
 * QA re-scores (issue 11): a stored run evaluated again with the current evaluator and judge. Each
 * re-score is kept beside the run's own verdicts (which it never changes): one row per re-score and
 * one per scenario run it scored, with the new evaluation as JSON.
 */
export const m015QaRescores: Migration = {
  version: 15,
  name: 'qa rescores',
  up: `
    CREATE TABLE qa_rescores (
      id TEXT PRIMARY KEY,
      run_id TEXT NOT NULL REFERENCES qa_runs (id) ON DELETE CASCADE,
      actor TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE INDEX qa_rescores_run ON qa_rescores (run_id, created_at);
    CREATE TABLE qa_rescore_results (
      rescore_id TEXT NOT NULL REFERENCES qa_rescores (id) ON DELETE CASCADE,
      scenario_run_id TEXT NOT NULL REFERENCES qa_scenario_runs (id) ON DELETE CASCADE,
      verdict TEXT NOT NULL CHECK (verdict IN ('pending', 'passed', 'failed', 'no_verdict')),
      evaluation TEXT,
      error TEXT,
      PRIMARY KEY (rescore_id, scenario_run_id)
    );
  `,
};
