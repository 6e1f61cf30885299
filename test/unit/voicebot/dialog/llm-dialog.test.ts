import { beforeAll, describe, expect, it } from 'vitest';
import { type ChatResult } from '../../../../src/main/core/speech';
import { FakeLlm, type FakeLlmScript } from '../../../../src/main/core/speech/testing';
import {
  createDialog,
  DialogSetupError,
  DialogVariablesError,
  loadBotFile,
  type BotDefinition,
  type DialogLlm,
  type LlmBot,
} from '../../../../src/main/core/voicebot';
import { failing, key, llmBotFile, memoryLogger, reply, say, silence, unclear } from './helpers';

const borrower = {
  name: 'Vikram Shah',
  loan_id: 'L 4 4 1 9',
  amount_due: '4,500 rupees',
  due_date: 'the 10th of March',
};

let bot: LlmBot;
beforeAll(async () => {
  const loaded: BotDefinition = await loadBotFile(llmBotFile);
  if (loaded.kind !== 'llm') throw new Error('collections-llm must be an llm bot');
  bot = loaded;
});

/** A dialog on the collections bot, driven by core/speech's FakeLlm (or another model). */
function setup(script: FakeLlmScript, overrides: Partial<LlmBot> = {}, model?: (fake: FakeLlm) => DialogLlm) {
  const llm = new FakeLlm(script);
  const { logger, records } = memoryLogger();
  const dialog = createDialog({ ...bot, ...overrides }, borrower, { llm: model ? model(llm) : llm, logger });
  const errors = () => records.filter((r) => r.level === 'error').map((r) => r.message);
  return { llm, dialog, records, errors };
}

describe('LLM bot dialog', () => {
  it('greets with the contact values and sends a filled-in system prompt and the tools', async () => {
    const { llm, dialog } = setup([reply('Thank you, Mr Shah. When do you think you can pay?')]);
    const greeting = await dialog.start();
    expect(greeting).toMatchObject({ action: 'continue', state: 'conversation', listen: { grammar: null } });
    expect(greeting.text).toBe(
      'Hello, this is an automated assistant calling from Sunrise Finance. May I speak with Vikram Shah, please?',
    );
    expect(llm.requests).toHaveLength(0);

    const turn = await dialog.handle(say('Yes, speaking.'));
    expect(turn).toMatchObject({
      text: 'Thank you, Mr Shah. When do you think you can pay?',
      action: 'continue',
    });
    expect(turn.trace).toEqual({ reason: 'llm_reply' });
    const request = llm.requests[0];
    const system = request?.messages[0];
    expect(system?.role).toBe('system');
    expect(system?.content).toContain('4,500 rupees on loan L 4 4 1 9 is due on the 10th of March');
    expect(system?.content).not.toMatch(/\{\{|\}\}/);
    expect(request?.messages.slice(1)).toEqual([
      { role: 'assistant', content: greeting.text },
      { role: 'user', content: 'Yes, speaking.' },
    ]);
    expect(request?.tools?.map((t) => t.name)).toEqual(['transfer_to_agent', 'end_call', 'set_disposition']);
    const setDisposition = request?.tools?.find((t) => t.name === 'set_disposition');
    expect(setDisposition?.parameters).toMatchObject({
      type: 'object',
      properties: { disposition: { enum: bot.dispositions } },
      required: ['disposition'],
    });
    expect(request).toMatchObject({ temperature: 0.3, maxTokens: 200 });
  });

  it("records a disposition and ends the call with the model's goodbye", async () => {
    const { dialog, llm } = setup([
      reply('Thank you. I have noted that you will pay on Friday.', [
        'set_disposition',
        { disposition: 'promised_to_pay', note: 'Friday' },
      ]),
      reply('Goodbye, and thank you.', ['end_call', { reason: 'done' }]),
    ]);
    await dialog.start();
    const noted = await dialog.handle(say('I will pay on Friday'));
    expect(noted).toMatchObject({
      action: 'continue',
      disposition: 'promised_to_pay',
      trace: { reason: 'llm_tool' },
    });
    expect(noted.trace.tools).toEqual([
      { name: 'set_disposition', args: { disposition: 'promised_to_pay', note: 'Friday' } },
    ]);
    const end = await dialog.handle(say('Thanks, bye'));
    expect(end).toMatchObject({
      action: 'hangup',
      disposition: 'promised_to_pay',
      text: 'Goodbye, and thank you.',
      listen: null,
    });
    expect(dialog.ended).toBe(true);
    // The tool call and its result went back into the history, in the wire order.
    const messages = llm.requests[1]?.messages ?? [];
    expect(messages.map((m) => m.role)).toEqual(['system', 'assistant', 'user', 'assistant', 'tool', 'user']);
    expect(messages[4]).toEqual({
      role: 'tool',
      toolCallId: 'call_1_0',
      content: '{"ok":true}',
    });
    expect((await dialog.handle(say('hello?'))).trace.reason).toBe('after_end');
    expect(llm.requests).toHaveLength(2);
  });

  it('asks the model again when it only called a bookkeeping tool, and ends with the default disposition', async () => {
    const { dialog, llm } = setup([
      reply('', ['set_disposition', { disposition: 'already_paid' }]),
      reply('I see, thank you for letting us know.'),
      reply('', ['end_call', {}]),
    ]);
    await dialog.start();
    const turn = await dialog.handle(say('I already paid last week'));
    expect(turn).toMatchObject({
      text: 'I see, thank you for letting us know.',
      disposition: 'already_paid',
    });
    expect(llm.requests).toHaveLength(2);
    expect(llm.requests[1]?.messages.at(-1)).toMatchObject({ role: 'tool', content: '{"ok":true}' });
    const end = await dialog.handle(say('ok'));
    expect(end).toMatchObject({ action: 'hangup', text: bot.goodbye, disposition: 'already_paid' });

    const plain = setup([reply('', ['end_call', {}])]);
    await plain.dialog.start();
    expect(await plain.dialog.handle(say('bye'))).toMatchObject({ disposition: bot.end_disposition });
  });

  it("transfers to an agent, with the model's line or the default one", async () => {
    for (const [text, expected] of [
      ['Of course, connecting you now.', 'Of course, connecting you now.'],
      ['', bot.transfer_text],
    ]) {
      const { dialog } = setup([reply(text ?? '', ['transfer_to_agent', { reason: 'asked for a person' }])]);
      await dialog.start();
      const turn = await dialog.handle(say('Let me talk to a real person'));
      expect(turn).toMatchObject({
        action: 'transfer',
        disposition: 'transferred',
        text: expected,
        bargeIn: false,
      });
      expect(turn.trace.tools).toEqual([
        { name: 'transfer_to_agent', args: { reason: 'asked for a person' } },
      ]);
    }
  });

  it('logs bad tool arguments and goes on: the fallback line when nothing usable was said', async () => {
    const { dialog, errors, llm } = setup(
      [
        reply('', ['set_disposition', { disposition: 'maybe_later' }]),
        reply('', ['set_disposition', '{not json']),
        reply('', ['launch_rockets', {}]),
        reply('Sure, I can wait. When can you pay?', ['end_call', { reason: 5 }]),
      ],
      { failure_limit: 5 },
    );
    await dialog.start();
    for (const [i, expected] of [
      /bad arguments for 'set_disposition': disposition/,
      /not valid JSON/,
      /unknown tool 'launch_rockets'/,
    ].entries()) {
      const turn = await dialog.handle(say(`answer ${i}`));
      expect(turn).toMatchObject({
        action: 'continue',
        text: bot.fallback,
        disposition: null,
        trace: { reason: 'llm_fallback' },
      });
      expect(turn.trace.problem).toMatch(expected);
    }
    // Words and a bad tool call: the words are spoken, the call is not ended.
    const mixed = await dialog.handle(say('hold on'));
    expect(mixed).toMatchObject({ action: 'continue', text: 'Sure, I can wait. When can you pay?' });
    expect(mixed.trace.problem).toMatch(/bad arguments for 'end_call': reason/);
    expect(errors().filter((m) => m === 'LLM tool call rejected')).toHaveLength(4);
    // The model is told what went wrong, in the tool result.
    const last = llm.requests[3]?.messages ?? [];
    expect(last.some((m) => m.role === 'tool' && m.content.includes('unknown tool'))).toBe(true);
    expect(dialog.ended).toBe(false);
  });

  it('survives an LLM error, an empty answer and a malformed reply, then carries on', async () => {
    // The third answer is not even a reply object's shape: a model adapter gone wrong.
    let calls = 0;
    const { dialog, errors, llm } = setup(
      [failing('connect ECONNREFUSED 127.0.0.1:11434'), reply('   '), reply('Thank you. When can you pay?')],
      { failure_limit: 4 },
      (fake) => ({
        complete: (request) =>
          ++calls === 3 ? Promise.resolve({ text: 42 } as unknown as ChatResult) : fake.complete(request),
      }),
    );
    await dialog.start();
    const failed = await dialog.handle(say('hello'));
    expect(failed).toMatchObject({ text: bot.fallback, action: 'continue' });
    expect(failed.trace.problem).toBe('LLM error: llm/fake: connect ECONNREFUSED 127.0.0.1:11434');
    expect((await dialog.handle(say('hello?'))).trace.problem).toBe('the model said nothing');
    expect((await dialog.handle(say('can you hear me'))).trace.problem).toBe('LLM reply malformed');
    const ok = await dialog.handle(say('yes it is me'));
    expect(ok).toMatchObject({ text: 'Thank you. When can you pay?', trace: { reason: 'llm_reply' } });
    expect(errors()).toEqual(
      expect.arrayContaining([
        'LLM call failed',
        'LLM reply malformed',
        'LLM turn failed; speaking the fallback line',
      ]),
    );
    // The fallback line is in the history, so the model knows what the caller heard.
    expect(llm.requests).toHaveLength(3);
    const messages = llm.requests[2]?.messages ?? [];
    expect(messages.filter((m) => m.role === 'assistant' && m.content === bot.fallback)).toHaveLength(3);
  });

  it('hands over after too many failures in a row (a success resets the count)', async () => {
    const boom = failing('HTTP 500');
    const { dialog } = setup([boom, boom, reply('Yes?'), boom, boom, boom]);
    await dialog.start();
    const turns = [];
    for (let i = 0; i < 6; i++) turns.push(await dialog.handle(say(`turn ${i}`)));
    expect(turns.map((t) => t.action)).toEqual([
      'continue',
      'continue',
      'continue',
      'continue',
      'continue',
      'transfer',
    ]);
    expect(turns[5]).toMatchObject({
      text: bot.failure_text,
      disposition: 'bot_error',
      trace: { reason: 'llm_failure_limit' },
    });
  });

  it('keeps only the last N exchanges in the history', async () => {
    const n = 3;
    const { dialog, llm } = setup(
      Array.from({ length: 6 }, (_, i) => reply(`answer ${i}`)),
      { history_turns: n },
    );
    await dialog.start();
    for (let i = 0; i < 6; i++) await dialog.handle(say(`question ${i}`));
    const messages = llm.requests[5]?.messages ?? [];
    expect(messages[0]?.role).toBe('system');
    expect(messages.slice(1).map((m) => m.content)).toEqual([
      'question 3',
      'answer 3',
      'question 4',
      'answer 4',
      'question 5',
    ]);
    // Every request stayed within the bound: system + N groups of at most two messages.
    for (const r of llm.requests) expect(r.messages.length).toBeLessThanOrEqual(1 + 2 * n);
  });

  it('handles silence and unclear audio without asking the model', async () => {
    const { dialog, llm } = setup([reply('Thank you.')]);
    await dialog.start();
    expect(await dialog.handle(silence)).toMatchObject({
      text: bot.no_input.prompt,
      action: 'continue',
      trace: { reason: 'no_input_retry' },
    });
    expect(await dialog.handle(unclear)).toMatchObject({
      text: bot.no_match.prompt,
      trace: { reason: 'no_match_retry' },
    });
    expect(await dialog.handle(say('  '))).toMatchObject({ text: bot.no_match.prompt });
    await dialog.handle(say('yes'));
    expect(await dialog.handle(silence)).toMatchObject({ action: 'continue' });
    const end = await dialog.handle(silence);
    expect(end).toMatchObject({ action: 'hangup', disposition: 'no_response', text: bot.no_input.goodbye });
    expect(llm.requests).toHaveLength(1);
  });

  it('passes DTMF to the model as a described key press', async () => {
    const { dialog, llm } = setup([reply('You pressed one.')]);
    await dialog.start();
    await dialog.handle(key('1'));
    expect(llm.requests[0]?.messages.at(-1)).toEqual({
      role: 'user',
      content: '(The caller pressed the key 1 on the phone keypad.)',
    });
  });

  it('serialises overlapping calls to handle()', async () => {
    const { dialog, llm } = setup([reply('first'), reply('second')]);
    await dialog.start();
    const [a, b] = await Promise.all([dialog.handle(say('one')), dialog.handle(say('two'))]);
    expect([a.text, b.text]).toEqual(['first', 'second']);
    expect(llm.requests[1]?.messages.slice(-3).map((m) => m.content)).toEqual(['one', 'first', 'two']);
  });

  it('refuses to start without an LLM or without the required variables', () => {
    expect(() => createDialog(bot, borrower)).toThrow(DialogSetupError);
    const { due_date: _omit, ...partial } = borrower;
    expect(() => createDialog(bot, partial, { llm: new FakeLlm([]) })).toThrow(DialogVariablesError);
  });
});
