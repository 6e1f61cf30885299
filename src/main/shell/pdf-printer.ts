import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { BrowserWindow, BrowserWindowConstructorOptions } from 'electron';
import { DEFAULT_PRINT_TIMEOUT_MS, isPdf, PdfPrintError, type PdfPrinter } from '../core';

/** `new BrowserWindow(options)`, passed in so this file runs under the stand-in Electron too. */
export type WindowFactory = (options: BrowserWindowConstructorOptions) => BrowserWindow;

/** An in-memory session of its own: the blocking rule below never touches the app window's session. */
export const PDF_PARTITION = 'calldeck-pdf';

/** Only the report file and what sits beside it (its `_files/` folder) or inside it (data: URIs). */
export const allowedInPdf = (url: string): boolean => url.startsWith('file:') || url.startsWith('data:');

/**
 * The desktop app's PDF: the report file loaded in a hidden, sandboxed window with no network,
 * printed by Electron's webContents.printToPDF. The window lives only for one print.
 */
export function electronPdfPrinter(newWindow: WindowFactory): PdfPrinter {
  return {
    name: 'electron',
    async print(job) {
      if (job.signal?.aborted) throw new PdfPrintError('aborted', 'The PDF print was cancelled');
      const timeoutMs = job.timeoutMs ?? DEFAULT_PRINT_TIMEOUT_MS;
      const win = newWindow({
        show: false,
        width: 1024,
        height: 1400,
        webPreferences: {
          partition: PDF_PARTITION,
          sandbox: true,
          contextIsolation: true,
          nodeIntegration: false,
          webSecurity: true,
          spellcheck: false,
        },
      });
      const contents = win.webContents;
      contents.session.webRequest.onBeforeRequest((details, callback) =>
        callback({ cancel: !allowedInPdf(details.url) }),
      );
      contents.on('will-navigate', (event) => event.preventDefault());
      contents.setWindowOpenHandler(() => ({ action: 'deny' }));
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const stopped = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(
          () => reject(new PdfPrintError('timeout', `The PDF was not printed within ${timeoutMs} ms`)),
          timeoutMs,
        );
        onAbort = () => reject(new PdfPrintError('aborted', 'The PDF print was cancelled'));
        job.signal?.addEventListener('abort', onAbort, { once: true });
      });
      try {
        const data = await Promise.race([
          win
            .loadFile(job.htmlFile)
            .then(() =>
              contents.printToPDF({ printBackground: true, pageSize: 'A4', preferCSSPageSize: true }),
            ),
          stopped,
        ]);
        if (!isPdf(data))
          throw new PdfPrintError('failed', 'printToPDF returned something that is not a PDF');
        // Written beside the target, then renamed: a failed write never leaves a half PDF under its name.
        const partial = path.join(
          path.dirname(job.pdfFile),
          `.${path.basename(job.pdfFile)}.${randomBytes(4).toString('hex')}.part.pdf`,
        );
        try {
          fs.writeFileSync(partial, data);
          fs.renameSync(partial, job.pdfFile);
        } finally {
          fs.rmSync(partial, { force: true });
        }
      } catch (err) {
        if (err instanceof PdfPrintError) throw err;
        throw new PdfPrintError('failed', `Electron could not print the PDF: ${(err as Error).message}`);
      } finally {
        clearTimeout(timer);
        if (onAbort) job.signal?.removeEventListener('abort', onAbort);
        if (!win.isDestroyed()) win.destroy();
      }
    },
  };
}
