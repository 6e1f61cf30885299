import { z } from 'zod';
import type { ChatRequest, ChatResult } from '../../../speech';

/**
 * The part of core/speech's Llm the dialog uses: one chat completion with tools. Any speech Llm
 * (openai-compatible, FakeLlm) fits as is; so does anything else with the same `complete` method.
 * One that streams may also pass each text delta to `onText` as it arrives (the voicebot session's
 * timed LLM does): the dialog can then speak the reply while the model is still generating it. The
 * deltas joined must be the result's `text`.
 */
export interface DialogLlm {
  complete(request: ChatRequest, onText?: (delta: string) => void): Promise<ChatResult>;
}

/**
 * The model's answer is outside input too: checked at the edge before the dialog trusts it. Tool
 * arguments are taken from the raw JSON and validated by the dialog's own schemas (tools.ts).
 */
export const DialogLlmReplySchema = z.object({
  text: z
    .string()
    .nullish()
    .transform((t) => t ?? ''),
  toolCalls: z
    .array(z.object({ id: z.string(), name: z.string(), argumentsJson: z.string() }))
    .nullish()
    .transform((t) => t ?? []),
});

export type DialogLlmReply = z.infer<typeof DialogLlmReplySchema>;
