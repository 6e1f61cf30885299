import fs from 'node:fs';
import path from 'node:path';
import { openCsv } from './csv-source';
import { ImportError } from './errors';
import type { TabularSource } from './source';
import type { FileFormat } from './types';
import { openSpreadsheet } from './xlsx-source';

const ZIP = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
const CFB = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
const WORKBOOK_EXTENSIONS = new Set(['.xlsx', '.xlsm', '.xlsb', '.ods']);
const HEAD_BYTES = 64 * 1024;

async function readHead(file: string): Promise<{ size: number; head: Buffer }> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : String(code);
    throw new ImportError('unreadable', `Cannot open ${file}: ${why}.`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new ImportError('unreadable', `${file} is not a file.`);
    const head = Buffer.alloc(Math.min(HEAD_BYTES, st.size));
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    return { size: st.size, head: head.subarray(0, bytesRead) };
  } finally {
    await handle.close();
  }
}

/**
 * Opens a contact file by what its bytes are, not only by its name. The caller must close() it;
 * `signal` stops a spreadsheet's parse part-way.
 */
export async function openSource(file: string, sheet?: string, signal?: AbortSignal): Promise<TabularSource> {
  const { size, head } = await readHead(file);
  if (size === 0) throw new ImportError('empty_file', 'The file is empty (0 bytes).');
  const ext = path.extname(file).toLowerCase();
  if (head.subarray(0, 4).equals(ZIP)) {
    const format: FileFormat = ext === '.ods' ? 'ods' : 'xlsx';
    return openSpreadsheet(file, size, format, sheet, signal);
  }
  if (head.subarray(0, 8).equals(CFB)) return openSpreadsheet(file, size, 'xls', sheet, signal);
  if (WORKBOOK_EXTENSIONS.has(ext))
    throw new ImportError(
      'corrupt_spreadsheet',
      `This ${ext} file is not a valid workbook: it is damaged, or another kind of file was renamed.`,
    );
  // Old CRMs export HTML or XML tables named .xls; SheetJS reads those.
  if (ext === '.xls' && /^\s*</.test(head.subarray(0, 512).toString('latin1')))
    return openSpreadsheet(file, size, 'xls', sheet, signal);
  return openCsv(file, size, head);
}
