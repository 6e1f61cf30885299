import type { AuditEntry, AuditScheme } from '../../../shared/audit';
import type { Db } from './database';

/** An audit_log row as SQLite returns it. */
export interface AuditRow {
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  payload: string;
  prev_hash: string;
  hash: string;
  scheme: AuditScheme;
}

export const toEntry = (r: AuditRow): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  subject: r.subject,
  payload: r.payload,
  prevHash: r.prev_hash,
  hash: r.hash,
  scheme: r.scheme,
});

/** Storage of the audit chain. Append-only: there is no update or delete here on purpose. */
export class AuditRepository {
  private readonly insertRow;
  private readonly selectLast;
  private readonly selectPage;
  private readonly selectCount;
  private readonly selectFrom;
  private readonly selectAt;
  private readonly selectFirstKeyed;

  constructor(private readonly db: Db) {
    this.insertRow = db.prepare<[number, string, string, string, string, string, string, string, string]>(
      `INSERT INTO audit_log (seq, at, actor, action, subject, payload, prev_hash, hash, scheme)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.selectLast = db.prepare<[], AuditRow>('SELECT * FROM audit_log ORDER BY seq DESC LIMIT 1');
    this.selectPage = db.prepare<[number, number], AuditRow>(
      'SELECT * FROM audit_log WHERE seq < ? ORDER BY seq DESC LIMIT ?',
    );
    this.selectCount = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM audit_log');
    this.selectFrom = db.prepare<[number, number], AuditRow>(
      'SELECT * FROM audit_log WHERE seq > ? ORDER BY seq ASC LIMIT ?',
    );
    this.selectAt = db.prepare<[number], AuditRow>('SELECT * FROM audit_log WHERE seq = ?');
    this.selectFirstKeyed = db.prepare<[], AuditRow>(
      "SELECT * FROM audit_log WHERE scheme <> 'sha256' ORDER BY seq ASC LIMIT 1",
    );
  }

  at(seq: number): AuditEntry | undefined {
    const row = this.selectAt.get(seq);
    return row ? toEntry(row) : undefined;
  }

  firstKeyed(): AuditEntry | undefined {
    const row = this.selectFirstKeyed.get();
    return row ? toEntry(row) : undefined;
  }

  /**
   * Makes committed rows durable before the head file claims them: with synchronous=NORMAL a WAL
   * commit can be lost to a power cut, and a head ahead of the table would read as truncation. A
   * checkpoint syncs the WAL (then copies it into the database file).
   */
  syncToDisk(): void {
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /**
   * SQLite's data_version: it changes when another connection (another process: the CLI, or
   * someone editing the file with sqlite3) commits to the database, never for this one's commits.
   */
  dataVersion(): number {
    return this.db.pragma('data_version', { simple: true }) as number;
  }

  /** True inside any open transaction: a row appended now is not committed yet. */
  inTransaction(): boolean {
    return this.db.inTransaction;
  }

  last(): AuditEntry | undefined {
    const row = this.selectLast.get();
    return row ? toEntry(row) : undefined;
  }

  insert(e: AuditEntry): void {
    this.insertRow.run(e.seq, e.at, e.actor, e.action, e.subject, e.payload, e.prevHash, e.hash, e.scheme);
  }

  /** Runs `fn` in one write transaction (IMMEDIATE), so reading the head and appending cannot race. */
  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  page(beforeSeq: number, limit: number): AuditEntry[] {
    return this.selectPage.all(beforeSeq, limit).map(toEntry);
  }

  count(): number {
    return this.selectCount.get()?.n ?? 0;
  }

  /** Streams the log in order (after row `afterSeq`), in batches, without loading it at once. */
  *scan(batch = 1000, afterSeq = 0): Generator<AuditEntry> {
    let after = afterSeq;
    for (;;) {
      const rows = this.selectFrom.all(after, batch);
      if (rows.length === 0) return;
      for (const r of rows) yield toEntry(r);
      after = rows[rows.length - 1]!.seq;
    }
  }
}
