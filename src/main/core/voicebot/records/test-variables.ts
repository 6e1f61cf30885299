import type { BotDefinition, DialogVariables } from '../dialog';

/**
 * Variables for a call that belongs to no contact (a test call, QA, the CLI): the given values, then
 * the bot's own defaults, then its example value, then, for a variable still missing, its name in words
 * ("appointment day"), so any bot can be tried out without a contact list.
 */
export function testCallVariables(bot: BotDefinition, given: DialogVariables): DialogVariables {
  const out: DialogVariables = { ...given };
  for (const [name, spec] of Object.entries(bot.variables)) {
    const value = out[name];
    if (value !== undefined && value !== null && String(value).trim() !== '') continue;
    out[name] = spec.default ?? spec.example ?? name.replace(/_/g, ' ');
  }
  return out;
}
