// Dialog domain: bot definition files (script and LLM bots), per-state grammars, and the dialog engine
// the voicebot session drives (caller input in, the bot's next turn out).
export type * from './types';
export type { BotDefinition, ScriptBot, LlmBot } from './bot-schema';
export { BotDefinitionSchema } from './bot-schema';
export { parseBot, loadBotFile, loadBotDirectory, type BotDirectoryEntry } from './bot-loader';
export { BotDefinitionError, DialogVariablesError, DialogSetupError, type BotIssue } from './errors';
export { createDialog, type DialogDeps } from './create-dialog';
export type { DialogLlm } from './llm/dialog-llm';
export { compileScript, type CompiledAskState } from './script/compile-state';
export { matchSpeech, type SpeechMatch } from './script/match';
export { normaliseText } from './text';
export { renderTemplate } from './template';
