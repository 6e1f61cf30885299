import fs from 'node:fs';
import path from 'node:path';
import { isMainThread } from 'node:worker_threads';

/** Modes of everything CallDeck keeps: only the user running it may read its data (Linux, macOS). */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const posix = () => process.platform !== 'win32';

/** mkdir -p with 0700 for every folder it creates (Windows: ACLs of the user's profile apply). */
export function mkdirPrivate(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
}

/**
 * Adds 077 to the process umask, so every file and folder made from now on is private whatever
 * mode its writer asks for: exports, report folders, logs, temp files of any library. One rule
 * instead of a mode at each of dozens of write calls, and one a new writer cannot forget.
 */
export function privateUmask(): void {
  // A worker thread may not change the process umask (and inherits the main thread's).
  if (!posix() || !isMainThread) return;
  process.umask(process.umask() | 0o077);
}

/**
 * Creates the data folder 0700, makes everything created from now on private (privateUmask), and
 * tightens what an older version (or a umask) left readable: folders to 0700, files to 0600,
 * walking the whole folder. Symbolic links are not followed, and only entries owned by this user are
 * changed (chmod of anything else would fail anyway). Returns how many entries were changed.
 */
export function tightenDataDir(dataDir: string): number {
  privateUmask();
  mkdirPrivate(dataDir);
  if (!posix()) return 0;
  const uid = process.getuid?.();
  let changed = 0;
  const fix = (p: string, stat: fs.Stats, mode: number) => {
    if ((stat.mode & 0o777) === mode || (uid !== undefined && stat.uid !== uid)) return;
    fs.chmodSync(p, mode);
    changed += 1;
  };
  const walk = (dir: string, stat: fs.Stats) => {
    fix(dir, stat, PRIVATE_DIR_MODE);
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      const s = fs.lstatSync(p, { throwIfNoEntry: false });
      if (!s) continue; // removed meanwhile
      if (s.isDirectory()) walk(p, s);
      else if (s.isFile()) fix(p, s, PRIVATE_FILE_MODE);
    }
  };
  walk(dataDir, fs.lstatSync(dataDir));
  return changed;
}

/**
 * Makes sure `file` exists with mode 0600 before a library (SQLite) opens it: SQLite gives its
 * -wal and -shm files the database file's mode, so this covers them too.
 */
export function ensurePrivateFile(file: string): void {
  mkdirPrivate(path.dirname(file));
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
  if (!posix()) return;
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    const s = fs.statSync(f, { throwIfNoEntry: false });
    if (s && (s.mode & 0o777) !== PRIVATE_FILE_MODE) fs.chmodSync(f, PRIVATE_FILE_MODE);
  }
}
