import type { Migration } from '../migration';

/**
 * Campaigns (issue 10). `campaigns` holds the state and the settings (JSON, validated by the
 * campaign schema on read). `campaign_contacts` is the queue: one row per contact with its number
 * and name copied in (a list may be deleted while the campaign stays for audit), its status, the
 * attempts made and when it may be dialled next. `campaign_attempts` ties each dial to its
 * call_attempts row: unique per campaign, contact and attempt number, so the same attempt can never
 * be placed twice; the row is written before the dial leaves.
 */
export const m009Campaigns: Migration = {
  version: 9,
  name: 'campaigns: campaigns, queue, attempts',
  up: `
    CREATE TABLE campaigns (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      state TEXT NOT NULL
        CHECK (state IN ('draft', 'scheduled', 'running', 'paused', 'completed', 'canceled')),
      list_id INTEGER NOT NULL,
      contact_ids TEXT,
      settings TEXT NOT NULL,
      created_at TEXT NOT NULL,
      created_by TEXT NOT NULL,
      updated_at TEXT NOT NULL,
      started_at TEXT,
      finished_at TEXT
    );
    CREATE INDEX campaigns_state ON campaigns (state, created_at);

    CREATE TABLE campaign_contacts (
      campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
      contact_id INTEGER NOT NULL,
      position INTEGER NOT NULL,
      number TEXT NOT NULL,
      name TEXT NOT NULL,
      status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'in_call', 'done', 'skipped')),
      attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
      next_eligible_at TEXT,
      last_outcome TEXT,
      skip_reason TEXT,
      updated_at TEXT NOT NULL,
      PRIMARY KEY (campaign_id, contact_id),
      UNIQUE (campaign_id, position)
    );
    CREATE INDEX campaign_contacts_queue ON campaign_contacts (campaign_id, status, next_eligible_at, position);
    CREATE INDEX campaign_contacts_number ON campaign_contacts (number, status);

    CREATE TABLE campaign_attempts (
      attempt_id TEXT PRIMARY KEY,
      campaign_id TEXT NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
      contact_id INTEGER NOT NULL,
      attempt_no INTEGER NOT NULL CHECK (attempt_no >= 1),
      outcome TEXT CHECK (outcome IS NULL OR outcome IN
        ('answered', 'busy', 'no_answer', 'failed', 'machine', 'canceled')),
      disposition TEXT,
      flags TEXT NOT NULL DEFAULT '[]',
      created_at TEXT NOT NULL,
      finished_at TEXT,
      UNIQUE (campaign_id, contact_id, attempt_no)
    );
    CREATE INDEX campaign_attempts_campaign ON campaign_attempts (campaign_id, created_at);
    CREATE INDEX campaign_attempts_open ON campaign_attempts (campaign_id) WHERE outcome IS NULL;
  `,
};
