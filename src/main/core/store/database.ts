import Database from 'better-sqlite3';
import { ensurePrivateFile } from '../config';
import { MIGRATIONS, type Migration } from './migrations';

export type Db = Database.Database;

export class MigrationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MigrationError';
  }
}

export interface OpenDatabaseOptions {
  /** Path to a better-sqlite3 addon built for the running runtime (Electron needs its own build). */
  nativeBinding?: string;
  migrations?: readonly Migration[];
}

/**
 * Opens (creating if needed) the database file, in WAL mode, and applies pending migrations. The
 * file is made 0600 first, and SQLite gives its -wal and -shm files the same mode.
 */
export function openDatabase(file: string, options: OpenDatabaseOptions = {}): Db {
  if (file !== ':memory:') ensurePrivateFile(file);
  const db = new Database(file, options.nativeBinding ? { nativeBinding: options.nativeBinding } : {});
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db, options.migrations ?? MIGRATIONS);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Forward-only: each migration runs once, in order, in its own transaction, and is recorded. */
export function migrate(db: Db, migrations: readonly Migration[]): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(
    db
      .prepare('SELECT version FROM schema_migrations')
      .pluck()
      .all()
      .map((v) => Number(v)),
  );
  const known = new Set(migrations.map((m) => m.version));
  const newest = Math.max(0, ...applied);
  const latestKnown = Math.max(0, ...known);
  if (newest > latestKnown) {
    throw new MigrationError(
      `Database schema version ${newest} is newer than this CallDeck understands (${latestKnown}). ` +
        'Upgrade CallDeck; the data was left untouched.',
    );
  }
  const ran: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(m.version)) continue;
    db.transaction(() => {
      db.exec(m.up);
      record.run(m.version, m.name, new Date().toISOString());
    })();
    ran.push(m.version);
  }
  return ran;
}
