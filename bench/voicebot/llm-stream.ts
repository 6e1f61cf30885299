import path from 'node:path';
import type { TurnMetrics } from '../../src/shared/voicebot';
import { type SpeechProviders } from '../../src/main/core/speech';
import { FakeAsr, FakeLlm } from '../../src/main/core/speech/testing';
import type { Pacing } from '../../src/main/core/stream';
import { converse, makeBenchRig, repoRoot, RATE } from './harness';

// (b) LLM bot turn latency, speaking ahead vs waiting for the whole reply, measured side by side in one
// run: the same calls with the session option streamLlmText on and off. The model is FakeLlm paced on
// the wall clock like a hosted model (first token after 300 ms, then ~40 tokens/s, a token being ~4
// characters) answering every caller turn with the same three sentences; TTS and VAD are the offline
// stack (flite, fvad). The recogniser is scripted: an LLM bot needs free-form ASR, which the offline
// stack does not have, and it is not what is compared here.

export const LLM_REPLY =
  'Thank you for letting me know, Ravi. I have noted that you will pay the full amount of 4,500 rupees ' +
  'on Friday. Is there anything else I can help you with today?';
export const LLM_PACE = { firstTokenMs: 300, tokensPerSecond: 40 };
const BORROWER = { name: 'Ravi', loan_id: '1 2 3', amount_due: '4,500 rupees', due_date: 'Friday' };

/** ~4-character tokens, as a BPE tokenizer cuts English on average (spaces ride on the token before). */
export const tokens = (text: string): string[] => text.match(/\S{1,4}\s*|\s+/g) ?? [];

export interface LlmLatency {
  streamed: boolean;
  metrics: TurnMetrics[];
  /** The bot's reply turns as recorded (each should be the whole reply). */
  replies: string[];
}

export async function measureLlmLatency(
  providers: SpeechProviders,
  callerLines: Buffer[],
  streamed: boolean,
  pacing: Pacing,
): Promise<LlmLatency> {
  const llm = new FakeLlm(() => ({ stream: tokens(LLM_REPLY) }), undefined, { pace: LLM_PACE });
  const rig = await makeBenchRig({
    speech: { tts: providers.tts, vad: providers.vad, asr: new FakeAsr(() => 'I will pay on Friday'), llm },
    session: { noInputMs: 30_000, streamLlmText: streamed },
    bot: { file: path.join(repoRoot, 'resources/bots/collections-llm.yaml'), variables: BORROWER },
  });
  try {
    await converse(rig.streamUrl, callerLines, pacing, 'last_mark');
    await rig.voicebot.idle();
    const [session] = rig.records.sessions({ limit: 1 });
    const detail = session && rig.records.session(session.id);
    if (!detail) throw new Error('no session recorded for the LLM call');
    if (rig.problems.length) throw new Error(`the LLM call logged problems: ${rig.problems[0]?.message}`);
    return {
      streamed,
      metrics: detail.metrics.filter((m) => m.input === 'speech'),
      replies: detail.lines.filter((l) => l.speaker === 'bot' && l.turn > 1).map((l) => l.text),
    };
  } finally {
    await rig.close();
  }
}

export { RATE };
