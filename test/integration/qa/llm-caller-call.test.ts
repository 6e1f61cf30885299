import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../../src/main/core/qa';
import { SpeechCache } from '../../../src/main/core/qa/callers/caller-audio';
import { runOne } from '../../../src/main/core/qa/runner/one-run';
import { createOpenAiJudge } from '../../../src/main/core/qa/evaluator';
import { createLogger } from '../../../src/main/core/logging';
import { createSpeechProviders, OpenAiLlm, type SpeechProviders } from '../../../src/main/core/speech';
import { loadBotFile, type ScriptBot } from '../../../src/main/core/voicebot';
import { demoBotFile, patient } from '../../fixtures/demo-bot';
import {
  startOpenAiWireServer,
  type OpenAiWireServer,
  type WireChatRequest,
} from '../../helpers/openai-wire-server';
import { makeTempDir } from '../../helpers/temp-dir';

// An LLM caller (a scripted model on the OpenAI wire format) calls the demo bot in process through the
// runner's one-run path: it hears the bot's audio through the recogniser, speaks by flite, and the
// judge scores the goal.

const scenarioYaml = `name: cancel by llm
callers: llm
goal:
  persona: Asha, who cannot come
  goal: Cancel the appointment
  success: The bot says the appointment is cancelled
  max_turns: 6
expect: { disposition: cancelled }
`;

let speech: SpeechProviders;
let bot: ScriptBot;
let server: OpenAiWireServer;
let tmp: ReturnType<typeof makeTempDir>;

/** The model: as the caller it answers the bot's last line; as the judge it reads the transcript. */
function model(r: WireChatRequest) {
  const system = r.messages[0]?.content ?? '';
  const last = [...r.messages].reverse().find((m) => m.role === 'user')?.content ?? '';
  if (system.startsWith('You judge')) {
    return /BOT: .*cancelled/.test(last)
      ? { text: '{"verdict":"pass","reasoning":"The bot said the appointment is cancelled."}' }
      : { text: '{"verdict":"fail","reasoning":"No cancellation."}' };
  }
  if (/speaking with/.test(last)) return { text: '{"say": "yes"}' };
  if (/should i cancel/.test(last)) return { text: '{"say": "yes"}' };
  if (/appointment on/.test(last)) return { text: '{"say": "cancel"}' };
  if (/cancelled/.test(last)) return { text: '{"hangup": true, "reason": "done"}' };
  return { text: '{"say": "cancel"}' };
}

beforeAll(async () => {
  tmp = makeTempDir();
  speech = await createSpeechProviders({});
  const loaded = await loadBotFile(demoBotFile);
  if (loaded.kind !== 'script') throw new Error('script bot expected');
  bot = loaded;
  server = await startOpenAiWireServer({ chat: model });
}, 60_000);
afterAll(async () => {
  speech?.dispose();
  await server?.close();
  tmp?.cleanup();
});

describe('the LLM caller on a call', () => {
  it('reaches its goal with the demo bot, and the judge says so', async () => {
    const parsed = parseScenario(scenarioYaml, 'llm.yaml');
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const scenario = parsed.scenario;
    const result = await runOne(
      {
        suiteDir: tmp.dir,
        file: 'llm.yaml',
        scenario,
        caller: 'llm',
        repeat: 1,
        seed: 1,
        variables: patient,
        target: { kind: 'local', bot },
      },
      {
        speech: {
          ...speech,
          llm: new OpenAiLlm({ baseURL: server.baseURL, model: 'caller-1', maxRetries: 0 }),
        },
        cache: new SpeechCache(speech.tts, path.join(tmp.dir, 'tts')),
        log: createLogger([], 'error', 't'),
        judge: createOpenAiJudge({ baseURL: server.baseURL, maxRetries: 0 }, { model: 'judge-1' }),
      },
    );
    const rec = result.record;
    expect(rec.turns.map((t) => [t.action, t.callerText])).toEqual([
      ['greeting', null],
      ['llm', 'yes'],
      ['llm', 'cancel'],
      ['llm', 'yes'],
    ]);
    expect(rec.outcome.disposition).toBe('cancelled');
    const e = result.evaluation;
    if (!e) throw new Error(`not evaluated: ${result.evaluationError ?? ''}`);
    expect(e.failures).toEqual([]);
    expect(e.judged).toEqual([
      {
        criterion: "The caller's goal was reached: The bot says the appointment is cancelled",
        verdict: 'pass',
        reasoning: 'The bot said the appointment is cancelled.',
      },
    ]);
    expect(e.outcome).toBe('pass');
    expect(e.judge).toEqual({ model: 'judge-1', temperature: 0, promptVersion: 'judge-v1' });
  }, 120_000);
});
