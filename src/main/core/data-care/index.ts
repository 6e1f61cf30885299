/** Care of the data folder: backups (a live snapshot and files, verified on restore), retention, wipe. */
export { writeBackup, BackupCancelled, SECRET_FILES, type BackupOptions, type BackupResult } from './backup';
export { BACKUPS_DIR, listDataFiles } from './data-files';
export { sweepBackupLeftovers } from './backup-leftovers';
export { MANIFEST_ENTRY, DATA_PREFIX, type Manifest } from './manifest';
export {
  restoreBackup,
  checkRestoreTarget,
  refuseInside,
  sweepRestoreLeftovers,
  RestoreError,
  type RestoreErrorCode,
  type RestoreOptions,
  type RestoreResult,
} from './restore';
export { BackupJobs, type BackupJobsDeps } from './backup-job';
export { Retention, scheduleRetention, RETENTION_ACTION, type RetentionDeps } from './retention';
export { wipeData, WipeRefused, WIPED_DIRS, WIPE_KEEPS } from './wipe';
