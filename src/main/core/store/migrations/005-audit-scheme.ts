import type { Migration } from '../migration';

/** Rows written before this version were plain SHA-256 chains; new ones are keyed (see reports/). */
export const m005AuditScheme: Migration = {
  version: 5,
  name: 'audit log hash scheme per row',
  up: `ALTER TABLE audit_log ADD COLUMN scheme TEXT NOT NULL DEFAULT 'sha256';`,
};
