import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { DATA_TOOL, type Core } from '../../../src/main/core';
import type { AuditPage } from '../../../src/shared/audit';
import type { ImportOutcome } from '../../../src/shared/contacts';
import type {
  CampaignContactsPage,
  CampaignDetail,
  CampaignForecast,
  CampaignUpdatedEvent,
} from '../../../src/shared/campaigns';
import { makeTestCore } from '../../helpers/core';
import { ok, until as waitUntil } from '../../helpers/api-wait';

/** The campaigns Api through a real core: as the pages and the CLI call it. */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** This suite's own bound: 20 s. */
const until = <T>(fn: () => T | undefined, ms = 20_000) => waitUntil(fn, ms);

/** A data tool's core (no dialer, no bots) with a 20-contact list imported through the Api. */
async function coreWithList(): Promise<{ core: Core; listId: number; events: CampaignUpdatedEvent[] }> {
  const { core, cleanup } = await makeTestCore({ profile: DATA_TOOL });
  cleanups.push(cleanup);
  const events: CampaignUpdatedEvent[] = [];
  let listId: number | undefined;
  core.subscribe((event, payload) => {
    if (event === 'campaign.updated') events.push(payload as CampaignUpdatedEvent);
    if (event !== 'contacts.importFinished') return;
    const { outcome } = payload as { outcome: ImportOutcome };
    if (!outcome.ok) throw new Error(`import failed: ${outcome.message}`);
    listId = outcome.summary.listId;
  });
  const rows = ['Name,Mobile', ...Array.from({ length: 20 }, (_, i) => `Customer ${i},98000000${10 + i}`)];
  const staged = ok<{ id: string }>(
    await core.stageUpload(Readable.from([Buffer.from(rows.join('\n') + '\n')]), 'march.csv', 1_000_000),
  );
  ok(await core.invoke('contacts.startImport', { fileId: staged.id, listName: 'March' }));
  return { core, listId: await until(() => listId), events };
}

const auditRows = async (core: Core) =>
  ok<AuditPage>(await core.invoke('audit.list', { limit: 100 })).entries;

describe('campaigns Api', () => {
  it('creates a draft, changes it, lists and gets it with counters, and forecasts it', async () => {
    const { core, listId, events } = await coreWithList();
    const created = ok<CampaignDetail>(
      await core.invoke('campaigns.create', {
        name: 'March calls',
        listId,
        bot: 'demo',
        pacing: { maxConcurrent: 2, callsPerMinute: 6 },
      }),
    );
    expect(created).toMatchObject({ state: 'draft', listName: 'March', createdBy: 'tester' });
    expect(created.counters).toMatchObject({ contacts: 20, byStatus: { pending: 20 }, attempts: 0 });
    expect(events.map((e) => [e.reason, e.campaign.id])).toEqual([['created', created.id]]);

    const updated = ok<CampaignDetail>(
      await core.invoke('campaigns.update', {
        campaignId: created.id,
        retry: { maxAttempts: 2, on: ['busy'], intervalMinutes: 10, backoff: 'exponential' },
      }),
    );
    expect(updated.settings.retry).toEqual({
      maxAttempts: 2,
      on: ['busy'],
      intervalMinutes: 10,
      backoff: 'exponential',
    });
    expect(updated.settings.pacing).toEqual({ maxConcurrent: 2, callsPerMinute: 6 });

    const list = ok<CampaignDetail[]>(await core.invoke('campaigns.list', {}));
    expect(list.map((c) => c.id)).toEqual([created.id]);
    expect(ok<CampaignDetail[]>(await core.invoke('campaigns.list', { states: ['running'] }))).toEqual([]);
    expect(ok<CampaignDetail>(await core.invoke('campaigns.get', { campaignId: created.id })).name).toBe(
      'March calls',
    );

    const f = ok<CampaignForecast>(await core.invoke('campaigns.forecast', { campaignId: created.id }));
    expect(f).toMatchObject({ contacts: 20, answerRate: 0.6, answerRateSource: 'assumed' });
    expect(f.dials - f.expectedRetries).toBe(20);
    expect(Date.parse(f.finishAt!)).toBeGreaterThan(Date.parse(f.from));
    const pessimistic = ok<CampaignForecast>(
      await core.invoke('campaigns.forecast', { campaignId: created.id, answerRate: 0.1 }),
    );
    expect(pessimistic.expectedRetries).toBeGreaterThan(f.expectedRetries);

    const page = ok<CampaignContactsPage>(
      await core.invoke('campaigns.contacts', { campaignId: created.id, limit: 5 }),
    );
    expect(page.total).toBe(20);
    expect(page.contacts.map((c) => [c.position, c.number, c.status, c.last])).toEqual(
      Array.from({ length: 5 }, (_, i) => [i, `+9198000000${10 + i}`, 'pending', null]),
    );
    const next = ok<CampaignContactsPage>(
      await core.invoke('campaigns.contacts', { campaignId: created.id, afterPosition: 4, limit: 5 }),
    );
    expect(next.contacts[0]?.position).toBe(5);
  });

  it('refuses what the rules forbid, with typed errors: pacing over the account limit, a started draft changed', async () => {
    const { core, listId } = await coreWithList();
    ok(
      await core.invoke('settings.update', {
        section: 'calling',
        values: {
          timeZone: 'Asia/Kolkata',
          windowStart: '09:00',
          windowEnd: '21:00',
          days: ['mon'],
          defaultRegion: 'IN',
          callsPerMinuteLimit: 20,
        },
      }),
    );
    const tooFast = await core.invoke('campaigns.create', {
      name: 'Fast',
      listId,
      bot: 'demo',
      pacing: { maxConcurrent: 2, callsPerMinute: 25 },
    });
    expect(tooFast).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_request',
        message: "25 calls per minute is above the account's limit of 20 (Settings › Calling)",
      },
    });
    const late = await core.invoke('campaigns.create', {
      name: 'Late',
      listId,
      bot: 'demo',
      window: { days: ['mon'], start: '09:00', end: '22:00', timeZone: 'Asia/Kolkata' },
    });
    expect(late.ok).toBe(false);
    expect(!late.ok && late.error.issues?.[0]).toMatchObject({ path: 'window.override' });
    const missing = await core.invoke('campaigns.get', { campaignId: 'nope' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', message: 'No campaign nope' } });
  });

  it('each move is one audit row; the window override is named; start is refused without a dialer', async () => {
    const { core, listId, events } = await coreWithList();
    const c = ok<CampaignDetail>(
      await core.invoke('campaigns.create', {
        name: 'Evening',
        listId,
        bot: 'demo',
        schedule: { startAt: '2030-01-07T09:00:00+05:30' },
        window: { days: ['mon'], start: '08:30', end: '21:30', timeZone: 'Asia/Kolkata', override: true },
      }),
    );
    const start = await core.invoke('campaigns.start', { campaignId: c.id });
    expect(start).toMatchObject({
      ok: false,
      error: {
        code: 'unavailable',
        message: 'the dialer is not available in this CallDeck (start the app or calldeck serve)',
      },
    });
    expect(ok<CampaignDetail>(await core.invoke('campaigns.get', { campaignId: c.id })).state).toBe('draft');
    expect(ok<CampaignDetail>(await core.invoke('campaigns.schedule', { campaignId: c.id })).state).toBe(
      'scheduled',
    );
    const resume = await core.invoke('campaigns.resume', { campaignId: c.id });
    expect(resume.ok).toBe(false);
    expect(ok<CampaignDetail>(await core.invoke('campaigns.cancel', { campaignId: c.id })).state).toBe(
      'canceled',
    );
    const illegal = await core.invoke('campaigns.pause', { campaignId: c.id });
    expect(illegal).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: 'A canceled campaign cannot pause (it is canceled: that is final)',
      },
    });

    const rows = (await auditRows(core)).filter((r) => r.action.startsWith('campaigns.')).reverse();
    const shown = rows.map((r) => {
      const p = JSON.parse(r.payload) as Record<string, unknown>;
      return [r.action, r.subject, p.outcome, p.from ?? null, p.to ?? null];
    });
    expect(shown).toEqual([
      ['campaigns.create', `campaign:${c.id}`, 'ok', null, null],
      ['campaigns.start', `campaign:${c.id}`, 'failed', null, null],
      ['campaigns.schedule', `campaign:${c.id}`, 'ok', 'draft', 'scheduled'],
      ['campaigns.resume', `campaign:${c.id}`, 'failed', null, null],
      ['campaigns.cancel', `campaign:${c.id}`, 'ok', 'scheduled', 'canceled'],
      ['campaigns.pause', `campaign:${c.id}`, 'failed', null, null],
    ]);
    expect(JSON.parse(rows[0]!.payload)).toMatchObject({
      windowOverride: '08:30-21:30 Asia/Kolkata (outside 09:00-21:00)',
    });
    expect(events.map((e) => [e.reason, e.campaign.state])).toEqual([
      ['created', 'draft'],
      ['state', 'scheduled'],
      ['state', 'canceled'],
    ]);
  });
});

describe('pacing', () => {
  it('changes while not finished, never above the account limit, audited with the new figures', async () => {
    const { core, listId, events } = await coreWithList();
    const c = ok<CampaignDetail>(await core.invoke('campaigns.create', { name: 'P', listId, bot: 'demo' }));
    const over = await core.invoke('campaigns.setPacing', {
      campaignId: c.id,
      pacing: { maxConcurrent: 3, callsPerMinute: 61 },
    });
    expect(over).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_request',
        message: "61 calls per minute is above the account's limit of 60 (Settings › Calling)",
      },
    });
    const set = ok<CampaignDetail>(
      await core.invoke('campaigns.setPacing', {
        campaignId: c.id,
        pacing: { maxConcurrent: 3, callsPerMinute: 30 },
      }),
    );
    expect(set.settings.pacing).toEqual({ maxConcurrent: 3, callsPerMinute: 30 });
    expect(events.at(-1)).toMatchObject({ reason: 'pacing', campaign: { id: c.id } });
    const row = (await auditRows(core)).find((r) => r.action === 'campaigns.setPacing');
    expect(JSON.parse(row!.payload)).toMatchObject({ outcome: 'ok', maxConcurrent: 3, callsPerMinute: 30 });
    ok(await core.invoke('campaigns.cancel', { campaignId: c.id }));
    const late = await core.invoke('campaigns.setPacing', {
      campaignId: c.id,
      pacing: { maxConcurrent: 1, callsPerMinute: 1 },
    });
    expect(late).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});

describe('the list under a campaign', () => {
  it('cannot be deleted while a campaign on it is still to run; once it is canceled, it can', async () => {
    const { core, listId } = await coreWithList();
    const c = ok<CampaignDetail>(
      await core.invoke('campaigns.create', {
        name: 'Later',
        listId,
        bot: 'demo',
        schedule: { startAt: '2030-01-07T09:00:00+05:30' },
      }),
    );
    ok(await core.invoke('campaigns.schedule', { campaignId: c.id }));
    const refused = await core.invoke('contacts.deleteList', { listId });
    expect(refused).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: 'The list is used by campaign "Later" (scheduled): cancel it or let it finish first',
      },
    });
    ok(await core.invoke('campaigns.cancel', { campaignId: c.id }));
    expect(ok<{ deleted: boolean }>(await core.invoke('contacts.deleteList', { listId }))).toEqual({
      deleted: true,
    });
    // The campaign stays for the record, its queue's numbers and names with it.
    const after = ok<CampaignDetail>(await core.invoke('campaigns.get', { campaignId: c.id }));
    expect(after).toMatchObject({ state: 'canceled', listName: null, counters: { contacts: 20 } });
  });
});

describe('campaigns Api in the whole app', () => {
  it('refuses a bot the registry does not know, naming it, and takes a known one', async () => {
    const { core, cleanup } = await makeTestCore({ telephony: 'sandbox' });
    cleanups.push(cleanup);
    let listId: number | undefined;
    core.subscribe((event, payload) => {
      if (event !== 'contacts.importFinished') return;
      const { outcome } = payload as { outcome: ImportOutcome };
      if (outcome.ok) listId = outcome.summary.listId;
    });
    const staged = ok<{ id: string }>(
      await core.stageUpload(Readable.from([Buffer.from('Name,Mobile\nA,9800000010\n')]), 'a.csv', 1_000_000),
    );
    ok(await core.invoke('contacts.startImport', { fileId: staged.id, listName: 'A' }));
    const id = await until(() => listId);
    const bad = await core.invoke('campaigns.create', { name: 'X', listId: id, bot: 'no-such-bot' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.code).toBe('invalid_request');
    expect(!bad.ok && bad.error.message).toContain('no-such-bot');
    const bots = ok<{ defaultBotId: string }>(await core.invoke('voicebot.bots', {}));
    const good = ok<CampaignDetail>(
      await core.invoke('campaigns.create', { name: 'X', listId: id, bot: bots.defaultBotId }),
    );
    expect(good.settings.bot).toBe(bots.defaultBotId);
    // The demo bot needs the appointment's day and time; this list has neither: skipped, named, not dialled.
    expect(good.counters.byStatus).toMatchObject({ pending: 0, skipped: 1 });
    const page = ok<CampaignContactsPage>(await core.invoke('campaigns.contacts', { campaignId: good.id }));
    expect(page.contacts[0]?.skipReason).toBe('missing variables: appointment_day, appointment_time');
  }, 60_000);
});
