/**
 * Makes a value safe to put in a spreadsheet cell (OWASP's CSV injection rule): text starting with
 * = + - @, a tab, CR or NUL (Excel skips the latter before a formula), or with their full-width
 * look-alikes (＝ ＋ － ＠, which some spreadsheets' IMEs take as the ASCII ones) would run as a
 * formula, e.g. =cmd|' /C calc'!A0, so it gets a leading apostrophe, which spreadsheets show as
 * text. Every export (reject files, CSV, XLSX) uses this; numbers are written as numbers, not text.
 */
export function neutraliseForExport(value: string): string {
  return /^[=+\-@\t\r\0\uFF1D\uFF0B\uFF0D\uFF20\uFE62\uFE63\uFE66\u2212]/.test(value) ? `'${value}` : value;
}
