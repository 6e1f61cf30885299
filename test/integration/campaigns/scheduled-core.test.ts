import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../../src/shared/audit';
import type { CampaignDetail, CampaignUpdatedEvent } from '../../../src/shared/campaigns';
import type { ImportOutcome } from '../../../src/shared/contacts';
import { makeTestCore } from '../../helpers/core';
import { ok, until } from '../../helpers/api-wait';
import { ANY_TIME_WINDOW } from '../../helpers/campaign-window';

/** A scheduled campaign in the whole app (sandbox, dialer): it starts by itself at its time and runs. */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('a scheduled campaign', () => {
  it('starts at its start time without anyone pressing start, audited as the scheduler, and completes', async () => {
    const script = { default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 2, says: [{ say: 'Yes.' }] } };
    const { core, cleanup } = await makeTestCore({
      telephony: 'sandbox',
      sandboxScript: script,
      sandboxTimeScale: 0.01,
    });
    cleanups.push(cleanup);
    const events: CampaignUpdatedEvent[] = [];
    let listId: number | undefined;
    core.subscribe((event, payload) => {
      if (event === 'campaign.updated') events.push(payload as CampaignUpdatedEvent);
      if (event !== 'contacts.importFinished') return;
      const { outcome } = payload as { outcome: ImportOutcome };
      if (outcome.ok) listId = outcome.summary.listId;
    });
    const csv = [
      'Name,Mobile,Appointment Day,Appointment Time',
      ...[0, 1, 2].map((i) => `Customer ${i},980000030${i},Monday,ten`),
    ].join('\n');
    const staged = ok<{ id: string }>(
      await core.stageUpload(Readable.from([Buffer.from(csv)]), 'l.csv', 1_000_000),
    );
    ok(await core.invoke('contacts.startImport', { fileId: staged.id, listName: 'Soon' }));
    const id = await until(() => listId);
    const startAt = new Date(Date.now() + 1500).toISOString();
    const c = ok<CampaignDetail>(
      await core.invoke('campaigns.create', {
        name: 'Soon',
        listId: id,
        bot: 'appointment-reminder',
        schedule: { startAt },
        pacing: { maxConcurrent: 3, callsPerMinute: 60 },
        window: ANY_TIME_WINDOW,
      }),
    );
    expect(ok<CampaignDetail>(await core.invoke('campaigns.schedule', { campaignId: c.id })).state).toBe(
      'scheduled',
    );
    const running = await until(() =>
      events.find((e) => e.campaign.id === c.id && e.campaign.state === 'running'),
    );
    expect(Date.parse(running.campaign.startedAt!)).toBeGreaterThanOrEqual(Date.parse(startAt));
    const done = await until(() =>
      events.find((e) => e.campaign.id === c.id && e.campaign.state === 'completed'),
    );
    expect(done.campaign.counters).toMatchObject({ attempts: 3, byOutcome: { answered: 3 } });
    const rows = ok<AuditPage>(await core.invoke('audit.list', { limit: 100 })).entries;
    const start = rows.find((r) => r.action === 'campaigns.start');
    expect(start).toMatchObject({ actor: 'scheduler', subject: `campaign:${c.id}` });
    expect(JSON.parse(start!.payload)).toMatchObject({ from: 'scheduled', to: 'running' });
  }, 60_000);
});
