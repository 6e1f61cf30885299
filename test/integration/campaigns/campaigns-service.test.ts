import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CampaignCreateSchema, type CampaignCreate } from '../../../src/shared/campaigns';
import { CampaignError, IllegalTransitionError } from '../../../src/main/core/campaigns';
import { makeCampaignsHarness } from './harness';

/** Campaigns on a real SQLite file: drafts, the queue, audited transitions, and the attempt rows. */

let h: ReturnType<typeof makeCampaignsHarness>;
beforeEach(() => {
  h = makeCampaignsHarness();
});
afterEach(() => h.cleanup());

const create = (req: CampaignCreate) =>
  h.service.create(CampaignCreateSchema.parse(req), 'tester', h.scope('campaigns.create', 'campaign'));
const rows = () => h.auditLog.list(undefined, 100).entries;

describe('creating a campaign', () => {
  it('queues the list’s callable contacts in list order; DNC-marked ones enter skipped', () => {
    const { listId, contactIds } = h.addList('March', 5, { invalid: [2], dnc: [4] });
    const c = create({ name: 'March calls', listId, bot: 'demo' });
    expect(c).toMatchObject({
      name: 'March calls',
      state: 'draft',
      listId,
      listName: 'March',
      contactIds: null,
    });
    expect(c.counters).toMatchObject({
      contacts: 4,
      byStatus: { pending: 3, skipped: 1, in_call: 0, done: 0 },
    });
    const queue = h.repo.queue(c.id);
    expect(queue.map((q) => [q.position, q.contactId, q.status, q.skipReason])).toEqual([
      [0, contactIds[0], 'pending', null],
      [1, contactIds[2], 'pending', null],
      [2, contactIds[3], 'skipped', 'dnc'],
      [3, contactIds[4], 'pending', null],
    ]);
    const row = rows().find((r) => r.action === 'campaigns.create');
    expect(row?.subject).toBe(`campaign:${c.id}`);
    expect(JSON.parse(row?.payload ?? '{}')).toMatchObject({ campaignId: c.id, contacts: 4, skipped: 1 });
  });

  it('takes selected contacts of the list, and refuses ids that are not callable contacts of it', () => {
    const { listId, contactIds } = h.addList('March', 5, { invalid: [2] });
    const c = create({ name: 'Two', listId, bot: 'demo', contactIds: [contactIds[4]!, contactIds[0]!] });
    expect(h.repo.queue(c.id).map((q) => q.contactId)).toEqual([contactIds[0], contactIds[4]]);
    expect(() => create({ name: 'Bad', listId, bot: 'demo', contactIds: [contactIds[1]!, 999] })).toThrow(
      `Contacts ${contactIds[1]}, 999 are not callable contacts of list ${listId}`,
    );
    expect(() => create({ name: 'None', listId: 4242, bot: 'demo' })).toThrow(
      'List 4242 has no callable contacts',
    );
  });

  it('refuses pacing above the account’s calls-per-minute limit', () => {
    const { listId } = h.addList('March', 2);
    h.setCpmLimit(30);
    const err = (() => {
      try {
        create({ name: 'Fast', listId, bot: 'demo', pacing: { maxConcurrent: 2, callsPerMinute: 31 } });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(CampaignError);
    expect(err).toMatchObject({ code: 'invalid' });
    expect((err as Error).message).toBe(
      "31 calls per minute is above the account's limit of 30 (Settings › Calling)",
    );
    expect(h.service.list()).toEqual([]);
  });

  it('audits a window that reaches outside 09:00–21:00 as an override', () => {
    const { listId } = h.addList('March', 2);
    const c = create({
      name: 'Late',
      listId,
      bot: 'demo',
      window: { days: ['mon'], start: '09:00', end: '22:00', timeZone: 'Asia/Kolkata', override: true },
    });
    const row = rows().find((r) => r.action === 'campaigns.create');
    expect(JSON.parse(row?.payload ?? '{}')).toMatchObject({
      campaignId: c.id,
      windowOverride: '09:00-22:00 Asia/Kolkata (outside 09:00-21:00)',
    });
  });
});

describe('changing and moving a campaign', () => {
  it('a draft changes (settings and selection); a started one refuses', () => {
    const { listId, contactIds } = h.addList('March', 3);
    const c = create({ name: 'March calls', listId, bot: 'demo' });
    const u = h.service.update(
      {
        campaignId: c.id,
        name: 'Renamed',
        contactIds: [contactIds[1]!],
        pacing: { maxConcurrent: 3, callsPerMinute: 20 },
      },
      h.scope('campaigns.update'),
    );
    expect(u).toMatchObject({
      name: 'Renamed',
      contactIds: [contactIds[1]],
      settings: { pacing: { maxConcurrent: 3 } },
    });
    expect(u.settings.retry.maxAttempts).toBe(3);
    expect(h.repo.queue(c.id).map((q) => q.contactId)).toEqual([contactIds[1]]);
    h.service.transition(c.id, 'start', h.scope('campaigns.start'));
    expect(() => h.service.update({ campaignId: c.id, name: 'Late' }, h.scope('campaigns.update'))).toThrow(
      'Only a draft can be changed; this campaign is running',
    );
  });

  it('each transition is one audit row with from and to; an illegal one is refused and writes nothing', () => {
    const { listId } = h.addList('March', 2);
    const c = create({ name: 'March calls', listId, bot: 'demo' });
    const started = h.service.transition(c.id, 'start', h.scope('campaigns.start'));
    expect(started.state).toBe('running');
    expect(started.startedAt).not.toBeNull();
    expect(h.service.transition(c.id, 'pause', h.scope('campaigns.pause')).state).toBe('paused');
    expect(h.service.transition(c.id, 'resume', h.scope('campaigns.resume')).state).toBe('running');
    const canceled = h.service.transition(c.id, 'cancel', h.scope('campaigns.cancel'));
    expect(canceled).toMatchObject({ state: 'canceled' });
    expect(canceled.finishedAt).not.toBeNull();
    const before = rows().length;
    expect(() => h.service.transition(c.id, 'resume', h.scope('campaigns.resume'))).toThrow(
      IllegalTransitionError,
    );
    expect(rows().length).toBe(before);
    const moves = rows()
      .filter((r) => r.action !== 'campaigns.create')
      .reverse()
      .map((r) => JSON.parse(r.payload) as { from: string; to: string });
    expect(moves.map((m) => `${m.from}>${m.to}`)).toEqual([
      'draft>running',
      'running>paused',
      'paused>running',
      'running>canceled',
    ]);
  });

  it('scheduling needs a start time', () => {
    const { listId } = h.addList('March', 2);
    const c = create({ name: 'March calls', listId, bot: 'demo' });
    expect(() => h.service.transition(c.id, 'schedule', h.scope('campaigns.schedule'))).toThrow(
      'Set a start time to schedule the campaign',
    );
    h.service.update(
      { campaignId: c.id, schedule: { startAt: '2030-01-01T09:00:00+05:30' } },
      h.scope('campaigns.update'),
    );
    expect(h.service.transition(c.id, 'schedule', h.scope('campaigns.schedule')).state).toBe('scheduled');
  });
});

describe('the queue and attempts', () => {
  it('an attempt number is used once per contact: a second reservation of it throws', () => {
    const { listId, contactIds } = h.addList('March', 2);
    const c = create({ name: 'March calls', listId, bot: 'demo' });
    const contactId = contactIds[0]!;
    const at = new Date().toISOString();
    h.repo.reserveAttempt({ attemptId: 'a1', campaignId: c.id, contactId, attemptNo: 1, at });
    expect(() =>
      h.repo.reserveAttempt({ attemptId: 'a2', campaignId: c.id, contactId, attemptNo: 1, at }),
    ).toThrow(/UNIQUE/);
    expect(h.repo.contact(c.id, contactId)).toMatchObject({ status: 'in_call', attempts: 1 });
    expect(h.service.detail(c.id).counters).toMatchObject({ attempts: 1, inFlight: 1 });
    h.repo.finishAttempt({ attemptId: 'a1', outcome: 'busy', disposition: null, flags: ['short_call'], at });
    h.repo.updateContact(c.id, contactId, { status: 'pending', lastOutcome: 'busy', nextEligibleAt: at }, at);
    expect(h.service.detail(c.id).counters).toMatchObject({
      attempts: 1,
      inFlight: 0,
      flagged: 1,
      byOutcome: { busy: 1, answered: 0 },
    });
    const page = h.repo.contactsPage(c.id, { afterPosition: -1, limit: 10 });
    expect(page.total).toBe(2);
    expect(page.contacts[0]).toMatchObject({
      contactId,
      status: 'pending',
      attempts: 1,
      lastOutcome: 'busy',
      last: { attemptId: 'a1', attemptNo: 1, outcome: 'busy', flags: ['short_call'] },
    });
    expect(page.contacts[1]?.last).toBeNull();
    expect(h.repo.dueContacts(c.id, at, 10).map((q) => q.contactId)).toEqual([contactId, contactIds[1]]);
    expect(h.repo.dueContacts(c.id, '2000-01-01T00:00:00.000Z', 10).map((q) => q.contactId)).toEqual([
      contactIds[1],
    ]);
  });
});

describe('the forecast of a stored campaign', () => {
  it('a draft forecasts its whole queue from its start; a running one what is left, with its own outcomes', () => {
    const monday9 = new Date('2026-03-02T09:00:00+05:30');
    h.cleanup();
    h = makeCampaignsHarness({ now: () => monday9 });
    const { listId, contactIds } = h.addList('March', 20, { dnc: [20] });
    const c = create({ name: 'March calls', listId, bot: 'demo' });
    const draft = h.service.forecast(c.id);
    expect(draft).toMatchObject({ from: monday9.toISOString(), contacts: 19, answerRateSource: 'assumed' });
    expect(draft.dials - draft.expectedRetries).toBe(19);
    h.service.transition(c.id, 'start', h.scope('campaigns.start'));
    const at = monday9.toISOString();
    for (const [i, outcome] of (['busy', 'busy', 'answered'] as const).entries()) {
      const contactId = contactIds[i]!;
      h.repo.reserveAttempt({ attemptId: `a${i}`, campaignId: c.id, contactId, attemptNo: 1, at });
      h.repo.finishAttempt({ attemptId: `a${i}`, outcome, disposition: null, flags: [], at });
      h.repo.updateContact(c.id, contactId, { status: outcome === 'answered' ? 'done' : 'pending' }, at);
    }
    const live = h.service.forecast(c.id);
    expect(live).toMatchObject({ contacts: 18, answerRateSource: 'observed', observedAttempts: 3 });
    expect(live.answerRate).toBeCloseTo((1 + 10 * 0.6) / 13, 6);
    h.service.transition(c.id, 'cancel', h.scope('campaigns.cancel'));
    expect(h.service.forecast(c.id)).toMatchObject({ contacts: 0, dials: 0, finishAt: null });
  });
});

describe('the bot’s variables', () => {
  it('a contact without a value the bot needs enters the queue skipped, named; a new bot re-checks the queue', () => {
    const { listId, contactIds } = h.addList('March', 3);
    h.db.prepare(`UPDATE contacts SET variables = ? WHERE id = ?`).run('{"day":"Monday"}', contactIds[0]);
    h.db.prepare(`UPDATE contacts SET variables = ? WHERE id = ?`).run('{"day":"  "}', contactIds[1]);
    const c = h.service.create(
      CampaignCreateSchema.parse({ name: 'Needs day', listId, bot: 'reminder' }),
      'tester',
      h.scope('campaigns.create'),
      ['day'],
    );
    expect(h.repo.queue(c.id).map((q) => [q.contactId, q.status, q.skipReason])).toEqual([
      [contactIds[0], 'pending', null],
      [contactIds[1], 'skipped', 'missing variables: day'],
      [contactIds[2], 'skipped', 'missing variables: day'],
    ]);
    h.service.update({ campaignId: c.id, bot: 'plain' }, h.scope('campaigns.update'), []);
    expect(h.repo.queue(c.id).every((q) => q.status === 'pending')).toBe(true);
  });
});
