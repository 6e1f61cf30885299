import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../logging';
import { ContactsStaging, type AuditFollowUp, type ContactsRepository } from '../store';
import { rawCells, rowClassifier, type ClassifiedRow } from './classify';
import { ImportError } from './errors';
import { isBlankRow, layoutOf, readHead, type Layout } from './layout';
import { resolveMapping } from './mapping';
import { openSource } from './open-source';
import type { SourceRow, TabularSource } from './source';
import type { ImportControl, ImportProgress, ImportSummary, ResolvedMapping, RowReject } from './types';
import { ImportRequestSchema, type ImportRequest } from './types';

export interface EngineDeps {
  contacts: ContactsRepository;
  stagingDir: string;
  log: Logger;
  actor: string;
  now: () => Date;
}

const REJECTS_IN_SUMMARY = 1000;
const PROGRESS_EVERY_MS = 200;

interface Tally {
  rows: number;
  valid: number;
  invalid: number;
  duplicates: number;
  blankRows: number;
  /** Rows with non-empty cells beyond the header. */
  widerRows: number;
  rejects: RowReject[];
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ImportError('cancelled', 'The import was cancelled; nothing was saved.');
}

/**
 * Classifies one batch of data rows into the staging file, tallying them. Numbers are looked up
 * against earlier batches in one query per batch; within the batch the first row wins.
 */
function stageBatch(
  staging: ContactsStaging,
  rows: readonly SourceRow[],
  classify: (cells: readonly string[], numbers?: Readonly<Record<number, number>>) => ClassifiedRow,
  t: Tally,
): void {
  const classified = rows.map((r) => classify(r.cells, r.numbers));
  const phones: string[] = [];
  for (const c of classified) if (c.e164 !== null) phones.push(c.e164);
  const firstRow = staging.firstRowsWith(phones);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const c = classified[i]!;
    let status: 'valid' | 'invalid' | 'duplicate' = c.ok ? 'valid' : 'invalid';
    let reason = c.reason;
    let duplicateOf: number | null = null;
    if (c.e164 !== null) {
      const first = firstRow.get(c.e164);
      if (first !== undefined) {
        status = 'duplicate';
        duplicateOf = first;
        reason = `duplicate of row ${first}`;
      } else firstRow.set(c.e164, r.row);
    }
    // A valid row's note is stored in its reason column; a rejected row's reason carries it.
    if (c.note !== null) {
      t.widerRows += 1;
      reason = reason === null ? c.note : `${reason}; ${c.note}`;
    }
    t.rows += 1;
    if (status === 'valid') t.valid += 1;
    else if (status === 'invalid') t.invalid += 1;
    else t.duplicates += 1;
    if (status !== 'valid' && reason !== null && t.rejects.length < REJECTS_IN_SUMMARY)
      t.rejects.push({ row: r.row, reason });
    staging.add({
      row: r.row,
      status,
      phoneRaw: c.phoneRaw,
      e164: c.e164,
      name: c.name,
      variables: c.variables,
      reason,
      duplicateOfRow: duplicateOf,
      raw: status === 'valid' ? null : rawCells(r.cells),
    });
  }
}

/** Reports progress at most every PROGRESS_EVERY_MS (or when forced). */
function progressReporter(control: ImportControl, source: TabularSource, t: Tally, started: number) {
  let last = 0;
  return (phase: ImportProgress['phase'], force = false) => {
    const now = Date.now();
    if (!control.onProgress || (!force && now - last < PROGRESS_EVERY_MS)) return;
    last = now;
    const secs = Math.max((now - started) / 1000, 0.001);
    const { rows, valid, invalid, duplicates } = t;
    control.onProgress({
      phase,
      rows,
      valid,
      invalid,
      duplicates,
      bytesRead: source.bytesRead(),
      totalBytes: source.totalBytes,
      rowsPerSecond: Math.round(rows / secs),
    });
  };
}

type Request = ReturnType<typeof ImportRequestSchema.parse>;

/** Reads every row of the source into the staging file; returns the layout and mapping used. */
async function readAll(
  source: TabularSource,
  staging: ContactsStaging,
  req: Request,
  signal: AbortSignal | undefined,
  t: Tally,
  progress: ReturnType<typeof progressReporter>,
): Promise<{ layout: Layout; mapping: ResolvedMapping }> {
  const batches = source.batches();
  try {
    const { head, exhausted } = await readHead(batches);
    const layout = layoutOf(head, req.region, req.headerRow);
    const sample = head.filter((r) => r.row > layout.headerRow && !isBlankRow(r.cells)).slice(0, 20);
    const mapping = resolveMapping(
      layout.headers,
      sample.map((r) => r.cells),
      req.region,
      req.mapping,
    );
    if (!mapping) throw noPhoneColumn(layout, source.details);
    const classify = rowClassifier(mapping, layout.headers.length, req.region);
    const take = (rows: readonly SourceRow[]) => {
      const data: SourceRow[] = [];
      for (const r of rows) {
        if (r.row <= layout.headerRow) continue;
        if (isBlankRow(r.cells)) t.blankRows += 1;
        else data.push(r);
      }
      stageBatch(staging, data, classify, t);
    };
    take(head);
    progress('reading', true);
    if (!exhausted) {
      for (;;) {
        checkAbort(signal);
        const next = await batches.next();
        if (next.done) break;
        take(next.value);
        progress('reading');
      }
    }
    checkAbort(signal);
    if (t.rows === 0)
      throw new ImportError(
        'no_data_rows',
        `The file has a header row (row ${layout.headerRow}) but no data rows.`,
      );
    return { layout, mapping };
  } finally {
    await batches.return(undefined);
  }
}

/**
 * Imports one file as a new list. Rows stream into a scratch file; the list appears in the main
 * database in one transaction at the end, or not at all (error, cancel, crash).
 */
export async function runImport(
  deps: EngineDeps,
  input: ImportRequest,
  control: ImportControl,
  audit: AuditFollowUp,
): Promise<ImportSummary> {
  const req = ImportRequestSchema.parse(input);
  const started = Date.now();
  if (deps.contacts.nameTaken(req.listName))
    throw new ImportError(
      'list_exists',
      `A list named "${req.listName}" already exists. Choose another name.`,
    );
  checkAbort(control.signal);
  const source = await openSource(req.file, req.sheet, control.signal);
  let staging: ContactsStaging | undefined;
  try {
    staging = ContactsStaging.create(
      path.join(deps.stagingDir, `import-${process.pid}-${randomUUID()}.sqlite`),
    );
    const t: Tally = {
      rows: 0,
      valid: 0,
      invalid: 0,
      duplicates: 0,
      blankRows: 0,
      widerRows: 0,
      rejects: [],
    };
    const progress = progressReporter(control, source, t, started);
    const { layout, mapping } = await readAll(source, staging, req, control.signal, t, progress);
    staging.seal();
    progress('saving', true);
    // Last chance to cancel (the progress callback itself may have asked to): commit is synchronous.
    checkAbort(control.signal);
    return commit(deps, req, source, layout, mapping, staging, t, started, audit);
  } catch (err) {
    if (control.signal?.aborted && !(err instanceof ImportError && err.code === 'cancelled'))
      throw new ImportError('cancelled', 'The import was cancelled; nothing was saved.');
    throw err;
  } finally {
    await source.close();
    staging?.discard();
  }
}

function noPhoneColumn(layout: Layout, details: TabularSource['details']): ImportError {
  const columns = `(columns: ${layout.headers.map((h) => `"${h}"`).join(', ')})`;
  const others = (details.sheets ?? []).filter((x) => x !== details.sheet);
  // A workbook read at its first sheet, often a cover note: the contacts are likely on another.
  if (details.sheet !== undefined && others.length > 0)
    return new ImportError(
      'no_phone_column',
      `No column looks like phone numbers on sheet "${details.sheet}" ${columns}. This workbook also has ` +
        `${others.map((x) => `"${x}"`).join(', ')}: choose the sheet (calldeck import --sheet NAME), or the phone column in the mapping.`,
    );
  return new ImportError(
    'no_phone_column',
    `No column looks like phone numbers. Choose the phone column in the mapping ${columns}.`,
  );
}

function commit(
  deps: EngineDeps,
  req: Request,
  source: TabularSource,
  layout: Layout,
  mapping: ResolvedMapping,
  staging: ContactsStaging,
  t: Tally,
  started: number,
  audit: AuditFollowUp,
): ImportSummary {
  const fileName = req.fileName ?? path.basename(req.file);
  const file = { name: fileName, size: source.totalBytes, sha256: source.sha256() };
  let counts = { valid: 0, invalid: 0, duplicates: 0, dnc: 0, inOtherLists: 0 };
  let listId: number;
  try {
    listId = deps.contacts.commitImport(
      staging.file,
      {
        name: req.listName,
        created_at: deps.now().toISOString(),
        created_by: deps.actor,
        file_name: file.name,
        file_size: file.size,
        file_sha256: file.sha256,
        format: source.details.format,
        source: JSON.stringify({ ...source.details, headerRow: layout.headerRow }),
        headers: JSON.stringify(layout.headers),
        mapping: JSON.stringify(mapping),
        region: req.region,
        data_rows: t.rows,
        blank_rows: t.blankRows,
      },
      (id) => {
        counts = deps.contacts.counts(id);
        // Nothing lost: the stored rows must account for every data row of the file.
        if (counts.valid + counts.invalid + counts.duplicates !== t.rows)
          throw new Error(
            `internal: stored ${counts.valid + counts.invalid + counts.duplicates} of ${t.rows} rows`,
          );
      },
      // The list, its rows and the import's end row are one transaction.
      (fn) =>
        audit.commit(fn, {
          subject: (id) => `list:${String(id)}`,
          detail: (id) => ({ listId: id, listName: req.listName, file, rows: t.rows, ...counts }),
        }),
    );
  } catch (err) {
    if (err instanceof Error && /UNIQUE constraint failed: contact_lists\.name/.test(err.message))
      throw new ImportError(
        'list_exists',
        `A list named "${req.listName}" already exists. Choose another name.`,
      );
    throw err;
  }
  const warnings = [...source.warnings()];
  if (t.widerRows > 0) {
    const width = layout.headers.length;
    const hint = source.details.format === 'csv' ? ' (a comma inside an unquoted value?)' : '';
    warnings.push(
      `${t.widerRows === 1 ? '1 row has' : `${t.widerRows} rows have`} more cells than the header's ${width} columns${hint}: ` +
        `the extra cells are kept as variables column_${width + 1} and on; each row's note says so.`,
    );
  }
  const numbers = (n: number) => (n === 1 ? '1 number is' : `${n} numbers are`);
  if (counts.dnc > 0)
    warnings.push(`${numbers(counts.dnc)} on the Do-Not-Call list: imported, never dialled.`);
  if (counts.inOtherLists > 0) warnings.push(`${numbers(counts.inOtherLists)} already in other lists.`);
  deps.log.info('list imported', { listId, rows: t.rows, ...counts, ms: Date.now() - started });
  return {
    listId,
    listName: req.listName,
    file,
    source: source.details,
    headerRow: layout.headerRow,
    mapping,
    rows: t.rows,
    ...counts,
    blankRows: t.blankRows,
    rejects: t.rejects,
    rejectsTruncated: t.invalid + t.duplicates > t.rejects.length,
    warnings,
    durationMs: Date.now() - started,
  };
}
