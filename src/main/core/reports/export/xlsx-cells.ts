import type * as XLSX from 'xlsx';
import { looksLikeFormula } from '../../../../shared/export-safety';
import { ROUNDINGS, type AnySheet, type CellKind, type CellValue, type Rounding } from './sheets';

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
export function xlsxCell(kind: CellKind, value: CellValue, rounding?: Rounding): XLSX.CellObject | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    // The exact value, shown rounded (362.48143100000743 ms reads 362): a sum still adds the exact ones.
    return rounding === undefined || Number.isInteger(value)
      ? { t: 'n', v: value }
      : { t: 'n', v: value, z: ROUNDINGS[rounding].xlsxFormat };
  }
  if (kind === 'time') {
    const ms = Date.parse(value);
    if (!Number.isNaN(ms)) return { t: 'n', v: ms / DAY_MS + EXCEL_UNIX_EPOCH_DAYS, z: XLSX_DATE_FORMAT };
  }
  return looksLikeFormula(value) ? { t: 's', v: value, z: TEXT_FORMAT } : { t: 's', v: value };
}

/** Values a column looks at before it decides whether they repeat enough to share cells. */
const SAMPLE_VALUES = 1000;
/** Distinct values one column shares at most (states, names, durations are far fewer). */
const MAX_SHARED = 5000;

/**
 * One column's cells, with one cell object per repeated value (a state, a campaign's name, a
 * duration): SheetJS only reads cells, and a 100,000-call workbook held as millions of identical
 * objects costs memory and garbage-collection time until it is written. A column whose values are
 * mostly distinct (ids, times) stops sharing after its first values.
 */
class ColumnCells {
  private shared: Map<string | number, XLSX.CellObject> | null;
  private seen = 0;

  /** A rounding of each row's own shares no cells: the same value may read two ways. */
  constructor(
    private readonly kind: CellKind,
    private readonly column: Pick<AnySheet['columns'][number], 'rounding' | 'roundingOf'>,
  ) {
    this.shared = kind === 'time' || column.roundingOf ? null : new Map();
  }

  cell(value: CellValue, row: unknown): XLSX.CellObject | undefined {
    const r = this.column.rounding ?? this.column.roundingOf?.(row);
    if (value === null || this.shared === null) return xlsxCell(this.kind, value, r);
    const known = this.shared.get(value);
    if (known) return known;
    const made = xlsxCell(this.kind, value, r);
    if (made && this.shared.size < MAX_SHARED) this.shared.set(value, made);
    if (++this.seen === SAMPLE_VALUES && this.shared.size > SAMPLE_VALUES / 2) this.shared = null;
    return made;
  }
}

/** A sheet's rows as SheetJS cells (see `xlsxCell`), repeated values sharing one cell each. */
export class XlsxSheetCells {
  private readonly columns: { cells: ColumnCells; get: (row: unknown) => CellValue }[];

  constructor(sheet: AnySheet) {
    this.columns = sheet.columns.map((c) => ({
      cells: new ColumnCells(c.kind, c),
      get: (row) => c.get(row),
    }));
  }

  row(row: unknown): (XLSX.CellObject | undefined)[] {
    return this.columns.map((c) => c.cells.cell(c.get(row), row));
  }
}
