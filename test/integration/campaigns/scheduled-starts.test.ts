import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditTrail } from '../../../src/main/core';
import { CampaignCreateSchema, type CampaignDetail } from '../../../src/shared/campaigns';
import { ScheduledStarts, type CampaignRunner } from '../../../src/main/core/campaigns';
import { silentLogger } from '../../../src/main/core/logging';
import { makeCampaignsHarness } from './harness';

/** Scheduled campaigns start when their time comes: audited as campaigns.start by the scheduler. */

let h: ReturnType<typeof makeCampaignsHarness>;
beforeEach(() => {
  h = makeCampaignsHarness();
});
afterEach(() => h.cleanup());

/** The seam's other side, recording what it is asked (the dialer itself is tested on its own). */
function recordingRunner(): CampaignRunner & { started: string[] } {
  const started: string[] = [];
  const done = () => Promise.resolve();
  return {
    started,
    start: (id) => {
      started.push(id);
      return done();
    },
    pause: done,
    resume: done,
    cancel: done,
    setPacing: () => undefined,
    skipContact: done,
    retryContact: done,
  };
}

describe('scheduled starts', () => {
  it('starts a scheduled campaign once its start time has come, not before, and never twice', async () => {
    const { listId } = h.addList('March', 3);
    const startAt = Date.parse('2030-01-07T09:00:00+05:30');
    const make = (name: string) =>
      h.service.create(
        CampaignCreateSchema.parse({
          name,
          listId,
          bot: 'demo',
          schedule: { startAt: new Date(startAt).toISOString() },
        }),
        'tester',
        h.scope('campaigns.create'),
      );
    const early = make('Early');
    const draft = make('Draft');
    h.service.transition(early.id, 'schedule', h.scope('campaigns.schedule'));
    let now = startAt - 1000;
    const runner = recordingRunner();
    const announced: CampaignDetail[] = [];
    const trail = new AuditTrail(h.auditLog, () => undefined);
    const starts = new ScheduledStarts({
      campaigns: h.service,
      runner: () => runner,
      audited: (action, run) => trail.run(action, run, (err) => ({ code: 'internal', message: String(err) })),
      announce: (c) => announced.push(c),
      log: silentLogger,
      now: () => now,
    });
    expect(await starts.tick()).toEqual([]);
    now = startAt;
    expect(await starts.tick()).toEqual([early.id]);
    expect(await starts.tick()).toEqual([]);
    expect(runner.started).toEqual([early.id]);
    expect(announced.map((c) => [c.id, c.state])).toEqual([[early.id, 'running']]);
    expect(h.service.detail(draft.id).state).toBe('draft');
    const row = h.auditLog.list(undefined, 10).entries[0];
    expect(row).toMatchObject({
      actor: 'scheduler',
      action: 'campaigns.start',
      subject: `campaign:${early.id}`,
    });
    expect(JSON.parse(row!.payload)).toMatchObject({ from: 'scheduled', to: 'running' });
  });

  it('without a dialer in this host nothing starts: the campaign stays scheduled', async () => {
    const { listId } = h.addList('March', 1);
    const c = h.service.create(
      CampaignCreateSchema.parse({
        name: 'X',
        listId,
        bot: 'demo',
        schedule: { startAt: '2020-01-01T00:00:00Z' },
      }),
      'tester',
      h.scope('campaigns.create'),
    );
    h.service.transition(c.id, 'schedule', h.scope('campaigns.schedule'));
    const trail = new AuditTrail(h.auditLog, () => undefined);
    const starts = new ScheduledStarts({
      campaigns: h.service,
      runner: () => undefined,
      audited: (action, run) => trail.run(action, run, (err) => ({ code: 'internal', message: String(err) })),
      announce: () => undefined,
      log: silentLogger,
    });
    expect(await starts.tick()).toEqual([]);
    expect(h.service.detail(c.id).state).toBe('scheduled');
  });
});
