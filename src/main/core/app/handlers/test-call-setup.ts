import type { TestCallSetup } from '../../../../shared/telephony';
import type { BotDefinition } from '../../voicebot';

/**
 * The test-call form's fields: every variable the bot speaks, prefilled with its example (else its
 * default), so a test call says what the operator typed instead of always the same name.
 */
export function testCallSetup(bot: BotDefinition | undefined): TestCallSetup {
  if (!bot) return { bot: null, variables: [] };
  return {
    bot: { id: bot.id, name: bot.name },
    variables: Object.entries(bot.variables).map(([name, spec]) => ({
      name,
      value: spec.example ?? spec.default ?? '',
      description: spec.description ?? '',
      required: spec.required === true,
    })),
  };
}
