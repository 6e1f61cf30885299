import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import yauzl from 'yauzl';
import * as XLSX from 'xlsx';
import { AuditTrail, MemorySecretStore, openAuditLog, openDatabase } from '../../../src/main/core';
import { SqliteExportSource, type ExportWriter } from '../../../src/main/core/reports';
import type { Db } from '../../../src/main/core/store';
import { ExportScopeSchema, type ExportScopeInput } from '../../../src/shared/reports';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * A real database file with the real audit log, for export tests: seed it (test/helpers/export-seed),
 * write an export through a writer over the real row source, and read it back with real readers.
 */
export function makeExportRig() {
  const { dir, cleanup } = makeTempDir('calldeck-export-');
  const file = path.join(dir, 'calldeck.sqlite');
  const db: Db = openDatabase(file);
  const auditLog = openAuditLog(db, dir, new MemorySecretStore());
  const trail = new AuditTrail(auditLog, () => undefined);

  /** An ok audit row, as the dispatcher writes one for an Api call (with the handler's detail). */
  const audited = (actor: string, action: string, subject: string, detail?: Record<string, unknown>) =>
    trail.run(
      { actor, action, subject },
      (scope) => (detail ? scope.commit(() => undefined, { detail: () => detail }) : undefined),
      (e) => ({ code: 'x', message: String(e) }),
    );

  const reader = () => new Database(file, { readonly: true, fileMustExist: true });

  async function write(writer: ExportWriter, scope: ExportScopeInput, signal = new AbortController().signal) {
    // Rows read by a worker thread whatever the size, as a large export reads them.
    const source = new SqliteExportSource(reader(), ExportScopeSchema.parse(scope), new Date(), {
      worker: { minCalls: 0 },
    });
    const out = path.join(dir, `out-${Math.random().toString(36).slice(2)}.${writer.extension}`);
    const progress: number[] = [];
    let reading: SqliteExportSource['reading'];
    try {
      await writer.write(source, out, (p) => progress.push(p.done), signal);
    } finally {
      reading = source.reading;
      source.close();
    }
    return { out, progress, summary: source.summary, reading };
  }

  return {
    dir,
    file,
    db,
    audited,
    write,
    cleanup: () => {
      db.close();
      cleanup();
    },
  };
}

/** Every sheet of an XLSX as rows of raw cells (numbers as numbers, dates as Dates). */
export function readXlsx(file: string): Record<string, unknown[][]> {
  const wb = XLSX.read(fs.readFileSync(file), { cellDates: true, dense: true });
  return Object.fromEntries(
    wb.SheetNames.map((name) => [
      name,
      XLSX.utils.sheet_to_json<unknown[]>(wb.Sheets[name]!, { header: 1, raw: true, defval: null }),
    ]),
  );
}

/** Every file of a zip, as text. */
export async function readZip(file: string): Promise<Map<string, string>> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) =>
    yauzl.open(file, { lazyEntries: true }, (err, z) => (err ? reject(err) : resolve(z))),
  );
  const out = new Map<string, string>();
  await new Promise<void>((resolve, reject) => {
    zip.on('entry', (entry: yauzl.Entry) => {
      zip.openReadStream(entry, (err, stream) => {
        if (err) return reject(err);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          out.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
          zip.readEntry();
        });
        stream.on('error', reject);
      });
    });
    zip.on('end', () => resolve());
    zip.on('error', reject);
    zip.readEntry();
  });
  zip.close();
  return out;
}

/** A CSV file's rows (header included), parsed by csv-parse as RFC 4180 with its BOM. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = parse(text, { bom: true, relax_column_count: false });
  return rows;
}

/** A text cell of an XLSX as a reader sees it: its type and number format ('@' is Text). */
export interface XlsxTextCell {
  value: string;
  type: string;
  format: string | undefined;
}

/**
 * What of an XLSX could run as a formula: the `<f>` elements in its worksheets' XML and the cells
 * SheetJS reads back with a formula; and every text cell, with its type and number format.
 */
export async function xlsxFormulaScan(file: string): Promise<{
  fElements: number;
  formulaCells: number;
  textCells: XlsxTextCell[];
}> {
  let fElements = 0;
  for (const [name, xml] of await readZip(file))
    if (/^xl\/worksheets\/.*\.xml$/.test(name)) fElements += (xml.match(/<f[\s>/]/g) ?? []).length;
  const wb = XLSX.read(fs.readFileSync(file), { cellFormula: true, cellNF: true, dense: true });
  let formulaCells = 0;
  const textCells: XlsxTextCell[] = [];
  for (const name of wb.SheetNames)
    for (const row of wb.Sheets[name]!['!data'] ?? [])
      for (const cell of row ?? []) {
        if (!cell) continue;
        if (cell.f !== undefined) formulaCells += 1;
        if (typeof cell.v === 'string')
          textCells.push({ value: cell.v, type: cell.t, format: cell.z as string });
      }
  return { fElements, formulaCells, textCells };
}
