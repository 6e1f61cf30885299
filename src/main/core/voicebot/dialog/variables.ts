import { DialogVariablesError } from './errors';
import type { VariableSpecDef } from './bot-schema';
import type { DialogVariables } from './types';

/** Variable values for one call: the contact's values (as text), else the declared defaults. */
export type ResolvedVariables = ReadonlyMap<string, string>;

function asText(value: DialogVariables[string]): string | undefined {
  if (value === null || value === undefined) return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

export function isRequired(spec: VariableSpecDef): boolean {
  return spec.required ?? spec.default === undefined;
}

/**
 * Resolves the bot's variables from a contact row. Throws DialogVariablesError naming every required
 * variable that has no value. Values the bot does not declare are kept too (prompts can only use
 * declared ones, but the records may want them).
 */
export function resolveVariables(
  botId: string,
  specs: Record<string, VariableSpecDef>,
  values: DialogVariables,
): ResolvedVariables {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(values)) {
    const text = asText(value);
    if (text !== undefined) out.set(name, text);
  }
  const missing: string[] = [];
  for (const [name, spec] of Object.entries(specs)) {
    if (out.has(name)) continue;
    if (spec.default !== undefined) out.set(name, spec.default);
    else if (isRequired(spec)) missing.push(name);
  }
  if (missing.length) throw new DialogVariablesError(botId, missing);
  return out;
}
