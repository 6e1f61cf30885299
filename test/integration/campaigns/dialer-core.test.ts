import { afterEach, describe, expect, it } from 'vitest';
import type {
  CampaignContactsPage,
  CampaignDetail,
  CampaignUpdatedEvent,
} from '../../../src/shared/campaigns';
import type { JobInfo, JobsList } from '../../../src/shared/jobs';
import path from 'node:path';
import { FileSecretStore } from '../../../src/main/server';
import { runCampaignResumeCommand } from '../../../src/main/server/commands/campaigns';
import { makeTestCore } from '../../helpers/core';
import { makeTempDir } from '../../helpers/temp-dir';
import { ok, until, untilAsync } from '../../helpers/api-wait';
import { startCoreCampaign } from './core-campaign';

/** A campaign run through a full core in the sandbox, as the app and `calldeck serve` run one. */

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// Numbers ending 1 are busy, 2 a voicemail; everyone else answers and hangs up at once, saying nothing.
const SCRIPT = {
  default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 1 },
  callees: [
    { pattern: '1$', outcome: 'busy', ringSec: 1 },
    { pattern: '2$', outcome: 'voicemail', ringSec: 1, hangupAfterSec: 1 },
  ],
};

describe('campaigns in a full core', () => {
  it('starts a campaign from the Api, dials every contact in the sandbox, retries busy, and completes audited', async () => {
    const { core, cleanup, logs } = await makeTestCore({
      telephony: 'sandbox',
      sandboxScript: SCRIPT,
      sandboxTimeScale: 0.01,
    });
    cleanups.push(cleanup);
    const events: CampaignUpdatedEvent[] = [];
    const jobs: JobInfo[] = [];
    core.subscribe((event, payload) => {
      if (event === 'campaign.updated') events.push(payload as CampaignUpdatedEvent);
      if (event === 'job.updated') jobs.push(payload as JobInfo);
    });
    const rows = [
      'Name,Mobile,appointment_day,appointment_time',
      ...Array.from({ length: 5 }, (_, i) => `Customer ${i},98000000${10 + i},Monday,10 am`),
    ];
    const created = await startCoreCampaign(core, {
      rows,
      name: 'Run',
      maxConcurrent: 2,
      retry: { maxAttempts: 2, on: ['busy'], intervalMinutes: 0, backoff: 'linear' },
    });
    const done = await until(() =>
      events.find((e) => e.campaign.id === created.id && e.campaign.state === 'completed'),
    );
    expect(done.campaign.counters).toMatchObject({
      contacts: 5,
      byStatus: { done: 5 },
      attempts: 6,
      inFlight: 0,
      byOutcome: { answered: 3, busy: 2, machine: 1 },
    });
    const page = ok<CampaignContactsPage>(
      await core.invoke('campaigns.contacts', { campaignId: created.id }),
    );
    const busy = page.contacts.find((c) => c.number.endsWith('1'));
    expect(busy).toMatchObject({ attempts: 2, lastOutcome: 'busy', status: 'done' });
    // The outcome check: the voicemail is counted as machine (not retried: the policy retries busy) and flagged.
    const machine = page.contacts.find((c) => c.number.endsWith('2'));
    expect(machine).toMatchObject({ attempts: 1, lastOutcome: 'machine', status: 'done' });
    expect(machine?.last?.flags).toContain('machine_answered');
    expect(busy?.last?.flags).toEqual([]);
    // Each dial had its greeting synthesised while the phone rang (dialOnce → Voicebot.prepareCall).
    const prepared = () => logs.filter((l) => l.message === 'greeting prepared while the phone rings');
    await until(() => prepared().length === 6 || undefined);
    expect(new Set(prepared().map((l) => l.fields?.attemptId)).size).toBe(6);
    // The run was a job of its own, and it ended with the campaign.
    expect(jobs.some((j) => j.kind === 'campaign.run' && j.state === 'succeeded')).toBe(true);
    // Completion is the model's audited transition.
    const audit = ok<{ entries: { action: string; subject: string }[] }>(
      await core.invoke('audit.list', { limit: 50 }),
    );
    expect(
      audit.entries.some((e) => e.action === 'campaigns.complete' && e.subject === `campaign:${created.id}`),
    ).toBe(true);
  });
});

describe('the pushed counters', () => {
  it('follow contacts as they are dialled, not only when a call ends (the panel showed Queued 2 with every contact in a call)', async () => {
    // Everyone answers and stays on the line: no call ends while the test looks.
    const { core, cleanup } = await makeTestCore({
      telephony: 'sandbox',
      sandboxScript: { default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 600 } },
    });
    cleanups.push(cleanup);
    const started = await startCoreCampaign(core, { contacts: 3, maxConcurrent: 2, callsPerMinute: 60 });
    const inCall = (c: CampaignDetail | undefined) => (c?.counters.byStatus.in_call === 2 ? c : undefined);
    await untilAsync(async () =>
      inCall(ok<CampaignDetail>(await core.invoke('campaigns.get', { campaignId: started.id }))),
    );
    const pushed = await until(() => inCall(started.latest()), 5_000);
    expect(pushed.counters).toMatchObject({
      byStatus: { pending: 1, in_call: 2, done: 0 },
      attempts: 2,
      inFlight: 2,
    });
    ok(await core.invoke('campaigns.cancel', { campaignId: started.id }));
  }, 60_000);
});

describe('Retry now', () => {
  it('on a contact whose number is on Do-Not-Call is refused, saying why (it showed "pending, now" and was skipped again later)', async () => {
    const { core, cleanup } = await makeTestCore({
      telephony: 'sandbox',
      sandboxScript: { default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 600 } },
    });
    cleanups.push(cleanup);
    ok(await core.invoke('dnc.add', { phones: ['+919800010000'], note: 'asked' }));
    const started = await startCoreCampaign(core, { contacts: 2, maxConcurrent: 1, callsPerMinute: 1 });
    const page = ok<CampaignContactsPage>(
      await core.invoke('campaigns.contacts', { campaignId: started.id }),
    );
    const dnc = page.contacts.find((c) => c.number === '+919800010000');
    expect(dnc).toMatchObject({ status: 'skipped', skipReason: 'dnc' });
    const r = await core.invoke('campaigns.retryContact', {
      campaignId: started.id,
      contactId: dnc?.contactId,
    });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'invalid_request',
        message:
          'Customer 0 (+919800010000) is on the Do-Not-Call register and is never dialled: remove the number there first.',
      },
    });
    const after = ok<CampaignContactsPage>(
      await core.invoke('campaigns.contacts', { campaignId: started.id }),
    );
    expect(after.contacts.find((c) => c.contactId === dnc?.contactId)?.status).toBe('skipped');
    ok(await core.invoke('campaigns.cancel', { campaignId: started.id }));
  }, 60_000);
});

describe('a restart', () => {
  it('takes a running campaign up again within seconds and finishes it inside its policy', async () => {
    const first = await makeTestCore({ telephony: 'sandbox', sandboxScript: SCRIPT, sandboxTimeScale: 0.01 });
    cleanups.push(first.cleanup); // its stop is idempotent
    let attempts = 0;
    first.core.subscribe((event, payload) => {
      if (event === 'campaign.updated')
        attempts = (payload as CampaignUpdatedEvent).campaign.counters.attempts;
    });
    const rows = [
      'Name,Mobile,appointment_day,appointment_time',
      ...Array.from({ length: 12 }, (_, i) => `Customer ${i},98000000${10 + i},Monday,10 am`),
    ];
    const created = await startCoreCampaign(first.core, {
      rows,
      name: 'Run',
      maxConcurrent: 2,
      retry: { maxAttempts: 2, on: ['busy'], intervalMinutes: 0, backoff: 'linear' },
    });
    // The app stops part-way (a few calls placed); it starts again on the same data folder.
    await until(() => (attempts >= 3 ? true : undefined));
    await first.core.stop();
    const second = await makeTestCore({
      dataDir: first.dir,
      telephony: 'sandbox',
      sandboxScript: SCRIPT,
      sandboxTimeScale: 0.01,
    });
    cleanups.push(second.cleanup);
    const events: CampaignUpdatedEvent[] = [];
    const jobs: JobInfo[] = [];
    second.core.subscribe((event, payload) => {
      if (event === 'campaign.updated') events.push(payload as CampaignUpdatedEvent);
      if (event === 'job.updated') jobs.push(payload as JobInfo);
    });
    const resumedAt = Date.now();
    await until(() => events.find((e) => e.campaign.id === created.id && e.campaign.state === 'completed'));
    expect(Date.now() - resumedAt).toBeLessThan(30_000);
    expect(events.filter((e) => e.campaign.state === 'completed')).toHaveLength(1);
    // The stopped run's own job was taken up again (resumed), not replaced: one job, succeeded.
    await until(() =>
      jobs.some((j) => j.kind === 'campaign.run' && j.state === 'succeeded') ? true : undefined,
    );
    const listed = ok<JobsList>(await second.core.invoke('jobs.list', { recent: 50, kind: 'campaign.run' }));
    expect([...listed.running, ...listed.recent].map((j) => j.state)).toEqual(['succeeded']);
    const detail = ok<CampaignDetail>(await second.core.invoke('campaigns.get', { campaignId: created.id }));
    expect(detail.counters).toMatchObject({ contacts: 12, byStatus: { done: 12 }, inFlight: 0 });
    // Every contact inside its policy: attempts numbered 1..n, n at most 2, only the busy number twice.
    const page = ok<CampaignContactsPage>(
      await second.core.invoke('campaigns.contacts', { campaignId: created.id }),
    );
    for (const c of page.contacts) {
      expect(c.attempts).toBeGreaterThanOrEqual(1);
      expect(c.attempts).toBeLessThanOrEqual(2);
      if (!c.number.endsWith('1')) expect(c.lastOutcome === 'busy').toBe(false);
    }
  });
});

describe('calldeck campaign resume', () => {
  it('follows a campaign a stop left running (its start already took it up) to the end, instead of failing', async () => {
    const folder = makeTempDir('calldeck-resume-');
    cleanups.push(() => Promise.resolve(folder.cleanup()));
    // The CLI reads the data folder's key file: the app here keeps its secrets there too.
    const app = await makeTestCore({
      dataDir: folder.dir,
      secrets: new FileSecretStore(path.join(folder.dir, 'secrets.json')),
      telephony: 'sandbox',
      sandboxScript: SCRIPT,
      sandboxTimeScale: 0.01,
    });
    cleanups.push(app.cleanup);
    let attempts = 0;
    app.core.subscribe((event, payload) => {
      if (event === 'campaign.updated')
        attempts = (payload as CampaignUpdatedEvent).campaign.counters.attempts;
    });
    const rows = [
      'Name,Mobile,appointment_day,appointment_time',
      ...Array.from({ length: 8 }, (_, i) => `Customer ${i},98000001${10 + i},Monday,10 am`),
    ];
    const created = await startCoreCampaign(app.core, {
      rows,
      name: 'Left running',
      maxConcurrent: 1,
      retry: { maxAttempts: 1, on: [], intervalMinutes: 0, backoff: 'linear' },
    });
    await until(() => (attempts >= 2 ? true : undefined));
    await app.core.stop(); // the campaign stays running, its job left to resume

    const out: string[] = [];
    const code = await runCampaignResumeCommand(
      created.id,
      { data: folder.dir, json: true, sandbox: true },
      (l) => out.push(l),
      { sandboxScript: SCRIPT, sandboxTimeScale: 0.01 },
    );
    expect(code).toBe(0);
    const end = JSON.parse(out[0]!) as { campaign: { state: string }; attempts: number };
    expect(end.campaign.state).toBe('completed');
    expect(end.attempts).toBe(8);
  }, 120_000);
});
