// Child process of the export benchmark: one measurement per process, so its peak RSS is that
// measurement's alone. Modes: ours-xlsx / ours-csv (the export as the job runs it: rows read from
// SQLite one at a time and written), ours-xlsx-1t (the same with every row read on the main thread,
// no worker), bare-xlsx / bare-csv (SheetJS writing the same cells, already
// in memory: the floor a writer built on it can reach).
import fs from 'node:fs';
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import * as XLSX from 'xlsx';
import {
  csvWriter,
  SHEETS,
  SqliteExportSource,
  XlsxSheetCells,
  xlsxWriter,
} from '../../src/main/core/reports';

const MODES = ['ours-xlsx', 'ours-xlsx-1t', 'ours-csv', 'bare-xlsx', 'bare-csv'] as const;
type Mode = (typeof MODES)[number];

/** The source as the export job opens it (rows read in a worker thread, see ExportSourceOptions). */
const open = (dbFile: string, campaignId: string, worker = true) =>
  new SqliteExportSource(
    new Database(dbFile, { readonly: true, fileMustExist: true }),
    { kind: 'campaign', campaignId },
    new Date(),
    worker ? { worker: {} } : {},
  );

async function ours(mode: Mode, dbFile: string, campaignId: string, out: string): Promise<number> {
  const source = open(dbFile, campaignId, mode !== 'ours-xlsx-1t');
  let rows = 0;
  try {
    await (mode === 'ours-csv' ? csvWriter : xlsxWriter).write(
      source,
      out,
      (p) => (rows = p.done),
      new AbortController().signal,
    );
    if (process.env.BENCH_DEBUG) process.stderr.write(`rows read on ${source.reading}\n`);
  } finally {
    source.close();
  }
  return rows;
}

/**
 * The bare floor, fair: every row read first (not timed) into the very cells ours writes (numbers,
 * times as date-formatted serials, text as is, repeated values sharing a cell), then only SheetJS
 * is timed: for XLSX its write of
 * those cells; for CSV its sheet_to_csv (times as ISO text, as ours) deflated like our zip's entries.
 */
function bare(
  mode: Mode,
  dbFile: string,
  campaignId: string,
  out: string,
): { rows: number; writeMs: number; writeCpuMs: number } {
  const source = open(dbFile, campaignId);
  let rows = 0;
  const sheets = SHEETS.map((sheet) => {
    const data: (XLSX.CellObject | undefined)[][] = [sheet.columns.map((c) => ({ t: 's', v: c.header }))];
    const cells = new XlsxSheetCells(sheet);
    for (const row of sheet.rows(source))
      data.push(
        mode === 'bare-xlsx'
          ? cells.row(row)
          : sheet.columns.map((c) => {
              const v = c.get(row);
              return v === null ? undefined : typeof v === 'number' ? { t: 'n', v } : { t: 's', v };
            }),
      );
    rows += data.length - 1;
    const ws: XLSX.WorkSheet = {
      '!data': data as XLSX.CellObject[][],
      '!ref': XLSX.utils.encode_range({
        s: { r: 0, c: 0 },
        e: { r: data.length - 1, c: sheet.columns.length - 1 },
      }),
      '!cols': sheet.columns.map((c) => ({ wch: c.width ?? 12 })),
    };
    return { name: sheet.name, ws };
  });
  source.close();
  const t = performance.now();
  const c = cpuMs();
  if (mode === 'bare-xlsx') {
    const wb = XLSX.utils.book_new();
    for (const s of sheets) XLSX.utils.book_append_sheet(wb, s.ws, s.name);
    fs.writeFileSync(out, XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer);
  } else {
    const fd = fs.openSync(out, 'w');
    for (const s of sheets) fs.writeSync(fd, zlib.deflateRawSync(XLSX.utils.sheet_to_csv(s.ws)));
    fs.closeSync(fd);
  }
  return { rows, writeMs: performance.now() - t, writeCpuMs: cpuMs() - c };
}

/** CPU time of the whole process (every thread), ms: on a shared machine it moves less than wall time. */
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

async function main(): Promise<void> {
  const [mode, dbFile, campaignId, out] = process.argv.slice(2) as [Mode, string, string, string];
  if (!MODES.includes(mode) || !dbFile || !campaignId || !out)
    throw new Error('usage: export-child MODE DB_FILE CAMPAIGN_ID OUT_FILE');
  const t = performance.now();
  const c = cpuMs();
  let rows: number;
  let ms: number;
  let cpu: number;
  if (mode.startsWith('ours')) {
    rows = await ours(mode, dbFile, campaignId, out);
    ms = performance.now() - t;
    cpu = cpuMs() - c;
  } else {
    const b = bare(mode, dbFile, campaignId, out);
    rows = b.rows;
    ms = b.writeMs;
    cpu = b.writeCpuMs;
  }
  const totalMs = performance.now() - t;
  process.stdout.write(
    JSON.stringify({
      mode,
      rows,
      ms,
      cpuMs: cpu,
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
