import type { Handlers } from '../../api';
import type { BackupJobs, Retention } from '../../data-care';

/** Care of the data folder: backups as jobs, retention (restore is a CLI step on a new folder). */
export function dataHandlers(backups: BackupJobs, retention: Retention): Handlers['data'] {
  return {
    backup: (_req, { actor, audit }) => backups.start(audit, actor),
    retention: () => retention.get(),
    setRetention: (req, { audit }) => retention.set(req, audit),
    runRetention: (_req, { actor }) => retention.run(actor),
  };
}
