import { beforeAll, describe, expect, it, vi } from 'vitest';
import { FakeLlm, type FakeLlmScript } from '../../../../src/main/core/speech/testing';
import {
  createDialog,
  loadBotFile,
  type BotDefinition,
  type LlmBot,
  type TurnSpeech,
} from '../../../../src/main/core/voicebot';
import { TimedLlm } from '../../../../src/main/core/voicebot/session/timed-llm';
import { llmBotFile, memoryLogger, say } from './helpers';

// The LLM dialog speaking ahead: the model's reply goes to a TurnSpeech sentence by sentence while it
// streams in, and the turn it returns always starts with what was sent (what the caller heard).

const borrower = { name: 'Vikram Shah', loan_id: 'L 1', amount_due: '4,500 rupees', due_date: 'Friday' };

let bot: LlmBot;
beforeAll(async () => {
  const loaded: BotDefinition = await loadBotFile(llmBotFile);
  if (loaded.kind !== 'llm') throw new Error('collections-llm must be an llm bot');
  bot = loaded;
});

/** A dialog on a streaming model (the session's TimedLlm over FakeLlm) and what it sends ahead. */
function setup(script: FakeLlmScript, overrides: Partial<LlmBot> = {}) {
  const llm = new FakeLlm(script);
  const { logger } = memoryLogger();
  const dialog = createDialog({ ...bot, ...overrides }, borrower, { llm: new TimedLlm(llm), logger });
  const sent: { text: string; bargeIn: boolean; requests: number }[] = [];
  const speech: TurnSpeech = {
    segment: (text, bargeIn) => sent.push({ text, bargeIn, requests: llm.requests.length }),
  };
  return { llm, dialog, speech, sent };
}

/** A gate a FakeLlm stream waits on, opened by the test. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { wait: () => opened, open };
}

describe('LLM dialog speaking ahead', () => {
  it('sends each complete sentence while the model is still generating; the turn starts with them', async () => {
    const hold = gate();
    const { dialog, speech, sent } = setup([
      { stream: ['Thank you', ', Mr Shah.', ' I have noted', ' Friday. ', hold.wait, 'Anything else?'] },
    ]);
    await dialog.start();
    const pending = dialog.handle(say('I will pay on Friday'), speech);
    // The model is held before its last sentence: the first two have been sent.
    await vi.waitFor(() => expect(sent).toHaveLength(2), { timeout: 5000, interval: 5 });
    expect(sent.map((s) => s.text)).toEqual(['Thank you, Mr Shah.', ' I have noted Friday.']);
    expect(sent.every((s) => s.bargeIn === bot.barge_in)).toBe(true);
    hold.open();
    const turn = await pending;
    expect(turn).toMatchObject({
      text: 'Thank you, Mr Shah. I have noted Friday. Anything else?',
      action: 'continue',
      trace: { reason: 'llm_reply' },
    });
    expect(turn.text.startsWith(sent.map((s) => s.text).join(''))).toBe(true);
  });

  it('a model error mid-reply: the sentences already sent stay, the unfinished one is dropped, the fallback follows', async () => {
    const { dialog, speech, sent, llm } = setup([
      { stream: ['Your payment is noted. ', 'We will call you on'], failAfterText: 'connection reset' },
      { text: 'Thank you.' },
    ]);
    await dialog.start();
    const turn = await dialog.handle(say('I will pay on Friday'), speech);
    expect(sent.map((s) => s.text)).toEqual(['Your payment is noted.']);
    expect(turn).toMatchObject({
      text: `Your payment is noted. ${bot.fallback}`,
      action: 'continue',
      trace: { reason: 'llm_fallback' },
    });
    expect(turn.trace.problem).toContain('connection reset');
    // The history has what the caller heard, so the model knows it.
    await dialog.handle(say('Friday'), speech);
    expect(llm.requests[1]?.messages.at(-2)).toEqual({ role: 'assistant', content: turn.text });
  });

  it('at the failure limit the failure line follows what was said, and the call is handed over', async () => {
    const { dialog, speech } = setup(
      [{ stream: ['One moment please. ', 'Let me'], failAfterText: 'HTTP 500' }],
      {
        failure_limit: 1,
      },
    );
    await dialog.start();
    const turn = await dialog.handle(say('hello'), speech);
    expect(turn).toMatchObject({
      text: `One moment please. ${bot.failure_text}`,
      action: 'transfer',
      bargeIn: false,
      trace: { reason: 'llm_failure_limit' },
    });
  });

  it('a tool-only round sends nothing; the next round is sent ahead, and an ending turn keeps its text', async () => {
    const { dialog, speech, sent } = setup([
      { toolCalls: [{ name: 'set_disposition', arguments: { disposition: 'promised_to_pay' } }] },
      {
        stream: ['Thank you for your time. ', 'Goodbye.'],
        toolCalls: [{ name: 'end_call', arguments: { reason: 'done' } }],
      },
    ]);
    await dialog.start();
    const turn = await dialog.handle(say('I will pay on Friday'), speech);
    expect(sent).toEqual([{ text: 'Thank you for your time.', bargeIn: bot.barge_in, requests: 2 }]);
    expect(turn).toMatchObject({
      text: 'Thank you for your time. Goodbye.',
      action: 'hangup',
      bargeIn: false,
      disposition: 'promised_to_pay',
    });
  });

  it('templated lines (greeting, silence prompts, the default transfer line) are never sent ahead', async () => {
    const { dialog, speech, sent } = setup([{ toolCalls: [{ name: 'transfer_to_agent', arguments: {} }] }]);
    await dialog.start();
    await dialog.handle({ kind: 'no_input' }, speech);
    const turn = await dialog.handle(say('a person please'), speech);
    expect(turn).toMatchObject({ text: bot.transfer_text, action: 'transfer' });
    expect(sent).toEqual([]);
  });

  it('without a TurnSpeech nothing is sent and the turn is the same', async () => {
    const script: FakeLlmScript = [{ stream: ['Thank you. ', 'When can you pay?'] }];
    const a = setup(script);
    const b = setup(script);
    await a.dialog.start();
    await b.dialog.start();
    const plain = await a.dialog.handle(say('yes'));
    const ahead = await b.dialog.handle(say('yes'), b.speech);
    expect(plain).toEqual(ahead);
    expect(a.sent).toEqual([]);
    expect(b.sent.map((s) => s.text)).toEqual(['Thank you.']);
  });
});
