import fs from 'node:fs';
import { ApiError } from '../../../../shared/api/errors';
import type { Handlers } from '../../api';
import type { Artifacts } from '../../artifacts';
import { wipeData, WipeRefused, type BackupJobs, type Retention } from '../../data-care';
import type { WipeRepository } from '../../store';
import type { RestoreJobs } from '../restore-job';

export interface DataCareDeps {
  backups: BackupJobs;
  restores: RestoreJobs;
  retention: Retention;
  artifacts: Artifacts;
  wipe: { repo: WipeRepository; dataDir: string; announce: () => void };
}

/** Care of the data folder: backups and restores (into a new folder) as jobs, retention, wipe. */
export function dataHandlers({
  backups,
  restores,
  retention,
  artifacts,
  wipe,
}: DataCareDeps): Handlers['data'] {
  return {
    backup: (req, { actor, audit }) => backups.start(audit, actor, { passphrase: req.passphrase }),
    backups: () =>
      artifacts
        .byOwner('backup')
        .filter((a) => {
          const row = artifacts.get(a.id);
          const file = row && artifacts.filePath(row);
          return file !== undefined && fs.existsSync(file);
        })
        .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)),
    restore: (req, { actor, audit }) => restores.start(audit, actor, req),
    retention: () => retention.get(),
    setRetention: (req, { audit }) => retention.set(req, audit),
    runRetention: (_req, { actor }) => retention.run(actor),
    removeBackup: async (req) => {
      const row = artifacts.get(req.artifactId);
      // Only backups: other files (recordings, exports) have their own owners and rules.
      if (!row || row.owner !== 'backup')
        throw new ApiError({ code: 'not_found', message: `No backup ${req.artifactId}` });
      await artifacts.remove(req.artifactId);
      return { removed: true };
    },
    wipe: (_req, { audit }) => {
      try {
        const result = wipeData(wipe.repo, wipe.dataDir, audit);
        wipe.announce();
        return result;
      } catch (err) {
        if (err instanceof WipeRefused) throw new ApiError({ code: 'conflict', message: err.message });
        throw err;
      }
    },
  };
}
