import type { Db } from './database';

export interface DncRow {
  phone_e164: string;
  note: string;
  source: string;
  added_at: string;
  added_by: string;
}

/** One numbered change of the register (0 = the empty register, never changed). */
export interface DncVersionRow {
  version: number;
  at: string;
  actor: string;
  source: string;
  added: number;
  removed: number;
}

/** Who removes numbers, for the version the removal makes. */
export interface DncRemoval {
  at: string;
  by: string;
  source: string;
}

/**
 * The Do-Not-Call register: numbers that are imported but never dialled. Every change that adds
 * or removes a number is one new version (dnc_versions) with its numbers (dnc_changes), written in
 * the caller's transaction, so a dial can record the version it was checked against.
 */
export class DncRepository {
  constructor(private readonly db: Db) {}

  /** Adds numbers not yet present; returns the ones actually added. */
  add(rows: readonly DncRow[]): string[] {
    const stmt = this.db.prepare<[DncRow]>(
      `INSERT INTO dnc (phone_e164, note, source, added_at, added_by)
       VALUES (@phone_e164, @note, @source, @added_at, @added_by) ON CONFLICT (phone_e164) DO NOTHING`,
    );
    return this.db.transaction(() => {
      const added = rows.filter((r) => stmt.run(r).changes > 0);
      const first = added[0];
      if (first)
        this.newVersion(
          { at: first.added_at, by: first.added_by, source: first.source },
          added.map((r) => r.phone_e164),
          'add',
        );
      return added.map((r) => r.phone_e164);
    })();
  }

  /** Removes numbers; returns the ones that were there. */
  remove(phones: readonly string[], who: DncRemoval): string[] {
    const stmt = this.db.prepare('DELETE FROM dnc WHERE phone_e164 = ?');
    return this.db.transaction(() => {
      const removed = phones.filter((p) => stmt.run(p).changes > 0);
      if (removed.length > 0) this.newVersion(who, removed, 'remove');
      return removed;
    })();
  }

  private newVersion(who: DncRemoval, phones: readonly string[], op: 'add' | 'remove'): void {
    const version = this.version() + 1;
    this.db
      .prepare(
        'INSERT INTO dnc_versions (version, at, actor, source, added, removed) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        version,
        who.at,
        who.by,
        who.source,
        op === 'add' ? phones.length : 0,
        op === 'remove' ? phones.length : 0,
      );
    const change = this.db.prepare('INSERT INTO dnc_changes (version, phone_e164, op) VALUES (?, ?, ?)');
    for (const p of phones) change.run(version, p, op);
  }

  has(phone: string): boolean {
    return this.db.prepare('SELECT 1 FROM dnc WHERE phone_e164 = ?').pluck().get(phone) !== undefined;
  }

  /** The register's current version: 0 while it was never changed. */
  version(): number {
    return Number(this.db.prepare('SELECT COALESCE(MAX(version), 0) FROM dnc_versions').pluck().get());
  }

  /** Whether a number is listed and the version that answer comes from, read in one snapshot. */
  check(phone: string): { listed: boolean; version: number } {
    return this.db.transaction(() => ({ listed: this.has(phone), version: this.version() }))();
  }

  /** Versions between `from` and `to` (inclusive), oldest first. */
  versions(from: number, to: number): DncVersionRow[] {
    return this.db
      .prepare<[number, number], DncVersionRow>(
        'SELECT * FROM dnc_versions WHERE version BETWEEN ? AND ? ORDER BY version',
      )
      .all(from, to);
  }

  /** Every change of one number, oldest first: whether it was listed at any version follows from it. */
  history(phone: string): { version: number; op: 'add' | 'remove' }[] {
    return this.db
      .prepare<[string], { version: number; op: 'add' | 'remove' }>(
        'SELECT version, op FROM dnc_changes WHERE phone_e164 = ? ORDER BY version',
      )
      .all(phone);
  }

  page(afterPhone: string, limit: number): DncRow[] {
    return this.db
      .prepare<[string, number], DncRow>('SELECT * FROM dnc WHERE phone_e164 > ? ORDER BY phone_e164 LIMIT ?')
      .all(afterPhone, limit);
  }

  count(): number {
    return Number(this.db.prepare('SELECT COUNT(*) FROM dnc').pluck().get());
  }
}
