import { neutraliseForExport } from '../../../../shared/export-safety';
import type { CellKind, CellValue } from './sheets';

/** A CSV text cell as written: formula-like text neutralised (OWASP), numbers left as numbers. */
export function safeText(value: string): string {
  return neutraliseForExport(value);
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF; quotes doubled. */
export function csvField(kind: CellKind, value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  // Times stay ISO 8601 UTC text: unambiguous in every locale (Excel would re-read a local date).
  const s = kind === 'time' ? value : safeText(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const CSV_EOL = '\r\n';
/** UTF-8 byte order mark: Excel reads the file as UTF-8 only with it (Indian-language names). */
export const UTF8_BOM = '\uFEFF';
