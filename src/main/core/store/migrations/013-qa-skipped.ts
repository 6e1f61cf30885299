import type { Migration } from '../migration';

/**
 * QA runs record the planned scenario runs they skipped and why (issue 11): an llm caller with no
 * LLM configured is reported as skipped, never as a failure. JSON list; older runs skipped nothing.
 */
export const m013QaSkipped: Migration = {
  version: 13,
  name: 'qa skipped runs',
  up: `
    ALTER TABLE qa_runs ADD COLUMN skipped TEXT NOT NULL DEFAULT '[]';
  `,
};
