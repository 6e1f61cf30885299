import { CampaignsRepository, DncRepository, type Db } from '../../store';
import type { HistoryEntry } from './audit-slice';

/** Where a list came from: the file (name, size, SHA-256), when and by whom it was imported. */
export interface ListProvenance {
  id: number;
  name: string;
  fileName: string;
  fileSize: number;
  fileSha256: string;
  format: string;
  importedAt: string;
  importedBy: string;
  region: string;
  dataRows: number;
}

export function listProvenance(db: Db, ids: Iterable<number>): ListProvenance[] {
  const one = db.prepare<[number], ListProvenance>(
    `SELECT id, name, file_name AS fileName, file_size AS fileSize, file_sha256 AS fileSha256, format,
       created_at AS importedAt, created_by AS importedBy, region, data_rows AS dataRows
     FROM contact_lists WHERE id = ?`,
  );
  return [...new Set(ids)]
    .sort((a, b) => a - b)
    .flatMap((id) => {
      const row = one.get(id);
      return row ? [row] : [];
    });
}

/** A contact of a campaign that was not dialled: skipped for Do-Not-Call, missing variables, by an operator. */
export interface NotDialled {
  position: number;
  number: string;
  name: string;
  reason: string | null;
  attempts: number;
  at: string;
}

/** The campaign's contacts it did not dial, in list order, with why (the dialler's own record). */
export function notDialled(db: Db, campaignId: string): NotDialled[] {
  return db
    .prepare<[string], NotDialled>(
      `SELECT position, number, name, skip_reason AS reason, attempts, updated_at AS at
       FROM campaign_contacts WHERE campaign_id = ? AND status = 'skipped' ORDER BY position`,
    )
    .all(campaignId);
}

/**
 * A campaign's settings as stored, every move on it as the audit log records it (row seq cited),
 * and the contacts it did not dial with why: who was not called is part of the record too.
 */
export function campaignProvenance(
  db: Db,
  ids: Iterable<string>,
  history: ReadonlyMap<string, HistoryEntry[]>,
): unknown[] {
  const repo = new CampaignsRepository(db);
  return [...new Set(ids)].sort().flatMap((id) => {
    const c = repo.get(id);
    if (!c) return [];
    let settings: unknown = c.settings;
    try {
      settings = JSON.parse(c.settings) as unknown;
    } catch {
      // kept as the stored text
    }
    return [
      {
        id: c.id,
        name: c.name,
        state: c.state,
        listId: c.listId,
        settings,
        createdAt: c.createdAt,
        createdBy: c.createdBy,
        startedAt: c.startedAt,
        finishedAt: c.finishedAt,
        history: history.get(`campaign:${id}`) ?? [],
        notDialled: notDialled(db, id),
      },
    ];
  });
}

/**
 * The Do-Not-Call register's versions, and each exported number's own changes: with the version
 * every call records, anyone can tell the number was not on the register when it was checked.
 */
export function dncProvenance(db: Db, numbers: Iterable<string>): unknown {
  const repo = new DncRepository(db);
  const current = repo.version();
  const byNumber: Record<string, { version: number; op: 'add' | 'remove' }[]> = {};
  for (const n of new Set(numbers)) {
    const h = repo.history(n);
    if (h.length > 0) byNumber[n] = h;
  }
  return { current, versions: repo.versions(1, current), numbers: byNumber };
}
