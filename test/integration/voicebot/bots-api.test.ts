import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotsView } from '../../../src/shared/bots';
import type { TestCallSetup } from '../../../src/shared/telephony';
import { makeTestCore } from '../../helpers/core';
import { repoRoot } from '../../fixtures/demo-bot';

// voicebot.bots: what the UI offers a test call (and, later, a campaign or a QA run): the bundled bots
// and the user's <data>/bots, re-read on each call, with every broken file named by file and field.

let t: Awaited<ReturnType<typeof makeTestCore>>;
beforeAll(async () => {
  t = await makeTestCore();
});
afterAll(async () => {
  await t?.cleanup();
});

async function ok<T>(channel: string, request: unknown): Promise<T> {
  const result = await t.core.invoke(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

describe('voicebot.bots', () => {
  it('lists the bundled bots with their kind, file and variables, and the user folder', async () => {
    const view = await ok<BotsView>('voicebot.bots', {});
    expect(view.defaultBotId).toBe('appointment-reminder');
    expect(view.userDir).toBe(path.join(t.dir, 'bots'));
    expect(view.problems).toEqual([]);
    expect(view.bots.map((b) => [b.id, b.name, b.kind, b.source, b.file])).toEqual([
      [
        'appointment-reminder',
        'Clinic appointment reminder',
        'script',
        'bundled',
        path.join(repoRoot, 'resources/bots/appointment-reminder.yaml'),
      ],
      [
        'collections-llm',
        'Loan payment reminder',
        'llm',
        'bundled',
        path.join(repoRoot, 'resources/bots/collections-llm.yaml'),
      ],
    ]);
    expect(view.bots[0]?.variables.map((v) => [v.name, v.example])).toEqual([
      ['name', 'Asha'],
      ['appointment_day', 'Monday the fifth'],
      ['appointment_time', 'ten thirty in the morning'],
      ['clinic', null],
    ]);
  });

  it('picks up a bot file dropped into the user folder, and names a broken one by file and field', async () => {
    const demo = fs.readFileSync(path.join(repoRoot, 'resources/bots/appointment-reminder.yaml'), 'utf8');
    fs.writeFileSync(
      path.join(t.dir, 'bots', 'dental.yaml'),
      demo
        .replace('id: appointment-reminder', 'id: dental')
        .replace('name: Clinic appointment reminder', 'name: Dental'),
    );
    fs.writeFileSync(
      path.join(t.dir, 'bots', 'bad.yaml'),
      demo.replace('id: appointment-reminder', 'id: Bad Id'),
    );
    const view = await ok<BotsView>('voicebot.bots', {});
    expect(view.bots.map((b) => `${b.source}:${b.id}`)).toEqual([
      'bundled:appointment-reminder',
      'bundled:collections-llm',
      'user:dental',
    ]);
    expect(view.problems).toEqual([
      {
        file: path.join(t.dir, 'bots', 'bad.yaml'),
        path: 'id',
        message: 'must be lower-case letters, digits, - or _',
      },
    ]);
  });
});

describe('telephony.testCallSetup for a chosen bot', () => {
  it("gives that bot's variables, the default bot's without one, and names an unknown bot", async () => {
    const demo = await ok<TestCallSetup>('telephony.testCallSetup', {});
    expect(demo.bot).toEqual({ id: 'appointment-reminder', name: 'Clinic appointment reminder' });
    const llm = await ok<TestCallSetup>('telephony.testCallSetup', { bot: 'collections-llm' });
    expect(llm.bot?.id).toBe('collections-llm');
    expect(llm.variables.map((v) => v.name)).not.toEqual(demo.variables.map((v) => v.name));
    const unknown = await t.core.invoke('telephony.testCallSetup', { bot: 'nope' });
    expect(unknown).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: /unknown bot 'nope'/ },
    });
  });
});

describe('a test call that picks its bot', () => {
  it('is answered by that bot (recorded on the call attempt); an unknown bot is refused before dialling', async () => {
    const refused = await t.core.invoke('telephony.placeTestCall', { number: '+919811100001', bot: 'nope' });
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: /unknown bot 'nope'/ },
    });
    expect(await ok<unknown[]>('telephony.recentCalls', { limit: 10 })).toEqual([]);

    // 'dental' is in the user folder (the test above): the demo bot under another id and name.
    const started = new Promise<{ botId: string; sessionId: string }>((resolve) => {
      const off = t.core.subscribe((event, payload) => {
        if (event !== 'voicebot.sessionStarted') return;
        off();
        resolve(payload as { botId: string; sessionId: string });
      });
    });
    const placed = await ok<{ attempt: { id: string } }>('telephony.placeTestCall', {
      number: '+919811100002',
      bot: 'dental',
      variables: { name: 'Kiran' },
    });
    const session = await started;
    expect(session.botId).toBe('dental');
    const events = await ok<{ type: string; payload: unknown }[]>('telephony.callEvents', {
      attemptId: placed.attempt.id,
    });
    expect(events[0]).toMatchObject({
      type: 'dial_requested',
      payload: { bot: 'dental', variables: { name: 'Kiran' } },
    });
  }, 30_000);
});
