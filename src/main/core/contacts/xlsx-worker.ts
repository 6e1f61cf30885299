import type { createHash as CreateHash } from 'node:crypto';
import type { readFileSync as ReadFileSync } from 'node:fs';
import type { MessagePort } from 'node:worker_threads';
import type * as XLSX from 'xlsx';
import type { ImportErrorCode } from './errors';
import type { SourceRow } from './source';

/** What the worker needs to read one sheet. */
export interface XlsxJob {
  /** Absolute path of the xlsx package's entry, so the worker finds it from any working directory. */
  xlsxPath: string;
  file: string;
  sheet: string | undefined;
  batchRows: number;
}

/** Main thread → worker: send this many more batches. */
export interface XlsxCredit {
  credit: number;
}

/** Worker → main thread. */
export type XlsxMessage =
  | { type: 'opened'; sheet: string; sheets: string[]; sha256: string; rows: number }
  | { type: 'rows'; rows: SourceRow[]; done: number }
  | { type: 'end' }
  | { type: 'error'; code: ImportErrorCode; message: string };

interface WorkerLibs {
  xlsx: typeof XLSX;
  readFileSync: typeof ReadFileSync;
  createHash: typeof CreateHash;
}

/**
 * The worker's whole program: reads and parses the workbook (the seconds-long, synchronous part),
 * then sends the sheet's rows as text in batches, only as many as the main thread asked for, so
 * rows never pile up in memory. It runs from its source text (see xlsx-read.ts), so it must stay
 * self-contained: it uses only its parameters and JavaScript built-ins, never an import.
 */
export function xlsxWorkerMain(libs: WorkerLibs, port: MessagePort, job: XlsxJob): void {
  const { xlsx } = libs;
  const send = (m: XlsxMessage) => port.postMessage(m);
  // The main thread stops the worker once it has read 'end' or 'error'.
  const fail = (code: ImportErrorCode, message: string) => send({ type: 'error', code, message });

  /** A cell as the text a person sees, except whole numbers Excel shows in scientific notation. */
  const cellText = (c: XLSX.CellObject | undefined): string => {
    if (!c) return '';
    if (c.t === 'n' && typeof c.v === 'number' && Number.isInteger(c.v) && (!c.w || /e[+-]/i.test(c.w)))
      return BigInt(c.v).toString();
    if (c.w !== undefined) return c.w;
    if (c.v === undefined || c.v === null) return '';
    return c.v instanceof Date ? c.v.toISOString() : String(c.v);
  };

  let buf: Buffer;
  try {
    buf = libs.readFileSync(job.file);
  } catch (err) {
    return fail('unreadable', `Could not read the file: ${err instanceof Error ? err.message : String(err)}`);
  }
  const sha256 = libs.createHash('sha256').update(buf).digest('hex');
  let wb: XLSX.WorkBook;
  try {
    wb = xlsx.read(buf, { dense: true, cellFormula: false, cellHTML: false, cellStyles: false });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    if (/password|encrypt/i.test(message))
      return fail(
        'password_protected',
        'This workbook is password-protected. Open it in Excel, remove the password (or save a copy as CSV), then import that.',
      );
    return fail(
      'corrupt_spreadsheet',
      `This spreadsheet is damaged or is not an Excel file, so it cannot be read (${message}).`,
    );
  }
  const names = wb.SheetNames;
  if (names.length === 0) return fail('corrupt_spreadsheet', 'The workbook has no sheets.');
  let name = names[0]!;
  if (job.sheet !== undefined) {
    const wanted = job.sheet;
    const n = Number(wanted.replace(/^#/, ''));
    const found =
      names.find((s) => s.toLowerCase() === wanted.toLowerCase()) ??
      (Number.isInteger(n) && n >= 1 && n <= names.length ? names[n - 1] : undefined);
    if (found === undefined)
      return fail(
        'sheet_not_found',
        `No sheet named "${wanted}". This workbook has: ${names.map((s) => `"${s}"`).join(', ')}.`,
      );
    name = found;
  }
  const ws = wb.Sheets[name];
  const data: (XLSX.CellObject[] | undefined)[] = ws?.['!data'] ?? [];
  const start = ws?.['!ref'] ? xlsx.utils.decode_range(ws['!ref']).s : { r: 0, c: 0 };
  send({ type: 'opened', sheet: name, sheets: [...names], sha256, rows: data.length });

  let next = start.r;
  let credit = 0;
  const pump = () => {
    while (credit > 0 && next < data.length) {
      const end = Math.min(next + job.batchRows, data.length);
      const rows: SourceRow[] = [];
      for (let i = next; i < end; i++) {
        const cells = data[i] ?? [];
        const texts: string[] = [];
        let numbers: Record<number, number> | undefined;
        for (let c = start.c; c < cells.length; c++) {
          const cell = cells[c];
          texts.push(cellText(cell));
          if (cell?.t === 'n' && typeof cell.v === 'number' && !(Number.isInteger(cell.v) && cell.v >= 0))
            (numbers ??= {})[c - start.c] = cell.v;
        }
        rows.push(numbers ? { row: i + 1, cells: texts, numbers } : { row: i + 1, cells: texts });
      }
      next = end;
      credit--;
      send({ type: 'rows', rows, done: end });
    }
    if (next >= data.length) send({ type: 'end' });
  };
  port.on('message', (m: XlsxCredit) => {
    credit += m.credit;
    pump();
  });
}
