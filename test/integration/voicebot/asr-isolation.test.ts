import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  FliteTts,
  FvadVadProvider,
  SoundswallowerAsr,
  type AsrWorkerFault,
} from '../../../src/main/core/speech';
import { ExotelStreamClient } from '../../../src/main/core/stream';
import { makeWireRig, type WireRig } from './wire-harness';

// One busy call must never delay another's media: two calls to the demo bot over real WebSockets with
// the real offline stack, the first call's decode made 3 s slow inside its ASR worker. The second
// call is heard and answered meanwhile, the event loop never stalls, and the slow call's turn is
// still decoded, never dropped: marked late in its metrics and logged.

const SLOW_MS = 3000;
let rig: WireRig;
let tts: FliteTts;
let asr: SoundswallowerAsr;
let slowNext = false;

beforeAll(async () => {
  tts = await FliteTts.load();
  asr = await SoundswallowerAsr.load({
    asrWorkers: 2,
    asrDeadlineMs: 1000,
    injectFault: (): AsrWorkerFault | undefined => {
      if (!slowNext) return undefined;
      slowNext = false;
      return { slowMs: SLOW_MS };
    },
  });
  const vad = await FvadVadProvider.load();
  rig = await makeWireRig([], { speech: { tts, asr, vad }, session: { noInputMs: 30_000 } });
}, 60_000);

afterAll(async () => {
  await rig?.close();
  await asr?.close();
  await tts?.close();
});

async function call(): Promise<ExotelStreamClient> {
  const client = await ExotelStreamClient.connect({ url: rig.streamUrl, pacing: 'fast' });
  // The greeting is synthesised in wall time (a flite process) while fast media time runs on: wait for
  // it in wall time, a little media at a time (in CI a busy machine ran out of 60 s of media first).
  const end = performance.now() + 30_000;
  while (!(await client.untilMark('turn-1', 100))) {
    if (!client.isOpen || performance.now() > end) throw new Error('no greeting within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return client;
}

async function until(what: string, condition: () => boolean, ms = 20_000): Promise<void> {
  const end = performance.now() + ms;
  while (!condition()) {
    if (performance.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

it('a call whose ASR is slow does not delay the media of another call', async () => {
  const [a, b] = await Promise.all([call(), call()]);
  const yes = (await tts.synthesizeAll('yes', { sampleRate: 8000 })).pcm;
  const replied = (client: ExotelStreamClient) => {
    const at: { wall?: number } = {};
    client.on('botMedia', () => (at.wall ??= performance.now()));
    return at;
  };
  let worstGap = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    worstGap = Math.max(worstGap, now - last);
    last = now;
  }, 5);
  try {
    // Call A says yes: its decode holds one worker for 3 s.
    slowNext = true;
    const aReply = replied(a);
    await a.say(yes);
    void a.silence(1000);
    await until('A decoding', () => asr.stats().busy === 1);
    // Call B says yes meanwhile: heard on the other worker and answered long before A.
    const bSaid = performance.now();
    const bReply = replied(b);
    await b.say(yes);
    void b.silence(1000);
    await until('B answered', () => bReply.wall !== undefined);
    const bResponseMs = (bReply.wall as number) - bSaid;
    expect(aReply.wall).toBeUndefined();
    expect(bResponseMs).toBeLessThan(SLOW_MS / 2);
    await until('A answered', () => aReply.wall !== undefined, SLOW_MS + 20_000);
  } finally {
    clearInterval(tick);
  }
  // A decode on the event loop would stall it for the whole 3 s.
  expect(worstGap).toBeLessThan(250);
  expect(asr.stats()).toMatchObject({ late: 1, crashes: 0 });
  await Promise.all([a.hangup(), b.hangup()]);
  await rig.voicebot.idle();
  // Both calls heard "yes" (the slow one too: late, not dropped); only the slow one's turn is late,
  // in its turn metrics (the board flags its call) and in its session's log.
  const calls = rig.records.sessions({ limit: 10 }).map((s) => rig.records.session(s.id));
  const heard = calls.map((d) => d?.lines.find((l) => l.speaker === 'caller')?.text);
  expect(heard).toEqual(['yes', 'yes']);
  const late = calls.map((d) => d?.metrics.filter((m) => m.asrLate).map((m) => m.input));
  expect(late.sort()).toEqual([[], ['speech']]);
  const warned = rig.logs.filter((l) => l.message.startsWith('speech recognition missed its deadline'));
  expect(warned).toHaveLength(1);
}, 90_000);
