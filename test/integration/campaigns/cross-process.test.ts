import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, DATA_TOOL, MemorySecretStore, type Core } from '../../../src/main/core';
import type { CampaignDetail, CampaignUpdatedEvent } from '../../../src/shared/campaigns';
import type { ImportOutcome } from '../../../src/shared/contacts';
import { makeTestCore } from '../../helpers/core';
import { ok, until as waitUntil } from '../../helpers/api-wait';
import { ANY_TIME_WINDOW } from '../../helpers/campaign-window';

/**
 * The app runs a campaign; a CLI command (a data tool's core on the same folder, another process's
 * view of the database) pauses and then cancels it: the app's dialer follows.
 */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** This suite's own bound: 20 s. */
const until = <T>(fn: () => T | undefined, ms = 20_000) => waitUntil(fn, ms);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a campaign moved from another process', () => {
  it('paused by the CLI: the app stops dialling it; canceled by the CLI: its run ends', async () => {
    const secrets = new MemorySecretStore();
    const script = { default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 2, says: [{ say: 'Yes.' }] } };
    const app = await makeTestCore({
      telephony: 'sandbox',
      sandboxScript: script,
      sandboxTimeScale: 0.01,
      secrets,
    });
    cleanups.push(app.cleanup);
    const events: CampaignUpdatedEvent[] = [];
    let listId: number | undefined;
    app.core.subscribe((event, payload) => {
      if (event === 'campaign.updated') events.push(payload as CampaignUpdatedEvent);
      if (event !== 'contacts.importFinished') return;
      const { outcome } = payload as { outcome: ImportOutcome };
      if (outcome.ok) listId = outcome.summary.listId;
    });
    const csv = [
      'Name,Mobile,Appointment Day,Appointment Time',
      ...Array.from(
        { length: 30 },
        (_, i) => `Customer ${i},98000004${String(i).padStart(2, '0')},Monday,ten`,
      ),
    ].join('\n');
    const staged = ok<{ id: string }>(
      await app.core.stageUpload(Readable.from([Buffer.from(csv)]), 'l.csv', 1e6),
    );
    ok(await app.core.invoke('contacts.startImport', { fileId: staged.id, listName: 'Long' }));
    const id = await until(() => listId);
    const c = ok<CampaignDetail>(
      await app.core.invoke('campaigns.create', {
        name: 'Long',
        listId: id,
        bot: 'appointment-reminder',
        pacing: { maxConcurrent: 2, callsPerMinute: 60 },
        window: ANY_TIME_WINDOW,
      }),
    );
    ok(await app.core.invoke('campaigns.start', { campaignId: c.id }));
    const attempts = async (core: Core) =>
      ok<CampaignDetail>(await core.invoke('campaigns.get', { campaignId: c.id })).counters.attempts;
    await until(() => events.find((e) => e.campaign.id === c.id && e.campaign.counters.attempts >= 1));

    const cli = await createCore({
      dataDir: app.dir,
      host: 'cli',
      secrets,
      actor: 'operator',
      version: '0',
      profile: DATA_TOOL,
    });
    cleanups.push(() => cli.stop());
    expect(ok<CampaignDetail>(await cli.invoke('campaigns.pause', { campaignId: c.id })).state).toBe(
      'paused',
    );
    await until(() => events.find((e) => e.campaign.id === c.id && e.campaign.state === 'paused'));
    // Calls already placed finish; after that nothing more is dialled while it is paused.
    await sleep(1500);
    const whilePaused = await attempts(app.core);
    await sleep(3000); // at 60 a minute, three more dials would have left by now
    expect(await attempts(app.core)).toBe(whilePaused);
    expect(whilePaused).toBeLessThan(30);

    expect(ok<CampaignDetail>(await cli.invoke('campaigns.cancel', { campaignId: c.id })).state).toBe(
      'canceled',
    );
    await until(() => events.find((e) => e.campaign.id === c.id && e.campaign.state === 'canceled'));
    await sleep(1500);
    expect(await attempts(app.core)).toBe(whilePaused);
    expect(ok<CampaignDetail>(await app.core.invoke('campaigns.get', { campaignId: c.id })).state).toBe(
      'canceled',
    );
  }, 60_000);
});
