import Database from 'better-sqlite3';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { Db } from './database';

/** Runs in a worker thread: its own read-only connection copies the database with VACUUM INTO. */
const SNAPSHOT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.modulePath);
let db;
try {
  db = new Database(workerData.file, Object.assign({ readonly: true, fileMustExist: true },
    workerData.nativeBinding ? { nativeBinding: workerData.nativeBinding } : {}));
  db.pragma('busy_timeout = 5000');
  db.prepare('VACUUM INTO ?').run(workerData.dest);
  parentPort.postMessage({ ok: true });
} catch (err) {
  parentPort.postMessage({ ok: false, message: String((err && err.message) || err) });
} finally {
  if (db) db.close();
}
`;

/**
 * A consistent copy of a live database into a new file, with `VACUUM INTO`. Measured here against
 * a second process writing all the while (WAL): `VACUUM INTO` reads in one read transaction, so it
 * copies one committed state without blocking the writer (90 MB in ~0.25 s), while the online
 * backup API (`db.backup()`) restarts whenever another connection writes and did not finish until
 * the writer stopped. It runs on its own connection in a worker thread, so the app's event loop
 * (and the calls it paces) never waits for it. The copy is compact and carries no -wal file.
 */
export function snapshotDatabase(db: Db, destFile: string, nativeBinding?: string): Promise<void> {
  const workerData = {
    modulePath: require.resolve('better-sqlite3'),
    file: db.name,
    dest: destFile,
    nativeBinding,
  };
  // No environment for the thread; options without a prototype (nothing added to Object.prototype becomes one).
  const options = Object.assign(Object.create(null) as WorkerOptions, {
    eval: true,
    workerData,
    env: Object.create(null) as Record<string, string>,
  });
  return new Promise<void>((resolve, reject) => {
    const worker = new Worker(SNAPSHOT_WORKER, options);
    let answered = false;
    worker.once('message', (m: { ok: boolean; message?: string }) => {
      answered = true;
      if (m.ok) resolve();
      else reject(new Error(`The database snapshot failed: ${m.message ?? 'unknown error'}`));
    });
    worker.once('error', (err) => {
      answered = true;
      reject(err);
    });
    worker.once('exit', (code) => {
      if (!answered) reject(new Error(`The database snapshot stopped unexpectedly (exit code ${code})`));
    });
  });
}

/**
 * Opens a database file read-only without migrating it (a file being checked, e.g. a backup
 * before it is restored, must not be changed by the check).
 */
export function openDatabaseReadOnly(file: string, nativeBinding?: string): Db {
  return new Database(file, {
    readonly: true,
    fileMustExist: true,
    ...(nativeBinding ? { nativeBinding } : {}),
  });
}

/** `PRAGMA integrity_check`: an empty list when the file is sound, else SQLite's findings (at most 20). */
export function integrityProblems(db: Db): string[] {
  const rows = db.pragma('integrity_check(20)', { simple: false }) as { integrity_check: string }[];
  const found = rows.map((r) => r.integrity_check);
  return found.length === 1 && found[0] === 'ok' ? [] : found;
}

/** The newest migration applied to a database (0 for a file with none). */
export function schemaVersion(db: Db): number {
  const exists = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'")
    .get();
  if (!exists) return 0;
  return Number(db.prepare('SELECT COALESCE(MAX(version), 0) FROM schema_migrations').pluck().get());
}

/**
 * Rewrites the absolute file paths a database keeps (voicebot recordings, QA suite folders) from
 * one data folder to another, e.g. after a backup is restored elsewhere. `from` and `to` end with
 * the path separator. Returns the rows changed.
 */
export function relocateDataPaths(file: string, from: string, to: string, nativeBinding?: string): number {
  const db = new Database(file, { fileMustExist: true, ...(nativeBinding ? { nativeBinding } : {}) });
  try {
    let changed = 0;
    const columns: [table: string, column: string][] = [
      ['voicebot_sessions', 'caller_wav'],
      ['voicebot_sessions', 'bot_wav'],
      ['voicebot_sessions', 'mix_wav'],
      ['qa_runs', 'suite_dir'],
    ];
    const tables = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all());
    db.transaction(() => {
      for (const [table, column] of columns.filter(([t]) => tables.has(t)))
        changed += db
          .prepare(
            `UPDATE "${table}" SET "${column}" = @to || substr("${column}", length(@from) + 1)
             WHERE substr("${column}", 1, length(@from)) = @from`,
          )
          .run({ from, to }).changes;
    })();
    return changed;
  } finally {
    db.close();
  }
}
