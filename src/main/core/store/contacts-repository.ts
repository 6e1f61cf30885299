import type { Db } from './database';
import type { Transact } from './audit-scope';

export { ContactsStaging, type StagedContact } from './contacts-staging-repository';
export { DncRepository, type DncRow, type DncRemoval, type DncVersionRow } from './dnc-repository';

export type ContactStatus = 'valid' | 'invalid' | 'duplicate';

export interface ContactListRow {
  id: number;
  name: string;
  created_at: string;
  created_by: string;
  file_name: string;
  file_size: number;
  file_sha256: string;
  format: string;
  source: string;
  headers: string;
  mapping: string;
  region: string;
  data_rows: number;
  blank_rows: number;
}

export type NewContactList = Omit<ContactListRow, 'id'>;

export interface ListCounts {
  valid: number;
  invalid: number;
  duplicates: number;
  dnc: number;
  inOtherLists: number;
}

export interface ContactRow {
  id: number;
  list_id: number;
  row_number: number;
  status: ContactStatus;
  phone_raw: string;
  phone_e164: string | null;
  name: string;
  variables: string;
  reason: string | null;
  duplicate_of_row: number | null;
  other_list_id: number | null;
  dnc: number;
  raw: string | null;
}

const COUNTS_SQL = `SELECT
    COALESCE(SUM(status = 'valid'), 0) AS valid,
    COALESCE(SUM(status = 'invalid'), 0) AS invalid,
    COALESCE(SUM(status = 'duplicate'), 0) AS duplicates,
    COALESCE(SUM(status = 'valid' AND dnc = 1), 0) AS dnc,
    COALESCE(SUM(status = 'valid' AND other_list_id IS NOT NULL), 0) AS inOtherLists
  FROM contacts WHERE list_id = ?`;

/** Lists and their contacts. A list is only ever written whole, by `commitImport`. */
export class ContactsRepository {
  constructor(private readonly db: Db) {}

  /**
   * Copies a sealed staging file into a new list in one transaction, run by `transact` (the
   * import's audit scope, whose row joins it); `within` runs inside it too (its checks). The
   * staging file is attached around it: SQLite cannot attach inside a transaction.
   */
  commitImport(
    stagingFile: string,
    list: NewContactList,
    within: (listId: number) => void,
    transact: Transact,
  ): number {
    this.db.prepare('ATTACH DATABASE ? AS staging').run(stagingFile);
    try {
      return transact(() => {
        const listId = Number(
          this.db
            .prepare(
              `INSERT INTO contact_lists (name, created_at, created_by, file_name, file_size, file_sha256,
                 format, source, headers, mapping, region, data_rows, blank_rows)
               VALUES (@name, @created_at, @created_by, @file_name, @file_size, @file_sha256,
                 @format, @source, @headers, @mapping, @region, @data_rows, @blank_rows)`,
            )
            .run(list).lastInsertRowid,
        );
        // Cross-list duplicates and DNC are decided here, against the committed state.
        this.db
          .prepare(
            `INSERT INTO main.contacts (list_id, row_number, status, phone_raw, phone_e164, name, variables,
               reason, duplicate_of_row, other_list_id, dnc, raw)
             SELECT @listId, s.row_number, s.status, s.phone_raw, s.phone_e164, s.name, s.variables,
               s.reason, s.duplicate_of_row,
               CASE WHEN s.status = 'valid' THEN (SELECT c.list_id FROM main.contacts c
                 WHERE c.phone_e164 = s.phone_e164 AND c.list_id <> @listId AND c.status = 'valid'
                 ORDER BY c.list_id LIMIT 1) END,
               s.phone_e164 IS NOT NULL AND EXISTS (SELECT 1 FROM main.dnc d WHERE d.phone_e164 = s.phone_e164),
               s.raw
             FROM staging.staged s ORDER BY s.row_number`,
          )
          .run({ listId });
        within(listId);
        return listId;
      });
    } finally {
      this.db.exec('DETACH DATABASE staging');
    }
  }

  nameTaken(name: string): boolean {
    return this.db.prepare('SELECT 1 FROM contact_lists WHERE name = ?').pluck().get(name) !== undefined;
  }

  get(id: number): ContactListRow | undefined {
    return this.db.prepare<[number], ContactListRow>('SELECT * FROM contact_lists WHERE id = ?').get(id);
  }

  all(): ContactListRow[] {
    return this.db.prepare<[], ContactListRow>('SELECT * FROM contact_lists ORDER BY id').all();
  }

  counts(listId: number): ListCounts {
    return this.db.prepare<[number], ListCounts>(COUNTS_SQL).get(listId)!;
  }

  delete(id: number): boolean {
    return this.db.prepare('DELETE FROM contact_lists WHERE id = ?').run(id).changes > 0;
  }

  /** One page in file order, optionally one status only, starting after a row number (keyset paging). */
  page(listId: number, afterRow: number, limit: number, status?: ContactStatus): ContactRow[] {
    if (status)
      return this.db
        .prepare<[number, string, number, number], ContactRow>(
          `SELECT * FROM contacts WHERE list_id = ? AND status = ? AND row_number > ?
           ORDER BY row_number LIMIT ?`,
        )
        .all(listId, status, afterRow, limit);
    return this.db
      .prepare<[number, number, number], ContactRow>(
        'SELECT * FROM contacts WHERE list_id = ? AND row_number > ? ORDER BY row_number LIMIT ?',
      )
      .all(listId, afterRow, limit);
  }

  /** Rejected rows (invalid and duplicate) in file order, streamed in batches. */
  *rejects(listId: number, batch = 1000): Generator<ContactRow> {
    const stmt = this.db.prepare<[number, number, number], ContactRow>(
      `SELECT * FROM contacts WHERE list_id = ? AND status <> 'valid' AND row_number > ?
       ORDER BY row_number LIMIT ?`,
    );
    let after = 0;
    for (;;) {
      const rows = stmt.all(listId, after, batch);
      if (rows.length === 0) return;
      yield* rows;
      after = rows[rows.length - 1]!.row_number;
    }
  }

  /** Keeps `contacts.dnc` in step with the DNC register. */
  markDnc(phones: readonly string[], dnc: boolean): number {
    const stmt = this.db.prepare('UPDATE contacts SET dnc = ? WHERE phone_e164 = ?');
    let changed = 0;
    for (const p of phones) changed += stmt.run(dnc ? 1 : 0, p).changes;
    return changed;
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }
}
