import path from 'node:path';
import type { AuditScope, ContactsRepository, DncRepository, DncRow } from '../store';
import { ImportError } from './errors';
import { guessColumns } from './header';
import { isBlankRow, layoutOf, readHead } from './layout';
import { openSource } from './open-source';
import type { SourceRow } from './source';
import { normalisePhone, normalisePhoneCell } from './phone';
import { DncAddSchema, RegionSchema, type DncAddRequest, type DncEntry, type RowReject } from './types';

export interface DncChange {
  /** Numbers newly on the list (E.164). */
  added: string[];
  /** Numbers that were on it already. */
  already: string[];
  invalid: { input: string; reason: string }[];
}

const AUDITED_NUMBERS = 1000;

/**
 * The Do-Not-Call register: numbers stay in their lists, marked, and are never dialled. Every
 * change is committed through the caller's audit scope, with its one audit row.
 */
export class DncService {
  constructor(
    private readonly repo: DncRepository,
    private readonly contacts: ContactsRepository,
    private readonly actor: string,
    private readonly now: () => Date,
  ) {}

  add(input: DncAddRequest, audit: AuditScope, source = 'manual'): DncChange {
    const req = DncAddSchema.parse(input);
    const invalid: DncChange['invalid'] = [];
    const numbers = new Set<string>();
    for (const p of req.phones) {
      const r = normalisePhone(p, req.region);
      if (r.ok) numbers.add(r.e164);
      else invalid.push({ input: p, reason: r.reason });
    }
    return { ...this.addNumbers([...numbers], req.note, source, audit), invalid };
  }

  private addNumbers(
    numbers: string[],
    note: string,
    source: string,
    audit: AuditScope,
  ): Omit<DncChange, 'invalid'> {
    const at = this.now().toISOString();
    const rows: DncRow[] = numbers.map((phone_e164) => ({
      phone_e164,
      note,
      source,
      added_at: at,
      added_by: this.actor,
    }));
    return audit.commit(
      () => {
        const added = this.repo.add(rows);
        this.contacts.markDnc(added, true);
        const addedSet = new Set(added);
        return { added, already: numbers.filter((n) => !addedSet.has(n)) };
      },
      {
        detail: ({ added, already }) => ({
          count: added.length,
          numbers: added.slice(0, AUDITED_NUMBERS),
          already: already.length,
          source,
        }),
      },
    );
  }

  remove(phones: readonly string[], audit: AuditScope, region: string = 'IN'): { removed: string[] } {
    const r = RegionSchema.parse(region);
    const numbers = phones.flatMap((p) => {
      const n = normalisePhone(p, r);
      return n.ok ? [n.e164] : [];
    });
    return audit.commit(
      () => {
        const removed = this.repo.remove(numbers, {
          at: this.now().toISOString(),
          by: this.actor,
          source: 'manual',
        });
        this.contacts.markDnc(removed, false);
        return { removed };
      },
      {
        detail: ({ removed }) => ({ count: removed.length, numbers: removed.slice(0, AUDITED_NUMBERS) }),
      },
    );
  }

  has(e164: string): boolean {
    return this.repo.has(e164);
  }

  list(afterPhone = '', limit = 500): { entries: DncEntry[]; total: number } {
    const entries = this.repo.page(afterPhone, Math.min(Math.max(limit, 1), 5000)).map((r) => ({
      phone: r.phone_e164,
      note: r.note,
      source: r.source,
      addedAt: r.added_at,
      addedBy: r.added_by,
    }));
    return { entries, total: this.repo.count() };
  }

  /** Adds every number of a file's phone column (guessed, or named) to the register. */
  async importFile(
    opts: {
      file: string;
      /** The name to record when `file` is a temporary copy (an upload). Default: the file's own name. */
      fileName?: string;
      sheet?: string;
      column?: string;
      region?: string;
      note?: string;
    },
    audit: AuditScope,
  ): Promise<DncChange & { rows: number; rejects: RowReject[] }> {
    const region = RegionSchema.parse(opts.region ?? 'IN');
    const source = await openSource(opts.file, opts.sheet);
    const batches = source.batches();
    const numbers = new Set<string>();
    const invalid: DncChange['invalid'] = [];
    const rejects: RowReject[] = [];
    let rows = 0;
    let sha256: string;
    try {
      const { head, exhausted } = await readHead(batches);
      const layout = layoutOf(head, region);
      const sample = head.filter((r) => r.row > layout.headerRow && !isBlankRow(r.cells)).map((r) => r.cells);
      let col = guessColumns(layout.headers, sample, region).phone;
      if (opts.column !== undefined) {
        col = layout.headers.findIndex((h) => h.toLowerCase() === opts.column!.trim().toLowerCase());
        if (col < 0) throw new ImportError('bad_mapping', `No column "${opts.column}" in the file.`);
      }
      if (col === null)
        throw new ImportError('no_phone_column', 'No column looks like phone numbers: name the column.');
      const take = (batch: SourceRow[]) => {
        for (const r of batch)
          if (r.row > layout.headerRow && !isBlankRow(r.cells)) {
            rows += 1;
            const input = r.cells[col] ?? '';
            const n = normalisePhoneCell(input, r.numbers?.[col], region);
            if (n.ok) numbers.add(n.e164);
            else {
              invalid.push({ input, reason: n.reason });
              rejects.push({ row: r.row, reason: n.reason });
            }
          }
      };
      take(head);
      if (!exhausted) for await (const b of batches) take(b);
      sha256 = source.sha256();
    } finally {
      await batches.return(undefined);
      await source.close();
    }
    if (rows === 0) throw new ImportError('no_data_rows', 'The file has no numbers in it.');
    // Which file, by name and content: an upload's own path is a meaningless temporary name.
    const name = opts.fileName ?? path.basename(opts.file);
    const change = this.addNumbers([...numbers], opts.note ?? '', `file:${name} sha256:${sha256}`, audit);
    return { ...change, invalid, rows, rejects };
  }
}
