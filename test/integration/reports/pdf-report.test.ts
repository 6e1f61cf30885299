import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { pdfWriter } from '../../../src/main/core/reports/html/pdf-writer';
import { chromiumPrinter } from '../../../src/main/core/reports/pdf/chromium-printer';
import { PdfPrintError, type PdfPrinter } from '../../../src/main/core/reports/pdf/printer';
import { seedCampaignCalls, seedList } from '../../helpers/export-seed';
import { makeExportRig } from './export-rig';

// The PDF export in the headless host and the CLI: the HTML report printed by Debian's Chromium.

const rig = makeExportRig();
afterAll(() => rig.cleanup());
const listId = seedList(rig.db, 'PDF list');
seedCampaignCalls(rig.db, { campaignId: 'few', listId, calls: 3 });
seedCampaignCalls(rig.db, {
  campaignId: 'many',
  listId,
  calls: 60,
  startMs: Date.parse('2026-11-21T09:00:00Z'),
});

const exportPdf = async (campaignId: string, printer: () => PdfPrinter) =>
  (await rig.write(pdfWriter(printer), { kind: 'campaign', campaignId })).out;

const pageCount = async (file: string) => (await PDFDocument.load(fs.readFileSync(file))).getPageCount();
const leftovers = () =>
  fs.readdirSync(rig.dir).filter((f) => f.includes('.print.html') || f.includes('.part'));

describe('PDF export through Chromium', () => {
  it('prints the report to a PDF whose pages grow with the calls, leaving only the PDF', async () => {
    const few = await pageCount(await exportPdf('few', () => chromiumPrinter()));
    expect(few).toBeGreaterThan(0);
    expect(await pageCount(await exportPdf('many', () => chromiumPrinter()))).toBeGreaterThan(few);
    expect(leftovers()).toEqual([]);
  });

  it('says what to install when Chromium is missing, before writing anything', async () => {
    const before = fs.readdirSync(rig.dir).length;
    const err = await exportPdf('few', () =>
      chromiumPrinter({ env: { ...process.env, CHROME_PATH: '/nonexistent/chromium' } }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfPrintError);
    expect((err as Error).message).toMatch(
      /CHROME_PATH names \/nonexistent\/chromium.*apt-get install chromium/,
    );
    expect(fs.readdirSync(rig.dir).length).toBe(before);
    expect(path.isAbsolute(rig.dir)).toBe(true);
  });
});
