import type { ArtifactRef } from './artifacts';

/** Care of the data folder: backups, retention, wipe (as the Api and the CLI expose them). */

/** A finished backup job's result. */
export interface BackupResultInfo {
  /** The archive, to download (it stays in the data folder's backups/ until removed). */
  artifact: ArtifactRef;
  files: number;
  bytes: number;
  /** Audit rows in the database snapshot. */
  auditRows: number;
}
