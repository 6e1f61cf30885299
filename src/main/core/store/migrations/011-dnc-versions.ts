import type { Migration } from '../migration';

/**
 * Do-Not-Call versions (issue 12): every change of the register (numbers added or removed) is one
 * numbered version with who, when and which numbers, and every attempt records the version its
 * dial was checked against. An auditor can then show that a called number was not on the register
 * at that version. A register that existed before versioning becomes version 1; attempts dialled
 * before this migration have no version (NULL).
 */
export const m011DncVersions: Migration = {
  version: 11,
  name: 'do-not-call versions',
  up: `
    CREATE TABLE dnc_versions (
      version INTEGER PRIMARY KEY,
      at TEXT NOT NULL,
      actor TEXT NOT NULL,
      source TEXT NOT NULL,
      added INTEGER NOT NULL,
      removed INTEGER NOT NULL
    );
    CREATE TABLE dnc_changes (
      version INTEGER NOT NULL REFERENCES dnc_versions (version),
      phone_e164 TEXT NOT NULL,
      op TEXT NOT NULL CHECK (op IN ('add', 'remove')),
      PRIMARY KEY (phone_e164, version)
    ) WITHOUT ROWID;
    INSERT INTO dnc_versions (version, at, actor, source, added, removed)
      SELECT 1, (SELECT MAX(added_at) FROM dnc), 'calldeck', 'register before versioning',
             (SELECT COUNT(*) FROM dnc), 0
      WHERE EXISTS (SELECT 1 FROM dnc);
    INSERT INTO dnc_changes (version, phone_e164, op) SELECT 1, phone_e164, 'add' FROM dnc;
    ALTER TABLE call_attempts ADD COLUMN dnc_version INTEGER;
  `,
};
