import path from 'node:path';
import type { Artifacts } from '../artifacts';
import type { JobEngine } from '../jobs';
import type { Logger } from '../logging';
import {
  bundleWriter,
  ExportJobs,
  exportWriters,
  findBundleVerifier,
  readExportAuditHead,
  type AuditLog,
  type AuditTrail,
  type PdfPrinter,
} from '../reports';
import type { SecretStore } from '../settings';
import type { Db } from '../store';
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
  /** The audit bundle reads the audit log, lists, campaigns and the DNC register here, and signs with a key in `secrets`. */
  db: Db;
  audit: AuditLog;
  secrets: SecretStore;
  resourcesDir: () => string;
}

/**
 * The export job kind, registered before jobs recover. Each export reads through a read-only
 * connection of its own (WAL: a snapshot while the app keeps writing), closed when it ends.
 */
export function createExports(w: ExportWiring): ExportJobs {
  const writers = exportWriters({ pdfPrinter: w.pdfPrinter });
  // The bundle carries the other formats' reports, written by their writers from this registry.
  writers.register(
    'bundle',
    bundleWriter({
      db: w.db,
      audit: w.audit,
      secrets: w.secrets,
      writers,
      recordingsDir: path.join(w.dataDir, 'recordings'),
      dataDir: w.dataDir,
      verifierFile: () => findBundleVerifier(w.resourcesDir()),
    }),
  );
  return new ExportJobs({
    jobs: w.jobs,
    dataDir: w.dataDir,
    artifacts: w.artifacts,
    trail: w.trail,
    writers,
    openReader: () => {
      const db = openDatabaseReadOnly(w.databasePath, w.nativeBinding);
      db.pragma('busy_timeout = 5000');
      return db;
    },
    // Large exports step SQLite in a worker, whose connection needs the app's binding under Electron.
    readerWorker: { nativeBinding: w.nativeBinding },
    log: w.log,
    auditHead: () => readExportAuditHead(w.audit),
  });
}
