import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { FakeAsr, FakeTts, FakeVadProvider } from '../../../src/main/core/speech/testing';
import { openDatabase, VoicebotRepository, type Db } from '../../../src/main/core/store';
import { createMediaPair, ExotelStreamClient } from '../../../src/main/core/stream';
import { BotRegistry, DEFAULT_BOT_ID, UnknownBotError, Voicebot } from '../../../src/main/core/voicebot';
import { makeTempDir } from '../../helpers/temp-dir';
import { repoRoot } from '../../fixtures/demo-bot';

// The voicebot serves more than one bot: the bundled resources/bots plus the user's <data>/bots.
// A bad file is reported by file and field and spoils nothing; each call names its bot.

const BUNDLED = path.join(repoRoot, 'resources/bots');

const bot = (id: string, greeting: string) => `kind: script
id: ${id}
name: ${id} bot
variables:
  name: { required: true, example: Ravi, description: Who we call }
intents:
  yes: { phrases: [yes] }
no_input: { prompt: Sorry?, limit: 2, then: bye }
no_match: { prompt: Sorry?, limit: 2, then: bye }
start: hello
states:
  hello:
    type: ask
    prompt: ${greeting}
    transitions:
      - { intent: yes, to: bye }
  bye:
    type: end
    prompt: Goodbye.
    disposition: done
`;

let tmp: { dir: string; cleanup: () => void };
let userDir: string;
const logs: LogRecord[] = [];
const log = createLogger([memorySink(logs)], 'debug', 'test');

beforeEach(() => {
  tmp = makeTempDir();
  userDir = path.join(tmp.dir, 'bots');
  logs.length = 0;
});
afterEach(() => tmp.cleanup());

const load = () => BotRegistry.load({ bundledDir: BUNDLED, userDir, defaultBotId: DEFAULT_BOT_ID, log });

describe('the bot registry', () => {
  it('lists the bundled bots and the user folder (created when missing) with their variables', async () => {
    const registry = await load();
    expect(fs.existsSync(userDir)).toBe(true);
    const view = registry.view();
    expect(view.problems).toEqual([]);
    expect(view.defaultBotId).toBe('appointment-reminder');
    expect(view.userDir).toBe(userDir);
    expect(view.bots.map((b) => [b.id, b.kind, b.source])).toEqual([
      ['appointment-reminder', 'script', 'bundled'],
      ['collections-llm', 'llm', 'bundled'],
    ]);
    const demo = view.bots[0];
    expect(demo?.file).toBe(path.join(BUNDLED, 'appointment-reminder.yaml'));
    expect(demo?.variables.find((v) => v.name === 'name')).toEqual({
      name: 'name',
      required: true,
      example: 'Asha',
      default: null,
      description: "Patient's name as it should be spoken",
    });
    expect(demo?.variables.find((v) => v.name === 'clinic')).toMatchObject({
      required: false,
      default: 'the clinic',
    });
    expect(registry.resolve().id).toBe('appointment-reminder');
    expect(registry.resolve('collections-llm').kind).toBe('llm');
    expect(() => registry.resolve('nope')).toThrow(UnknownBotError);
    expect(() => registry.resolve('nope')).toThrow(/unknown bot 'nope'/);
  });

  it('reports a bad bot file by file and field, and keeps every good one', async () => {
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'good.yaml'), bot('survey', 'Hello {{name}}, a short survey.'));
    fs.writeFileSync(
      path.join(userDir, 'typo.yaml'),
      bot('typo', 'Hi.').replace('- { intent: yes, to: bye }', '- { intent: yes, to: byee }'),
    );
    fs.writeFileSync(path.join(userDir, 'broken.yml'), 'kind: script\nid: [unclosed\n');
    fs.writeFileSync(path.join(userDir, 'twin.yaml'), bot('appointment-reminder', 'Another.'));
    fs.writeFileSync(path.join(userDir, 'notes.txt'), 'not a bot');
    const registry = await load();
    const view = registry.view();
    expect(view.bots.map((b) => `${b.source}:${b.id}`)).toEqual([
      'bundled:appointment-reminder',
      'bundled:collections-llm',
      'user:survey',
    ]);
    const byFile = (name: string) => view.problems.filter((p) => p.file === path.join(userDir, name));
    expect(byFile('typo.yaml')).toEqual([
      {
        file: path.join(userDir, 'typo.yaml'),
        path: 'states.hello.transitions[0].to',
        message: expect.stringMatching(/byee/) as unknown,
      },
    ]);
    expect(byFile('broken.yml')[0]?.message).toMatch(/YAML syntax error at line/);
    expect(byFile('twin.yaml')).toEqual([
      {
        file: path.join(userDir, 'twin.yaml'),
        path: 'id',
        message: `'appointment-reminder' is already the id of ${path.join(BUNDLED, 'appointment-reminder.yaml')}`,
      },
    ]);
    expect(view.problems).toHaveLength(3);
    expect(logs.filter((l) => l.message === 'bot file not usable')).toHaveLength(3);

    // Fixing the file and reloading picks it up.
    fs.writeFileSync(path.join(userDir, 'typo.yaml'), bot('typo', 'Hi.'));
    await registry.reload();
    expect(registry.view().bots.map((b) => b.id)).toContain('typo');
    expect(registry.view().problems).toHaveLength(2);
  });
});

describe('a registry of one bot file (calldeck voicebot --bot FILE)', () => {
  it('serves that bot only, throws on a bad file at start, and keeps the last good bot on a bad reload', async () => {
    const file = path.join(tmp.dir, 'survey.yaml');
    fs.writeFileSync(file, bot('survey', 'Hello.'));
    const registry = await BotRegistry.fromFile(file, log);
    expect(registry.view()).toMatchObject({
      defaultBotId: 'survey',
      problems: [],
      bots: [{ id: 'survey', file }],
    });
    expect(registry.resolve().id).toBe('survey');
    fs.writeFileSync(file, 'kind: script\n');
    await registry.reload();
    expect(registry.resolve().id).toBe('survey');
    expect(registry.view().problems.length).toBeGreaterThan(0);
    await expect(BotRegistry.fromFile(file, log)).rejects.toThrow(/survey\.yaml: invalid bot definition/);
  });
});

describe('a voicebot with a registry', () => {
  let db: Db | undefined;
  afterEach(() => db?.close());

  it('serves two bots on two calls at once, each by the name the call gives; an unknown bot ends its call', async () => {
    fs.mkdirSync(userDir);
    fs.writeFileSync(path.join(userDir, 'survey.yaml'), bot('survey', 'Hello {{name}}, this is the survey.'));
    const registry = await load();
    db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
    const repo = new VoicebotRepository(db);
    const voicebot = new Voicebot({
      bot: registry,
      speech: { tts: new FakeTts(), asr: new FakeAsr([]), vad: new FakeVadProvider() },
      repo,
      recordingsDir: path.join(tmp.dir, 'recordings'),
      log,
      testVariables: { name: 'Meera' },
    });
    const call = async (customParameters: Record<string, string>) => {
      const pair = createMediaPair();
      await voicebot.attach(pair.bot);
      const client = ExotelStreamClient.overPort(pair.caller, { pacing: 'fast', customParameters });
      return client;
    };
    const a = await call({});
    const b = await call({ bot: 'survey' });
    const c = await call({ bot: 'no-such-bot' });
    expect(await a.untilMark('turn-1', 60_000)).toBe(true);
    expect(await b.untilMark('turn-1', 60_000)).toBe(true);
    expect((await c.closed).by).toBe('bot');
    await a.hangup();
    await b.hangup();
    await voicebot.idle();

    const sessions = repo.listSessions();
    expect(sessions.map((s) => s.botId).sort()).toEqual(['appointment-reminder', 'survey']);
    const greeting = (botId: string) => {
      const s = sessions.find((x) => x.botId === botId);
      return s ? repo.lines(s.id)[0]?.text : undefined;
    };
    expect(greeting('survey')).toBe('Hello Meera, this is the survey.');
    expect(greeting('appointment-reminder')).toMatch(
      /^Hello, this is the clinic calling\. Am I speaking with Meera\?/,
    );
    const refused = logs.find((l) => l.message === 'voicebot session could not start');
    expect(JSON.stringify(refused?.fields)).toMatch(/unknown bot 'no-such-bot'/);
  });
});
