import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { decodeWav, rms, silence, tone } from '../../../src/main/core/speech';
import { FakeAsr, FakeTts, FakeVadProvider } from '../../../src/main/core/speech/testing';
import { openDatabase, VoicebotRepository, type Db } from '../../../src/main/core/store';
import { createMediaPair, ExotelStreamClient } from '../../../src/main/core/stream';
import {
  parseBot,
  SPACE_CHECK_BYTES,
  Voicebot,
  type RecordingSpace,
  type VoicebotCallLink,
} from '../../../src/main/core/voicebot';
import { makeTempDir } from '../../helpers/temp-dir';

// A long call does not live in memory: the caller and bot channels go to disk as the call runs, and
// the session keeps only the audio a turn may still need. Ten minutes of media time are fed as fast as
// the bot takes them (a looping bot answers every caller turn), and what the sessions hold is sampled
// all along: before, both channels were held whole until the call ended (19.2 MB for 10 minutes,
// 58 MB for an hour with the mix). On disk, recordings stop at a free-space floor (issue 8: anyone
// with the stream URL could stream hours of audio in seconds, and fill the disk).

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

/** The looping bot on a fresh database, and one call to it fed as fast as it takes the audio. */
async function loopCall(recordingSpace?: RecordingSpace, calls?: VoicebotCallLink) {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
  const logs: LogRecord[] = [];
  const repo = new VoicebotRepository(db);
  const recordingsDir = path.join(tmp.dir, 'recordings');
  const voicebot = new Voicebot({
    bot: parseBot(LOOP_BOT),
    speech: { tts: new FakeTts(), asr: new FakeAsr(() => 'yes'), vad: new FakeVadProvider() },
    repo,
    recordingsDir,
    log: createLogger([memorySink(logs)], 'info', 'test'),
    session: { noInputMs: 60_000 },
    ...(recordingSpace ? { recordingSpace } : {}),
    ...(calls ? { calls } : {}),
  });
  const pair = createMediaPair({ sampleRate: RATE });
  const session = await voicebot.attach(pair.bot);
  const client = ExotelStreamClient.overPort(pair.caller, { pacing: 'fast' });
  return { voicebot, repo, logs, recordingsDir, pair, session, client };
}

/** 6 s a turn: a second of tone (heard as "yes"), five of silence. */
const utterance = Buffer.concat([tone(300, 1000, RATE, 8000), silence(5000, RATE)]);

/** Bytes of every file under `dir`. */
function bytesUnder(dir: string): number {
  if (!fs.existsSync(dir)) return 0;
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((n, e) => n + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
}

describe('a 10-minute call, fed faster than real time', () => {
  it('holds under 256 KB, and leaves valid WAVs of the whole call', async () => {
    const { voicebot, repo, logs, pair, session, client } = await loopCall();
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

  it('stops recording at the disk floor and gives the space back; the call goes on', async () => {
    // A disk with 3 MB above the floor: the call's channels and mix would take 38 MB.
    const floorBytes = 1024 ** 3;
    const room = 3 * 1024 * 1024;
    let dir = '';
    const space: RecordingSpace = { floorBytes, freeBytes: () => floorBytes + room - bytesUnder(dir) };
    const { repo, logs, recordingsDir, pair, session, client } = await loopCall(space);
    dir = recordingsDir;
    let most = 0;
    for (let i = 0; i < 100; i++) {
      expect(await client.say(utterance)).toBe(true);
      most = Math.max(most, bytesUnder(dir));
    }
    await pair.caller.close(1000, 'caller done');
    await session.done;
    // Checked every SPACE_CHECK_BYTES written: never more than that past the floor.
    expect(most).toBeGreaterThan(room / 2);
    expect(most).toBeLessThanOrEqual(room + SPACE_CHECK_BYTES);
    expect(bytesUnder(dir)).toBe(0);
    const [row] = repo.listSessions();
    expect(row && repo.recordings(row.id)).toBeFalsy();
    expect(row?.turns).toBeGreaterThan(90);
    const said = logs.find((l) => l.message === 'could not write the call recordings');
    expect(JSON.stringify(said?.fields)).toMatch(
      /recording stopped: \d+ MB free on its disk, the floor is 1024 MB/,
    );
  }, 180_000);

  // Under the floor, what anyone with the stream URL could add without bound (a session row, its
  // lines and metrics, for a stream that belongs to no call of ours) is not stored; a call we placed is.
  const underFloor: RecordingSpace = { floorBytes: 1024 ** 3, freeBytes: () => 1024 ** 3 - 1 };

  it('under the floor, a stream that belongs to no call of ours is answered but not stored', async () => {
    const { repo, logs, recordingsDir, pair, session, client } = await loopCall(underFloor);
    for (let i = 0; i < 3; i++) expect(await client.say(utterance)).toBe(true);
    await pair.caller.close(1000, 'caller done');
    await session.done;
    expect(repo.listSessions()).toEqual([]);
    expect(bytesUnder(recordingsDir)).toBe(0);
    expect(logs.filter((l) => l.message.includes('not stored'))).toHaveLength(1);
  });

  it('under the floor, a call we placed is still stored, without recordings', async () => {
    const calls: VoicebotCallLink = {
      findAttempt: () => ({ attemptId: 'attempt-1', contactId: null }),
      streamStarted: () => undefined,
      decideTransfer: () => undefined,
    };
    const { repo, pair, session, client } = await loopCall(underFloor, calls);
    for (let i = 0; i < 3; i++) expect(await client.say(utterance)).toBe(true);
    await pair.caller.close(1000, 'caller done');
    await session.done;
    const [row] = repo.listSessions();
    expect(row).toMatchObject({ attemptId: 'attempt-1' });
    expect(row?.turns).toBeGreaterThan(2);
    expect(repo.recordings(row!.id)).toBeFalsy();
  });
});
