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
}

export type AuditVerifyResult =
  | { ok: true; rows: number; headHash: string }
  | { ok: false; rows: number; brokenAt: number; reason: string };

export interface AuditPage {
  entries: AuditEntry[];
  total: number;
}
