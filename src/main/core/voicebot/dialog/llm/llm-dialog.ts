import type { Logger } from '../../../logging';
import type { ChatMessage } from '../../../speech';
import type { LlmBot } from '../bot-schema';
import { renderTemplate } from '../template';
import type { BotTurn, Dialog, DialogAction, DialogInput, ListenSpec, TurnSpeech, TurnTrace } from '../types';
import type { ResolvedVariables } from '../variables';
import { DialogLlmReplySchema, type DialogLlm, type DialogLlmReply } from './dialog-llm';
import { SpokenAhead } from './spoken-ahead';
import { botTools, type BotTools, type ToolArgs } from './tools';

const ALL_KEYS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#'];
const FREE_LISTEN: ListenSpec = { grammar: null, dtmf: ALL_KEYS };

/**
 * A dialog driven by a chat model with tools. The model's output is checked like any outside input:
 * a failure or an unusable answer is logged, a fallback line is spoken and the call goes on (until
 * `failure_limit` failures in a row). History is bounded to the last `history_turns` exchanges.
 * Given a TurnSpeech, the model's reply is sent ahead sentence by sentence while it streams in.
 */
export class LlmDialog implements Dialog {
  readonly kind = 'llm' as const;
  private readonly system: string;
  private readonly tools: BotTools;
  /** One group per exchange (the greeting, then caller message + model messages + tool results). */
  private readonly groups: ChatMessage[][] = [];
  private queue: Promise<unknown> = Promise.resolve();
  private noInputs = 0;
  private noMatches = 0;
  private failures = 0;
  private finalTurn: BotTurn | undefined;
  private currentDisposition: string | null = null;

  constructor(
    private readonly bot: LlmBot,
    private readonly variables: ResolvedVariables,
    private readonly llm: DialogLlm,
    private readonly log: Logger,
  ) {
    this.system = this.render(bot.system_prompt).text;
    this.tools = botTools(bot);
  }

  get botId(): string {
    return this.bot.id;
  }
  get ended(): boolean {
    return this.finalTurn !== undefined;
  }
  get disposition(): string | null {
    return this.currentDisposition;
  }

  start(): Promise<BotTurn> {
    const greeting = this.render(this.bot.greeting);
    this.groups.push([{ role: 'assistant', content: greeting.text }]);
    const trace: TurnTrace = greeting.problem
      ? { reason: 'start', problem: greeting.problem }
      : { reason: 'start' };
    return Promise.resolve(this.continueTurn(greeting.text, trace));
  }

  handle(input: DialogInput, speech?: TurnSpeech): Promise<BotTurn> {
    // Serialised: a second input while the model is thinking waits for the first turn.
    const run = this.queue.then(() => this.step(input, new SpokenAhead(speech, this.bot.barge_in)));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** The messages the model would see now (system prompt + bounded history). */
  messages(): ChatMessage[] {
    return [{ role: 'system', content: this.system }, ...this.groups.slice(-this.bot.history_turns).flat()];
  }

  private async step(input: DialogInput, ahead: SpokenAhead): Promise<BotTurn> {
    if (this.finalTurn) return { ...this.finalTurn, text: '', trace: { reason: 'after_end' } };
    switch (input.kind) {
      case 'no_input':
        return this.silence('no_input');
      case 'no_match':
        return this.silence('no_match');
      case 'dtmf':
        return this.converse(`(The caller pressed the key ${input.digit} on the phone keypad.)`, ahead);
      case 'speech': {
        const text = input.text.trim();
        const lowConfidence = input.confidence !== undefined && input.confidence < this.bot.min_confidence;
        if (text === '' || lowConfidence) return this.silence('no_match');
        return this.converse(text, ahead);
      }
    }
  }

  private silence(kind: 'no_input' | 'no_match'): BotTurn {
    const count = kind === 'no_input' ? ++this.noInputs : ++this.noMatches;
    const policy = this.bot[kind];
    if (count >= policy.limit) {
      const disposition = this.currentDisposition ?? policy.disposition;
      return this.end('hangup', this.render(policy.goodbye).text, disposition, { reason: `${kind}_limit` });
    }
    return this.continueTurn(this.render(policy.prompt).text, { reason: `${kind}_retry` });
  }

  private async converse(userText: string, ahead: SpokenAhead): Promise<BotTurn> {
    this.noInputs = 0;
    this.noMatches = 0;
    const group: ChatMessage[] = [{ role: 'user', content: userText }];
    this.groups.push(group);
    const acted: { name: string; args: ToolArgs }[] = [];
    const problems: string[] = [];
    for (let round = 0; round < this.bot.llm.max_rounds; round++) {
      const reply = await this.ask(ahead.round());
      if ('error' in reply) return this.failure([...problems, reply.error], acted, ahead);
      group.push({
        role: 'assistant',
        content: reply.text,
        ...(reply.toolCalls.length ? { toolCalls: reply.toolCalls } : {}),
      });
      let decided: 'transfer' | 'hangup' | undefined;
      let actedThisRound = false;
      for (const call of reply.toolCalls) {
        const parsed = this.tools.parse(call.name, call.argumentsJson);
        if (!parsed.ok) {
          this.log.error('LLM tool call rejected', {
            bot: this.bot.id,
            tool: call.name,
            error: parsed.error,
          });
          problems.push(parsed.error);
          group.push({ role: 'tool', toolCallId: call.id, content: JSON.stringify({ error: parsed.error }) });
          continue;
        }
        actedThisRound = true;
        acted.push({ name: call.name, args: parsed.args });
        if (call.name === 'set_disposition') this.currentDisposition = String(parsed.args.disposition);
        if (call.name === 'transfer_to_agent') decided ??= 'transfer';
        if (call.name === 'end_call') decided ??= 'hangup';
        group.push({ role: 'tool', toolCallId: call.id, content: JSON.stringify({ ok: true }) });
      }
      const text = reply.text.trim();
      const trace: TurnTrace = { reason: acted.length ? 'llm_tool' : 'llm_reply' };
      if (acted.length) trace.tools = acted;
      if (problems.length) trace.problem = problems.join('; ');
      if (decided === 'transfer') {
        this.failures = 0;
        return this.end(
          'transfer',
          text || this.render(this.bot.transfer_text).text,
          this.bot.transfer_disposition,
          trace,
        );
      }
      if (decided === 'hangup') {
        this.failures = 0;
        const disposition = this.currentDisposition ?? this.bot.end_disposition;
        return this.end('hangup', text || this.render(this.bot.goodbye).text, disposition, trace);
      }
      if (text) {
        this.failures = 0;
        return this.continueTurn(text, trace);
      }
      // Only a bookkeeping tool (e.g. set_disposition) and nothing said: let the model speak next round.
      if (!actedThisRound) break;
    }
    return this.failure(problems.length ? problems : ['the model said nothing'], acted, ahead);
  }

  private async ask(onText?: (delta: string) => void): Promise<DialogLlmReply | { error: string }> {
    let raw: unknown;
    try {
      const request = {
        messages: this.messages(),
        tools: this.tools.definitions,
        ...(this.bot.llm.temperature !== undefined ? { temperature: this.bot.llm.temperature } : {}),
        ...(this.bot.llm.max_tokens !== undefined ? { maxTokens: this.bot.llm.max_tokens } : {}),
      };
      raw = await (onText ? this.llm.complete(request, onText) : this.llm.complete(request));
    } catch (error) {
      this.log.error('LLM call failed', { bot: this.bot.id, error });
      return { error: `LLM error: ${error instanceof Error ? error.message : String(error)}` };
    }
    const parsed = DialogLlmReplySchema.safeParse(raw);
    if (!parsed.success) {
      this.log.error('LLM reply malformed', { bot: this.bot.id, issues: parsed.error.issues });
      return { error: 'LLM reply malformed' };
    }
    return parsed.data;
  }

  /** The fallback (or, at the limit, the failure line), said after whatever the model already said. */
  private failure(
    problems: string[],
    acted: { name: string; args: ToolArgs }[],
    ahead: SpokenAhead,
  ): BotTurn {
    this.failures++;
    const problem = problems.join('; ');
    this.log.error('LLM turn failed; speaking the fallback line', { bot: this.bot.id, problem });
    const trace: TurnTrace = { reason: 'llm_fallback', problem };
    if (acted.length) trace.tools = acted;
    if (this.failures >= this.bot.failure_limit) {
      const text = ahead.then(this.render(this.bot.failure_text).text);
      const action = this.bot.failure_action;
      return this.end(action, text, this.bot.failure_disposition, { ...trace, reason: 'llm_failure_limit' });
    }
    const text = ahead.then(this.render(this.bot.fallback).text);
    this.groups.at(-1)?.push({ role: 'assistant', content: text });
    return this.continueTurn(text, trace);
  }

  private continueTurn(text: string, trace: TurnTrace): BotTurn {
    return {
      text,
      action: 'continue',
      listen: FREE_LISTEN,
      disposition: this.currentDisposition,
      bargeIn: this.bot.barge_in,
      state: 'conversation',
      slots: {},
      trace,
    };
  }

  private end(
    action: Exclude<DialogAction, 'continue'>,
    text: string,
    disposition: string,
    trace: TurnTrace,
  ): BotTurn {
    this.currentDisposition = disposition;
    const turn: BotTurn = {
      text,
      action,
      listen: null,
      disposition,
      bargeIn: false,
      state: 'ended',
      slots: {},
      trace,
    };
    this.finalTurn = turn;
    return turn;
  }

  private render(template: string): { text: string; problem?: string } {
    const result = renderTemplate(template, (name) => this.variables.get(name));
    if (result.missing.length === 0) return { text: result.text };
    const problem = `missing value(s) for ${result.missing.map((m) => `{{${m}}}`).join(', ')}`;
    this.log.warn('dialog text has missing values', { bot: this.bot.id, problem });
    return { text: result.text, problem };
  }
}
