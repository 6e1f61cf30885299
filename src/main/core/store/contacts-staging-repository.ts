import Database from 'better-sqlite3';
import fs from 'node:fs';
import type { Db } from './database';

/** One row as the import engine classified it, before the list exists. */
export interface StagedContact {
  row: number;
  status: 'valid' | 'invalid' | 'duplicate';
  phoneRaw: string;
  e164: string | null;
  name: string;
  /** JSON object text. */
  variables: string;
  reason: string | null;
  duplicateOfRow: number | null;
  /** JSON array of the original cells, for rejected rows only. */
  raw: string | null;
}

/**
 * A private scratch database for one import in progress. Rows stream in here (no lock held on the
 * main database for minutes), and the list is then copied into the main database in one
 * transaction: a crash or cancel leaves only this file, which is deleted, never a partial list.
 */
export class ContactsStaging {
  private readonly insertRow;
  private readonly findValid;
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly db: Db,
  ) {
    this.insertRow = db.prepare<
      [number, string, string, string | null, string, string, string | null, number | null, string | null]
    >(
      `INSERT INTO staged (row_number, status, phone_raw, phone_e164, name, variables, reason, duplicate_of_row, raw)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.findValid = db
      .prepare<[string], number>(`SELECT row_number FROM staged WHERE phone_e164 = ? AND status = 'valid'`)
      .pluck();
  }

  static create(file: string): ContactsStaging {
    fs.rmSync(file, { force: true });
    const db = new Database(file);
    // Scratch data: durability is pointless here, speed is not.
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.pragma('cache_size = -16000');
    db.exec(`CREATE TABLE staged (
      row_number INTEGER PRIMARY KEY,
      status TEXT NOT NULL,
      phone_raw TEXT NOT NULL,
      phone_e164 TEXT,
      name TEXT NOT NULL,
      variables TEXT NOT NULL,
      reason TEXT,
      duplicate_of_row INTEGER,
      raw TEXT
    );
    CREATE INDEX staged_valid_phone ON staged (phone_e164) WHERE status = 'valid';`);
    db.exec('BEGIN');
    return new ContactsStaging(file, db);
  }

  /** The row that first had this number in the file, if any. */
  firstRowWith(e164: string): number | undefined {
    return this.findValid.get(e164);
  }

  add(c: StagedContact): void {
    this.insertRow.run(
      c.row,
      c.status,
      c.phoneRaw,
      c.e164,
      c.name,
      c.variables,
      c.reason,
      c.duplicateOfRow,
      c.raw,
    );
  }

  /** Commits the scratch rows and closes the connection, so the main database can attach the file. */
  seal(): void {
    if (this.closed) return;
    this.db.exec('COMMIT');
    this.db.close();
    this.closed = true;
  }

  /** Throws the scratch file away (after sealing, or on cancel/error). */
  discard(): void {
    if (!this.closed) {
      this.closed = true;
      this.db.close();
    }
    fs.rmSync(this.file, { force: true });
  }
}
