import { JobError } from '../../jobs';

/**
 * Prints a local, self-contained HTML file to a PDF file. The headless host and the CLI use
 * Chromium (chromium-printer.ts); the desktop app registers Electron's printToPDF in a hidden window
 * (src/main/shell/pdf-printer.ts) through the core's config. Implementations load nothing from the
 * network and give up after `timeoutMs`.
 */
export interface PdfPrinter {
  /** Which engine prints (for logs and the export's summary). */
  readonly name: string;
  /** Throws PdfPrintError when this printer cannot print at all (no Chromium), before any work. */
  check?(): void;
  print(job: PdfPrintJob): Promise<void>;
}

export interface PdfPrintJob {
  /** Absolute path of the HTML file (its relative links, e.g. `<name>_files/`, resolve beside it). */
  htmlFile: string;
  /** Absolute path of the PDF to write (replaced if it exists). */
  pdfFile: string;
  /** Bound on the whole print; default DEFAULT_PRINT_TIMEOUT_MS. */
  timeoutMs?: number;
  /** Cancels the print (an export job cancelled by the user). */
  signal?: AbortSignal;
}

export const DEFAULT_PRINT_TIMEOUT_MS = 5 * 60_000;

export type PdfErrorReason = 'no_chromium' | 'timeout' | 'aborted' | 'failed';

const JOB_CODES: Record<PdfErrorReason, string> = {
  no_chromium: 'pdf_unavailable',
  timeout: 'pdf_timeout',
  aborted: 'cancelled',
  failed: 'pdf_failed',
};

/**
 * Why a PDF was not written. `no_chromium` carries what to install in its message. A JobError, so
 * an export job reports the message as it is, with a code per reason.
 */
export class PdfPrintError extends JobError {
  constructor(
    readonly reason: PdfErrorReason,
    message: string,
  ) {
    super(JOB_CODES[reason], message);
    this.name = 'PdfPrintError';
  }
}

/** The first bytes of every PDF file; anything else is not a PDF, whatever the printer said. */
export const isPdf = (head: Buffer): boolean => head.subarray(0, 5).toString('latin1') === '%PDF-';
