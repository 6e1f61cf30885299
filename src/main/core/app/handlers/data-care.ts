import type { Handlers } from '../../api';
import type { BackupJobs } from '../../data-care';

/** Care of the data folder: backups as jobs (restore is a CLI step on a stopped folder). */
export function dataHandlers(backups: BackupJobs): Handlers['data'] {
  return {
    backup: (_req, { actor, audit }) => backups.start(audit, actor),
  };
}
