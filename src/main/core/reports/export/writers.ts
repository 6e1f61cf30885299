import type { ExportFormat, ExportRecording, RecordingOwner, ReportAudio } from '../../../../shared/reports';
import { ExportFormatError } from './errors';
import type { RecordingNames } from './recording-names';
import type { ExportSource } from './row-source';

/** What the export request asks of a writer beyond its rows (formats ignore what they do not use). */
export interface ExportWriteOptions {
  audio?: ReportAudio;
  /**
   * Recordings already copied beside the report (the audit bundle's): where each one's copy is,
   * relative to the report, or null. A report then links to the copies instead of embedding them.
   */
  recordingLink?: (call: RecordingOwner, rec: ExportRecording) => string | null;
  /** The folder for files beside the report (default `<outFile>_files`): named as the report is saved. */
  filesDir?: string;
  /** How the report names each recording (default: its file name; see RecordingNames). */
  recordingNames?: RecordingNames;
}

/** What a writer reports as it goes: rows (or items) written so far, of `total`. */
export type ExportProgress = (report: { done: number; total: number; note?: string }) => void;

/**
 * One export format. `write` reads the source's rows (iterate them: never collect them all) and
 * writes one file at `outFile`; it checks `signal` between rows and throws `signal.reason` once
 * aborted. The file may be left half-written on a throw: the job deletes it.
 */
export interface ExportWriter {
  /** File name extension of what it writes, without the dot (`xlsx`, `zip`). */
  extension: string;
  mime: string;
  write(
    source: ExportSource,
    outFile: string,
    progress: ExportProgress,
    signal: AbortSignal,
    options?: ExportWriteOptions,
  ): Promise<void>;
  /**
   * Writers that sign what they write (the audit bundle): the signing key's fingerprint, recorded
   * in the export's audit rows and its result, so a re-signed file is told apart.
   */
  signingKey?: () => string;
}

/**
 * The seam for formats: `format -> writer`. The export job, the Api and `calldeck export` look a
 * format up here and name it in a clear error when nothing is registered. CSV and XLSX register in
 * `exportWriters()` (export/index.ts); HTML, PDF and the audit bundle register theirs there too,
 * each from its own folder, with no change to the job, the Api or the CLI.
 */
export class ExportWriters {
  private readonly writers = new Map<ExportFormat, ExportWriter>();

  register(format: ExportFormat, writer: ExportWriter): this {
    if (this.writers.has(format)) throw new Error(`An export writer for "${format}" is registered twice`);
    this.writers.set(format, writer);
    return this;
  }

  has(format: ExportFormat): boolean {
    return this.writers.has(format);
  }

  /** The writer of a format, or ExportFormatError naming it. */
  get(format: ExportFormat): ExportWriter {
    const w = this.writers.get(format);
    if (!w) throw new ExportFormatError(format);
    return w;
  }

  formats(): ExportFormat[] {
    return [...this.writers.keys()];
  }
}

/** Throws ExportCancelled once the export was cancelled (or CallDeck stops). */
export function checkAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new ExportCancelled();
}

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled');
    this.name = 'ExportCancelled';
  }
}

/** Lets the event loop run (progress events, a cancel) every this many rows. */
export const YIELD_EVERY_ROWS = 2000;
export const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
