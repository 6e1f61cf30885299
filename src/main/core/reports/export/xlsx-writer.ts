import fs from 'node:fs/promises';
import * as XLSX from 'xlsx';
import { looksLikeFormula } from '../../../../shared/export-safety';
import type { ExportSource } from './row-source';
import { SHEETS, totalRows, type AnySheet, type CellKind, type CellValue } from './sheets';
import { checkAborted, yieldToLoop, YIELD_EVERY_ROWS, type ExportWriter } from './writers';

const DAY_MS = 86_400_000;
/** Days from Excel's 1900 epoch to the Unix epoch. */
const EXCEL_UNIX_EPOCH_DAYS = 25_569;
export const XLSX_DATE_FORMAT = 'yyyy-mm-dd hh:mm:ss';
/** Excel's built-in Text format (numFmtId 49). */
const TEXT_FORMAT = '@';

/**
 * A cell as SheetJS writes it: numbers as numbers, times as dates (UTC), text exactly as stored.
 * A text cell is a typed string (`t="str"` with its value in `<v>`, never an `<f>`): Excel and
 * LibreOffice show it and never evaluate it, so it needs no apostrophe (that is CSV's defence,
 * where every field is read as typed input, and in an XLSX it would show: '+91…). Formula-like text
 * also gets the Text format, so someone editing the cell (F2, Enter) keeps it text, not a formula.
 */
export function xlsxCell(kind: CellKind, value: CellValue): XLSX.CellObject | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? { t: 'n', v: value } : undefined;
  if (kind === 'time') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return { t: 'n', v: ms / DAY_MS + EXCEL_UNIX_EPOCH_DAYS, z: XLSX_DATE_FORMAT };
  }
  return looksLikeFormula(value) ? { t: 's', v: value, z: TEXT_FORMAT } : { t: 's', v: value };
}

/**
 * XLSX through SheetJS (`xlsx`): sheets Calls, Turns, QA verdicts, Summary. The rows are read one at
 * a time straight into SheetJS's dense cell arrays (no second copy of the rows); SheetJS has no
 * streaming XLSX writer, so the cells of the workbook are held until it is written.
 */
export const xlsxWriter: ExportWriter = {
  extension: 'xlsx',
  mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  async write(source, outFile, progress, signal) {
    const total = totalRows(source);
    let done = 0;
    const wb = XLSX.utils.book_new();
    for (const sheet of SHEETS) {
      const ws = await buildSheet(sheet, source, signal, (n) => {
        done += n;
        progress({ done, total });
      });
      XLSX.utils.book_append_sheet(wb, ws, sheet.name);
    }
    checkAborted(signal);
    progress({ done, total, note: 'compressing' });
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
  let n = 0;
  for (const row of sheet.rows(source)) {
    data.push(sheet.columns.map((c) => xlsxCell(c.kind, c.get(row))));
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
