import path from 'node:path';
import { sweepLeftovers } from '../files';
import type { Logger } from '../logging';
import { BACKUPS_DIR } from './data-files';

/**
 * A backup's scratch files carry the id of the process writing them, so a crash's leftovers can be
 * told from a running backup's: the database snapshot (`.snapshot-<pid>-<ms>.tmp`, with SQLite's
 * -wal/-shm beside it) and the archive being written (`.partial-<pid>-<name>.tmp`, renamed to its
 * name only once whole: a half archive is never named like a backup).
 */
const SNAPSHOT_PREFIX = '.snapshot-';
const PARTIAL_PREFIX = '.partial-';

export function snapshotPath(scratchDir: string, now = Date.now()): string {
  return path.join(scratchDir, `${SNAPSHOT_PREFIX}${process.pid}-${now}.tmp`);
}

export function partialPath(out: string): string {
  return path.join(path.dirname(out), `${PARTIAL_PREFIX}${process.pid}-${path.basename(out)}.tmp`);
}

/**
 * Removes what a backup killed mid-way left in the data folder's backups/ (those of processes that
 * are gone; a running backup's are kept), and the partial archives of versions that named them
 * `<name>.<pid>.tmp` once an hour old. Returns the names removed.
 */
export function sweepBackupLeftovers(dataDir: string, log?: Logger): string[] {
  const dir = path.join(dataDir, BACKUPS_DIR);
  return [
    ...sweepLeftovers({ dir, prefix: SNAPSHOT_PREFIX, tail: /^\d+\.tmp(-wal|-shm|-journal)?$/, log }),
    ...sweepLeftovers({ dir, prefix: PARTIAL_PREFIX, tail: /^[\w.-]+\.tmp$/, log }),
    ...sweepLeftovers({ dir, prefix: '', tail: /^$/, legacyRest: /^[\w.-]+\.zip\.\d+\.tmp$/, log }),
  ];
}
