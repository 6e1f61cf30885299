import { setImmediate as tick } from 'node:timers/promises';
import { ImportError } from './errors';
import { BATCH_ROWS, type SourceRow, type TabularSource } from './source';
import type { FileFormat } from './types';
import { openXlsxSheet } from './xlsx-read';

/** SheetJS holds a whole workbook in memory (~10× its size): bigger files must come as CSV. */
export const MAX_SPREADSHEET_BYTES = 50 * 1024 * 1024;

/** Opens an XLSX/XLS/ODS workbook (parsed in a worker thread) and reads one sheet as rows. */
export async function openSpreadsheet(
  file: string,
  size: number,
  format: FileFormat,
  sheet: string | undefined,
  signal?: AbortSignal,
): Promise<TabularSource> {
  if (size > MAX_SPREADSHEET_BYTES)
    throw new ImportError(
      'too_large',
      `This spreadsheet is ${(size / 1048576).toFixed(0)} MB; CallDeck opens spreadsheets up to ` +
        `${MAX_SPREADSHEET_BYTES / 1048576} MB. Save it as CSV (CSV files of any size are read in a stream).`,
    );
  const reader = await openXlsxSheet(file, sheet, BATCH_ROWS, signal);
  const { info } = reader;
  let done = 0;

  return {
    details: { format, sheet: info.sheet, sheets: info.sheets },
    totalBytes: size,
    bytesRead: () => (info.rows === 0 ? size : Math.round((size * done) / info.rows)),
    sha256: () => info.sha256,
    warnings: () => [],
    close: () => reader.close(),
    async *batches(): AsyncGenerator<SourceRow[]> {
      for await (const batch of reader.batches()) {
        done = batch.done;
        yield batch.rows;
        // Lets progress events and a cancel through between batches.
        await tick();
      }
    },
  };
}
