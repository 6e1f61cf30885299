import { z } from 'zod';
import { parseJson } from '../../input';
import type { Logger } from '../../logging';
import {
  OpenAiLlm,
  speechConfigSchema,
  type Llm,
  type OpenAiCompatibleOptions,
  type SpeechConfigInput,
} from '../../speech';

// The LLM judge: one natural-language criterion against the transcript, answered as JSON. A judge that
// cannot decide, answers something else, or cannot be reached gives `no_verdict`, never a bot failure.
// Its model, prompt version and temperature go with every verdict, so an old run can be re-scored.

/** Bump when the instructions below change: verdicts of different versions are not comparable. */
export const JUDGE_PROMPT_VERSION = 'judge-v1';

const INSTRUCTIONS = [
  'You judge one phone call between a voicebot (BOT) and a caller (CALLER), given as a transcript.',
  'The BOT lines are what a speech recogniser heard the bot say; small recognition errors are not the bot’s fault.',
  'Decide whether the criterion holds for the bot’s behaviour. Reply with JSON only, no prose around it:',
  '{"verdict": "pass" | "fail" | "undecided", "reasoning": "<one or two sentences naming the lines you relied on>"}',
  'Use "undecided" when the transcript does not let you tell.',
].join('\n');

const ReplySchema = z.object({
  verdict: z.enum(['pass', 'fail', 'undecided']),
  reasoning: z.string().trim().min(1).max(2000),
});

export interface TranscriptLine {
  speaker: 'BOT' | 'CALLER';
  text: string;
  turn: number;
}

export interface JudgeAnswer {
  result: 'pass' | 'fail' | 'no_verdict';
  reasoning: string;
}

export interface JudgeSettings {
  model: string;
  temperature: number;
  promptVersion: string;
}

export interface Judge {
  readonly settings: JudgeSettings;
  judge(criterion: string, transcript: readonly TranscriptLine[], turn: number | null): Promise<JudgeAnswer>;
}

export function formatTranscript(lines: readonly TranscriptLine[]): string {
  return lines.map((l) => `[turn ${l.turn}] ${l.speaker}: ${l.text || '(nothing recognised)'}`).join('\n');
}

/** Pulls the JSON object out of a reply (models wrap it in ```json fences despite being told not to). */
function jsonPart(text: string): string {
  const fenced = /```(?:json)?\s*([\s\S]*?)```/i.exec(text);
  const body = fenced?.[1] ?? text;
  const start = body.indexOf('{');
  const end = body.lastIndexOf('}');
  return start >= 0 && end > start ? body.slice(start, end + 1) : body;
}

/** Parses a judge's reply: anything but the asked-for JSON is a `no_verdict` with the reason. */
export function parseJudgeReply(text: string): JudgeAnswer {
  const json = parseJson(jsonPart(text), { maxBytes: 16 * 1024, maxDepth: 4, maxKeys: 20 });
  if (!json.ok)
    return { result: 'no_verdict', reasoning: `the judge did not answer in JSON: ${json.error.message}` };
  const reply = ReplySchema.safeParse(json.value);
  if (!reply.success) {
    const issue = reply.error.issues[0];
    return {
      result: 'no_verdict',
      reasoning: `the judge's answer is not a verdict (${issue ? `${issue.path.join('.') || 'reply'}: ${issue.message}` : 'invalid'})`,
    };
  }
  return {
    result: reply.data.verdict === 'undecided' ? 'no_verdict' : reply.data.verdict,
    reasoning: reply.data.reasoning,
  };
}

export class LlmJudge implements Judge {
  readonly settings: JudgeSettings;

  constructor(
    private readonly llm: Llm,
    settings: { model: string; temperature?: number },
    private readonly log?: Logger,
  ) {
    this.settings = {
      model: settings.model,
      temperature: settings.temperature ?? 0,
      promptVersion: JUDGE_PROMPT_VERSION,
    };
  }

  async judge(
    criterion: string,
    transcript: readonly TranscriptLine[],
    turn: number | null,
  ): Promise<JudgeAnswer> {
    const focus = turn === null ? 'the whole call' : `the bot's reply in turn ${turn}`;
    let text: string;
    try {
      const result = await this.llm.complete({
        messages: [
          { role: 'system', content: INSTRUCTIONS },
          {
            role: 'user',
            content: `Transcript:\n${formatTranscript(transcript)}\n\nCriterion (about ${focus}): ${criterion}`,
          },
        ],
        temperature: this.settings.temperature,
        maxTokens: 400,
      });
      text = result.text;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.log?.warn('qa judge unavailable', { criterion, error: message });
      return { result: 'no_verdict', reasoning: `the judge could not be asked: ${message}` };
    }
    const answer = parseJudgeReply(text);
    if (answer.result === 'no_verdict' && !ReplySchema.safeParse(safeJson(text)).success) {
      this.log?.warn('qa judge gave an unusable answer', { criterion, reply: text.slice(0, 500) });
    }
    return answer;
  }
}

function safeJson(text: string): unknown {
  const r = parseJson(jsonPart(text), { maxBytes: 16 * 1024, maxDepth: 4, maxKeys: 20 });
  return r.ok ? r.value : undefined;
}

/** A judge on any OpenAI-compatible endpoint (settings.speech's connection and LLM model). */
export function createOpenAiJudge(
  connection: OpenAiCompatibleOptions,
  settings: { model: string; temperature?: number },
  log?: Logger,
): LlmJudge {
  const temperature = settings.temperature ?? 0;
  return new LlmJudge(
    new OpenAiLlm({ ...connection, model: settings.model, temperature }),
    { ...settings, temperature },
    log,
  );
}

/**
 * The judge the settings give: the speech settings' OpenAI-compatible connection and LLM model, at
 * temperature 0 whatever the bots use (a judge should answer the same question the same way).
 * Undefined when no LLM is configured: judge criteria then have no verdict.
 */
export function judgeFromSpeechConfig(
  input: SpeechConfigInput,
  apiKey: string | undefined,
  log?: Logger,
): LlmJudge | undefined {
  const config = speechConfigSchema.parse(input);
  if (config.llm.kind !== 'openai-compatible' || !config.openai) return undefined;
  return createOpenAiJudge({ ...config.openai, apiKey }, { model: config.llm.model, temperature: 0 }, log);
}
