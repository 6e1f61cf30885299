import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { findChromium } from './find-chromium';
import { DEFAULT_PRINT_TIMEOUT_MS, isPdf, PdfPrintError, type PdfPrinter, type PdfPrintJob } from './printer';

/**
 * Flags for printing our own report file: headless, a throw-away profile and no network: every host
 * name resolves to nothing and every connection, loopback included, goes to a proxy that does not
 * exist. Scripts stay on in the browser (headless printing stops writing PDFs without them, seen
 * with Chromium 156); the report's own Content-Security-Policy forbids them. The sandbox is off
 * because it cannot start as root or in most containers; the page is a local file we wrote.
 */
export function chromiumPrintArgs(htmlFile: string, pdfFile: string, profileDir: string): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-extensions',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-quic',
    '--mute-audio',
    '--host-resolver-rules=MAP * ~NOTFOUND',
    '--proxy-server=socks5://127.0.0.1:9',
    '--proxy-bypass-list=<-loopback>',
    '--no-pdf-header-footer',
    `--user-data-dir=${profileDir}`,
    `--print-to-pdf=${pdfFile}`,
    pathToFileURL(htmlFile).href,
  ];
}

/** What Chromium's runtime needs from the host; nothing else (no proxies, no secrets) is passed on. */
const ENV_ALLOW_LIST = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'FONTCONFIG_PATH', 'FONTCONFIG_FILE', 'SYSTEMROOT'];

function chromiumEnv(home: string): Record<string, string> {
  const env = Object.create(null) as Record<string, string>;
  for (const key of ENV_ALLOW_LIST) {
    const value = process.env[key];
    if (typeof value === 'string') env[key] = value;
  }
  // Chromium writes caches under HOME and TMPDIR: both inside the throw-away profile.
  env.HOME = home;
  env.TMPDIR = home;
  return env;
}

/** The last lines Chromium wrote, without its D-Bus noise (no bus in headless hosts). */
function stderrTail(text: string): string {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '' && !/dbus|unexpected operator/i.test(l))
    .slice(-5)
    .join('\n');
}

export interface ChromiumPrinterOptions {
  /** The binary; default: findChromium() at print time (so installing Chromium needs no restart). */
  chromiumPath?: string;
  /** Where CHROME_PATH and the PATH are read; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** Prints with a Chromium installed on this machine (`calldeck serve`, the CLI). */
export function chromiumPrinter(options: ChromiumPrinterOptions = {}): PdfPrinter {
  return {
    name: 'chromium',
    check: () => void (options.chromiumPath ?? findChromium(options.env)),
    print: async (job) => printWithChromium(options.chromiumPath ?? findChromium(options.env), job),
  };
}

async function printWithChromium(binary: string, job: PdfPrintJob): Promise<void> {
  if (job.signal?.aborted) throw new PdfPrintError('aborted', 'The PDF print was cancelled');
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'calldeck-pdf-'));
  // Written beside the target, then renamed: a failed print never leaves a half PDF under its name.
  const partial = path.join(
    path.dirname(job.pdfFile),
    `.${path.basename(job.pdfFile)}.${randomBytes(4).toString('hex')}.part.pdf`,
  );
  try {
    await runChromium(binary, chromiumPrintArgs(job.htmlFile, partial, profileDir), profileDir, job);
    const head = Buffer.alloc(5);
    let read = 0;
    try {
      const fd = fs.openSync(partial, 'r');
      read = fs.readSync(fd, head, 0, 5, 0);
      fs.closeSync(fd);
    } catch {
      read = 0;
    }
    if (read < 5 || !isPdf(head))
      throw new PdfPrintError('failed', `Chromium (${binary}) finished without writing a PDF`);
    fs.renameSync(partial, job.pdfFile);
  } finally {
    fs.rmSync(partial, { force: true });
    fs.rmSync(profileDir, { recursive: true, force: true });
  }
}

function runChromium(binary: string, args: string[], home: string, job: PdfPrintJob): Promise<void> {
  const timeoutMs = job.timeoutMs ?? DEFAULT_PRINT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // Its own process group, so a timeout or cancel ends Chromium's helper processes too.
    const child = spawn(binary, args, {
      env: chromiumEnv(home),
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: process.platform !== 'win32',
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-8192);
    });
    let failure: PdfPrintError | undefined;
    const kill = (why: PdfPrintError) => {
      failure ??= why;
      try {
        if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone: its exit settles the promise.
      }
    };
    const timer = setTimeout(
      () => kill(new PdfPrintError('timeout', `Chromium did not finish the PDF within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = () => kill(new PdfPrintError('aborted', 'The PDF print was cancelled'));
    job.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      job.signal?.removeEventListener('abort', onAbort);
    };
    child.once('error', (err) => {
      done();
      reject(new PdfPrintError('failed', `Chromium (${binary}) could not start: ${err.message}`));
    });
    child.once('close', (code, signal) => {
      done();
      if (failure) reject(failure);
      else if (code !== 0)
        reject(
          new PdfPrintError(
            'failed',
            `Chromium (${binary}) exited with ${code ?? signal}: ${stderrTail(stderr) || 'no message'}`,
          ),
        );
      else resolve();
    });
  });
}
