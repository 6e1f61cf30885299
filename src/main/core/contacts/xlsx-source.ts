import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { setImmediate as tick } from 'node:timers/promises';
import * as XLSX from 'xlsx';
import { ImportError } from './errors';
import { BATCH_ROWS, type SourceRow, type TabularSource } from './source';
import type { FileFormat } from './types';

/** SheetJS holds a whole workbook in memory (~10× its size): bigger files must come as CSV. */
export const MAX_SPREADSHEET_BYTES = 50 * 1024 * 1024;

/** A cell as the text a person sees, except whole numbers Excel shows in scientific notation. */
function cellText(c: XLSX.CellObject | undefined): string {
  if (!c) return '';
  if (c.t === 'n' && typeof c.v === 'number' && Number.isInteger(c.v) && (!c.w || /e[+-]/i.test(c.w)))
    return BigInt(c.v).toString();
  if (c.w !== undefined) return c.w;
  if (c.v === undefined || c.v === null) return '';
  return c.v instanceof Date ? c.v.toISOString() : String(c.v);
}

function pickSheet(wb: XLSX.WorkBook, wanted: string | undefined): string {
  const names = wb.SheetNames;
  if (names.length === 0) throw new ImportError('corrupt_spreadsheet', 'The workbook has no sheets.');
  if (wanted === undefined) return names[0]!;
  const byName = names.find((n) => n.toLowerCase() === wanted.toLowerCase());
  if (byName) return byName;
  const n = Number(wanted.replace(/^#/, ''));
  if (Number.isInteger(n) && n >= 1 && n <= names.length) return names[n - 1]!;
  throw new ImportError(
    'sheet_not_found',
    `No sheet named "${wanted}". This workbook has: ${names.map((s) => `"${s}"`).join(', ')}.`,
  );
}

function readWorkbook(buf: Buffer): XLSX.WorkBook {
  try {
    return XLSX.read(buf, { dense: true, cellFormula: false, cellHTML: false, cellStyles: false });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/password|encrypt/i.test(message))
      throw new ImportError(
        'password_protected',
        'This workbook is password-protected. Open it in Excel, remove the password (or save a copy as CSV), then import that.',
      );
    throw new ImportError(
      'corrupt_spreadsheet',
      `This spreadsheet is damaged or is not an Excel file, so it cannot be read (${message}).`,
    );
  }
}

/** Opens an XLSX/XLS/ODS workbook (in memory) and reads one sheet as rows. */
export async function openSpreadsheet(
  file: string,
  size: number,
  format: FileFormat,
  sheet: string | undefined,
): Promise<TabularSource> {
  if (size > MAX_SPREADSHEET_BYTES)
    throw new ImportError(
      'too_large',
      `This spreadsheet is ${(size / 1048576).toFixed(0)} MB; CallDeck opens spreadsheets up to ` +
        `${MAX_SPREADSHEET_BYTES / 1048576} MB. Save it as CSV (CSV files of any size are read in a stream).`,
    );
  const buf = await fs.promises.readFile(file);
  const sha256 = createHash('sha256').update(buf).digest('hex');
  const wb = readWorkbook(buf);
  const name = pickSheet(wb, sheet);
  const ws = wb.Sheets[name];
  const data: (XLSX.CellObject[] | undefined)[] = ws?.['!data'] ?? [];
  const start = ws?.['!ref'] ? XLSX.utils.decode_range(ws['!ref']).s : { r: 0, c: 0 };
  let done = 0;

  return {
    details: { format, sheet: name, sheets: [...wb.SheetNames] },
    totalBytes: size,
    bytesRead: () => (data.length === 0 ? size : Math.round((size * done) / data.length)),
    sha256: () => sha256,
    warnings: () => [],
    async *batches(): AsyncGenerator<SourceRow[]> {
      for (let r = start.r; r < data.length; r += BATCH_ROWS) {
        const batch: SourceRow[] = [];
        for (let i = r; i < Math.min(r + BATCH_ROWS, data.length); i++) {
          const cells = data[i] ?? [];
          const texts: string[] = [];
          for (let c = start.c; c < cells.length; c++) texts.push(cellText(cells[c]));
          batch.push({ row: i + 1, cells: texts });
        }
        done = Math.min(r + BATCH_ROWS, data.length);
        yield batch;
        // Lets progress events and a cancel through between batches.
        await tick();
      }
    },
  };
}
