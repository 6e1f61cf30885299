import type { Db } from './database';

export interface DncRow {
  phone_e164: string;
  note: string;
  source: string;
  added_at: string;
  added_by: string;
}

/** The Do-Not-Call register: numbers that are imported but never dialled. */
export class DncRepository {
  constructor(private readonly db: Db) {}

  /** Adds numbers not yet present; returns the ones actually added. */
  add(rows: readonly DncRow[]): string[] {
    const stmt = this.db.prepare<[DncRow]>(
      `INSERT INTO dnc (phone_e164, note, source, added_at, added_by)
       VALUES (@phone_e164, @note, @source, @added_at, @added_by) ON CONFLICT (phone_e164) DO NOTHING`,
    );
    return rows.filter((r) => stmt.run(r).changes > 0).map((r) => r.phone_e164);
  }

  /** Removes numbers; returns the ones that were there. */
  remove(phones: readonly string[]): string[] {
    const stmt = this.db.prepare('DELETE FROM dnc WHERE phone_e164 = ?');
    return phones.filter((p) => stmt.run(p).changes > 0);
  }

  has(phone: string): boolean {
    return this.db.prepare('SELECT 1 FROM dnc WHERE phone_e164 = ?').pluck().get(phone) !== undefined;
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
