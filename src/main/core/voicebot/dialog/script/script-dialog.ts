import type { Logger } from '../../../logging';
import type { RetryPolicyDef, ScriptBot, ScriptState } from '../bot-schema';
import { renderTemplate } from '../template';
import type { BotTurn, Dialog, DialogInput, TurnTrace } from '../types';
import type { ResolvedVariables } from '../variables';
import { compileScript, type CompiledAskState } from './compile-state';
import { matchSpeech } from './match';

/** A state-machine dialog: deterministic, synchronous at heart, no timers. */
export class ScriptDialog implements Dialog {
  readonly kind = 'script' as const;
  private readonly compiled: Map<string, CompiledAskState>;
  private current: string;
  private noInputs = 0;
  private noMatches = 0;
  private readonly slots: Record<string, string> = {};
  private finalTurn: BotTurn | undefined;
  private currentDisposition: string | null = null;

  constructor(
    private readonly bot: ScriptBot,
    private readonly variables: ResolvedVariables,
    private readonly log: Logger,
  ) {
    this.compiled = compileScript(bot);
    this.current = bot.start;
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
    return Promise.resolve(this.enter(this.bot.start, { reason: 'start' }));
  }

  handle(input: DialogInput): Promise<BotTurn> {
    return Promise.resolve(this.step(input));
  }

  /** The synchronous core of handle(). */
  step(input: DialogInput): BotTurn {
    if (this.finalTurn) {
      return { ...this.finalTurn, text: '', trace: { reason: 'after_end' } };
    }
    const state = this.compiled.get(this.current);
    if (!state) throw new Error(`script dialog is in non-ask state '${this.current}' without having ended`);
    switch (input.kind) {
      case 'no_input':
        return this.retry('no_input');
      case 'no_match':
        return this.retry('no_match');
      case 'dtmf': {
        const index = state.dtmf.get(input.digit);
        if (index === undefined) return this.retry('no_match', `key ${input.digit} means nothing here`);
        return this.follow(state, index, { reason: 'matched', matched: `dtmf:${input.digit}` });
      }
      case 'speech': {
        if (input.confidence !== undefined && input.confidence < this.bot.min_confidence) {
          return this.retry('no_match', `confidence ${input.confidence} below ${this.bot.min_confidence}`);
        }
        const m = matchSpeech(state, input.text);
        if (m.kind === 'none') return this.retry('no_match');
        if (m.kind === 'ambiguous') return this.retry('no_match', `ambiguous: ${m.phrases.join(' / ')}`);
        const trace: TurnTrace = { reason: 'matched', matched: m.phrase };
        if (m.slot) {
          this.slots[m.slot.name] = m.slot.value;
          trace.slots = { [m.slot.name]: m.slot.value };
        }
        return this.follow(state, m.transition, trace);
      }
    }
  }

  private follow(state: CompiledAskState, index: number, trace: TurnTrace): BotTurn {
    const transition = state.transitions[index];
    if (!transition) throw new Error(`transition ${index} missing in state '${state.id}'`);
    return this.enter(transition.to, { ...trace, intent: transition.intent });
  }

  private policy(kind: 'no_input' | 'no_match'): RetryPolicyDef {
    const def = this.bot.states[this.current];
    return (def?.type === 'ask' ? def[kind] : undefined) ?? this.bot[kind];
  }

  private retry(kind: 'no_input' | 'no_match', problem?: string): BotTurn {
    const count = kind === 'no_input' ? ++this.noInputs : ++this.noMatches;
    const policy = this.policy(kind);
    const extra = problem ? { problem } : {};
    if (count >= policy.limit) return this.enter(policy.then, { reason: `${kind}_limit`, ...extra });
    const def = this.bot.states[this.current];
    if (def?.type !== 'ask') throw new Error(`retry outside an ask state '${this.current}'`);
    const apology = this.render(policy.prompt, undefined);
    const again = this.render(def.reprompt ?? def.prompt, def.reprompt ? undefined : def.fallback);
    return this.turn(this.current, def, `${apology.text} ${again.text}`.trim(), {
      reason: `${kind}_retry`,
      ...extra,
      ...(apology.problem || again.problem ? { problem: apology.problem ?? again.problem } : {}),
    });
  }

  private enter(id: string, trace: TurnTrace): BotTurn {
    const def = this.bot.states[id];
    if (!def) throw new Error(`unknown state '${id}' (the loader should have caught this)`);
    this.current = id;
    this.noInputs = 0;
    this.noMatches = 0;
    const rendered = this.render(def.prompt, def.fallback);
    if (rendered.problem) trace = { ...trace, problem: trace.problem ?? rendered.problem };
    return this.turn(id, def, rendered.text, trace);
  }

  private turn(id: string, def: ScriptState, text: string, trace: TurnTrace): BotTurn {
    const compiled = this.compiled.get(id);
    // A final turn cannot be answered, so by default the caller cannot cut it off either.
    const bargeIn = def.barge_in ?? (def.type === 'ask' ? this.bot.barge_in : false);
    const base = { text, bargeIn, state: id, slots: { ...this.slots }, trace };
    switch (def.type) {
      case 'ask':
        return {
          ...base,
          action: 'continue',
          disposition: this.currentDisposition,
          listen: compiled ? { grammar: compiled.grammar, dtmf: [...compiled.dtmf.keys()].sort() } : null,
        };
      case 'end':
      case 'transfer': {
        this.currentDisposition = def.disposition;
        const action = def.type === 'end' ? ('hangup' as const) : ('transfer' as const);
        const final: BotTurn = { ...base, action, disposition: def.disposition, listen: null };
        this.finalTurn = final;
        return final;
      }
    }
  }

  /** Renders a prompt; a missing value switches to the state's fallback text (logged, never fatal). */
  private render(template: string, fallback: string | undefined): { text: string; problem?: string } {
    const lookup = (name: string) =>
      name.startsWith('slot.') ? this.slots[name.slice(5)] : this.variables.get(name);
    const first = renderTemplate(template, lookup);
    if (first.missing.length === 0) return { text: first.text };
    const problem = `missing value(s) for ${first.missing.map((m) => `{{${m}}}`).join(', ')}`;
    this.log.warn('dialog prompt has missing values', { bot: this.bot.id, state: this.current, problem });
    if (fallback === undefined) return { text: first.text, problem };
    return { text: renderTemplate(fallback, lookup).text, problem };
  }
}
