import { z } from 'zod';
import type { Llm } from '../../../speech';

/**
 * The part of core/speech's Llm the dialog uses: one chat completion with tools. Any speech Llm
 * (openai-compatible, FakeLlm) fits as is; so does anything else with the same `complete` method.
 */
export type DialogLlm = Pick<Llm, 'complete'>;

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
