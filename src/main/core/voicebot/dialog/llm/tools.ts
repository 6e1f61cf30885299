import { z } from 'zod';
import type { LlmBot, LlmToolNameDef } from '../bot-schema';
import type { ToolSpec } from '../../../speech';
import { parseJson } from '../../../input';

const TOOL_ARGUMENT_LIMITS = { maxBytes: 64 * 1024, maxDepth: 8, maxKeys: 200 };

// The tools an LLM bot may call, their argument schemas (zod, for checking the model's output) and
// the JSON Schemas sent to the model (generated from the same zod schemas).

const Reason = z.string().max(500).optional().describe('A short reason, for the call record');

function argSchemas(bot: LlmBot) {
  const dispositions = bot.dispositions.length ? bot.dispositions : [bot.end_disposition];
  return {
    transfer_to_agent: z.strictObject({ reason: Reason }),
    end_call: z.strictObject({ reason: Reason }),
    set_disposition: z.strictObject({
      disposition: z.enum(dispositions as [string, ...string[]]).describe('The outcome of the call so far'),
      note: z.string().max(500).optional().describe('A short note for the call record'),
    }),
  } satisfies Record<LlmToolNameDef, z.ZodType>;
}

const descriptions: Record<LlmToolNameDef, string> = {
  transfer_to_agent:
    'Hand the call to a human agent. Use when the caller asks for a person or you cannot help. ' +
    'Say a short line to the caller in the same reply.',
  end_call: 'End the call politely once the conversation is over. Say goodbye in the same reply.',
  set_disposition: 'Record the outcome of the call. Call it as soon as the outcome is clear.',
};

export type ToolArgs = Record<string, unknown>;

export interface BotTools {
  definitions: ToolSpec[];
  /** Parses a tool call's raw JSON arguments: the parsed args, or a message saying what was wrong. */
  parse(name: string, rawArguments: string): { ok: true; args: ToolArgs } | { ok: false; error: string };
}

export function botTools(bot: LlmBot): BotTools {
  const schemas = argSchemas(bot);
  const enabled = new Set<string>(bot.tools);
  const definitions = bot.tools.map((name) => {
    const json = z.toJSONSchema(schemas[name]) as Record<string, unknown>;
    delete json.$schema;
    return { name, description: descriptions[name], parameters: json };
  });
  return {
    definitions,
    parse(name, rawArguments) {
      if (!enabled.has(name)) return { ok: false, error: `unknown tool '${name}'` };
      let value: unknown = {};
      if (rawArguments.trim() !== '') {
        // A model's output is outside input: bounded, and no prototype keys.
        const json = parseJson(rawArguments, TOOL_ARGUMENT_LIMITS);
        if (!json.ok) return { ok: false, error: `arguments of '${name}': ${json.error.message}` };
        value = json.value;
      }
      const parsed = schemas[name as LlmToolNameDef].safeParse(value);
      if (!parsed.success) {
        const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`);
        return { ok: false, error: `bad arguments for '${name}': ${why.join('; ')}` };
      }
      return { ok: true, args: parsed.data };
    },
  };
}
