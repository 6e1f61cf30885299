import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { PdfPrintError } from '../../../src/main/core/reports';
import { electronPdfPrinter, PDF_PARTITION, type WindowFactory } from '../../../src/main/shell/pdf-printer';
import { makeTempDir } from '../../helpers/temp-dir';

// The desktop app's PDF hook: Electron's printToPDF of the report in a hidden window. Electron
// cannot run here; the stand-in electron module's windows print through real Chromium.

interface FakeWindow {
  options: { show?: boolean; webPreferences?: Record<string, unknown> };
  visible: boolean;
  loads: { kind: string; target: string }[];
  isDestroyed(): boolean;
  webContents: {
    printed?: Record<string, unknown>[];
    windowOpenHandler?: (d: { url: string }) => { action: string };
    session: { wouldCancel(url: string): boolean };
    navigate(url: string): boolean;
    printToPDF(options: unknown): Promise<Buffer>;
  };
}

const require = createRequire(import.meta.url);
const { BrowserWindow } = require('../../e2e/helpers/fake-electron/electron.cjs') as {
  BrowserWindow: new (options: unknown) => FakeWindow;
};

const tmp = makeTempDir('calldeck-electron-pdf-');
afterAll(() => tmp.cleanup());

const made: FakeWindow[] = [];
const factory =
  (patch?: (w: FakeWindow) => void): WindowFactory =>
  (options) => {
    const w = new BrowserWindow(options);
    patch?.(w);
    made.push(w);
    return w as unknown as ReturnType<WindowFactory>;
  };

function report(name: string, rows: number): string {
  const file = path.join(tmp.dir, name);
  const body = Array.from({ length: rows }, (_, i) => `<tr><td>call ${i}</td><td>answered</td></tr>`).join(
    '',
  );
  fs.writeFileSync(file, `<!doctype html><meta charset="utf-8"><h1>Report</h1><table>${body}</table>`);
  return file;
}

describe('the desktop app PDF hook (Electron printToPDF, stand-in electron module)', () => {
  it('prints the report in a hidden, sandboxed window with its own offline session, then closes it', async () => {
    const printer = electronPdfPrinter(factory());
    const pdfFile = path.join(tmp.dir, 'report.pdf');
    await printer.print({ htmlFile: report('report.html', 200), pdfFile });
    const doc = await PDFDocument.load(fs.readFileSync(pdfFile));
    expect(doc.getPageCount()).toBeGreaterThan(1);

    const win = made.at(-1)!;
    expect(win.options.show).toBe(false);
    expect(win.visible).toBe(false);
    expect(win.options.webPreferences).toMatchObject({
      partition: PDF_PARTITION,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
    });
    expect(win.options.webPreferences?.preload).toBeUndefined();
    expect(win.loads).toEqual([{ kind: 'file', target: path.join(tmp.dir, 'report.html') }]);
    expect(win.webContents.printed).toEqual([
      { printBackground: true, pageSize: 'A4', preferCSSPageSize: true },
    ]);
    // No network: the session cancels every request but the file itself and inline data.
    const session = win.webContents.session;
    for (const url of ['https://cdn.example.com/chart.js', 'http://127.0.0.1:8080/a.wav', 'ws://x/'])
      expect(session.wouldCancel(url)).toBe(true);
    expect(session.wouldCancel('file:///tmp/r_files/call-1.wav')).toBe(false);
    expect(session.wouldCancel('data:audio/wav;base64,UklGRg==')).toBe(false);
    expect(win.webContents.navigate('https://evil.example/')).toBe(false);
    expect(win.webContents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(win.isDestroyed()).toBe(true);
  });

  it('gives up at the time bound and closes the window when printing hangs', async () => {
    const printer = electronPdfPrinter(
      factory((w) => (w.webContents.printToPDF = () => new Promise<Buffer>(() => {}))),
    );
    const pdfFile = path.join(tmp.dir, 'hang.pdf');
    const err = await printer
      .print({ htmlFile: report('hang.html', 1), pdfFile, timeoutMs: 300 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfPrintError);
    expect((err as PdfPrintError).reason).toBe('timeout');
    expect(made.at(-1)!.isDestroyed()).toBe(true);
    expect(fs.existsSync(pdfFile)).toBe(false);
  });

  it('reports a failed print as a typed error and writes no file', async () => {
    const printer = electronPdfPrinter(
      factory((w) => (w.webContents.printToPDF = () => Promise.reject(new Error('Printing failed')))),
    );
    const pdfFile = path.join(tmp.dir, 'fail.pdf');
    const err = await printer.print({ htmlFile: report('fail.html', 1), pdfFile }).catch((e: unknown) => e);
    expect((err as PdfPrintError).reason).toBe('failed');
    expect((err as PdfPrintError).message).toContain('Electron could not print the PDF: Printing failed');
    expect(made.at(-1)!.isDestroyed()).toBe(true);
    expect(fs.existsSync(pdfFile)).toBe(false);
  });
});
