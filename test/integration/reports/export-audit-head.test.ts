import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_TOOL, openDatabase, type Core } from '../../../src/main/core';
import { chromiumPrinter } from '../../../src/main/core/reports/pdf/chromium-printer';
import type { PdfPrinter } from '../../../src/main/core/reports/pdf/printer';
import { FileSecretStore } from '../../../src/main/server';
import type { JobInfo } from '../../../src/shared/jobs';
import type { ExportFormat, ExportResult } from '../../../src/shared/reports';
import { ok, untilAsync } from '../../helpers/api-wait';
import { runCliInProcess } from '../../helpers/cli-in-process';
import { makeTestCore } from '../../helpers/core';
import { seedCampaignCalls, seedList } from '../../helpers/export-seed';
import { makeTempDir } from '../../helpers/temp-dir';
import { parseCsv, readXlsx, readZip } from './export-rig';

// Issue 8: the audit chain's head is anchored in every export, not only in audit bundles. Each
// format is read back with a real reader and its head found in the chain `calldeck audit verify` walks.

const tmp = makeTempDir('calldeck-export-head-');
const data = path.join(tmp.dir, 'data');
/** The HTML documents the PDF printer was given (the PDF is this HTML, printed by Chromium). */
const printed: string[] = [];
const printer: PdfPrinter = {
  name: 'watched chromium',
  check: () => chromiumPrinter().check?.(),
  print: async (job) => {
    printed.push(fs.readFileSync(job.htmlFile, 'utf8'));
    await chromiumPrinter().print(job);
  },
};
let core: Core;
let stop: () => Promise<void>;
beforeAll(async () => {
  fs.mkdirSync(data);
  ({ core, cleanup: stop } = await makeTestCore({
    dataDir: data,
    profile: DATA_TOOL,
    secrets: new FileSecretStore(path.join(data, 'secrets.json')),
    pdfPrinter: printer,
  }));
  const db = openDatabase(core.info.databasePath);
  seedCampaignCalls(db, { campaignId: 'c1', listId: seedList(db, 'March'), calls: 6 });
  db.close();
});
afterAll(async () => {
  await stop();
  tmp.cleanup();
});

async function exportFile(format: ExportFormat): Promise<{ file: string; result: ExportResult }> {
  const { jobId } = ok<{ jobId: string }>(
    await core.invoke('reports.export', { scope: { kind: 'campaign', campaignId: 'c1' }, format }),
  );
  const job = await untilAsync(async () => {
    const j = ok<JobInfo>(await core.invoke('jobs.get', { jobId }));
    return j.state === 'running' ? undefined : j;
  }, 60_000);
  expect(job.state, JSON.stringify(job.error)).toBe('succeeded');
  const result = job.result as ExportResult;
  return { file: path.join(data, 'exports', `${jobId}-${result.name}`), result };
}

/** `calldeck audit verify --json`, in-process, on the data folder. */
async function verifyJson(): Promise<{ ok: boolean; rows: number; headHash: string }> {
  const { stdout } = await runCliInProcess(['audit', 'verify', '--data', data, '--json']);
  return JSON.parse(stdout) as { ok: boolean; rows: number; headHash: string };
}

/** The hash of row `seq` of the chain, as stored. */
function rowHash(seq: number): string {
  const db = openDatabase(core.info.databasePath);
  try {
    return db.prepare('SELECT hash FROM audit_log WHERE seq = ?').pluck().get(seq) as string;
  } finally {
    db.close();
  }
}

/** Each export's audit head: the summary's four audit lines, by metric. */
type Head = Record<string, unknown>;
const heads: { format: string; head: Head }[] = [];
const fromLines = (lines: unknown[][]): Head =>
  Object.fromEntries(
    lines
      .filter((l) => String(l[0]).startsWith('Audit '))
      .map((l): [string, unknown] => [String(l[0]), l[1]]),
  );

describe('every export carries the audit log head', () => {
  it('XLSX: the Summary sheet', async () => {
    const { file } = await exportFile('xlsx');
    heads.push({ format: 'xlsx', head: fromLines(readXlsx(file).Summary!) });
  });

  it('CSV: summary.csv', async () => {
    const { file } = await exportFile('csv');
    heads.push({ format: 'csv', head: fromLines(parseCsv((await readZip(file)).get('summary.csv')!)) });
  });

  it('HTML: an Audit log block in the summary', async () => {
    const { file } = await exportFile('html');
    const html = fs.readFileSync(file, 'utf8');
    const block = /<section id="audit-head" data-verified="true"><h3>Audit log<\/h3>[\s\S]*?<\/section>/.exec(
      html,
    );
    expect(block).not.toBeNull();
    const dd = [...block![0].matchAll(/<dd data-metric="([^"]+)">([^<]*)<\/dd>/g)].map((m) => [m[1], m[2]]);
    heads.push({ format: 'html', head: fromLines(dd) });
  });

  it('PDF: the printed report holds the same block', async () => {
    const { file } = await exportFile('pdf');
    expect((await PDFDocument.load(fs.readFileSync(file))).getPageCount()).toBeGreaterThan(0);
    const first = printed[0] ?? '';
    const block = /<section id="audit-head"[\s\S]*?<\/section>/.exec(first);
    expect(block).not.toBeNull();
    const dd = [...block![0].matchAll(/<dd data-metric="([^"]+)">([^<]*)<\/dd>/g)].map((m) => [m[1], m[2]]);
    heads.push({ format: 'pdf', head: fromLines(dd) });
  });

  it('each head is a row of the chain `calldeck audit verify` checks, with that row’s hash', async () => {
    expect(heads.map((h) => h.format)).toEqual(['xlsx', 'csv', 'html', 'pdf']);
    const verified = await verifyJson();
    expect(verified.ok).toBe(true);
    let previous = 0;
    for (const { format, head } of heads) {
      const rows = Number(head['Audit log rows (anchored head)']);
      // Each export's own start row is in its head; the exports before it (start and end) too.
      expect(rows, format).toBeGreaterThan(previous);
      expect(rows, format).toBeLessThanOrEqual(verified.rows);
      expect(head['Audit log head hash'], format).toBe(rowHash(rows));
      expect(String(head['Audit head anchored (UTC)']), format).toMatch(/^\d{4}-\d\d-\d\dT/);
      expect(head['Audit chain verified at export'], format).toBe('yes');
      previous = rows;
    }
    // Verify's own head is the stored row read the same way: the heads above are links of the chain it walked.
    expect(rowHash(verified.rows)).toBe(verified.headHash);
  });

  it('an export written over a rewritten row says the chain did not verify, naming the row', async () => {
    const db = openDatabase(core.info.databasePath);
    db.prepare(`UPDATE audit_log SET payload = '{"edited":true}' WHERE seq = 2`).run();
    db.close();
    const { file } = await exportFile('xlsx');
    const head = fromLines(readXlsx(file).Summary!);
    expect(String(head['Audit chain verified at export'])).toMatch(/^no: row 2: /);
  });
});
