import { createLogger, type Logger } from '../../logging';
import type { BotDefinition } from './bot-schema';
import { DialogSetupError } from './errors';
import type { DialogLlm } from './llm/dialog-llm';
import { LlmDialog } from './llm/llm-dialog';
import { ScriptDialog } from './script/script-dialog';
import type { Dialog, DialogVariables } from './types';
import { resolveVariables } from './variables';

export interface DialogDeps {
  /** Required for llm bots. */
  llm?: DialogLlm;
  logger?: Logger;
}

/**
 * One dialog for one call. Throws DialogVariablesError when the contact lacks a required variable, and
 * DialogSetupError when an LLM bot is given no LLM. Call `start()` for the greeting.
 */
export function createDialog(bot: BotDefinition, variables: DialogVariables, deps: DialogDeps = {}): Dialog {
  const log = (deps.logger ?? createLogger([])).child('dialog');
  const resolved = resolveVariables(bot.id, bot.variables, variables);
  switch (bot.kind) {
    case 'script':
      return new ScriptDialog(bot, resolved, log);
    case 'llm':
      if (!deps.llm) throw new DialogSetupError(`bot '${bot.id}' is an LLM bot but no LLM is configured`);
      return new LlmDialog(bot, resolved, deps.llm, log);
  }
}
