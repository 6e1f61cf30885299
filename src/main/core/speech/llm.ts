import { SpeechError } from './errors';
import type { MetricsSink } from './metrics';
import { timedStream } from './timing';
import { parseJson } from '../input';

export type ChatMessage =
  | { role: 'system' | 'user'; content: string }
  | { role: 'assistant'; content: string; toolCalls?: ToolCall[] }
  | { role: 'tool'; toolCallId: string; content: string };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface ToolCall {
  id: string;
  name: string;
  /** The arguments as the model wrote them. */
  argumentsJson: string;
  /** Parsed arguments (still untrusted: the dialog validates them with its own schema). */
  arguments?: unknown;
  /** Why `argumentsJson` did not parse, if it did not. */
  argumentsError?: string;
}

export type LlmChunk =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; call: ToolCall }
  | { type: 'done'; finishReason: string; promptTokens?: number; completionTokens?: number };

export interface ChatRequest {
  messages: ChatMessage[];
  tools?: ToolSpec[];
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface ChatResult {
  text: string;
  toolCalls: ToolCall[];
  finishReason: string;
}

/** Tool calls as providers emit them; the base class parses the arguments. */
export type RawLlmChunk =
  | { type: 'text'; text: string }
  | { type: 'tool_call'; id: string; name: string; argumentsJson: string }
  | { type: 'done'; finishReason: string; promptTokens?: number; completionTokens?: number };

function parseToolCall(raw: { id: string; name: string; argumentsJson: string }): ToolCall {
  const call: ToolCall = { id: raw.id, name: raw.name, argumentsJson: raw.argumentsJson };
  if (raw.argumentsJson.trim() === '') {
    call.arguments = {};
    return call;
  }
  // A model's output is outside input: bounded, and no prototype keys.
  const json = parseJson(raw.argumentsJson, { maxBytes: 64 * 1024, maxDepth: 8, maxKeys: 200 });
  if (json.ok) call.arguments = json.value;
  else if (json.error.kind === 'invalid_json')
    call.argumentsError = `arguments are not JSON: ${json.error.message}`;
  else call.argumentsError = `arguments refused: ${json.error.message}`;
  return call;
}

/**
 * A chat model. `chat` streams text deltas, tool calls and a final `done`; `complete` gathers them.
 * Providers implement `run`.
 */
export abstract class Llm {
  abstract readonly provider: string;

  constructor(protected readonly metrics?: MetricsSink) {}

  async *chat(request: ChatRequest): AsyncGenerator<LlmChunk> {
    if (request.messages.length === 0)
      throw new SpeechError('bad_input', 'llm', this.provider, 'no messages');
    let chars = 0;
    let done: Extract<LlmChunk, { type: 'done' }> | undefined;
    const stream = timedStream(this.run(request), 'llm', this.provider, request.signal, (s) =>
      this.metrics?.({
        role: 'llm',
        provider: this.provider,
        durationMs: s.computeMs,
        firstChunkMs: s.firstChunkMs,
        chars,
        chunks: s.chunks,
        promptTokens: done?.promptTokens,
        completionTokens: done?.completionTokens,
        ok: !s.error,
        errorKind: s.error?.kind,
      }),
    );
    for await (const raw of stream) {
      switch (raw.type) {
        case 'text':
          if (raw.text.length === 0) continue;
          chars += raw.text.length;
          yield raw;
          break;
        case 'tool_call':
          yield { type: 'tool_call', call: parseToolCall(raw) };
          break;
        case 'done':
          done = raw;
          yield raw;
          break;
      }
    }
    if (!done) yield { type: 'done', finishReason: 'stop' };
  }

  async complete(request: ChatRequest): Promise<ChatResult> {
    let text = '';
    const toolCalls: ToolCall[] = [];
    let finishReason = 'stop';
    for await (const chunk of this.chat(request)) {
      if (chunk.type === 'text') text += chunk.text;
      else if (chunk.type === 'tool_call') toolCalls.push(chunk.call);
      else finishReason = chunk.finishReason;
    }
    return { text, toolCalls, finishReason };
  }

  protected abstract run(request: ChatRequest): AsyncIterable<RawLlmChunk>;
}
