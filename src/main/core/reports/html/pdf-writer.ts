import fs from 'node:fs';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { totalRows } from '../export/sheets';
import { checkAborted, type ExportWriter } from '../export/writers';
import type { PdfPrinter } from '../pdf/printer';
import { writeHtmlReport } from './html-writer';

/**
 * Weight of one printed part (report-out.ts: a table row 1, a call's section 10 plus its lines):
 * about 500 calls' sections, ~375 pages and ~12 s of Chromium here. A printer holds its whole
 * document, so the report is printed part by part and every call keeps its own section.
 */
export const PDF_PART_BUDGET = 5000;

/** A part's print: two minutes, plus 20 ms per unit of weight. */
const printTimeoutMs = (budget: number) => 120_000 + 20 * budget;

/** Joins the parts' pages in order into one PDF (one part's document is loaded at a time). */
async function joinPdfs(parts: readonly string[], outFile: string, title: string): Promise<void> {
  const joined = await PDFDocument.create({ updateMetadata: false });
  for (const part of parts) {
    const doc = await PDFDocument.load(await fs.promises.readFile(part));
    for (const page of await joined.copyPages(doc, doc.getPageIndices())) joined.addPage(page);
  }
  joined.setTitle(title);
  joined.setProducer('CallDeck');
  joined.setCreator('CallDeck');
  await fs.promises.writeFile(outFile, await joined.save());
}

/**
 * PDF: the HTML report (recordings listed, not played: paper plays nothing) printed by the host's
 * printer: Electron's printToPDF in the desktop app, Chromium in the headless host and the CLI.
 * The HTML is cut into documents of bounded size, each printed on its own, and the pages joined.
 * `printer` is asked at each export, so Chromium installed after start-up is found.
 */
export function pdfWriter(printer: () => PdfPrinter, o: { partBudget?: number } = {}): ExportWriter {
  const budget = o.partBudget ?? PDF_PART_BUDGET;
  return {
    extension: 'pdf',
    mime: 'application/pdf',
    async write(source, outFile, progress, signal, options) {
      const p = printer();
      // Before the HTML is written: a missing Chromium is reported at once, naming what to install.
      p.check?.();
      const work = path.join(path.dirname(outFile), `.${path.basename(outFile)}.print`);
      await fs.promises.mkdir(work, { recursive: true });
      const partFile = (n: number) => path.join(work, `part-${String(n).padStart(4, '0')}.html`);
      const total = totalRows(source);
      try {
        const parts = await writeHtmlReport(
          source,
          partFile(1),
          {
            audio: 'none',
            parts: { file: partFile, budget },
            ...(options?.recordingNames ? { recordingNames: options.recordingNames } : {}),
          },
          (done) => progress({ done, total }),
          signal,
        );
        const pdfs: string[] = [];
        for (const [i, html] of parts.entries()) {
          checkAborted(signal);
          progress({ done: total, total, note: `printing part ${i + 1} of ${parts.length} (${p.name})` });
          const pdf = html.replace(/\.html$/, '.pdf');
          await p.print({ htmlFile: html, pdfFile: pdf, signal, timeoutMs: printTimeoutMs(budget) });
          // Printed: its HTML is not needed while the next part prints.
          await fs.promises.rm(html, { force: true });
          pdfs.push(pdf);
        }
        checkAborted(signal);
        if (pdfs.length === 1) await fs.promises.rename(pdfs[0]!, outFile);
        else {
          progress({ done: total, total, note: `joining ${pdfs.length} parts` });
          await joinPdfs(pdfs, outFile, source.summary.title);
        }
      } finally {
        await fs.promises.rm(work, { recursive: true, force: true });
      }
    },
  };
}
