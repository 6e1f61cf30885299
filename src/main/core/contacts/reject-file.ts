import fs from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { ImportError } from './errors';
import { neutraliseForExport } from '../../../shared/export-safety';

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

/**
 * Proves `file` can be written as writeCsv will (its `.part` sibling created, then removed), so a
 * command that imports and then writes a reject file can refuse before it changes anything.
 */
export async function checkWritable(file: string, what: string): Promise<void> {
  const refuse = (why: string) =>
    new ImportError('unwritable', `Cannot write the ${what} ${file}: ${why}. Nothing was imported.`);
  const dir = path.dirname(file);
  const target = await fs.promises.stat(file).catch(() => undefined);
  if (target?.isDirectory()) throw refuse('it is a folder');
  const folder = await fs.promises.stat(dir).catch(() => undefined);
  if (!folder) throw refuse(`the folder ${dir} does not exist`);
  if (!folder.isDirectory()) throw refuse(`${dir} is not a folder`);
  const probe = `${file}.part`;
  try {
    const handle = await fs.promises.open(probe, 'wx');
    await handle.close();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return; // a leftover of an earlier run; writeCsv replaces it
    throw refuse(code === 'EACCES' || code === 'EPERM' ? 'permission denied' : String(code));
  }
  await fs.promises.rm(probe, { force: true });
  if (target)
    await fs.promises.access(file, fs.constants.W_OK).catch(() => {
      throw refuse('the file exists and is read-only');
    });
}
