import type OpenAI from 'openai';
import { z } from 'zod';
import { SpeechError } from '../errors';
import { Llm, type ChatMessage, type ChatRequest, type RawLlmChunk } from '../llm';
import type { MetricsSink } from '../metrics';
import { createOpenAiClient, mapStreamErrors, type OpenAiCompatibleOptions } from './client';

export interface OpenAiLlmOptions extends OpenAiCompatibleOptions {
  model: string;
  temperature?: number;
  maxTokens?: number;
}

// Stream chunks come from another server: parsed leniently, only the fields we use.
const chunkSchema = z.object({
  choices: z
    .array(
      z.object({
        delta: z
          .object({
            content: z.string().nullish(),
            tool_calls: z
              .array(
                z.object({
                  index: z.number().int().nonnegative().default(0),
                  id: z.string().nullish(),
                  function: z
                    .object({ name: z.string().nullish(), arguments: z.string().nullish() })
                    .nullish(),
                }),
              )
              .nullish(),
          })
          .nullish(),
        finish_reason: z.string().nullish(),
      }),
    )
    .default([]),
  usage: z.object({ prompt_tokens: z.number(), completion_tokens: z.number() }).nullish(),
});

type OpenAiMessage = OpenAI.Chat.Completions.ChatCompletionMessageParam;

function toOpenAi(message: ChatMessage): OpenAiMessage {
  switch (message.role) {
    case 'system':
    case 'user':
      return { role: message.role, content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls?.length
          ? {
              tool_calls: message.toolCalls.map((c) => ({
                id: c.id,
                type: 'function' as const,
                function: { name: c.name, arguments: c.argumentsJson },
              })),
            }
          : {}),
      };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  }
}

/** Chat completions with streaming and tool calls, against any OpenAI-compatible server. */
export class OpenAiLlm extends Llm {
  readonly provider = 'openai-compatible';
  private readonly client: OpenAI;

  constructor(
    private readonly options: OpenAiLlmOptions,
    metrics?: MetricsSink,
  ) {
    super(metrics);
    this.client = createOpenAiClient(options);
  }

  protected run(request: ChatRequest): AsyncIterable<RawLlmChunk> {
    return mapStreamErrors(this.stream(request), 'llm', this.provider, request.signal);
  }

  private async *stream(request: ChatRequest): AsyncGenerator<RawLlmChunk> {
    const stream = await this.client.chat.completions.create(
      {
        model: this.options.model,
        messages: request.messages.map(toOpenAi),
        tools: request.tools?.map((t) => ({
          type: 'function' as const,
          function: { name: t.name, description: t.description, parameters: t.parameters },
        })),
        temperature: request.temperature ?? this.options.temperature,
        max_tokens: request.maxTokens ?? this.options.maxTokens,
        stream: true,
      },
      { signal: request.signal },
    );
    const calls = new Map<number, { id: string; name: string; argumentsJson: string }>();
    let finishReason: string | undefined;
    let usage: { prompt_tokens: number; completion_tokens: number } | undefined;
    for await (const raw of stream) {
      const parsed = chunkSchema.safeParse(raw);
      if (!parsed.success) {
        throw new SpeechError(
          'bad_response',
          'llm',
          this.provider,
          `malformed stream chunk: ${parsed.error.message}`,
        );
      }
      usage = parsed.data.usage ?? usage;
      for (const choice of parsed.data.choices) {
        const delta = choice.delta;
        if (delta?.content) yield { type: 'text', text: delta.content };
        for (const tc of delta?.tool_calls ?? []) {
          const call = calls.get(tc.index) ?? { id: '', name: '', argumentsJson: '' };
          if (tc.id) call.id = tc.id;
          if (tc.function?.name) call.name += tc.function.name;
          if (tc.function?.arguments) call.argumentsJson += tc.function.arguments;
          calls.set(tc.index, call);
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    }
    for (const [index, call] of [...calls.entries()].sort((a, b) => a[0] - b[0])) {
      if (!call.name)
        throw new SpeechError('bad_response', 'llm', this.provider, `tool call ${index} has no name`);
      yield {
        type: 'tool_call',
        id: call.id || `call_${index}`,
        name: call.name,
        argumentsJson: call.argumentsJson,
      };
    }
    yield {
      type: 'done',
      finishReason: finishReason ?? (calls.size > 0 ? 'tool_calls' : 'stop'),
      promptTokens: usage?.prompt_tokens,
      completionTokens: usage?.completion_tokens,
    };
  }
}
