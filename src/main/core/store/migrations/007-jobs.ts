import type { Migration } from '../migration';

/**
 * Jobs (issue 9): one row per piece of long work (an import, later a campaign run, a QA run, an
 * export), so the UI can list running and finished jobs after a reload, and a restart can resume or
 * mark interrupted what was left running. `input` is what a resumable kind needs to start again.
 */
export const m007Jobs: Migration = {
  version: 7,
  name: 'jobs',
  up: `
    CREATE TABLE jobs (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      title TEXT NOT NULL,
      subject TEXT,
      actor TEXT NOT NULL,
      -- '<pid>:<run id>' of the process running it: a restart takes up only rows whose owner is gone.
      owner TEXT NOT NULL,
      state TEXT NOT NULL
        CHECK (state IN ('running', 'succeeded', 'failed', 'cancelled', 'interrupted')),
      input TEXT NOT NULL,
      progress TEXT NOT NULL,
      summary TEXT,
      result TEXT,
      error_code TEXT,
      error_message TEXT,
      started_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      finished_at TEXT,
      resumes INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX jobs_running ON jobs (state) WHERE state = 'running';
    CREATE INDEX jobs_started ON jobs (started_at);
  `,
};
