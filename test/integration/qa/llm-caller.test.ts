import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoalSchema } from '../../../src/shared/qa';
import { LlmCaller, LlmCallerError } from '../../../src/main/core/qa/callers/llm-caller';
import { OpenAiLlm } from '../../../src/main/core/speech';
import {
  startOpenAiWireServer,
  type OpenAiWireServer,
  type WireChatReply,
  type WireChatRequest,
} from '../../helpers/openai-wire-server';

// The LLM caller over the real OpenAI wire format: a local server plays a scripted model (no network).
const goal = GoalSchema.parse({
  persona: 'Asha, a busy patient',
  goal: 'Cancel the appointment',
  success: 'The bot says the appointment is cancelled',
  max_turns: 4,
});

let script: (request: WireChatRequest) => WireChatReply = () => ({ text: '' });
let server: OpenAiWireServer;
beforeAll(async () => {
  server = await startOpenAiWireServer({ chat: (r) => script(r) });
});
afterAll(() => server.close());

const llm = () => new OpenAiLlm({ baseURL: server.baseURL, model: 'caller-1', maxRetries: 0 });
const lastBot = (r: WireChatRequest) =>
  [...r.messages].reverse().find((m) => m.role === 'user')?.content ?? '';

/** A model that plays the patient: who answers, then asks to cancel, then hangs up. */
const patient = (r: WireChatRequest): WireChatReply => {
  const bot = lastBot(r);
  if (/speaking with/i.test(bot)) return { text: '{"say": "Yes, this is Asha.", "hangup": false}' };
  if (/appointment on/i.test(bot)) return { text: '```json\n{"say": "Please cancel it."}\n```' };
  if (/should i cancel/i.test(bot)) return { text: '{"say": "Yes."}' };
  if (/cancelled/i.test(bot)) return { text: '{"say": "Thank you, bye.", "hangup": true}' };
  return { text: '{"hangup": true, "reason": "confused"}' };
};

describe('LLM caller against an OpenAI-compatible server', () => {
  it('plays the persona toward the goal from what the bot said, and hangs up', async () => {
    script = patient;
    const caller = new LlmCaller({ llm: llm(), goal, variables: { name: 'Asha Rao' } });
    const from = server.requests.length;
    expect(await caller.next('Hello, this is the clinic. Am I speaking with Asha Rao?')).toEqual({
      kind: 'say',
      text: 'Yes, this is Asha.',
      hangup: false,
    });
    expect(await caller.next('You have an appointment on Monday the fifth.')).toEqual({
      kind: 'say',
      text: 'Please cancel it.',
      hangup: false,
    });
    expect(await caller.next('Should I cancel your appointment?')).toMatchObject({
      kind: 'say',
      text: 'Yes.',
    });
    expect(await caller.next('Your appointment is cancelled. Goodbye.')).toEqual({
      kind: 'say',
      text: 'Thank you, bye.',
      hangup: true,
    });
    // The model saw its persona, goal and who it is, and the whole conversation so far.
    const last = server.requests.at(-1)?.json as WireChatRequest & { temperature: number };
    expect(server.requests.length - from).toBe(4);
    expect(last.temperature).toBe(0);
    const system = last.messages[0]?.content ?? '';
    expect(system).toContain('Persona: Asha, a busy patient');
    expect(system).toContain('Your goal in this call: Cancel the appointment');
    expect(system).toContain('name: Asha Rao');
    expect(last.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
      'assistant',
      'user',
    ]);
    expect(last.messages[3]?.content).toBe('BOT: You have an appointment on Monday the fifth.');
  });

  it('stops at max_turns without asking the model again', async () => {
    script = () => ({ text: '{"say": "Hello?"}' });
    const caller = new LlmCaller({ llm: llm(), goal, variables: {} });
    for (let i = 0; i < 4; i++) expect((await caller.next('')).kind).toBe('say');
    const before = server.requests.length;
    expect(await caller.next('Hello?')).toEqual({ kind: 'hangup', reason: 'max_turns (4) reached' });
    expect(server.requests.length).toBe(before);
    expect((server.requests.at(-1)?.json as WireChatRequest).messages[1]?.content).toBe('BOT: (silence)');
  });

  it('the clip variant picks the next of the scenario’s recordings', async () => {
    const clips = [
      { file: 'human/cancel/step-01.wav', text: 'yes' },
      { file: 'human/cancel/step-02.wav', text: 'cancel' },
    ];
    script = (r) => {
      const system = r.messages[0]?.content ?? '';
      expect(system).toContain('2. "cancel"');
      return { text: /appointment on/i.test(lastBot(r)) ? '{"clip": 2}' : '{"clip": 1}' };
    };
    const caller = new LlmCaller({ llm: llm(), goal, variables: {}, clips });
    expect(await caller.next('Am I speaking with Asha?')).toEqual({
      kind: 'clip',
      clip: clips[0],
      hangup: false,
    });
    expect(await caller.next('You have an appointment on Monday.')).toEqual({
      kind: 'clip',
      clip: clips[1],
      hangup: false,
    });
    script = () => ({ text: '{"clip": 3}' });
    await expect(caller.next('Should I cancel?')).rejects.toThrow(/clip 3 is not one of 1-2/);
  });

  it('an answer that is not a move, or a model that fails, is a caller error (never the bot’s)', async () => {
    const caller = () => new LlmCaller({ llm: llm(), goal, variables: {} });
    script = () => ({ text: 'Sure, I would say yes here.' });
    await expect(caller().next('Hello?')).rejects.toThrow(LlmCallerError);
    script = () => ({ text: '{"say": ""}' });
    await expect(caller().next('Hello?')).rejects.toThrow(/not a move/);
    server.failNext('/v1/chat/completions', 503, 'unavailable');
    await expect(caller().next('Hello?')).rejects.toThrow(/could not be asked: .*503/);
  });
});
