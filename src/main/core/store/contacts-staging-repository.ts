import Database from 'better-sqlite3';
import fs from 'node:fs';
import { ensurePrivateFile } from '../config';
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

/** Rows per INSERT: one native call per this many rows, not one per row (~30% of staging time). */
const INSERT_CHUNK = 100;
const COLUMNS = 9;
const INSERT_INTO = `INSERT INTO staged (row_number, status, phone_raw, phone_e164, name, variables, reason,
  duplicate_of_row, raw) VALUES `;
const valuesFor = (rows: number) =>
  Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ');

/**
 * A private scratch database for one import in progress. Rows stream in here (no lock held on the
 * main database for minutes), and the list is then copied into the main database in one
 * transaction: a crash or cancel leaves only this file, which is deleted, never a partial list.
 */
export class ContactsStaging {
  private readonly insertOne;
  private readonly insertChunk;
  private readonly findValid;
  /** Parameters of rows added but not yet inserted (fewer than INSERT_CHUNK rows). */
  private readonly pending: (string | number | null)[] = [];
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly db: Db,
  ) {
    this.insertOne = db.prepare<unknown[]>(INSERT_INTO + valuesFor(1));
    this.insertChunk = db.prepare<unknown[]>(INSERT_INTO + valuesFor(INSERT_CHUNK));
    // One call per batch of numbers: they travel as one JSON array, whatever their count.
    this.findValid = db
      .prepare<[string], [string, number]>(
        `SELECT phone_e164, row_number FROM staged
         WHERE status = 'valid' AND phone_e164 IN (SELECT value FROM json_each(?))`,
      )
      .raw();
  }

  static create(file: string): ContactsStaging {
    fs.rmSync(file, { force: true });
    ensurePrivateFile(file);
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

  /** For each of these numbers already staged as valid, the row that first had it. */
  firstRowsWith(phones: readonly string[]): Map<string, number> {
    if (phones.length === 0) return new Map();
    this.flush();
    return new Map(this.findValid.all(JSON.stringify(phones)));
  }

  /** Adds one row; it is written with the next chunk, and visible to lookups and `seal` in any case. */
  add(c: StagedContact): void {
    const p = this.pending;
    p.push(c.row, c.status, c.phoneRaw, c.e164, c.name, c.variables, c.reason, c.duplicateOfRow, c.raw);
    if (p.length === INSERT_CHUNK * COLUMNS) {
      this.insertChunk.run(p);
      p.length = 0;
    }
  }

  /** Writes the rows still pending (fewer than a chunk). */
  private flush(): void {
    const p = this.pending;
    for (let i = 0; i < p.length; i += COLUMNS) this.insertOne.run(p.slice(i, i + COLUMNS));
    p.length = 0;
  }

  /** Commits the scratch rows and closes the connection, so the main database can attach the file. */
  seal(): void {
    if (this.closed) return;
    this.flush();
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
