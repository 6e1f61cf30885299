import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { startPublicSurface, type PublicSurface } from '../../../src/main/core/public-surface';
import { createSpeechProviders, type SpeechProviders } from '../../../src/main/core/speech';
import { openDatabase, VoicebotRepository, type Db } from '../../../src/main/core/store';
import {
  createMediaPair,
  ExotelStreamClient,
  type DtmfFrame,
  type MediaFrame,
} from '../../../src/main/core/stream';
import { loadBotFile, Voicebot } from '../../../src/main/core/voicebot';
import { makeTempDir } from '../../helpers/temp-dir';
import { demoBotFile, patient } from '../../fixtures/demo-bot';

// The media port: the demo bot (offline speech: fvad, soundswallower, flite) talks to a caller in the
// same process through createMediaPair, no socket, the caller's flite audio sent as fast as the bot
// takes it; the same conversation over the real public surface's WebSocket gives the same transcript,
// to the millisecond of media time.

const LINES = ['yes', 'confirm'];
const SECRET = 'media-pair-secret-0123456789';

let db: Db;
let cleanup: () => void;
let speech: SpeechProviders;
let voicebot: Voicebot;
let repo: VoicebotRepository;
let surface: PublicSurface;
const logs: LogRecord[] = [];

beforeAll(async () => {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  db = openDatabase(path.join(tmp.dir, 'calldeck.sqlite'));
  const log = createLogger([memorySink(logs)], 'debug', 'test');
  speech = await createSpeechProviders({});
  repo = new VoicebotRepository(db);
  voicebot = new Voicebot({
    bot: await loadBotFile(demoBotFile),
    speech,
    repo,
    recordingsDir: path.join(tmp.dir, 'recordings'),
    log,
    testVariables: patient,
    session: { noInputMs: 30_000 },
  });
  surface = await startPublicSurface({
    secret: SECRET,
    log,
    handlers: { statusCallback: () => ({ ok: true }), passthru: () => 'continue' },
    voicebot: voicebot.handler,
  });
}, 60_000);

afterAll(async () => {
  await voicebot?.close();
  await surface?.close();
  speech?.dispose();
  db?.close();
  cleanup?.();
});

/**
 * The caller: waits (wall clock, bounded) until the bot has queued a whole turn, lets media time run
 * until that turn has played, then says its next line and a second of silence. Media time never runs
 * while the bot is still thinking, so both carriers see the same media timeline.
 */
async function converse(client: ExotelStreamClient): Promise<void> {
  const marks: string[] = [];
  client.on('botMark', (m) => marks.push(m.name));
  const played = async (name: string) => {
    const deadline = Date.now() + 30_000;
    while (!marks.includes(name)) {
      if (!client.isOpen) throw new Error(`the call ended before ${name}`);
      if (Date.now() > deadline) throw new Error(`the bot did not finish ${name} in 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(await client.untilMark(name, 60_000)).toBe(true);
  };
  await played('turn-1');
  for (const [i, line] of LINES.entries()) {
    const audio = await speech.tts.synthesizeAll(line, { sampleRate: client.sampleRate });
    await client.say(audio.pcm);
    await client.silence(1000);
    await played(`turn-${i + 2}`);
  }
  const closed = await client.closed;
  expect(closed.by).toBe('bot');
}

async function lastSession() {
  await voicebot.idle();
  const [session] = repo.listSessions();
  if (!session) throw new Error('no session recorded');
  return { session, lines: repo.lines(session.id) };
}

const transcript = (d: Awaited<ReturnType<typeof lastSession>>) =>
  d.lines.map((l) => ({
    speaker: l.speaker,
    kind: l.kind,
    text: l.text,
    startMs: l.startMs,
    endMs: l.endMs,
    interrupted: l.interrupted,
  }));

describe('a caller and the demo bot joined in one process (createMediaPair)', () => {
  it('gives the same conversation as over a real socket, faster than real time', async () => {
    const wire = await ExotelStreamClient.connect({
      url: `${surface.localUrl.replace('http', 'ws')}/voicebot/${SECRET}/stream`,
      pacing: 'fast',
    });
    await converse(wire);
    const overSocket = await lastSession();

    const pair = createMediaPair({ sampleRate: 8000 });
    const session = await voicebot.attach(pair.bot);
    const t0 = performance.now();
    await converse(ExotelStreamClient.overPort(pair.caller, { pacing: 'fast' }));
    await session.done;
    const wallMs = performance.now() - t0;
    const inProcess = await lastSession();

    expect(inProcess.session.id).not.toBe(overSocket.session.id);
    expect(transcript(inProcess)).toEqual(transcript(overSocket));
    expect(inProcess.lines.filter((l) => l.speaker === 'caller').map((l) => l.text)).toEqual(LINES);
    expect(inProcess.session).toMatchObject({
      disposition: 'confirmed',
      endReason: 'bot_hangup',
      transfer: 'none',
      turns: overSocket.session.turns,
      durationMs: overSocket.session.durationMs,
    });
    // Many times faster than the call's own length.
    expect(inProcess.session.durationMs).toBeGreaterThan(5 * wallMs);
  }, 120_000);
});

const dtmf = (digit: string): DtmfFrame => ({
  event: 'dtmf',
  sequenceNumber: undefined,
  streamSid: undefined,
  digit,
  durationMs: undefined,
});
const media: MediaFrame = {
  event: 'media',
  sequenceNumber: undefined,
  streamSid: undefined,
  chunk: undefined,
  timestamp: undefined,
  payload: Buffer.alloc(1600),
};

describe('createMediaPair', () => {
  it('carries frames both ways in order, refuses to send before start, and closes both ends once', async () => {
    const { bot, caller } = createMediaPair();
    const got: string[] = [];
    bot.on('start', (f) => got.push(`start:${f.streamSid}`));
    bot.on('media', (f) => got.push(`media:${f.payload.length}`));
    bot.on('dtmf', (f) => got.push(`dtmf:${f.digit}`));
    const heard: string[] = [];
    caller.on('frame', (f) => heard.push(f.event === 'mark' ? `mark:${f.name}:${f.streamSid}` : f.event));
    expect(() => bot.sendMark('early')).toThrow(/before the start frame/);
    caller.send({
      event: 'start',
      sequenceNumber: 1,
      streamSid: 'MZ1',
      callSid: 'CA1',
      accountSid: 'AC',
      from: '',
      to: '',
      customParameters: {},
      mediaFormat: { encoding: 'raw/slin', sampleRate: 8000, bitRate: undefined },
    });
    caller.send(media);
    caller.send(dtmf('5'));
    expect(got).toEqual([]); // delivered on a later turn, like a socket
    await new Promise((resolve) => setImmediate(resolve));
    expect(got).toEqual(['start:MZ1', 'media:1600', 'dtmf:5']);
    expect(() => bot.sendMediaChunk(Buffer.alloc(320))).toThrow(/under the minimum/);
    bot.sendMediaChunk(Buffer.alloc(3200));
    bot.sendMark('turn-1');
    bot.sendClear();
    const closes: number[] = [];
    bot.on('close', (i) => closes.push(i.code));
    caller.on('close', (i) => closes.push(i.code));
    const closed = bot.close(1000, 'bye');
    expect(bot.isOpen).toBe(false);
    expect(caller.send(dtmf('1'))).toBe(false);
    expect(await closed).toEqual({ code: 1000, reason: 'bye' });
    expect(heard).toEqual(['media', 'mark:turn-1:MZ1', 'clear']);
    expect(closes).toEqual([1000, 1000]);
  });

  it('ends the call (1011) when the bot throws while handling a frame, and nothing else', async () => {
    const { bot, caller } = createMediaPair();
    bot.on('dtmf', () => {
      throw new Error('boom');
    });
    caller.send(dtmf('1'));
    expect(await caller.closed).toEqual({ code: 1011, reason: 'internal error' });
  });
});
