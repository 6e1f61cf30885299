import { htmlWriter } from '../html/html-writer';
import { pdfWriter } from '../html/pdf-writer';
import { chromiumPrinter } from '../pdf/chromium-printer';
import type { PdfPrinter } from '../pdf/printer';
import { csvWriter } from './csv-writer';
import { ExportWriters } from './writers';
import { xlsxWriter } from './xlsx-writer';

export interface ExportWritersOptions {
  /** What prints PDFs: the host's (Electron's printToPDF in the desktop app), else an installed Chromium. */
  pdfPrinter?: PdfPrinter;
}

/**
 * The formats this build writes. A new format registers here, one line, from its own folder
 * (html/, pdf/, bundle/): the job, the Api and `calldeck export` pick it up from the registry.
 */
export function exportWriters(options: ExportWritersOptions = {}): ExportWriters {
  const printer = options.pdfPrinter ?? chromiumPrinter();
  return new ExportWriters()
    .register('csv', csvWriter)
    .register('xlsx', xlsxWriter)
    .register('html', htmlWriter())
    .register(
      'pdf',
      pdfWriter(() => printer),
    );
}
