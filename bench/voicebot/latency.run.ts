import { performance } from 'node:perf_hooks';
import { it } from 'vitest';
import type { TurnMetrics } from '../../src/shared/voicebot';
import { createSpeechProviders, type Tts } from '../../src/main/core/speech';
import type { Pacing } from '../../src/main/core/stream';
import { converse, fmt, makeBenchRig, percentile, RATE } from './harness';
import { LLM_PACE, LLM_REPLY, measureLlmLatency, tokens, type LlmLatency } from './llm-stream';

// (a) Turn latency of the offline stack. A caller speaks its lines with flite (synthesised before the
// call), at real-time pace, into the in-process voicebot running the real pipeline: fvad VAD,
// soundswallower grammar ASR, the demo bot, flite TTS. Each caller line is said once the bot's
// previous turn has played (its mark echoed). The per-turn metrics are read back from SQLite.
// VOICEBOT_BENCH_SPEED=N paces the caller N× faster than real time (real time by default).

const CONVERSATIONS: Record<string, string[]> = {
  confirm: ['yes', 'confirm'],
  cancel: ['yes', 'cancel it', 'yes'],
  reschedule: ['yes', 'change', 'next friday', 'yes'],
  transfer: ['talk to someone'],
};

const speed = Number(process.env.VOICEBOT_BENCH_SPEED ?? '1');
const pacing: Pacing = speed === 1 ? 'realtime' : { speed };

const col = (name: string, values: number[]) =>
  `  ${name.padEnd(26)} P50 ${fmt(percentile(values, 50)).padStart(7)}  P95 ${fmt(percentile(values, 95)).padStart(7)}  ` +
  `max ${fmt(values.length ? Math.max(...values) : NaN).padStart(7)} ms  (n=${values.length})`;

it('voicebot turn latency, offline stack (fvad + soundswallower + demo bot + flite)', async () => {
  const providers = await createSpeechProviders({});
  const rig = await makeBenchRig({ speech: providers, session: { noInputMs: 30_000 } });
  const said: Record<string, string[]> = {};
  const heard: Record<string, string[]> = {};
  const dispositions: Record<string, string | null> = {};
  const metrics: TurnMetrics[] = [];
  const wallStart = performance.now();
  try {
    const voice: Tts = providers.tts;
    for (const [name, lines] of Object.entries(CONVERSATIONS)) {
      const pcm = await Promise.all(
        lines.map(async (l) => (await voice.synthesizeAll(l, { sampleRate: RATE })).pcm),
      );
      const before = new Set(rig.records.sessions({ limit: 500 }).map((s) => s.id));
      await converse(rig.streamUrl, pcm, pacing, 'bot_closes');
      await rig.voicebot.idle();
      const session = rig.records.sessions({ limit: 500 }).find((s) => !before.has(s.id));
      const detail = session && rig.records.session(session.id);
      if (!detail) throw new Error(`no session recorded for the ${name} conversation`);
      said[name] = lines;
      heard[name] = detail.lines.filter((l) => l.speaker === 'caller').map((l) => l.text);
      dispositions[name] = detail.session.disposition;
      metrics.push(...detail.metrics.filter((m) => m.input === 'speech' || m.input === 'no_match'));
    }
  } finally {
    await rig.close();
    providers.dispose();
  }
  const wallS = (performance.now() - wallStart) / 1000;

  const answered = metrics.filter((m) => m.voiceToVoiceMs !== null);
  const pick = (f: (m: TurnMetrics) => number | null) =>
    answered.map(f).filter((v): v is number => v !== null);
  const v2v = pick((m) => m.voiceToVoiceMs);
  const endpointing = pick((m) => m.endpointingMs);
  const compute = pick((m) => m.responseMs);
  const medV2v = percentile(v2v, 50);
  const medEndpointing = percentile(endpointing, 50);
  const lines = [
    `voicebot turn latency — offline stack (fvad VAD, soundswallower ASR, demo bot, flite TTS), caller: flite`,
    `  caller pace: ${speed === 1 ? 'real time' : `${speed}× real time`}; ${Object.keys(CONVERSATIONS).length} conversations, ` +
      `${metrics.length} caller turns (${answered.length} answered with audio) in ${fmt(wallS)} s wall`,
    ...Object.keys(CONVERSATIONS).map(
      (n) =>
        `    ${n.padEnd(11)} said ${JSON.stringify(said[n])} heard ${JSON.stringify(heard[n])} → ${dispositions[n] ?? 'none'}`,
    ),
    col('voice-to-voice', v2v),
    col('  endpointing (media)', endpointing),
    col(
      '  asr',
      pick((m) => m.asrMs),
    ),
    col(
      '  dialog',
      pick((m) => m.dialogMs),
    ),
    col(
      '  tts first audio',
      pick((m) => m.ttsFirstAudioMs),
    ),
    col('  response (compute)', compute),
    `  compute share of voice-to-voice (P50): ${fmt((100 * (medV2v - medEndpointing)) / medV2v)} %; ` +
      `the rest is the ${fmt(medEndpointing, 0)} ms endpointing silence`,
  ];
  console.log(lines.join('\n'));
});

/** Caller lines of each LLM call (what they say does not matter: the recogniser is scripted). */
const LLM_CALLER_LINES = ['yes speaking', 'I will pay on Friday', 'no thank you'];
/** Calls per mode, alternating the modes so drift in machine load hits both alike. */
const LLM_CALLS = 2;

it('LLM bot turn latency: speaking ahead sentence by sentence vs waiting for the whole reply', async () => {
  const providers = await createSpeechProviders({});
  // Voice-to-voice is endpointing (media time) plus compute (wall): neither depends on the caller's
  // pace, so these calls run the caller at 4× real time unless VOICEBOT_BENCH_SPEED says otherwise.
  const llmPacing: Pacing = process.env.VOICEBOT_BENCH_SPEED ? pacing : { speed: 4 };
  const runs: LlmLatency[] = [];
  try {
    const pcm = await Promise.all(
      LLM_CALLER_LINES.map(async (l) => (await providers.tts.synthesizeAll(l, { sampleRate: RATE })).pcm),
    );
    for (let i = 0; i < LLM_CALLS; i++) {
      for (const streamed of [false, true])
        runs.push(await measureLlmLatency(providers, pcm, streamed, llmPacing));
    }
  } finally {
    providers.dispose();
  }
  const of = (streamed: boolean, f: (m: TurnMetrics) => number | null) =>
    runs
      .filter((r) => r.streamed === streamed)
      .flatMap((r) => r.metrics.map(f))
      .filter((v): v is number => v !== null);
  const whole = of(false, (m) => m.voiceToVoiceMs);
  const ahead = of(true, (m) => m.voiceToVoiceMs);
  const wrong = runs.flatMap((r) => r.replies).filter((t) => t !== LLM_REPLY);
  const both = (name: string, f: (m: TurnMetrics) => number | null) => [
    col(`${name} (whole)`, of(false, f)),
    col(`${name} (ahead)`, of(true, f)),
  ];
  const lines = [
    `LLM bot turn latency — collections-llm, FakeLlm paced ${LLM_PACE.firstTokenMs} ms to the first token then ` +
      `${LLM_PACE.tokensPerSecond} tokens/s (${tokens(LLM_REPLY).length} tokens, 3 sentences), flite TTS, fvad VAD`,
    `  ${LLM_CALLS} calls × ${LLM_CALLER_LINES.length} caller turns per mode, modes alternated; ` +
      `replies recorded whole and intact: ${wrong.length === 0 ? 'yes' : `NO (${wrong.length} differ)`}`,
    col('voice-to-voice (whole)', whole),
    col('voice-to-voice (ahead)', ahead),
    ...both('  llm first token', (m) => m.llmFirstTokenMs),
    ...both('  llm total', (m) => m.llmTotalMs),
    ...both('  tts first audio', (m) => m.ttsFirstAudioMs),
    `  speaking ahead: voice-to-voice P50 ${fmt(percentile(ahead, 50))} ms vs ${fmt(percentile(whole, 50))} ms ` +
      `(${fmt(percentile(whole, 50) / percentile(ahead, 50), 2)}× faster, ` +
      `${fmt(percentile(whole, 50) - percentile(ahead, 50), 0)} ms sooner)`,
  ];
  console.log(lines.join('\n'));
});
