/**
 * Makes a value safe to put in a spreadsheet cell: text starting with = + - @ (or a tab/CR that
 * Excel skips before them) would run as a formula (CSV injection, e.g. =cmd|' /C calc'!A0), so it
 * gets a leading apostrophe, which spreadsheets show as plain text. Every export uses this.
 */
export function neutraliseForExport(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
