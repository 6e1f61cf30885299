import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { decodeWav, tone } from '../../../src/main/core/speech';
import { openDatabase, VoicebotRepository, type Db } from '../../../src/main/core/store';
import { parseBot, Voicebot } from '../../../src/main/core/voicebot';
import { CallRecording } from '../../../src/main/core/voicebot/records/recording-files';
import { demoBotFile } from '../../fixtures/demo-bot';
import { makeTempDir } from '../../helpers/temp-dir';

// A voicebot session a crash left open (its row never ended, its WAVs behind placeholder headers) is
// ended as app_stopped when the voicebot starts again, with what was recorded kept playable.

let db: Db | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  db?.close();
  cleanup?.();
  db = undefined;
});

describe('voicebot sessions left open by a crash', () => {
  it('end as app_stopped with their recordings repaired; ended sessions are left alone', async () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
    const repo = new VoicebotRepository(db);
    const recordingsDir = path.join(tmp.dir, 'recordings');
    const session = (id: string) =>
      repo.insertSession({
        id,
        attemptId: null,
        streamSid: `MZ-${id}`,
        callSid: `CA-${id}`,
        botId: 'appointment-reminder',
        sampleRate: 8000,
        startedAt: '2026-01-01T00:00:00.000Z',
      });
    session('crashed');
    repo.addLine('crashed', {
      seq: 1,
      turn: 1,
      speaker: 'bot',
      kind: 'speech',
      text: 'Hello',
      startMs: 0,
      endMs: 900,
      interrupted: false,
      confidence: null,
      state: 'greet',
    });
    // 6 s of the call reached the disk before the crash (the last, unflushed stretch did not).
    const rec = CallRecording.start(path.join(recordingsDir, 'crashed'), 8000);
    const caller = tone(440, 6000, 8000);
    rec.write(caller, Buffer.alloc(caller.length));
    session('silent'); // crashed before any audio was written
    session('done');
    repo.endSession('done', {
      endedAt: '2026-01-01T00:01:00.000Z',
      endReason: 'bot_hangup',
      disposition: 'confirmed',
      transfer: 'none',
      durationMs: 60_000,
      turns: 3,
      recordings: null,
    });

    const logs: LogRecord[] = [];
    const voicebot = new Voicebot({
      bot: parseBot(fs.readFileSync(demoBotFile, 'utf8')),
      speech: () => Promise.reject(new Error('no speech needed')),
      repo,
      recordingsDir,
      log: createLogger([memorySink(logs)], 'debug', 'test'),
    });
    const recovered = await voicebot.recoverInterrupted();
    await voicebot.close();

    expect(recovered.map((r) => r.sessionId).sort()).toEqual(['crashed', 'silent']);
    expect(repo.getSession('crashed')).toMatchObject({
      endReason: 'app_stopped',
      durationMs: 6000,
      turns: 1,
      disposition: null,
    });
    const paths = repo.recordings('crashed');
    if (!paths) throw new Error('no recordings stored');
    expect(decodeWav(fs.readFileSync(paths.caller)).pcm.equals(caller)).toBe(true);
    const mix = fs.readFileSync(paths.mix);
    expect(mix.readUInt32LE(40)).toBe(caller.length * 2);
    expect(repo.getSession('silent')).toMatchObject({ endReason: 'app_stopped', durationMs: 0 });
    expect(repo.recordings('silent')).toBeNull();
    expect(repo.getSession('done')).toMatchObject({ endReason: 'bot_hangup', turns: 3 });
    expect(repo.openSessions()).toEqual([]);
    expect(logs.some((l) => l.message === 'voicebot sessions left open by the last run were ended')).toBe(
      true,
    );
  });
});
