import { Readable } from 'node:stream';
import type { Core } from '../../../src/main/core';
import type { CampaignDetail, CampaignUpdatedEvent } from '../../../src/shared/campaigns';
import type { ImportOutcome } from '../../../src/shared/contacts';
import { ok, until } from '../../helpers/api-wait';

/**
 * A list of `contacts` imported through the Api and a campaign on it (any day, any hour), started
 * in a full core on the sandbox; `latest()` is the campaign as its last `campaign.updated` said.
 */
export async function startCoreCampaign(
  core: Core,
  o: { contacts: number; maxConcurrent?: number; callsPerMinute?: number },
): Promise<{ id: string; latest: () => CampaignDetail | undefined }> {
  let listId: number | undefined;
  let latest: CampaignDetail | undefined;
  core.subscribe((event, payload) => {
    if (event === 'campaign.updated') latest = (payload as CampaignUpdatedEvent).campaign;
    if (event !== 'contacts.importFinished') return;
    const { outcome } = payload as { outcome: ImportOutcome };
    if (outcome.ok) listId = outcome.summary.listId;
  });
  const rows = [
    'Name,Mobile,appointment_day,appointment_time',
    ...Array.from({ length: o.contacts }, (_, i) => `Customer ${i},98000${String(10000 + i)},Monday,10 am`),
  ];
  const staged = ok<{ id: string }>(
    await core.stageUpload(Readable.from([Buffer.from(rows.join('\n') + '\n')]), 'list.csv', 1_000_000),
  );
  ok(await core.invoke('contacts.startImport', { fileId: staged.id, listName: 'List' }));
  const created = ok<CampaignDetail>(
    await core.invoke('campaigns.create', {
      name: 'Run',
      listId: await until(() => listId),
      bot: 'appointment-reminder',
      mode: 'flow',
      window: {
        days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'],
        start: '00:00',
        end: '23:59',
        timeZone: 'Asia/Kolkata',
        override: true,
      },
      pacing: { maxConcurrent: o.maxConcurrent ?? 2, callsPerMinute: o.callsPerMinute ?? 60 },
      retry: { maxAttempts: 1, on: [], intervalMinutes: 0, backoff: 'linear' },
    }),
  );
  ok(await core.invoke('campaigns.start', { campaignId: created.id }));
  return { id: created.id, latest: () => (latest?.id === created.id ? latest : undefined) };
}
