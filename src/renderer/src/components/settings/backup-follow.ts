import { BACKUP_JOB_KIND } from '../../../../shared/data-care';
import type { JobInfo } from '../../../../shared/jobs';

/**
 * The backup the Backup card should show instead of `shown`, if any: one begun elsewhere (another
 * tab, the CLI on this data folder, or before a reload). Never while the one shown still runs (it
 * is followed to its end first). A running one first; else one that already ended but began after
 * the one shown, or after `floor` when it shows none (the card's opening, or a failure dismissed):
 * a short CLI backup between two reads. Job times are the server's, which runs on this computer,
 * so the page's clock compares with them.
 */
export function backupToFollow(
  jobs: { running: readonly JobInfo[]; recent: readonly JobInfo[] },
  shown: JobInfo | undefined,
  floor: string,
): JobInfo | undefined {
  if (shown?.state === 'running') return undefined;
  const other = (j: JobInfo) => j.kind === BACKUP_JOB_KIND && j.id !== shown?.id;
  const since = shown?.startedAt ?? floor;
  return jobs.running.find(other) ?? jobs.recent.find((j) => other(j) && j.startedAt > since);
}
