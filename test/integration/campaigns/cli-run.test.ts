import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuditPage } from '../../../src/shared/audit';
import { call, withCliCore } from '../../../src/main/server/cli-core';
import type { CampaignDetail } from '../../../src/shared/campaigns';
import {
  runCampaignCommand,
  runCampaignResumeCommand,
  runCampaignShowCommand,
} from '../../../src/main/server/commands/campaigns';
import { runImportCommand } from '../../../src/main/server/commands/contacts';
import { makeTempDir } from '../../helpers/temp-dir';

/**
 * `calldeck campaign run` to the end in the sandbox: 20 contacts, callees that answer, are busy,
 * do not answer or are a machine, at 100× speed, with one immediate retry.
 */

let dir: string;
let data: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = makeTempDir('calldeck-campaign-run-'));
  data = path.join(dir, 'data');
});
afterEach(() => cleanup());

/** Numbers ending 1: busy; 2: no answer; 3: a machine; the rest answer and hang up after a line. */
const SCRIPT = {
  default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 3, says: [{ say: 'Yes, speaking.' }] },
  callees: [
    { pattern: '1$', outcome: 'busy', ringSec: 1 },
    { pattern: '2$', outcome: 'no-answer', ringSec: 2 },
    { pattern: '3$', outcome: 'voicemail', ringSec: 1, hangupAfterSec: 3, says: [{ silenceSec: 2 }] },
  ],
};

describe('calldeck campaign run', () => {
  it('runs a 20-contact list to completion in the sandbox and prints the summary next to the forecast', async () => {
    const file = path.join(dir, 'march.csv');
    // The demo bot's variables come from the list's other columns.
    const rows = [
      'Name,Mobile,Appointment Day,Appointment Time',
      ...Array.from(
        { length: 20 },
        (_, i) => `Customer ${i},98000002${String(i).padStart(2, '0')},Monday the fifth,ten in the morning`,
      ),
    ];
    fs.writeFileSync(file, rows.join('\n') + '\n');
    const lines: string[] = [];
    expect(await runImportCommand(file, { list: 'March', data, json: true }, (l) => lines.push(l))).toBe(0);

    // The account allows 600 calls a minute (Settings › Calling), so the campaign may go that fast.
    await withCliCore(data, (core) =>
      call(core, 'settings.update', {
        section: 'calling',
        values: {
          timeZone: 'Asia/Kolkata',
          windowStart: '09:00',
          windowEnd: '21:00',
          days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat'],
          defaultRegion: 'IN',
          callsPerMinuteLimit: 600,
        },
      }),
    );
    const out: string[] = [];
    const code = await runCampaignCommand(
      {
        list: 'March',
        // A bot file (the demo bot's own), as `--bot FILE`: the run's registry holds just that bot.
        bot: path.resolve('resources/bots/appointment-reminder.yaml'),
        data,
        sandbox: true,
        json: true,
        concurrency: 5,
        cpm: 600,
        retries: 1,
        retryAfter: 0,
        // The test runs at any hour: the whole day, with the override (recorded in the audit log).
        window: { start: '00:00', end: '23:59' },
        windowOverride: true,
      },
      (l) => out.push(l),
      { telephony: 'sandbox', sandboxScript: SCRIPT, sandboxTimeScale: 0.01 },
    );
    expect(out.length).toBe(1);
    expect(code).toBe(0);
    const summary = JSON.parse(out[0]!) as {
      campaign: { id: string; state: string; bot: string };
      contacts: Record<string, number>;
      attempts: number;
      skipped: Record<string, number>;
      flags: Record<string, number>;
      byDisposition: Record<string, number>;
      byOutcome: Record<string, number>;
      actual: { retries: number; dials: number };
      forecast: { dials: number; expectedRetries: number };
    };
    // 20 numbers …00..…19: endings 1, 2 and 3 twice each (busy, no answer, machine); the rest answer.
    expect(summary.skipped).toEqual({});
    expect(summary.campaign.state).toBe('completed');
    expect(summary.campaign.bot).toBe('appointment-reminder');
    expect(summary.contacts).toMatchObject({ total: 20, done: 20, pending: 0, in_call: 0 });
    // Busy and no-answer are retried once (default policy: busy, no_answer, failed); a machine is not.
    expect(summary.byOutcome).toMatchObject({ answered: 14, busy: 4, no_answer: 4, machine: 2 });
    expect(summary.attempts).toBe(24);
    expect(summary.actual).toMatchObject({ dials: 24, retries: 4 });
    // The outcome check flags the machines; each contact's last attempt has a disposition entry.
    expect(summary.flags).toMatchObject({ machine_answered: 2 });
    expect(Object.values(summary.byDisposition).reduce((a, b) => a + b, 0)).toBe(20);
    // Forecast before the start (answer rate 0.6 assumed): at least every contact once, retries within policy.
    expect(summary.forecast.dials).toBeGreaterThanOrEqual(20);
    expect(summary.forecast.expectedRetries).toBeLessThanOrEqual(20);

    const shown: string[] = [];
    expect(
      await runCampaignShowCommand(summary.campaign.id, { data, json: true }, (l) => shown.push(l)),
    ).toBe(0);
    expect(JSON.parse(shown[0]!)).toMatchObject({ campaign: { state: 'completed' }, attempts: 24 });
    const audit = await withCliCore(data, (core) => call<AuditPage>(core, 'audit.list', { limit: 100 }));
    const actions = audit.entries.map((e) => e.action).filter((a) => a.startsWith('campaigns.'));
    expect(actions).toContain('campaigns.create');
    expect(actions).toContain('campaigns.start');
  }, 120_000);

  it('Ctrl-C pauses the campaign; resume takes it up and runs it to the end, each contact called once', async () => {
    const file = path.join(dir, 'april.csv');
    const rows = [
      'Name,Mobile,Appointment Day,Appointment Time',
      ...Array.from(
        { length: 8 },
        (_, i) => `Customer ${i},98000003${String(i).padStart(2, '0')},Monday,ten`,
      ),
    ];
    fs.writeFileSync(file, rows.join('\n') + '\n');
    expect(await runImportCommand(file, { list: 'April', data, json: true }, () => undefined)).toBe(0);
    const answering = { default: SCRIPT.default, callees: [] };
    const extra = { telephony: 'sandbox' as const, sandboxScript: answering, sandboxTimeScale: 0.01 };
    const interrupt = new AbortController();
    setTimeout(() => interrupt.abort(), 1500);
    const first: string[] = [];
    const opts = {
      list: 'April',
      data,
      sandbox: true,
      json: true,
      concurrency: 1,
      cpm: 60,
      window: { start: '00:00', end: '23:59' },
      windowOverride: true,
    };
    expect(await runCampaignCommand(opts, (l) => first.push(l), extra, interrupt.signal)).toBe(0);
    const paused = JSON.parse(first[0]!) as { campaign: { id: string; state: string }; attempts: number };
    expect(paused.campaign.state).toBe('paused');
    expect(paused.attempts).toBeGreaterThan(0);
    expect(paused.attempts).toBeLessThan(8);

    const second: string[] = [];
    const resumed = await runCampaignResumeCommand(
      paused.campaign.id,
      { data, json: true, sandbox: true },
      (l) => second.push(l),
      extra,
    );
    expect(resumed).toBe(0);
    const end = JSON.parse(second[0]!) as {
      campaign: { state: string };
      attempts: number;
      byOutcome: object;
    };
    expect(end.campaign.state).toBe('completed');
    expect(end.attempts).toBe(8);
    expect(end.byOutcome).toMatchObject({ answered: 8 });
    const detail = await withCliCore(data, (core) =>
      call<CampaignDetail>(core, 'campaigns.get', { campaignId: paused.campaign.id }),
    );
    expect(detail.counters.byStatus).toMatchObject({ done: 8, pending: 0, in_call: 0 });
  }, 120_000);
});
