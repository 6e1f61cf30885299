import type { Db } from './database';

/** Key → JSON text. The settings service owns the schema of each value. */
export class SettingsRepository {
  private readonly selectOne;
  private readonly selectAll;
  private readonly upsert;
  private readonly remove;

  constructor(private readonly db: Db) {
    this.selectOne = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE key = ?');
    this.selectAll = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings');
    this.upsert = db.prepare<[string, string, string]>(
      `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    );
    this.remove = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');
  }

  get(key: string): string | undefined {
    return this.selectOne.get(key)?.value;
  }

  all(): Map<string, string> {
    return new Map(this.selectAll.all().map((r) => [r.key, r.value]));
  }

  set(key: string, value: string): void {
    this.upsert.run(key, value, new Date().toISOString());
  }

  /**
   * Deletes a row so its bytes leave the files too: SQLite zeroes the freed space (secure_delete),
   * then the WAL, which still holds the old page, is checkpointed and truncated. For values that
   * must not stay on disk (a secret moved elsewhere).
   */
  scrub(key: string): void {
    const previous = this.db.pragma('secure_delete', { simple: true }) as number;
    this.db.pragma('secure_delete = ON');
    try {
      this.remove.run(key);
    } finally {
      this.db.pragma(`secure_delete = ${previous ? 'ON' : 'OFF'}`);
    }
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}
