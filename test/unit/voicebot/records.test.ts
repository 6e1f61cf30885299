import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Artifacts } from '../../../src/main/core/artifacts';
import { createLogger } from '../../../src/main/core/logging';
import { ArtifactsRepository, openDatabase, VoicebotRepository, type Db } from '../../../src/main/core/store';
import {
  findResourcesDir,
  loadBotFile,
  speechConfigFromSettings,
  testCallVariables,
  VoicebotRecords,
} from '../../../src/main/core/voicebot';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { makeTempDir } from '../../helpers/temp-dir';

let db: Db | undefined;
let cleanup: (() => void) | undefined;
let dataDir = '';
afterEach(() => {
  db?.close();
  cleanup?.();
  db = undefined;
});

function repo(): VoicebotRepository {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  dataDir = tmp.dir;
  db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
  return new VoicebotRepository(db);
}

function artifacts(): Artifacts {
  return new Artifacts(new ArtifactsRepository(db as Db), dataDir, createLogger([]));
}

describe('voicebot records (migration 4)', () => {
  it('stores a session, its transcript and metrics, and reads them back for the Api', () => {
    const r = repo();
    r.insertSession({
      id: 's1',
      attemptId: 'a1',
      streamSid: 'MZ1',
      callSid: 'CA1',
      botId: 'b',
      sampleRate: 8000,
      startedAt: '2026-01-01T00:00:00.000Z',
    });
    r.addLine('s1', {
      seq: 1,
      turn: 1,
      speaker: 'bot',
      kind: 'prompt',
      text: 'Hello',
      startMs: 10.4,
      endMs: 900,
      interrupted: true,
      confidence: null,
      state: 'identity',
    });
    r.addLine('s1', {
      seq: 2,
      turn: 1,
      speaker: 'caller',
      kind: 'speech',
      text: 'yes',
      startMs: 1000,
      endMs: 1500,
      interrupted: false,
      confidence: 0.9,
      state: null,
    });
    const m = {
      turn: 2,
      input: 'speech' as const,
      endpointingMs: 340,
      asrMs: 20,
      dialogMs: 1,
      llmFirstTokenMs: null,
      llmTotalMs: null,
      ttsFirstAudioMs: 30,
      responseMs: 60,
      voiceToVoiceMs: 400,
      botAudioMs: 5000,
    };
    r.addMetrics('s1', m);
    r.endSession('s1', {
      endedAt: '2026-01-01T00:01:00.000Z',
      endReason: 'bot_hangup',
      disposition: 'confirmed',
      transfer: 'none',
      durationMs: 60_000.4,
      turns: 2,
      recordings: { caller: '/c.wav', bot: '/b.wav', mix: '/m.wav' },
    });
    const records = new VoicebotRecords(r, artifacts());
    expect(records.sessions({ attemptId: 'a1' }).map((s) => s.id)).toEqual(['s1']);
    expect(records.sessions({ attemptId: 'other' })).toEqual([]);
    const detail = records.session('s1');
    expect(detail?.session).toMatchObject({
      disposition: 'confirmed',
      transfer: 'none',
      durationMs: 60_000,
      turns: 2,
    });
    expect(detail?.lines.map((l) => [l.speaker, l.text, l.startMs, l.interrupted])).toEqual([
      ['bot', 'Hello', 10, true],
      ['caller', 'yes', 1000, false],
    ]);
    expect(detail?.metrics).toEqual([m]);
    expect(detail?.recordings).toEqual({ caller: '/c.wav', bot: '/b.wav', mix: '/m.wav' });
    expect(records.session('nope')).toBeUndefined();
  });

  it('serves a recording only from under the data folder, as an artifact registered once', async () => {
    const r = repo();
    r.insertSession({
      id: 's2',
      attemptId: null,
      streamSid: 'st',
      callSid: 'c',
      botId: 'b',
      sampleRate: 8000,
      startedAt: '2026-01-01T00:00:00.000Z',
    });
    const dir = path.join(dataDir, 'recordings', 's2');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'mix.wav'), 'RIFF');
    r.endSession('s2', {
      endedAt: '2026-01-01T00:01:00.000Z',
      endReason: 'bot_hangup',
      disposition: null,
      transfer: null,
      durationMs: 1,
      turns: 0,
      recordings: {
        caller: '/etc/passwd',
        bot: path.join(dataDir, 'recordings', 'missing.wav'),
        mix: path.join(dir, 'mix.wav'),
      },
    });
    const records = new VoicebotRecords(r, artifacts());
    expect(await records.recording('s2', 'caller')).toEqual({
      ok: false,
      code: 'not_found',
      message: 'The caller recording is outside the data folder.',
    });
    expect(await records.recording('s2', 'bot')).toMatchObject({ ok: false, code: 'not_found' });
    const first = await records.recording('s2', 'mix');
    const again = await records.recording('s2', 'mix');
    if (!first.ok || !again.ok) throw new Error('the mix should be served');
    expect(first.audio.artifact).toMatchObject({ kind: 'recording', mime: 'audio/wav', size: 4 });
    expect(again.audio.artifact.id).toBe(first.audio.artifact.id);
  });

  it('reads a contact row as dialog variables (its name and variables)', () => {
    const r = repo();
    const d = db as Db;
    d.prepare(
      `INSERT INTO contact_lists (id, name, created_at, created_by, file_name, file_size, file_sha256, format,
         source, headers, mapping, region, data_rows, blank_rows)
       VALUES (1, 'l', 'now', 'me', 'f.csv', 1, 'x', 'csv', 'file', '[]', '{}', 'IN', 1, 0)`,
    ).run();
    d.prepare(
      `INSERT INTO contacts (id, list_id, row_number, status, phone_raw, phone_e164, name, variables)
       VALUES (7, 1, 2, 'valid', '98', '+9198', 'Asha Rao', '{"appointment_day":"Monday"}')`,
    ).run();
    expect(r.contactVariables('7')).toEqual({ appointment_day: 'Monday', name: 'Asha Rao' });
    expect(r.contactVariables('8')).toBeUndefined();
    expect(r.contactVariables('x')).toBeUndefined();
  });
});

describe('voicebot wiring helpers', () => {
  it('finds the resources folder and fills a test call’s variables', async () => {
    const dir = findResourcesDir();
    const bot = await loadBotFile(path.join(dir, 'bots/appointment-reminder.yaml'));
    expect(testCallVariables(bot, { name: 'Ravi' })).toEqual({
      name: 'Ravi',
      appointment_day: 'Monday the fifth',
      appointment_time: 'ten thirty in the morning',
      clinic: 'the clinic',
    });
    // Without an example, a missing variable is spoken as its name in words.
    const bare = { ...bot, variables: { ...bot.variables, appointment_day: { required: true } } };
    expect(testCallVariables(bare, {}).appointment_day).toBe('appointment day');
    expect(testCallVariables(bare, {}).name).toBe('Asha');
    expect(findResourcesDir(['/nonexistent-a', dir])).toBe(dir);
  });

  it('maps the speech settings to provider config (local by default)', () => {
    expect(speechConfigFromSettings(DEFAULT_SETTINGS.speech)).toEqual({});
    expect(
      speechConfigFromSettings({
        provider: 'openai',
        baseUrl: 'http://127.0.0.1:1/v1',
        llmModel: 'm',
        asrModel: '',
        ttsModel: 't',
        ttsVoice: '',
      }),
    ).toEqual({
      openai: { baseURL: 'http://127.0.0.1:1/v1' },
      llm: { kind: 'openai-compatible', model: 'm' },
      asr: { kind: 'local' },
      tts: { kind: 'openai-compatible', model: 't', voice: 'alloy' },
    });
  });
});
