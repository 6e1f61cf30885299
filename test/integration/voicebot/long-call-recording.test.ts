import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { decodeWav, rms, silence, tone } from '../../../src/main/core/speech';
import { FakeAsr, FakeTts, FakeVadProvider } from '../../../src/main/core/speech/testing';
import { openDatabase, VoicebotRepository, type Db } from '../../../src/main/core/store';
import { createMediaPair, ExotelStreamClient } from '../../../src/main/core/stream';
import { parseBot, Voicebot } from '../../../src/main/core/voicebot';
import { makeTempDir } from '../../helpers/temp-dir';

// A long call does not live in memory: the caller and bot channels go to disk as the call runs, and
// the session keeps only the audio a turn may still need. Ten minutes of media time are fed as fast as
// the bot takes them (a looping bot answers every caller turn), and what the sessions hold is sampled
// all along: before, both channels were held whole until the call ended (19.2 MB for 10 minutes,
// 58 MB for an hour with the mix).

const RATE = 8000;
const LOOP_BOT = `kind: script
id: loop
name: Loop bot
intents:
  yes: { phrases: [yes] }
no_input: { prompt: Still there?, limit: 10, then: bye }
no_match: { prompt: Sorry?, limit: 10, then: bye }
start: ask
states:
  ask:
    type: ask
    prompt: Tell me more.
    transitions:
      - { intent: yes, to: ask }
  bye:
    type: end
    prompt: Goodbye.
    disposition: done
`;

let db: Db | undefined;
let cleanup: (() => void) | undefined;
afterEach(() => {
  db?.close();
  cleanup?.();
  db = undefined;
});

describe('a 10-minute call, fed faster than real time', () => {
  it('holds under 256 KB, and leaves valid WAVs of the whole call', async () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
    const logs: LogRecord[] = [];
    const repo = new VoicebotRepository(db);
    const voicebot = new Voicebot({
      bot: parseBot(LOOP_BOT),
      speech: { tts: new FakeTts(), asr: new FakeAsr(() => 'yes'), vad: new FakeVadProvider() },
      repo,
      recordingsDir: path.join(tmp.dir, 'recordings'),
      log: createLogger([memorySink(logs)], 'info', 'test'),
      session: { noInputMs: 60_000 },
    });
    const pair = createMediaPair({ sampleRate: RATE });
    const session = await voicebot.attach(pair.bot);
    const client = ExotelStreamClient.overPort(pair.caller, { pacing: 'fast' });
    const utterance = Buffer.concat([tone(300, 1000, RATE, 8000), silence(5000, RATE)]);
    let maxHeld = 0;
    const t0 = performance.now();
    for (let i = 0; i < 100; i++) {
      // 6 s a turn, 100 turns: 600 s of media time.
      expect(await client.say(utterance)).toBe(true);
      maxHeld = Math.max(maxHeld, voicebot.heldAudioBytes);
    }
    const wallMs = performance.now() - t0;
    expect(client.mediaMs).toBe(600_000);
    await pair.caller.close(1000, 'caller done');
    await session.done;

    // The whole call would be 9.6 MB a channel; the session held under 256 KB at any time.
    expect(maxHeld).toBeGreaterThan(0);
    expect(maxHeld).toBeLessThan(256 * 1024);
    expect(wallMs).toBeLessThan(120_000);

    const [row] = repo.listSessions();
    const recordings = row && repo.recordings(row.id);
    if (!recordings) throw new Error('no recordings stored');
    const caller = decodeWav(fs.readFileSync(recordings.caller));
    const bot = decodeWav(fs.readFileSync(recordings.bot));
    expect(caller.pcm.length).toBe(600 * RATE * 2);
    expect(bot.pcm.length).toBe(caller.pcm.length);
    // The caller channel is exactly what was sent, turn after turn.
    expect(caller.pcm.subarray(0, utterance.length).equals(utterance)).toBe(true);
    expect(caller.pcm.subarray(99 * utterance.length).equals(utterance)).toBe(true);
    // The bot answered all along the call, not only at its start.
    expect(rms(bot.pcm.subarray(0, 60 * RATE * 2))).toBeGreaterThan(0);
    expect(rms(bot.pcm.subarray(540 * RATE * 2))).toBeGreaterThan(0);
    const mixFile = fs.readFileSync(recordings.mix);
    expect(mixFile.readUInt16LE(22)).toBe(2); // stereo
    expect(mixFile.readUInt32LE(40)).toBe(caller.pcm.length * 2);
    expect(mixFile.length).toBe(44 + caller.pcm.length * 2);
    // Left is the caller, right the bot, sample for sample.
    for (const at of [0, 12_345, 2_400_000, 4_799_999]) {
      expect(mixFile.readInt16LE(44 + at * 4)).toBe(caller.pcm.readInt16LE(at * 2));
      expect(mixFile.readInt16LE(44 + at * 4 + 2)).toBe(bot.pcm.readInt16LE(at * 2));
    }
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
  }, 180_000);
});
