import { FORMULA_START, neutraliseForExport } from '../../../../shared/export-safety';
import { rounded, type CellKind, type CellValue, type Column, type Rounding } from './sheets';

/** A CSV text cell as written: formula-like text neutralised (OWASP), numbers left as numbers. */
export function safeText(value: string): string {
  return neutraliseForExport(value);
}

/**
 * Text that needs work as a CSV field: formula-like (neutralised) or holding a comma, a quote, CR or
 * LF (quoted). One test of this decides most cells, which are plain and written as they are.
 */
const SPECIAL_TEXT = new RegExp(`${FORMULA_START.source}|[",\\r\\n]`);

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(kind: CellKind, value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // Times stay ISO 8601 UTC text: unambiguous in every locale (Excel would re-read a local date).
  if (kind !== 'time' && !SPECIAL_TEXT.test(value)) return value;
  const s = kind === 'time' ? value : safeText(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * A sheet's row as one CSV line (fields, commas, CRLF), built by concatenation: no array of fields
 * per row to allocate and join (the CSV export writes hundreds of thousands of them).
 */
export function csvLine<R>(columns: readonly Column<R>[]): (row: R) => string {
  const n = columns.length;
  return (row) => {
    let line = '';
    for (let i = 0; i < n; i++) {
      if (i > 0) line += ',';
      const c = columns[i]!;
      const v = c.get(row);
      line += csvField(
        c.kind,
        (c.rounding ?? c.roundingOf) !== undefined && typeof v === 'number' ? roundFor(c, row, v) : v,
      );
    }
    return line + CSV_EOL;
  };
}

/** A number as a person reads it in the CSV (see Rounding). */
function roundFor<R>(c: Column<R>, row: R, v: number): number {
  const r: Rounding | undefined = c.rounding ?? c.roundingOf?.(row);
  return r === undefined ? v : rounded(v, r);
}

export const CSV_EOL = '\r\n';
/** UTF-8 byte order mark: Excel reads the file as UTF-8 only with it (Indian-language names). */
export const UTF8_BOM = '\uFEFF';
