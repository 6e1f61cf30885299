import { createHash } from 'node:crypto';
import type { AuditEntry, AuditPage, AuditVerifyResult } from '../../../shared/audit';
import type { AuditRepository } from '../store';

export const GENESIS_HASH = '0'.repeat(64);

export interface AuditRecord {
  actor: string;
  action: string;
  subject: string;
  /** Any JSON-serialisable value; stored as JSON text. */
  payload: unknown;
}

/** SHA-256 over the previous hash and the row's own fields, in a fixed order. */
export function hashEntry(prevHash: string, e: Omit<AuditEntry, 'hash' | 'prevHash'>): string {
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(JSON.stringify([e.seq, e.at, e.actor, e.action, e.subject, e.payload]))
    .digest('hex');
}

/**
 * The tamper-evident log: every row carries the hash of the one before it, so editing, deleting
 * or reordering any row breaks the chain from that row on.
 */
export class AuditLog {
  constructor(
    private readonly repo: AuditRepository,
    private readonly now: () => Date = () => new Date(),
  ) {}

  append(record: AuditRecord): AuditEntry {
    return this.repo.transaction(() => {
      const last = this.repo.last();
      const base = {
        seq: (last?.seq ?? 0) + 1,
        at: this.now().toISOString(),
        actor: record.actor,
        action: record.action,
        subject: record.subject,
        payload: JSON.stringify(record.payload ?? null),
      };
      const prevHash = last?.hash ?? GENESIS_HASH;
      const entry: AuditEntry = { ...base, prevHash, hash: hashEntry(prevHash, base) };
      this.repo.insert(entry);
      return entry;
    });
  }

  list(beforeSeq: number | undefined, limit: number): AuditPage {
    return {
      entries: this.repo.page(beforeSeq ?? Number.MAX_SAFE_INTEGER, limit),
      total: this.repo.count(),
    };
  }

  /** Walks the whole chain and names the first row that does not follow from the one before. */
  verify(): AuditVerifyResult {
    let prevHash = GENESIS_HASH;
    let expectedSeq = 1;
    let rows = 0;
    for (const e of this.repo.scan()) {
      const broken = (reason: string): AuditVerifyResult => ({ ok: false, rows, brokenAt: e.seq, reason });
      if (e.seq !== expectedSeq) return broken(`expected row ${expectedSeq} here: rows are missing`);
      if (e.prevHash !== prevHash)
        return broken('prev_hash does not match the previous row: rows were removed or reordered');
      if (hashEntry(prevHash, e) !== e.hash) return broken('hash does not match the row: it was edited');
      prevHash = e.hash;
      expectedSeq += 1;
      rows += 1;
    }
    return { ok: true, rows, headHash: prevHash };
  }
}
