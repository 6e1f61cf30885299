import fs from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE, LOG_FILE } from '../config';

/** Where backups made in the app are written (inside the data folder, served as artifacts). */
export const BACKUPS_DIR = 'backups';

/**
 * What a backup leaves out of the data folder, and why: the live database files (the snapshot
 * replaces them), logs (diagnostics that may be rotated mid-copy), staged uploads and the
 * live-host markers (transient, tied to running processes), the QA speech cache (rebuilt on
 * demand), the desktop app's worker scratch, earlier backups, and temp files being written.
 */
const SKIPPED_TOP = new Set([
  DATABASE_FILE,
  `${DATABASE_FILE}-wal`,
  `${DATABASE_FILE}-shm`,
  `${DATABASE_FILE}-journal`,
  path.dirname(LOG_FILE),
  'uploads',
  'run',
  'workers',
  BACKUPS_DIR,
]);
const SKIPPED_DIRS = new Set(['qa/tts-cache']);
const isTemp = (name: string) => name.endsWith('.tmp') || name.includes('.restore-');

export interface DataFile {
  /** Relative to the data folder, with forward slashes (as stored in the archive). */
  rel: string;
  abs: string;
  size: number;
}

/** The data folder's files a backup carries (regular files only; links are not followed). */
export function listDataFiles(dataDir: string, exclude: readonly string[] = []): DataFile[] {
  const excluded = new Set(exclude.map((p) => path.resolve(p)));
  const out: DataFile[] = [];
  const walk = (dir: string, relDir: string) => {
    for (const entry of fs
      .readdirSync(dir, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      const abs = path.join(dir, entry.name);
      if ((relDir === '' && SKIPPED_TOP.has(entry.name)) || SKIPPED_DIRS.has(rel) || isTemp(entry.name))
        continue;
      if (excluded.has(path.resolve(abs))) continue;
      if (entry.isDirectory()) walk(abs, rel);
      else if (entry.isFile()) {
        const stat = fs.statSync(abs, { throwIfNoEntry: false });
        if (stat) out.push({ rel, abs, size: stat.size });
      }
    }
  };
  walk(dataDir, '');
  return out;
}
