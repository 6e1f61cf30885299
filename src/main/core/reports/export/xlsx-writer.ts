import fs from 'node:fs/promises';
import * as XLSX from 'xlsx';
import type { ExportSource } from './row-source';
import { progressTotal, sheetsFor, type AnySheet } from './sheets';
import { XlsxSheetCells } from './xlsx-cells';
import { checkAborted, yieldToLoop, YIELD_EVERY_ROWS, type ExportWriter } from './writers';

/**
 * XLSX through SheetJS (`xlsx`): sheets Calls, Turns, QA verdicts, Summary. The rows are read one at
 * a time straight into SheetJS's dense cell arrays (no second copy of the rows; repeated values share
 * a cell); SheetJS has no streaming XLSX writer, so the cells of the workbook are held until it is
 * written.
 */
export const xlsxWriter: ExportWriter = {
  extension: 'xlsx',
  mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  async write(source, outFile, progress, signal, options) {
    const total = progressTotal(source);
    let done = 0;
    const wb = XLSX.utils.book_new();
    for (const sheet of sheetsFor(options?.recordingNames)) {
      const ws = await buildSheet(sheet, source, signal, (n) => {
        done += n;
        progress({ done, total: total(done) });
      });
      XLSX.utils.book_append_sheet(wb, ws, sheet.name);
    }
    checkAborted(signal);
    progress({ done, total: total(done), note: 'compressing' });
    const bytes = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer;
    await fs.writeFile(outFile, bytes);
  },
};

async function buildSheet(
  sheet: AnySheet,
  source: ExportSource,
  signal: AbortSignal,
  count: (n: number) => void,
): Promise<XLSX.WorkSheet> {
  // SheetJS's dense layout: an array of rows of cells; an empty cell is a hole (undefined).
  const data: (XLSX.CellObject | undefined)[][] = [sheet.columns.map((c) => ({ t: 's', v: c.header }))];
  const cells = new XlsxSheetCells(sheet);
  let n = 0;
  for (const row of sheet.rows(source)) {
    data.push(cells.row(row));
    n += 1;
    if (n % YIELD_EVERY_ROWS === 0) {
      count(YIELD_EVERY_ROWS);
      checkAborted(signal);
      await yieldToLoop();
    }
  }
  count(n % YIELD_EVERY_ROWS);
  const ws: XLSX.WorkSheet = {
    '!data': data as XLSX.CellObject[][],
    '!ref': XLSX.utils.encode_range({ s: { r: 0, c: 0 }, e: { r: n, c: sheet.columns.length - 1 } }),
    '!cols': sheet.columns.map((c) => ({ wch: c.width ?? 12 })),
  };
  return ws;
}
