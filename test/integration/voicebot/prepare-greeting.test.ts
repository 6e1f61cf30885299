import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  FliteTts,
  FvadVadProvider,
  MetricsRecorder,
  SoundswallowerAsr,
  TtsCache,
} from '../../../src/main/core/speech';
import { ExotelStreamClient } from '../../../src/main/core/stream';
import { makeWireRig, repoRoot, type WireRig } from './wire-harness';

// A call's greeting is synthesised while its phone rings (Voicebot.prepareCall, which the dialer
// calls through dialOnce's `placing`): when the callee answers, the session finds it in the TTS cache
// and synthesises nothing for it. Real flite, soundswallower and fvad; real WebSocket.

let rig: WireRig;
let tts: FliteTts;
let asr: SoundswallowerAsr;
const metrics = new MetricsRecorder();
const synthesised = () => metrics.of('tts').filter((m) => !m.cached).length;

beforeAll(async () => {
  tts = (await FliteTts.load({}, metrics.sink)).useCache(new TtsCache());
  asr = await SoundswallowerAsr.load({ asrWorkers: 1 });
  const vad = await FvadVadProvider.load();
  rig = await makeWireRig([], { speech: { tts, asr, vad }, session: { noInputMs: 30_000 } });
}, 60_000);

afterAll(async () => {
  await rig?.close();
  await asr?.close();
  await tts?.close();
});

it('the greeting prepared when the call is placed is spoken from the cache when it is answered', async () => {
  expect(
    await rig.voicebot.prepareCall({ attemptId: 'attempt-1', contactId: null, streamUrl: rig.streamUrl }),
  ).toBe('ready');
  const before = synthesised();
  expect(before).toBeGreaterThan(0);
  const client = await ExotelStreamClient.connect({ url: rig.streamUrl, pacing: 'fast' });
  expect(await client.untilMark('turn-1', 60_000)).toBe(true);
  // The greeting was served whole from the cache: no synthesis for it.
  expect(synthesised()).toBe(before);
  expect(metrics.of('tts').at(-1)).toMatchObject({ cached: true });
  await client.hangup();
  await rig.voicebot.idle();
  const [session] = rig.records.sessions({ limit: 1 });
  const detail = session && rig.records.session(session.id);
  const greeting = detail?.lines.find((l) => l.speaker === 'bot');
  expect(greeting?.text).toContain('Asha Rao'); // the call's own variables (the test patient)
}, 60_000);

it('an LLM bot has nothing to prepare; an unknown bot is logged and the call goes on', async () => {
  const llm = await makeWireRig([], {
    botFile: path.join(repoRoot, 'resources/bots/collections-llm.yaml'),
    speech: { tts, asr, vad: await FvadVadProvider.load() },
  });
  try {
    expect(await llm.voicebot.prepareCall({ attemptId: 'a', contactId: null })).toBe('skipped');
    expect(await llm.voicebot.prepareCall({ attemptId: 'b', contactId: null, bot: 'nope' })).toBe('failed');
    expect(llm.logs.map((l) => l.message)).toContain(
      'the greeting could not be prepared before the call: it is synthesised at answer',
    );
  } finally {
    await llm.close();
  }
}, 60_000);
