// Child process of the export benchmark: one measurement per process, so its peak RSS is that
// measurement's alone. Modes: ours-xlsx / ours-csv (the export as the job runs it: rows read from
// SQLite one at a time and written), bare-xlsx / bare-csv (SheetJS writing the same rows, already
// in memory as arrays: the floor a writer built on it can reach).
import fs from 'node:fs';
import Database from 'better-sqlite3';
import * as XLSX from 'xlsx';
import { csvWriter, SHEETS, SqliteExportSource, xlsxWriter } from '../../src/main/core/reports';

const MODES = ['ours-xlsx', 'ours-csv', 'bare-xlsx', 'bare-csv'] as const;
type Mode = (typeof MODES)[number];

const open = (dbFile: string, campaignId: string) =>
  new SqliteExportSource(new Database(dbFile, { readonly: true, fileMustExist: true }), {
    kind: 'campaign',
    campaignId,
  });

async function ours(mode: Mode, dbFile: string, campaignId: string, out: string): Promise<number> {
  const source = open(dbFile, campaignId);
  let rows = 0;
  try {
    await (mode === 'ours-xlsx' ? xlsxWriter : csvWriter).write(
      source,
      out,
      (p) => (rows = p.done),
      new AbortController().signal,
    );
  } finally {
    source.close();
  }
  return rows;
}

/** The same cells as ours (values only), every row in memory first, then SheetJS's own write. */
function bare(
  mode: Mode,
  dbFile: string,
  campaignId: string,
  out: string,
): { rows: number; writeMs: number } {
  const source = open(dbFile, campaignId);
  const wb = XLSX.utils.book_new();
  let rows = 0;
  const sheets = SHEETS.map((sheet) => {
    const aoa: (string | number | null)[][] = [sheet.columns.map((c) => c.header)];
    for (const row of sheet.rows(source)) aoa.push(sheet.columns.map((c) => c.get(row)));
    rows += aoa.length - 1;
    return { name: sheet.name, aoa };
  });
  source.close();
  const t = performance.now();
  if (mode === 'bare-xlsx') {
    for (const s of sheets)
      XLSX.utils.book_append_sheet(wb, XLSX.utils.aoa_to_sheet(s.aoa, { dense: true }), s.name);
    fs.writeFileSync(out, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer);
  } else {
    // SheetJS's CSV writer, one sheet at a time (as our zip holds one CSV per sheet).
    const fd = fs.openSync(out, 'w');
    for (const s of sheets)
      fs.writeSync(fd, XLSX.utils.sheet_to_csv(XLSX.utils.aoa_to_sheet(s.aoa, { dense: true })));
    fs.closeSync(fd);
  }
  return { rows, writeMs: performance.now() - t };
}

async function main(): Promise<void> {
  const [mode, dbFile, campaignId, out] = process.argv.slice(2) as [Mode, string, string, string];
  if (!MODES.includes(mode) || !dbFile || !campaignId || !out)
    throw new Error('usage: export-child MODE DB_FILE CAMPAIGN_ID OUT_FILE');
  const t = performance.now();
  let rows: number;
  let ms: number;
  if (mode.startsWith('ours')) {
    rows = await ours(mode, dbFile, campaignId, out);
    ms = performance.now() - t;
  } else {
    const b = bare(mode, dbFile, campaignId, out);
    rows = b.rows;
    ms = b.writeMs;
  }
  const totalMs = performance.now() - t;
  process.stdout.write(
    JSON.stringify({
      mode,
      rows,
      ms,
      totalMs,
      bytes: fs.statSync(out).size,
      maxRssKb: process.resourceUsage().maxRSS,
    }) + '\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(String(err instanceof Error ? err.stack : err) + '\n');
  process.exit(1);
});
