import { z } from 'zod';

/** A bot's id, as its file gives it (`id:`): what a call or a test call names its bot by. */
export const BotIdSchema = z
  .string()
  .trim()
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'A bot id is lower-case letters, digits, - or _');

/** telephony.testCallSetup: the form for this bot (default: the default bot). */
export const TestCallSetupSchema = z.object({ bot: BotIdSchema.optional() }).strict();

/** The voicebot's bots as the Api lists them (voicebot.bots): what a test call or a campaign may pick. */

export interface BotVariableInfo {
  name: string;
  required: boolean;
  /** A sample value for calls without a contact (test calls, QA); null when the bot gives none. */
  example: string | null;
  default: string | null;
  description: string | null;
}

export interface BotInfo {
  id: string;
  name: string;
  kind: 'script' | 'llm';
  description: string | null;
  /** The bot file, as a path on this machine. */
  file: string;
  /** Bundled with the app, or from the user's bots folder under the data folder. */
  source: 'bundled' | 'user';
  variables: BotVariableInfo[];
}

/** A bot file that could not be used: named by file and field, it spoils no other bot. */
export interface BotProblem {
  file: string;
  /** The bad field ("states.confirm.transitions[1].to"), '' for the whole file. */
  path: string;
  message: string;
}

export interface BotsView {
  bots: BotInfo[];
  problems: BotProblem[];
  /** The bot a call gets when it names none (the demo bot). */
  defaultBotId: string | null;
  /** Where the user puts their own bot files. */
  userDir: string;
}
