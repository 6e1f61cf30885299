import type { AuditEntry, AuditFacets, AuditFilter } from '../../../shared/audit';
import { toEntry, type AuditRow } from './audit-repository';
import type { Db } from './database';

/** GLOB is case-sensitive and, for a prefix, served by the subject index; its wildcards are escaped. */
const globPrefix = (prefix: string) => `${prefix.replace(/[*?[]/g, (c) => `[${c}]`)}*`;

/**
 * Reads of the audit log narrowed by actor, action, subject prefix and time, newest first, paged by
 * seq (indexes of migration 12). Read-only: the chain is written by AuditRepository alone.
 */
export class AuditQuery {
  constructor(private readonly db: Db) {}

  private where(f: AuditFilter): { sql: string; params: string[] } {
    const parts: string[] = [];
    const params: string[] = [];
    if (f.actor !== undefined) {
      parts.push('actor = ?');
      params.push(f.actor);
    }
    if (f.action !== undefined) {
      parts.push('action = ?');
      params.push(f.action);
    }
    if (f.subject !== undefined && f.subject !== '') {
      parts.push('subject GLOB ?');
      params.push(globPrefix(f.subject));
    }
    if (f.from !== undefined) {
      parts.push('at >= ?');
      params.push(f.from);
    }
    if (f.to !== undefined) {
      parts.push('at < ?');
      params.push(f.to);
    }
    return { sql: parts.length ? parts.join(' AND ') : '1', params };
  }

  /** One page, newest first, before `beforeSeq` (exclusive). */
  page(f: AuditFilter, beforeSeq: number, limit: number): AuditEntry[] {
    const w = this.where(f);
    return this.db
      .prepare<unknown[], AuditRow>(
        `SELECT * FROM audit_log WHERE ${w.sql} AND seq < ? ORDER BY seq DESC LIMIT ?`,
      )
      .all(...w.params, beforeSeq, limit)
      .map(toEntry);
  }

  count(f: AuditFilter): number {
    const w = this.where(f);
    return (
      this.db
        .prepare<unknown[], { n: number }>(`SELECT COUNT(*) AS n FROM audit_log WHERE ${w.sql}`)
        .get(...w.params)?.n ?? 0
    );
  }

  /** Every matching row, newest first, read in batches so a large slice never sits in memory. */
  *scan(f: AuditFilter, batch = 1000): Generator<AuditEntry> {
    let before = Number.MAX_SAFE_INTEGER;
    for (;;) {
      const rows = this.page(f, before, batch);
      if (rows.length === 0) return;
      yield* rows;
      before = rows[rows.length - 1]!.seq;
    }
  }

  at(seq: number): AuditEntry | undefined {
    const row = this.db.prepare<[number], AuditRow>('SELECT * FROM audit_log WHERE seq = ?').get(seq);
    return row ? toEntry(row) : undefined;
  }

  facets(): AuditFacets {
    const col = (c: 'actor' | 'action') =>
      this.db
        .prepare<[], { v: string }>(`SELECT DISTINCT ${c} AS v FROM audit_log ORDER BY ${c}`)
        .all()
        .map((r) => r.v);
    return { actors: col('actor'), actions: col('action') };
  }
}
