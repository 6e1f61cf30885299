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

/** Past the 1,000 calls the PDF once detailed, and enough for several printed parts. */
const ALL_CALLS = 2_400;

const rig = makeExportRig();
afterAll(() => rig.cleanup());
const listId = seedList(rig.db, 'PDF list');
seedCampaignCalls(rig.db, { campaignId: 'few', listId, calls: 3 });
const allIds = seedCampaignCalls(rig.db, {
  campaignId: 'all',
  listId,
  calls: ALL_CALLS,
  startMs: Date.parse('2026-11-22T09:00:00Z'),
});
seedCampaignCalls(rig.db, {
  campaignId: 'many',
  listId,
  calls: 60,
  startMs: Date.parse('2026-11-21T09:00:00Z'),
});

const exportPdf = async (campaignId: string, printer: () => PdfPrinter) =>
  (await rig.write(pdfWriter(printer), { kind: 'campaign', campaignId })).out;

const pageCount = async (file: string) => (await PDFDocument.load(fs.readFileSync(file))).getPageCount();
const leftovers = () => fs.readdirSync(rig.dir).filter((f) => f.includes('.print'));

/** Chromium, recording each document it was asked to print: the call sections in it, its pages. */
function watchedChromium() {
  const inner = chromiumPrinter();
  const parts: { sections: string[]; pages: number }[] = [];
  const printer: PdfPrinter = {
    name: 'watched chromium',
    check: () => inner.check?.(),
    print: async (job) => {
      const html = fs.readFileSync(job.htmlFile, 'utf8');
      const sections = [...html.matchAll(/<section class="call" id="[^"]*" data-attempt="([^"]+)">/g)].map(
        (m) => m[1]!,
      );
      await inner.print(job);
      parts.push({ sections, pages: await pageCount(job.pdfFile) });
    },
  };
  return { printer, parts };
}

describe('PDF export through Chromium', () => {
  it('prints the report to a PDF whose pages grow with the calls, leaving only the PDF', async () => {
    const few = await pageCount(await exportPdf('few', () => chromiumPrinter()));
    expect(few).toBeGreaterThan(0);
    expect(await pageCount(await exportPdf('many', () => chromiumPrinter()))).toBeGreaterThan(few);
    expect(leftovers()).toEqual([]);
  });

  it(`details every one of ${ALL_CALLS} calls, printed in bounded parts whose pages are all joined`, async () => {
    const { printer, parts } = watchedChromium();
    const started = Date.now();
    const out = await exportPdf('all', () => printer);
    // Every call has its own section, once, in the export's order; the last call's is printed last.
    const printed = parts.flatMap((p) => p.sections);
    expect(allIds).toHaveLength(ALL_CALLS);
    expect(printed).toEqual(allIds);
    // Bounded parts: none holds more than the budget's 500 sections (10 weight each, or more).
    expect(parts.length).toBeGreaterThanOrEqual(5);
    for (const p of parts) expect(p.sections.length).toBeLessThanOrEqual(500);
    // The one PDF holds every part's pages, in order.
    const pages = parts.reduce((n, p) => n + p.pages, 0);
    expect(await pageCount(out)).toBe(pages);
    expect(pages).toBeGreaterThan(ALL_CALLS / 2);
    expect(leftovers()).toEqual([]);
    expect(Date.now() - started).toBeLessThan(240_000);
  }, 300_000);

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
