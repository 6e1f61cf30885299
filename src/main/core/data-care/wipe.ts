import fs from 'node:fs';
import path from 'node:path';
import type { WipeResult } from '../../../shared/data-care';
import type { AuditScope, WipeRepository } from '../store';
import { BACKUPS_DIR } from './data-files';

/** Folders of data a wipe removes: recordings, QA runs and their speech cache, staged uploads, backups. */
export const WIPED_DIRS = ['recordings', 'qa/runs', 'qa/tts-cache', 'uploads', BACKUPS_DIR] as const;

/** What survives a wipe, said in the audit row and to the person who asked. */
export const WIPE_KEEPS = [
  'the audit log and its anchored head (the wipe itself stays provable)',
  'settings and secrets (the Exotel account, the audit key)',
  'the Do-Not-Call register and its history (opted-out numbers are never dialled again)',
  'bots and QA suites you wrote (data/bots, data/qa/suites)',
  'logs (logs/calldeck.log, rotated at 10 MB)',
];

/** A wipe that cannot run now, and why. */
export class WipeRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WipeRefused';
  }
}

/**
 * Removes the data of a data folder, audited first: the start row (what will go, what stays) is
 * committed before anything is removed, then the folders go, then every wiped table is emptied with
 * the end row in one transaction (secure_delete on, the WAL truncated after).
 */
export function wipeData(repo: WipeRepository, dataDir: string, scope: AuditScope): WipeResult {
  const blockers = repo.blockers();
  if (blockers.length > 0)
    throw new WipeRefused(`Stop these first, then wipe: ${blockers.slice(0, 10).join(', ')}`);
  const present = WIPED_DIRS.filter((d) => fs.existsSync(path.join(dataDir, d)));
  const work = scope.begin({ rows: repo.counts(), folders: present, keeps: WIPE_KEEPS });
  const removed: string[] = [];
  try {
    for (const d of present) {
      fs.rmSync(path.join(dataDir, d), { recursive: true, force: true });
      removed.push(d);
    }
    const rows = repo.scrubbing(() =>
      work.commit(() => repo.emptyTables(), { detail: (r) => ({ rows: r, removed }) }),
    );
    return { rows, removed, kept: WIPE_KEEPS };
  } catch (err) {
    if (!work.ended)
      work.end('failed', {
        code: 'wipe_failed',
        message: `${err instanceof Error ? err.message : String(err)} (removed so far: ${removed.join(', ') || 'nothing'})`,
      });
    throw err;
  }
}
