import type { Migration } from '../migration';

/**
 * Contact lists. Every data row of an imported file becomes one `contacts` row (valid, invalid or
 * duplicate), so a list always accounts for its whole file. `raw` keeps the original cells of
 * rejected rows for the reject file. `dnc` is the Do-Not-Call register; `contacts.dnc` mirrors it.
 */
export const m002Contacts: Migration = {
  version: 2,
  name: 'contact lists, contacts and do-not-call',
  up: `
    CREATE TABLE contact_lists (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL COLLATE NOCASE UNIQUE,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      file_name TEXT NOT NULL,
      file_size INTEGER NOT NULL,
      file_sha256 TEXT NOT NULL,
      format TEXT NOT NULL,
      source TEXT NOT NULL,
      headers TEXT NOT NULL,
      mapping TEXT NOT NULL,
      region TEXT NOT NULL,
      data_rows INTEGER NOT NULL,
      blank_rows INTEGER NOT NULL
    );
    CREATE TABLE contacts (
      id INTEGER PRIMARY KEY,
      list_id INTEGER NOT NULL REFERENCES contact_lists(id) ON DELETE CASCADE,
      row_number INTEGER NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('valid', 'invalid', 'duplicate')),
      phone_raw TEXT NOT NULL,
      phone_e164 TEXT,
      name TEXT NOT NULL,
      variables TEXT NOT NULL,
      reason TEXT,
      duplicate_of_row INTEGER,
      other_list_id INTEGER,
      dnc INTEGER NOT NULL DEFAULT 0,
      raw TEXT,
      UNIQUE (list_id, row_number)
    );
    CREATE INDEX contacts_by_phone ON contacts (phone_e164, list_id) WHERE phone_e164 IS NOT NULL;
    CREATE INDEX contacts_by_status ON contacts (list_id, status, row_number);
    CREATE TABLE dnc (
      phone_e164 TEXT PRIMARY KEY,
      note TEXT NOT NULL,
      source TEXT NOT NULL,
      added_at TEXT NOT NULL,
      added_by TEXT NOT NULL
    ) WITHOUT ROWID;
  `,
};
