import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { sweepLeftovers } from '../files';
import type { Logger } from '../logging';
import {
  ContactsRepository,
  DncRepository,
  type AuditFollowUp,
  type AuditScope,
  type ContactListRow,
  type ContactRow,
  type Db,
} from '../store';
import { DncService } from './dnc-service';
import { ImportError, isImportError } from './errors';
import { runImport } from './import-engine';
import { previewFile } from './preview';
import { writeCsv } from './reject-file';
import {
  ContactsPageSchema,
  type ContactsPageRequest,
  type ContactView,
  type ImportControl,
  type ImportPreview,
  type ImportRequest,
  type ImportSummary,
  type ListSummary,
  type SourceOptions,
} from './types';

export interface ContactsDeps {
  db: Db;
  log: Logger;
  /** Who imports (recorded with each list). */
  actor: string;
  /** Scratch folder for imports in progress; default: tmp/ next to the database. */
  stagingDir?: string;
  now?: () => Date;
}

/** Turns schema failures into the same typed error as every other bad request. */
async function validated<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof z.ZodError)
      throw new ImportError(
        'bad_request',
        err.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '),
      );
    throw err;
  }
}

const toView = (r: ContactRow): ContactView => ({
  id: r.id,
  row: r.row_number,
  status: r.status,
  phone: r.phone_e164,
  phoneRaw: r.phone_raw,
  name: r.name,
  variables: JSON.parse(r.variables) as Record<string, string>,
  // The reason column holds a valid row's note (see import-engine's stageBatch).
  reason: r.status === 'valid' ? null : r.reason,
  note: r.status === 'valid' ? r.reason : null,
  duplicateOfRow: r.duplicate_of_row,
  otherListId: r.other_list_id,
  dnc: r.dnc === 1,
});

/** Removes scratch databases left by imports whose process died (a crash leaves no partial list). */
function sweepStaging(dir: string, log: Logger): void {
  sweepLeftovers({ dir, prefix: 'import-', tail: /^[\w-]+\.sqlite(-journal|-wal|-shm)?$/, log });
}

/**
 * Contact lists: import, browse, reject files, and the Do-Not-Call register. Each change takes
 * the audit scope of the action that asked for it and commits through it (see AuditScope).
 */
export class ContactsService {
  readonly dnc: DncService;
  private readonly repo: ContactsRepository;
  private readonly stagingDir: string;
  private readonly now: () => Date;

  constructor(private readonly deps: ContactsDeps) {
    this.repo = new ContactsRepository(deps.db);
    this.now = deps.now ?? (() => new Date());
    const dbFile = deps.db.name;
    this.stagingDir =
      deps.stagingDir ??
      (dbFile && dbFile !== ':memory:' ? path.join(path.dirname(dbFile), 'tmp') : os.tmpdir());
    fs.mkdirSync(this.stagingDir, { recursive: true, mode: 0o700 });
    sweepStaging(this.stagingDir, deps.log);
    this.dnc = new DncService(new DncRepository(deps.db), this.repo, deps.actor, this.now);
  }

  preview(req: SourceOptions): Promise<ImportPreview> {
    return validated(() => previewFile(req));
  }

  /**
   * Imports a file as a new list. `audit` is the import's begun action: the list is committed with
   * its end row (outcome ok, the counts), and any failure or cancel is recorded as its end.
   */
  async import(req: ImportRequest, control: ImportControl, audit: AuditFollowUp): Promise<ImportSummary> {
    const { db: _db, ...deps } = this.deps;
    try {
      return await validated(() =>
        runImport(
          { ...deps, contacts: this.repo, stagingDir: this.stagingDir, now: this.now },
          req,
          control,
          audit,
        ),
      );
    } catch (err) {
      this.endFailed(audit, err);
      throw err;
    }
  }

  private endFailed(audit: AuditFollowUp, err: unknown): void {
    if (audit.ended) return;
    const code = isImportError(err) ? err.code : 'internal';
    const message = err instanceof Error ? err.message : String(err);
    try {
      audit.end(code === 'cancelled' ? 'cancelled' : 'failed', { code, message });
    } catch (auditErr) {
      this.deps.log.error('cannot audit the end of a failed import', { code, err: auditErr });
    }
  }

  lists(): ListSummary[] {
    return this.repo.all().map((l) => this.summary(l));
  }

  list(id: number): ListSummary {
    return this.summary(this.row(id));
  }

  contacts(input: ContactsPageRequest): { contacts: ContactView[]; nextAfterRow: number | null } {
    const req = ContactsPageSchema.parse(input);
    this.row(req.listId);
    const rows = this.repo.page(req.listId, req.afterRow, req.limit, req.status);
    const last = rows[rows.length - 1];
    return {
      contacts: rows.map(toView),
      nextAfterRow: rows.length === req.limit && last ? last.row_number : null,
    };
  }

  /** Rejected rows (invalid and duplicates) with their original cells, in file order. */
  *rejects(listId: number): Generator<{ row: number; reason: string; cells: string[] }> {
    this.row(listId);
    for (const r of this.repo.rejects(listId))
      yield {
        row: r.row_number,
        reason: r.reason ?? '',
        cells: r.raw ? (JSON.parse(r.raw) as string[]) : [],
      };
  }

  /** The reject file: original columns, then the reason and the row it came from. */
  async writeRejectFile(listId: number, outFile: string): Promise<{ file: string; rows: number }> {
    const headers = JSON.parse(this.row(listId).headers) as string[];
    const width = headers.length;
    const rows = (function* (it: Generator<{ row: number; reason: string; cells: string[] }>) {
      for (const r of it) {
        const cells = Array.from({ length: Math.max(width, r.cells.length) }, (_, i) => r.cells[i] ?? '');
        yield [...cells, r.reason, String(r.row)];
      }
    })(this.rejects(listId));
    const count = await writeCsv(outFile, [...headers, 'Reject reason', 'Source row'], rows);
    return { file: outFile, rows: count };
  }

  deleteList(id: number, audit: AuditScope): void {
    audit.commit(
      () => {
        const { name } = this.row(id);
        this.repo.delete(id);
        return name;
      },
      { detail: (name) => ({ name }) },
    );
  }

  private row(id: number): ContactListRow {
    const row = this.repo.get(id);
    if (!row) throw new ImportError('not_found', `No list with id ${id}.`);
    return row;
  }

  private summary(l: ContactListRow): ListSummary {
    const c = this.repo.counts(l.id);
    return {
      id: l.id,
      name: l.name,
      createdAt: l.created_at,
      createdBy: l.created_by,
      file: { name: l.file_name, size: l.file_size, sha256: l.file_sha256, format: l.format },
      rows: l.data_rows,
      ...c,
    };
  }
}
