import { Readable } from 'node:stream';
import type { Core } from '../../../src/main/core';
import type { CampaignDetail, CampaignUpdatedEvent } from '../../../src/shared/campaigns';
import type { ImportOutcome } from '../../../src/shared/contacts';
import { ok, until } from '../../helpers/api-wait';
import { ANY_TIME_WINDOW } from '../../helpers/campaign-window';

/** Imports CSV `rows` (header first) through the Api as the list page does; resolves with the list id. */
export async function importCsvList(
  core: Core,
  rows: string[],
  o: { fileName?: string; listName?: string } = {},
): Promise<number> {
  const listName = o.listName ?? 'List';
  let listId: number | undefined;
  const unsubscribe = core.subscribe((event, payload) => {
    if (event !== 'contacts.importFinished') return;
    const done = payload as { listName: string; outcome: ImportOutcome };
    if (done.listName === listName && done.outcome.ok) listId = done.outcome.summary.listId;
  });
  try {
    const staged = ok<{ id: string }>(
      await core.stageUpload(
        Readable.from([Buffer.from(rows.join('\n') + '\n')]),
        o.fileName ?? 'list.csv',
        1_000_000,
      ),
    );
    ok(await core.invoke('contacts.startImport', { fileId: staged.id, listName }));
    return await until(() => listId);
  } finally {
    unsubscribe();
  }
}

export interface CoreCampaignOptions {
  /** `contacts` generated rows, or these CSV rows (header first). */
  contacts?: number;
  rows?: string[];
  fileName?: string;
  listName?: string;
  name?: string;
  maxConcurrent?: number;
  callsPerMinute?: number;
  retry?: { maxAttempts: number; on: string[]; intervalMinutes: number; backoff: 'linear' | 'exponential' };
}

/**
 * A list imported through the Api and a campaign on it (any day, any hour), started in a full
 * core on the sandbox; `latest()` is the campaign as its last `campaign.updated` said.
 */
export async function startCoreCampaign(
  core: Core,
  o: CoreCampaignOptions,
): Promise<{ id: string; latest: () => CampaignDetail | undefined }> {
  let latest: CampaignDetail | undefined;
  core.subscribe((event, payload) => {
    if (event === 'campaign.updated') latest = (payload as CampaignUpdatedEvent).campaign;
  });
  const rows = o.rows ?? [
    'Name,Mobile,appointment_day,appointment_time',
    ...Array.from(
      { length: o.contacts ?? 1 },
      (_, i) => `Customer ${i},98000${String(10000 + i)},Monday,10 am`,
    ),
  ];
  const listId = await importCsvList(core, rows, o);
  const created = ok<CampaignDetail>(
    await core.invoke('campaigns.create', {
      name: o.name ?? 'Run',
      listId,
      bot: 'appointment-reminder',
      mode: 'flow',
      window: ANY_TIME_WINDOW,
      pacing: { maxConcurrent: o.maxConcurrent ?? 2, callsPerMinute: o.callsPerMinute ?? 60 },
      retry: o.retry ?? { maxAttempts: 1, on: [], intervalMinutes: 0, backoff: 'linear' },
    }),
  );
  ok(await core.invoke('campaigns.start', { campaignId: created.id }));
  return { id: created.id, latest: () => (latest?.id === created.id ? latest : undefined) };
}
