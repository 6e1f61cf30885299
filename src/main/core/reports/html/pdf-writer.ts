import fs from 'node:fs';
import path from 'node:path';
import { totalRows } from '../export/sheets';
import { checkAborted, type ExportWriter } from '../export/writers';
import type { PdfPrinter } from '../pdf/printer';
import { writeHtmlReport } from './html-writer';

/**
 * Calls printed with their own section (timeline, transcript, latency): ~0.75 pages and ~25 ms of
 * Chromium's time each (2,000 calls: 1,500 pages in 53 s here). Past this the PDF would be read by
 * no one; the table still lists every call and the HTML export holds every call's details.
 */
export const PDF_DETAIL_LIMIT = 1000;

/** A print of a large report takes its time: two minutes, plus 20 ms a row. */
const printTimeoutMs = (rows: number) => 120_000 + 20 * rows;

/**
 * PDF: the HTML report (recordings listed, not played: paper plays nothing) printed by the host's
 * printer: Electron's printToPDF in the desktop app, Chromium in the headless host and the CLI.
 * `printer` is asked at each export, so Chromium installed after start-up is found.
 */
export function pdfWriter(printer: () => PdfPrinter): ExportWriter {
  return {
    extension: 'pdf',
    mime: 'application/pdf',
    async write(source, outFile, progress, signal) {
      const p = printer();
      // Before the HTML is written: a missing Chromium is reported at once, naming what to install.
      p.check?.();
      const html = path.join(path.dirname(outFile), `.${path.basename(outFile)}.print.html`);
      const total = totalRows(source);
      try {
        await writeHtmlReport(
          source,
          html,
          { audio: 'none', detailLimit: PDF_DETAIL_LIMIT },
          (done) => progress({ done, total }),
          signal,
        );
        progress({ done: total, total, note: `printing the PDF (${p.name})` });
        checkAborted(signal);
        await p.print({ htmlFile: html, pdfFile: outFile, signal, timeoutMs: printTimeoutMs(total) });
      } finally {
        await fs.promises.rm(html, { force: true });
      }
    },
  };
}
