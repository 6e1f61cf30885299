import type { Migration } from '../migration';

/**
 * Calls in creation order, by campaign and by time: an export reads a campaign's calls (or a date
 * range's) ORDER BY created_at with their sessions by start. Without these, a range export scanned
 * every call, and every export sorted its 100,000 rows (and their sessions) in a temporary b-tree
 * before the first row came. The new indexes lead with the old ones' columns, which they replace.
 */
export const m018CallOrderIndexes: Migration = {
  version: 18,
  name: 'call order indexes',
  up: `
    CREATE INDEX call_attempts_campaign_created ON call_attempts (campaign_id, created_at);
    DROP INDEX call_attempts_campaign;
    CREATE INDEX call_attempts_created ON call_attempts (created_at);
    CREATE INDEX voicebot_sessions_attempt_started ON voicebot_sessions (attempt_id, started_at, id);
    DROP INDEX voicebot_sessions_attempt;
  `,
};
