import fs from 'node:fs';
import { once } from 'node:events';
import { neutraliseForExport } from './export-safety';

/** One CSV field: neutralised against formulas, quoted when needed. */
export function csvField(value: string): string {
  const safe = neutraliseForExport(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export const csvLine = (cells: readonly string[]): string => cells.map(csvField).join(',') + '\r\n';

/**
 * Writes rows as CSV (UTF-8 with BOM so Excel shows non-English text), with backpressure, to a
 * temporary name first so a half-written file is never left under the final name.
 */
export async function writeCsv(
  file: string,
  header: readonly string[],
  rows: Iterable<readonly string[]>,
): Promise<number> {
  const tmp = `${file}.part`;
  const out = fs.createWriteStream(tmp);
  let count = 0;
  try {
    out.write('\ufeff' + csvLine(header));
    for (const row of rows) {
      count += 1;
      if (!out.write(csvLine(row))) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
    await fs.promises.rename(tmp, file);
    return count;
  } catch (err) {
    out.destroy();
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
}
