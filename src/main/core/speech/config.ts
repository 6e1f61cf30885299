import { z } from 'zod';

// Which provider does each speech role, chosen by settings. API keys are not here: they are secrets
// the host keeps (keychain / 0600 file) and passes to createSpeechProviders at run time.

const openAiConnection = z.object({
  baseURL: z.url(),
  timeoutMs: z.number().int().positive().max(300_000).optional(),
  maxRetries: z.number().int().min(0).max(5).optional(),
});

const local = z.object({ kind: z.literal('local') });

export const speechConfigSchema = z
  .object({
    tts: z
      .discriminatedUnion('kind', [
        local.extend({ voice: z.string().min(1).default('kal') }),
        z.object({
          kind: z.literal('openai-compatible'),
          model: z.string().min(1),
          voice: z.string().min(1),
          format: z.enum(['pcm', 'wav']).default('pcm'),
          pcmSampleRate: z.number().int().positive().default(24_000),
        }),
      ])
      .default({ kind: 'local', voice: 'kal' }),
    asr: z
      .discriminatedUnion('kind', [
        local,
        z.object({
          kind: z.literal('openai-compatible'),
          model: z.string().min(1),
          language: z.string().optional(),
        }),
      ])
      .default({ kind: 'local' }),
    vad: local
      .extend({
        mode: z.union([z.literal(0), z.literal(1), z.literal(2), z.literal(3)]).default(2),
        hangoverMs: z.number().int().min(0).max(5000).default(300),
      })
      .default({ kind: 'local', mode: 2, hangoverMs: 300 }),
    llm: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('none') }),
        z.object({
          kind: z.literal('openai-compatible'),
          model: z.string().min(1),
          temperature: z.number().min(0).max(2).optional(),
          maxTokens: z.number().int().positive().optional(),
        }),
      ])
      .default({ kind: 'none' }),
    /** Connection for every role set to openai-compatible. */
    openai: openAiConnection.optional(),
  })
  .refine(
    (c) => c.openai !== undefined || ![c.tts.kind, c.asr.kind, c.llm.kind].includes('openai-compatible'),
    { message: 'openai.baseURL is required when a role uses openai-compatible', path: ['openai'] },
  );

export type SpeechConfig = z.output<typeof speechConfigSchema>;
export type SpeechConfigInput = z.input<typeof speechConfigSchema>;
