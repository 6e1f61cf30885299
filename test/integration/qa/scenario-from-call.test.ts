import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { QaRunDetail, QaUpdatedEvent } from '../../../src/shared/qa';
import type { QaScenarioFromCallResult } from '../../../src/shared/qa-edit';
import { DATABASE_FILE, DATA_TOOL, type Core } from '../../../src/main/core';
import { createLogger } from '../../../src/main/core/logging';
import { createSpeechProviders, type SpeechProviders } from '../../../src/main/core/speech';
import { openDatabase, type Db } from '../../../src/main/core/store';
import { repoRoot } from '../../fixtures/demo-bot';
import { ok } from '../../helpers/api-wait';
import { makeTestCore } from '../../helpers/core';
import { recordDemoCall } from './recorded-call-rig';

// A recorded call becomes a regression scenario in one call of the Api: the draft names the call's
// recording as its human caller, has a step per caller turn expecting what the bot said, and passes
// when run against the same bot.

let core: Core;
let dir: string;
let cleanup: () => Promise<void>;
let db: Db;
let speech: SpeechProviders;
const log = createLogger([], 'error', 'test');

beforeAll(async () => {
  ({ core, dir, cleanup } = await makeTestCore({ profile: DATA_TOOL }));
  // The voicebot records into the same data folder (a second connection to its database).
  db = openDatabase(path.join(dir, DATABASE_FILE));
  speech = await createSpeechProviders({});
}, 60_000);

afterAll(async () => {
  speech?.dispose();
  db?.close();
  await cleanup?.();
});

describe('qa.scenarioFromCall', () => {
  it('drafts the call as a scenario in the recorded-calls suite, and the draft passes against the bot', async () => {
    const session = await recordDemoCall({ db, speech, dir, lines: ['yes', 'cancel', 'yes'], log });
    expect(session.disposition).toBe('cancelled');

    const made = ok<QaScenarioFromCallResult>(
      await core.invoke('qa.scenarioFromCall', { sessionId: session.id }),
    );
    expect(made.dir).toBe(path.join(dir, 'qa', 'suites', 'recorded-calls'));
    expect(made.file).toMatch(/^call-\d{4}-\d{2}-\d{2}-[A-Za-z0-9]{1,8}\.yaml$/);
    expect(made.item.problems).toEqual([]);
    expect(made.item.callers).toEqual(['human']);
    const draft = YAML.parse(await fs.readFile(path.join(made.dir, made.file), 'utf8')) as {
      bot: string;
      human: { session: string };
      greeting: { says: string };
      steps: { say: string; expect?: { says: string } }[];
      expect: Record<string, unknown>;
    };
    expect(draft.bot).toBe('appointment-reminder');
    expect(draft.human).toEqual({ session: session.id });
    expect(draft.greeting.says).toMatch(/am i speaking with/i);
    expect(draft.steps.map((s) => s.say)).toEqual(['yes', 'cancel', 'yes']);
    expect(draft.steps[1]?.expect?.says).toMatch(/should i cancel your appointment/i);
    expect(draft.steps[2]?.expect?.says).toMatch(/cancelled/i);
    expect(draft.expect).toEqual({ disposition: 'cancelled', transfer: false, hangup_by: 'bot' });

    // The suite lists it; run, it replays the call's recorded caller and passes.
    let stop = () => {};
    const finished = new Promise<void>((resolve) => {
      stop = core.subscribe((event, payload) => {
        if (event === 'qa.updated' && (payload as QaUpdatedEvent).state !== 'running') resolve();
      });
    });
    const { runId } = ok<{ runId: string }>(await core.invoke('qa.run', { dir: made.dir }));
    await finished;
    stop();
    const run = ok<QaRunDetail>(await core.invoke('qa.runDetail', { runId }));
    const [replay] = run.scenarios;
    expect([replay?.caller, replay?.verdict, replay?.disposition, replay?.error]).toEqual([
      'human',
      'passed',
      'cancelled',
      null,
    ]);
    expect(replay?.turns.slice(1).map((t) => t.callerText)).toEqual([
      `session ${session.id} turn 1`,
      `session ${session.id} turn 2`,
      `session ${session.id} turn 3`,
    ]);

    // A second draft of the same call is a new file; a bundled suite and an unknown call are refused.
    const again = ok<QaScenarioFromCallResult>(
      await core.invoke('qa.scenarioFromCall', { sessionId: session.id, dir: made.dir }),
    );
    expect(again.file).toBe(made.file.replace(/\.yaml$/, '-2.yaml'));
    await expect(
      core.invoke('qa.scenarioFromCall', {
        sessionId: session.id,
        dir: path.join(repoRoot, 'resources/qa/appointment'),
      }),
    ).resolves.toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    await expect(core.invoke('qa.scenarioFromCall', { sessionId: 'nope' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'No voicebot session nope' },
    });
  }, 180_000);
});
