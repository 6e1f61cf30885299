/**
 * How a row's hash was made. `sha256`: rows written before the chain was keyed (anyone with the
 * database could recompute them). `hmac-sha256`: keyed with the install's audit key.
 */
export type AuditScheme = 'sha256' | 'hmac-sha256';

/** One row of the hash-chained audit log, as stored and as shown. */
export interface AuditEntry {
  seq: number;
  /** ISO-8601 UTC. */
  at: string;
  actor: string;
  action: string;
  subject: string;
  /** JSON text of what the action carried (secrets redacted). */
  payload: string;
  prevHash: string;
  hash: string;
  scheme: AuditScheme;
}

/**
 * `rows`: rows that verified. `anchoredRows`: what the head file beside the database says (null
 * when there is none). `keyChecked`: false when the audit key was not available here, so keyed
 * rows were checked for order and linkage only. `warnings`: facts an auditor should see that do
 * not by themselves prove tampering.
 */
export type AuditVerifyResult =
  | {
      ok: true;
      rows: number;
      headHash: string;
      anchoredRows: number | null;
      keyChecked: boolean;
      warnings: string[];
    }
  | {
      ok: false;
      rows: number;
      brokenAt: number;
      reason: string;
      anchoredRows: number | null;
      keyChecked: boolean;
      warnings: string[];
    };

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
}
