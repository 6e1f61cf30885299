import type { CampaignDetail } from '../../../shared/campaigns';
import type { RestoredCampaigns } from '../../../shared/data-care';
import { restoreBackup, type RestoreOptions, type RestoreResult } from '../data-care';
import type { Core } from './create-core';

/** A restore and what it did to the restored copy's campaigns (see `restoreCopy`). */
export type RestoreCopyResult = RestoreResult & RestoredCampaigns;

async function value<T>(core: Core, channel: string, request: unknown, actor?: string): Promise<T> {
  const r = await core.invoke(channel, request, actor === undefined ? undefined : { actor });
  if (!r.ok) throw new Error(`${channel} on the restored copy: ${r.error.message}`);
  return r.value as T;
}

/**
 * Restores a backup into a new folder (verified before anything is used: `restoreBackup`), then
 * opens a core on the copy to record there where it came from and to pause its running campaigns.
 * One path for `calldeck restore` and the page's restore job; `openCore` builds the copy's core as
 * the host would (its secret store on the restored folder).
 */
export async function restoreCopy(
  o: RestoreOptions & { actor?: string },
  openCore: (dataDir: string) => Promise<Core>,
): Promise<RestoreCopyResult> {
  const result = await restoreBackup(o);
  const core = await openCore(o.target);
  try {
    // The restored folder's own log says where it came from (its first start also migrates it).
    await core.audited(
      {
        action: 'data.restore',
        subject: 'data',
        actor: o.actor,
        request: {
          file: o.file.split(/[\\/]/).pop() ?? o.file,
          backupCreatedAt: result.manifest.createdAt,
          files: result.files,
          auditRowsVerified: result.audit.rows,
          pathsRelocated: result.relocated,
        },
      },
      () => undefined,
    );
    // A campaign running when the backup was taken would resume dialling as soon as CallDeck
    // starts on this copy, calling again the people the original install called after the
    // snapshot. Paused (audited), it waits for an operator who knows which copy should dial.
    const running = await value<CampaignDetail[]>(core, 'campaigns.list', { states: ['running'] });
    for (const c of running) await value(core, 'campaigns.pause', { campaignId: c.id }, o.actor);
    // A scheduled campaign cannot be paused (only started or canceled): it is named, not changed.
    const scheduled = await value<CampaignDetail[]>(core, 'campaigns.list', { states: ['scheduled'] });
    return {
      ...result,
      pausedCampaigns: running.map((c) => ({ id: c.id, name: c.name })),
      scheduledCampaigns: scheduled.map((c) => ({
        id: c.id,
        name: c.name,
        startAt: c.settings.schedule.startAt ?? null,
      })),
    };
  } finally {
    await core.stop();
  }
}
