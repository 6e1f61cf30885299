import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { it } from 'vitest';
import { tone } from '../../src/main/core/speech';
import { ExotelStreamClient } from '../../src/main/core/stream';
import { writeRecordings } from '../../src/main/core/voicebot';
import { makeTempDir } from '../../test/helpers/temp-dir';
import { fakeSpeech, fmt, isMediaFrame, makeBenchRig, percentile, RATE, summary } from './harness';

// (c) Pipeline overhead without model compute. Fake speech providers (energy VAD, scripted ASR, tone
// TTS: ~0 compute) behind the real stream server, session, dialog and records. Callers are fed as
// fast as possible (ExotelStreamClient, 'fast' pacing) and each inbound media frame's handling is
// timed on the voicebot's socket: a listener just before the voicebot's own and one just after, so
// the figure is parse + validation + base64 + caller track + VAD + endpointing + turn dispatch.
// Turn work (ASR → dialog → TTS → framing → send) runs asynchronously; its overhead is the stored
// per-turn response time. The baseline, measured on the same frames in the same run, is the least
// any handler must do: JSON.parse plus the base64 decode of the payload.

const CALLS = 10;
const CALL_MS = 60_000;
const PERIOD_MS = 2000;
const SPEAK_MS = 700;
const BASELINE_FRAMES = 5000;

async function call(url: string): Promise<void> {
  const client = await ExotelStreamClient.connect({ url, pacing: 'fast' });
  const line = tone(440, SPEAK_MS, RATE);
  let next = 500;
  while (client.isOpen && client.mediaMs < CALL_MS) {
    await client.runUntil(() => client.mediaMs >= Math.min(next, CALL_MS), CALL_MS);
    if (client.mediaMs >= CALL_MS || !client.isOpen) break;
    await client.say(line);
    next += PERIOD_MS;
  }
  if (client.isOpen) await client.hangup();
}

it('voicebot pipeline overhead per frame, fake speech (no model compute)', async () => {
  const frameMs: number[] = [];
  const otherMs: number[] = [];
  const sample: Buffer[] = [];
  let started = 0;
  const rig = await makeBenchRig({
    speech: fakeSpeech(),
    session: { noInputMs: 30_000 },
    hooks: {
      before: (_p, data) => {
        started = performance.now();
        if (sample.length < BASELINE_FRAMES && isMediaFrame(data)) sample.push(Buffer.from(data));
      },
      after: (_p, data) => {
        (isMediaFrame(data) ? frameMs : otherMs).push(performance.now() - started);
      },
    },
  });
  const eld = monitorEventLoopDelay({ resolution: 5 });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  let turns: number[] = [];
  let turnCount = 0;
  try {
    for (let i = 0; i < CALLS; i++) await call(rig.streamUrl);
    await rig.voicebot.idle();
    const sessions = rig.records.sessions({ limit: 500 });
    for (const s of sessions) {
      const detail = rig.records.session(s.id);
      for (const m of detail?.metrics ?? []) {
        turnCount++;
        if (m.input !== 'start' && m.responseMs !== null) turns.push(m.responseMs);
      }
    }
  } finally {
    await rig.close();
  }
  const wallMs = performance.now() - wall0;
  eld.disable();
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  turns = turns.filter((t) => Number.isFinite(t));

  // Baseline: the bare minimum on the very same frames, timed the same way (one frame at a time).
  const bareMs: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    bareMs.length = 0; // the first pass warms the JIT up
    for (const data of sample) {
      const t = performance.now();
      const f = JSON.parse(data.toString('utf8')) as { media: { payload: string } };
      Buffer.from(f.media.payload, 'base64');
      bareMs.push(performance.now() - t);
    }
  }
  // A call's end writes its three WAV files; time that alone, for a call as long as these.
  const tmp = makeTempDir('calldeck-bench-');
  const audio = tone(300, CALL_MS, RATE);
  const stall = monitorEventLoopDelay({ resolution: 5 });
  stall.enable();
  const w0 = performance.now();
  await writeRecordings(tmp.dir, RATE, audio, audio);
  const writeMs = performance.now() - w0;
  stall.disable();
  tmp.cleanup();

  const p99 = percentile(frameMs, 99);
  const mediaS = (CALLS * CALL_MS) / 1000;
  console.log(
    [
      `voicebot pipeline overhead — FAKE speech (energy VAD, scripted ASR, tone TTS: ~0 model compute), ` +
        `demo bot, records on; ${CALLS} calls × ${CALL_MS / 1000} s of 100 ms frames fed as fast as possible`,
      `  per inbound media frame (session handling):  ${summary(frameMs, [50, 99], 3)}`,
      `  baseline JSON.parse + base64, same frames:    ${summary(bareMs, [50, 99], 3)}`,
      `  ratio pipeline / baseline: P50 ${fmt(percentile(frameMs, 50) / percentile(bareMs, 50), 2)}×  ` +
        `P99 ${fmt(p99 / percentile(bareMs, 99), 2)}×;  goal P99 ≤ 5 ms: ${p99 <= 5 ? 'met' : 'NOT met'}`,
      `  other inbound frames (start, mark, stop):    ${summary(otherMs, [50, 99], 3)}`,
      `  per caller turn, input detected → first bot audio sent (ASR+dialog+TTS+framing, fake models): ` +
        `${summary(turns, [50, 99], 2)}  (${turnCount} bot turns)`,
      `  longest event-loop stall (any work, e.g. a call's end: recordings and records): ` +
        `${fmt(eld.max / 1e6)} ms`,
      `  writeRecordings of one ${CALL_MS / 1000} s call alone: ${fmt(writeMs)} ms, ` +
        `event loop blocked up to ${fmt(stall.max / 1e6)} ms meanwhile`,
      `  whole process: ${fmt(cpuMs, 0)} ms CPU for ${mediaS} s of call audio ` +
        `(${fmt(mediaS / (cpuMs / 1000), 0)}× real time per core, callers included); wall ${fmt(wallMs / 1000)} s`,
    ].join('\n'),
  );
});
