import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumPrinter } from '../../../src/main/core/reports/pdf/chromium-printer';
import { findChromium } from '../../../src/main/core/reports/pdf/find-chromium';
import { PdfPrintError } from '../../../src/main/core/reports/pdf/printer';
import { until } from '../../helpers/api-wait';
import { makeTempDir } from '../../helpers/temp-dir';

// The headless host's PDF: Debian's Chromium prints a local HTML file, offline and bounded in time.

const tmp = makeTempDir('calldeck-pdf-');
const requests: string[] = [];
const server = http.createServer((req, res) => {
  requests.push(req.url ?? '');
  res.end('x');
});
let origin = '';

beforeAll(async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
  tmp.cleanup();
});

/** A page of `paragraphs` paragraphs that also tries to reach the network every way a page can. */
function writeHtml(name: string, paragraphs: number): string {
  const file = path.join(tmp.dir, name);
  const body = Array.from({ length: paragraphs }, (_, i) => `<p>Call ${i}: answered, 42 s</p>`).join('');
  fs.writeFileSync(
    file,
    `<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="${origin}/style.css"><link rel="stylesheet" href="http://localhost:${origin.split(':')[2]}/host.css">
<style>@import url("${origin}/import.css"); body{font:12px sans-serif}</style></head><body>
<img src="${origin}/pixel.png"><img src="https://example.com/remote.png">
<script>fetch("${origin}/script");</script>${body}</body></html>`,
  );
  return file;
}

async function pages(file: string): Promise<number> {
  return (await PDFDocument.load(fs.readFileSync(file))).getPageCount();
}

/** A stand-in binary (a shell script) that records its pid, then does `body`. */
function fakeBinary(name: string, body: string): { bin: string; pidFile: string } {
  const bin = path.join(tmp.dir, name);
  const pidFile = `${bin}.pid`;
  fs.writeFileSync(bin, `#!/bin/sh\necho $$ > "${pidFile}"\n${body}\n`, { mode: 0o755 });
  return { bin, pidFile };
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('PDF through Chromium (headless host, CLI)', () => {
  it('prints a local HTML file to a PDF whose page count grows with its content, with no request leaving', async () => {
    const printer = chromiumPrinter();
    const small = path.join(tmp.dir, 'small.pdf');
    const large = path.join(tmp.dir, 'large.pdf');
    await printer.print({ htmlFile: writeHtml('small.html', 3), pdfFile: small });
    await printer.print({ htmlFile: writeHtml('large.html', 400), pdfFile: large });
    const few = await pages(small);
    const many = await pages(large);
    expect(few).toBeGreaterThan(0);
    expect(many).toBeGreaterThan(few);
    expect(requests).toEqual([]);
    // Only the PDFs remain: the partial file was renamed, nothing else left beside them.
    expect(fs.readdirSync(tmp.dir).filter((f) => f.includes('.part'))).toEqual([]);
  });

  it('names what to install when CHROME_PATH points at a missing file', async () => {
    const missing = path.join(tmp.dir, 'no-such-chromium');
    const printer = chromiumPrinter({ env: { ...process.env, CHROME_PATH: missing } });
    const err = await printer
      .print({ htmlFile: writeHtml('m.html', 1), pdfFile: path.join(tmp.dir, 'm.pdf') })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PdfPrintError);
    expect((err as PdfPrintError).reason).toBe('no_chromium');
    expect((err as PdfPrintError).message).toContain(`CHROME_PATH names ${missing}`);
    expect((err as PdfPrintError).message).toContain('apt-get install chromium');
    expect(fs.existsSync(path.join(tmp.dir, 'm.pdf'))).toBe(false);
  });

  it('finds CALLDECK_CHROMIUM, then /usr/bin/chromium', () => {
    const { bin } = fakeBinary('my-chromium', 'exit 0');
    expect(findChromium({ CALLDECK_CHROMIUM: bin, PATH: '' })).toBe(bin);
    expect(findChromium({ PATH: '' })).toBe('/usr/bin/chromium');
  });

  it('ends a Chromium that hangs at the time bound, helper processes included', async () => {
    const { bin, pidFile } = fakeBinary(
      'hangs',
      `sleep 60 & echo $! > "${path.join(tmp.dir, 'helper.pid')}"; wait`,
    );
    const started = Date.now();
    const err = await chromiumPrinter({ chromiumPath: bin })
      .print({ htmlFile: writeHtml('h.html', 1), pdfFile: path.join(tmp.dir, 'h.pdf'), timeoutMs: 400 })
      .catch((e: unknown) => e);
    expect((err as PdfPrintError).reason).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(5_000);
    // The helper is reparented when its shell dies: give init a moment to reap it.
    const pids = [pidFile, path.join(tmp.dir, 'helper.pid')].map((f) => Number(fs.readFileSync(f, 'utf8')));
    await until(() => (pids.some(alive) ? undefined : true), 3_000);
  });

  it('stops when the export is cancelled', async () => {
    const { bin } = fakeBinary('slow', 'sleep 60 & wait');
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 200);
    const err = await chromiumPrinter({ chromiumPath: bin })
      .print({ htmlFile: writeHtml('a.html', 1), pdfFile: path.join(tmp.dir, 'a.pdf'), signal: abort.signal })
      .catch((e: unknown) => e);
    expect((err as PdfPrintError).reason).toBe('aborted');
  });

  it('refuses a run that exits 0 without a PDF, and one that writes something else', async () => {
    const { bin: silent } = fakeBinary('silent', 'exit 0');
    const { bin: liar } = fakeBinary(
      'liar',
      'for a in "$@"; do case "$a" in --print-to-pdf=*) echo "<html>" > "${a#--print-to-pdf=}";; esac; done',
    );
    for (const bin of [silent, liar]) {
      const pdfFile = path.join(tmp.dir, `${path.basename(bin)}.pdf`);
      const err = await chromiumPrinter({ chromiumPath: bin })
        .print({ htmlFile: writeHtml('s.html', 1), pdfFile })
        .catch((e: unknown) => e);
      expect((err as PdfPrintError).reason).toBe('failed');
      expect((err as PdfPrintError).message).toContain('without writing a PDF');
      expect(fs.existsSync(pdfFile)).toBe(false);
    }
  });
});
