import type { Artifacts } from '../artifacts';
import type { JobEngine } from '../jobs';
import type { Logger } from '../logging';
import { ExportJobs, exportWriters, type AuditTrail, type PdfPrinter } from '../reports';
import { openDatabaseReadOnly } from '../store';

export interface ExportWiring {
  jobs: JobEngine;
  trail: AuditTrail;
  databasePath: string;
  nativeBinding?: string;
  dataDir: string;
  artifacts: () => Artifacts;
  log: Logger;
  /** The host's PDF printer (Electron's printToPDF); default an installed Chromium. */
  pdfPrinter?: PdfPrinter;
}

/**
 * The export job kind, registered before jobs recover. Each export reads through a read-only
 * connection of its own (WAL: a snapshot while the app keeps writing), closed when it ends.
 */
export function createExports(w: ExportWiring): ExportJobs {
  return new ExportJobs({
    jobs: w.jobs,
    dataDir: w.dataDir,
    artifacts: w.artifacts,
    trail: w.trail,
    writers: exportWriters({ pdfPrinter: w.pdfPrinter }),
    openReader: () => {
      const db = openDatabaseReadOnly(w.databasePath, w.nativeBinding);
      db.pragma('busy_timeout = 5000');
      return db;
    },
    log: w.log,
  });
}
