import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { AUDIT_HEAD_FILE, DATABASE_FILE, mkdirPrivate, PRIVATE_FILE_MODE } from '../config';
import { HashedZip } from '../reports';
import { openDatabaseReadOnly, schemaVersion, snapshotDatabase, type Db } from '../store';
import { partialPath, snapshotPath } from './backup-leftovers';
import { BACKUPS_DIR, listDataFiles } from './data-files';
import { BACKUP_FORMAT, DATA_PREFIX, MANIFEST_ENTRY, type Manifest } from './manifest';
import { SEALED_SECRETS_FILE, sealSecrets } from './sealed-secrets';

/** The hosts' secret files (headless: a 0600 JSON file; desktop: encrypted with the OS keychain). */
export const SECRET_FILES = ['secrets.json', 'secrets.keychain.json'] as const;

export interface BackupOptions {
  db: Db;
  dataDir: string;
  /** The archive to write (replaced only when complete). */
  out: string;
  app: { version: string; host: string };
  /** better-sqlite3 addon path for a runtime other than this Node (Electron); the snapshot thread loads it. */
  nativeBinding?: string;
  /**
   * The host's secrets sealed under the user's passphrase: the archive then carries them in
   * secrets.sealed.json instead of the host's own secret file, and restores on any host.
   */
  sealed?: { secrets: Record<string, string>; passphrase: string };
  signal?: AbortSignal;
  /** Bytes read so far of the total. */
  onProgress?: (done: number, total: number, note: string) => void;
  now?: () => Date;
}

export interface BackupResult {
  manifest: Manifest;
  /** Size of the archive. */
  bytes: number;
}

/** A backup stopped by its signal (the partial archive is removed). */
export class BackupCancelled extends Error {
  constructor() {
    super('The backup was cancelled; no archive was kept');
    this.name = 'BackupCancelled';
  }
}

/**
 * One archive of a data folder while the app runs: the audit head file as it was before the
 * snapshot (so the snapshot holds at least every anchored row), a `VACUUM INTO` snapshot of the
 * database, then every other file (recordings, QA runs, bots, secrets), each hashed as it is
 * streamed into the zip, and last a manifest with every file's size and SHA-256.
 */
export async function writeBackup(o: BackupOptions): Promise<BackupResult> {
  const now = o.now ?? (() => new Date());
  const scratch = path.join(o.dataDir, BACKUPS_DIR);
  mkdirPrivate(scratch);
  mkdirPrivate(path.dirname(path.resolve(o.out)));
  const snapshot = snapshotPath(scratch);
  const partial = partialPath(o.out);
  try {
    // The head first: it is written only after a commit, so it never names a row the snapshot lacks.
    const headBytes = fs.existsSync(path.join(o.dataDir, AUDIT_HEAD_FILE))
      ? fs.readFileSync(path.join(o.dataDir, AUDIT_HEAD_FILE))
      : undefined;
    await snapshotDatabase(o.db, snapshot, o.nativeBinding);
    // What the snapshot holds (not the live database, which has moved on since).
    const copy = openDatabaseReadOnly(snapshot, o.nativeBinding);
    let auditRows: number;
    let version: number;
    try {
      auditRows = Number(copy.prepare('SELECT COUNT(*) FROM audit_log').pluck().get());
      version = schemaVersion(copy);
    } finally {
      copy.close();
    }
    const sealedBytes = o.sealed ? sealSecrets(o.sealed.secrets, o.sealed.passphrase) : undefined;
    // Sealed, the host's own secret file stays out (in clear or keychain-bound, it is not needed).
    const files = listDataFiles(o.dataDir, [o.out, partial]).filter(
      (f) =>
        f.rel !== AUDIT_HEAD_FILE &&
        f.rel !== SEALED_SECRETS_FILE &&
        !(sealedBytes && (SECRET_FILES as readonly string[]).includes(f.rel)),
    );
    const total =
      fs.statSync(snapshot).size +
      files.reduce((n, f) => n + f.size, 0) +
      (headBytes?.length ?? 0) +
      (sealedBytes?.length ?? 0);
    let done = 0;
    let note = 'database';
    const zip = new HashedZip(partial, {
      fileMode: PRIVATE_FILE_MODE,
      entry: { mode: 0o100600, mtime: now() },
      signal: o.signal,
      onBytes: (n) => {
        done += n;
        o.onProgress?.(done, total, note);
      },
    });
    const add = (rel: string, open: () => Readable) =>
      zip.addStream(DATA_PREFIX + rel, open, () => (note = rel));
    add(DATABASE_FILE, () => fs.createReadStream(snapshot));
    if (headBytes) add(AUDIT_HEAD_FILE, () => Readable.from([headBytes]));
    for (const f of files) add(f.rel, () => fs.createReadStream(f.abs));
    if (sealedBytes) add(SEALED_SECRETS_FILE, () => Readable.from([sealedBytes]));
    const secretsFile = sealedBytes
      ? SEALED_SECRETS_FILE
      : (SECRET_FILES.find((name) => files.some((f) => f.rel === name)) ?? null);
    const entries = (await zip.hashes()).map((e) => ({ ...e, path: e.path.slice(DATA_PREFIX.length) }));
    const manifest: Manifest = {
      format: BACKUP_FORMAT,
      version: 1,
      createdAt: now().toISOString(),
      app: o.app,
      dataDir: path.resolve(o.dataDir),
      database: { path: DATABASE_FILE, schemaVersion: version, auditRows },
      secretsFile,
      files: entries,
    };
    zip.addTrailer(MANIFEST_ENTRY, Buffer.from(JSON.stringify(manifest, null, 1)));
    await zip.end();
    fs.renameSync(partial, o.out);
    return { manifest, bytes: fs.statSync(o.out).size };
  } catch (err) {
    fs.rmSync(partial, { force: true });
    if (o.signal?.aborted) throw new BackupCancelled();
    throw err;
  } finally {
    for (const f of [snapshot, `${snapshot}-wal`, `${snapshot}-shm`, `${snapshot}-journal`])
      fs.rmSync(f, { force: true });
  }
}
