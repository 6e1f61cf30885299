/**
 * Text a spreadsheet would run as a formula if it read it as typed input (OWASP's CSV injection
 * rule): text starting with = + - @, a tab, CR or NUL (Excel skips the latter before a formula),
 * or with their full-width look-alikes (＝ ＋ － ＠, which some spreadsheets' IMEs take as the
 * ASCII ones), e.g. =cmd|' /C calc'!A0.
 */
export function looksLikeFormula(value: string): boolean {
  return FORMULA_START.test(value);
}

/** The first characters of formula-like text (see looksLikeFormula). */
export const FORMULA_START = /^[=+\-@\t\r\0\uFF1D\uFF0B\uFF0D\uFF20\uFE62\uFE63\uFE66\u2212]/;

/**
 * Makes a value safe to put in a CSV cell: formula-like text gets a leading apostrophe, which
 * spreadsheets show as text. Every CSV export (reject files, the CSV export) uses this; numbers are
 * written as numbers. An XLSX needs no prefix: its text cells are typed strings, never formulas
 * (see the reports' xlsx-writer).
 */
export function neutraliseForExport(value: string): string {
  return looksLikeFormula(value) ? `'${value}` : value;
}
