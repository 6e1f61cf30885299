import type { Migration } from '../migration';

/**
 * Artifacts (issue 9): files the app produced, served to the page by id. The path is relative to the
 * data folder and unique (registering the same file again returns its row); `owner` names what the
 * file belongs to (`voicebot_session:<id>`, `list:<id>`, a job) so its files can be listed or removed.
 */
export const m008Artifacts: Migration = {
  version: 8,
  name: 'artifacts',
  up: `
    CREATE TABLE artifacts (
      id TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      name TEXT NOT NULL,
      mime TEXT NOT NULL,
      size INTEGER NOT NULL CHECK (size >= 0),
      sha256 TEXT,
      rel_path TEXT NOT NULL UNIQUE,
      owner TEXT,
      created_at TEXT NOT NULL
    );
    CREATE INDEX artifacts_owner ON artifacts (owner, created_at);
  `,
};
