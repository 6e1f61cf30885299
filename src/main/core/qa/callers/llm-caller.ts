import { z } from 'zod';
import type { ScenarioGoal } from '../../../../shared/qa';
import { parseJson } from '../../input';
import type { Logger } from '../../logging';
import type { ChatMessage, Llm } from '../../speech';

// The LLM caller's mind: an LLM plays the customer toward the scenario's goal, one line per bot turn,
// from what the bot was heard to say. It answers JSON (validated): a line to say, or a clip to play
// (the variant that speaks with the scenario's human recordings), and whether to hang up.

/** Bump when the instructions change: conversations of different versions are not comparable. */
export const LLM_CALLER_PROMPT_VERSION = 'llm-caller-v1';

export class LlmCallerError extends Error {
  override readonly name = 'LlmCallerError';
}

/** One of the scenario's recordings the caller may play, with what is said in it. */
export interface ClipChoice {
  file: string;
  text: string;
}

export type CallerMove =
  | { kind: 'say'; text: string; hangup: boolean }
  | { kind: 'clip'; clip: ClipChoice; hangup: boolean }
  | { kind: 'hangup'; reason: string };

export interface LlmCallerOptions {
  llm: Llm;
  goal: ScenarioGoal;
  /** Who the caller is (the contact row the bot was given), so the persona can answer "is this Asha?". */
  variables: Record<string, string>;
  /** Present: the caller picks one of these recordings each turn instead of writing a line. */
  clips?: readonly ClipChoice[];
  temperature?: number;
  log?: Logger;
}

const SayReply = z.object({
  say: z.string().trim().min(1).max(500),
  hangup: z.boolean().default(false),
});
const ClipReply = z.object({ clip: z.number().int().min(1), hangup: z.boolean().default(false) });
const HangupReply = z.object({ hangup: z.literal(true), reason: z.string().max(500).default('') });

function instructions(o: LlmCallerOptions): string {
  const who = Object.entries(o.variables)
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  const lines = [
    'You are a person answering an outbound phone call from a voicebot. Stay in character.',
    `Persona: ${o.goal.persona}`,
    `Your goal in this call: ${o.goal.goal}`,
    `The goal is reached when: ${o.goal.success}`,
    ...(who ? [`Facts about you (the caller): ${who}`] : []),
    'The bot lines come from a speech recogniser and may contain small errors.',
    'Speak the way people talk on the phone: short, plain sentences.',
  ];
  if (o.clips) {
    lines.push(
      'You cannot speak freely: each turn, choose one of these recordings to play (by number):',
      ...o.clips.map((c, i) => `${i + 1}. "${c.text}"`),
      'Reply with JSON only: {"clip": <number>, "hangup": false}, or {"hangup": true, "reason": "..."} to end the call.',
    );
  } else {
    lines.push(
      'Reply with JSON only: {"say": "<what you say next>", "hangup": false}; set "hangup": true when you',
      'say goodbye and put the phone down; or {"hangup": true, "reason": "..."} to hang up without a word.',
    );
  }
  return lines.join('\n');
}

function jsonPart(text: string): string {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const body = fenced?.[1] ?? text;
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  return start >= 0 && end > start ? body.slice(start, end + 1) : body;
}

/** The caller's side of one conversation: ask `next` after each bot turn. */
export class LlmCaller {
  private readonly history: ChatMessage[] = [];
  private turns = 0;

  constructor(private readonly o: LlmCallerOptions) {}

  get promptVersion(): string {
    return LLM_CALLER_PROMPT_VERSION;
  }

  /** The next move after the bot said `botText` ('' when nothing was heard). */
  async next(botText: string): Promise<CallerMove> {
    if (this.turns >= this.o.goal.max_turns)
      return { kind: 'hangup', reason: `max_turns (${this.o.goal.max_turns}) reached` };
    this.history.push({ role: 'user', content: botText ? `BOT: ${botText}` : 'BOT: (silence)' });
    let text: string;
    try {
      const result = await this.o.llm.complete({
        messages: [{ role: 'system', content: instructions(this.o) }, ...this.history],
        temperature: this.o.temperature ?? 0,
        maxTokens: 200,
      });
      text = result.text;
    } catch (err) {
      throw new LlmCallerError(
        `the LLM caller could not be asked: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
    const move = this.parse(text);
    this.turns++;
    this.history.push({ role: 'assistant', content: text });
    return move;
  }

  private parse(text: string): CallerMove {
    const json = parseJson(jsonPart(text), { maxBytes: 16 * 1024, maxDepth: 4, maxKeys: 20 });
    const refuse = (why: string): never => {
      this.o.log?.warn('qa llm caller gave an unusable answer', { reply: text.slice(0, 500), why });
      throw new LlmCallerError(`the LLM caller's answer is not a move: ${why}`);
    };
    if (!json.ok) return refuse(`not JSON (${json.error.message})`);
    const hangup = HangupReply.safeParse(json.value);
    const value = json.value as Record<string, unknown> | null;
    if (hangup.success && value && !('say' in value) && !('clip' in value)) {
      return { kind: 'hangup', reason: hangup.data.reason || 'the caller hung up' };
    }
    if (this.o.clips) {
      const clip = ClipReply.safeParse(json.value);
      if (!clip.success) return refuse(clip.error.issues[0]?.message ?? 'no clip number');
      const chosen = this.o.clips[clip.data.clip - 1];
      if (!chosen) return refuse(`clip ${clip.data.clip} is not one of 1-${this.o.clips.length}`);
      return { kind: 'clip', clip: chosen, hangup: clip.data.hangup };
    }
    const say = SayReply.safeParse(json.value);
    if (!say.success) return refuse(say.error.issues[0]?.message ?? 'no line to say');
    return { kind: 'say', text: say.data.say, hangup: say.data.hangup };
  }
}
