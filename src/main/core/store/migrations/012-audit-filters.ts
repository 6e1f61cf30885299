import type { Migration } from '../migration';

/**
 * Indexes for the Audit page's filters (issue 12, item 3): by actor, by action and by subject
 * prefix, each newest first by seq, and by time. The log grows with every change, so a filter must
 * not scan it whole.
 */
export const m012AuditFilters: Migration = {
  version: 12,
  name: 'audit filters',
  up: `
    CREATE INDEX audit_log_actor ON audit_log (actor, seq);
    CREATE INDEX audit_log_action ON audit_log (action, seq);
    CREATE INDEX audit_log_subject ON audit_log (subject, seq);
    CREATE INDEX audit_log_at ON audit_log (at);
  `,
};
