import type { Migration } from '../migration';

/**
 * Call attempts and their event log. The state column is a cache of the state derived from
 * call_events (the call state machine is its only writer). Contact/list ids stay plain columns:
 * test calls have none, and a contact may be deleted while its calls stay for audit.
 */
export const m003Calls: Migration = {
  version: 3,
  name: 'calls: attempts and call events',
  up: `
    CREATE TABLE call_attempts (
      id TEXT PRIMARY KEY,
      contact_id TEXT,
      list_id TEXT,
      campaign_id TEXT,
      number TEXT NOT NULL,
      mode TEXT NOT NULL CHECK (mode IN ('flow', 'stream')),
      provider TEXT NOT NULL,
      provider_sid TEXT,
      custom_field TEXT NOT NULL,
      state TEXT NOT NULL,
      transfer_decision TEXT,
      answered_by TEXT,
      end_reason TEXT,
      duration_sec INTEGER,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      answered_at TEXT,
      ended_at TEXT
    );
    CREATE UNIQUE INDEX call_attempts_provider_sid ON call_attempts (provider_sid)
      WHERE provider_sid IS NOT NULL;
    CREATE INDEX call_attempts_state ON call_attempts (state);
    CREATE INDEX call_attempts_contact ON call_attempts (contact_id);
    CREATE INDEX call_attempts_campaign ON call_attempts (campaign_id);

    CREATE TABLE call_events (
      seq INTEGER PRIMARY KEY,
      attempt_id TEXT NOT NULL REFERENCES call_attempts (id),
      source TEXT NOT NULL,
      type TEXT NOT NULL,
      payload TEXT NOT NULL,
      received_at TEXT NOT NULL,
      dedupe_key TEXT NOT NULL,
      duplicate INTEGER NOT NULL DEFAULT 0 CHECK (duplicate IN (0, 1)),
      applied INTEGER NOT NULL DEFAULT 0 CHECK (applied IN (0, 1)),
      note TEXT
    );
    -- The same input twice: the second row is kept but marked duplicate.
    CREATE UNIQUE INDEX call_events_dedupe ON call_events (attempt_id, dedupe_key) WHERE duplicate = 0;
    CREATE INDEX call_events_attempt ON call_events (attempt_id, seq);
  `,
};
