import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  JUDGE_PROMPT_VERSION,
  createOpenAiJudge,
  judgeFromSpeechConfig,
  type TranscriptLine,
} from '../../../src/main/core/qa/evaluator';
import { createLogger, type LogRecord } from '../../../src/main/core/logging';
import {
  startOpenAiWireServer,
  type OpenAiWireServer,
  type WireChatReply,
} from '../../helpers/openai-wire-server';

// The judge over the real OpenAI wire format (a local server with scripted replies; no network).
const transcript: TranscriptLine[] = [
  { speaker: 'BOT', text: 'Hello, am I speaking with Asha?', turn: 0 },
  { speaker: 'CALLER', text: 'cancel', turn: 1 },
  { speaker: 'BOT', text: 'Thank you. We will see you on Monday.', turn: 1 },
];

describe('LLM judge against an OpenAI-compatible server', () => {
  let server: OpenAiWireServer;
  let next: WireChatReply = {};
  const logs: LogRecord[] = [];
  const log = createLogger([(r) => logs.push(r)]);

  beforeAll(async () => {
    server = await startOpenAiWireServer({ apiKey: 'sk-judge', chat: () => next });
  });
  afterAll(() => server.close());

  const judge = () =>
    createOpenAiJudge(
      { baseURL: server.baseURL, apiKey: 'sk-judge', maxRetries: 0 },
      { model: 'judge-1', temperature: 0 },
      log,
    );

  it('sends the criterion and the transcript, at the stored temperature, and returns the verdict with reasoning', async () => {
    next = {
      text: '{"verdict": "fail", "reasoning": "Turn 1: the caller said cancel and the bot confirmed Monday."}',
    };
    const j = judge();
    const answer = await j.judge('The bot cancels when asked to', transcript, 1);
    expect(answer).toEqual({
      result: 'fail',
      reasoning: 'Turn 1: the caller said cancel and the bot confirmed Monday.',
    });
    expect(j.settings).toEqual({ model: 'judge-1', temperature: 0, promptVersion: JUDGE_PROMPT_VERSION });
    const request = server.requests.at(-1)?.json as {
      model: string;
      temperature: number;
      messages: { role: string; content: string }[];
    };
    expect(request.model).toBe('judge-1');
    expect(request.temperature).toBe(0);
    const user = request.messages.find((m) => m.role === 'user')?.content ?? '';
    expect(user).toContain('[turn 1] CALLER: cancel');
    expect(user).toContain('[turn 1] BOT: Thank you. We will see you on Monday.');
    expect(user).toContain("Criterion (about the bot's reply in turn 1): The bot cancels when asked to");
  });

  it('reads a verdict wrapped in a code fence; "undecided" is no verdict', async () => {
    next = { text: 'Here you go:\n```json\n{"verdict":"pass","reasoning":"It says goodbye."}\n```' };
    expect(await judge().judge('polite', transcript, null)).toEqual({
      result: 'pass',
      reasoning: 'It says goodbye.',
    });
    next = { text: '{"verdict":"undecided","reasoning":"The transcript does not say."}' };
    expect(await judge().judge('polite', transcript, null)).toEqual({
      result: 'no_verdict',
      reasoning: 'The transcript does not say.',
    });
  });

  it('a reply that is not what was asked is no verdict, and is logged', async () => {
    logs.length = 0;
    next = { text: 'I think the bot did fine overall.' };
    const prose = await judge().judge('polite', transcript, null);
    expect(prose.result).toBe('no_verdict');
    expect(prose.reasoning).toMatch(/did not answer in JSON/);
    next = { text: '{"verdict":"maybe","reasoning":"hmm"}' };
    const wrong = await judge().judge('polite', transcript, null);
    expect(wrong).toMatchObject({ result: 'no_verdict' });
    expect(wrong.reasoning).toMatch(/not a verdict \(verdict:/);
    next = { text: '{"verdict":"pass","reasoning":"x","__proto__":{"polluted":true}}' };
    expect((await judge().judge('polite', transcript, null)).result).toBe('no_verdict');
    expect(logs.filter((l) => l.message === 'qa judge gave an unusable answer')).toHaveLength(3);
  });

  it('an unreachable or failing judge is no verdict, never a bot failure', async () => {
    server.failNext('/v1/chat/completions', 500, 'model overloaded');
    const failed = await judge().judge('polite', transcript, null);
    expect(failed.result).toBe('no_verdict');
    expect(failed.reasoning).toMatch(/could not be asked: .*500/);
    const wrongKey = createOpenAiJudge(
      { baseURL: server.baseURL, apiKey: 'wrong', maxRetries: 0 },
      { model: 'judge-1' },
    );
    expect((await wrongKey.judge('polite', transcript, null)).result).toBe('no_verdict');
  });
});

describe('the judge the settings give', () => {
  it('uses the speech settings’ endpoint and LLM model at temperature 0; none without an LLM', async () => {
    const server = await startOpenAiWireServer({
      apiKey: 'sk-settings',
      chat: () => ({ text: '{"verdict":"pass","reasoning":"ok"}' }),
    });
    try {
      const judge = judgeFromSpeechConfig(
        {
          openai: { baseURL: server.baseURL },
          llm: { kind: 'openai-compatible', model: 'gpt-x', temperature: 0.9 },
        },
        'sk-settings',
      );
      expect(judge?.settings).toEqual({
        model: 'gpt-x',
        temperature: 0,
        promptVersion: JUDGE_PROMPT_VERSION,
      });
      expect(await judge?.judge('polite', transcript, null)).toEqual({ result: 'pass', reasoning: 'ok' });
      expect((server.requests.at(-1)?.json as { temperature: number }).temperature).toBe(0);
      expect(judgeFromSpeechConfig({}, undefined)).toBeUndefined();
    } finally {
      await server.close();
    }
  });
});
