import { z } from 'zod';

// The shape of a bot definition file (YAML). Strict objects: a misspelt key is an error, not ignored.
// Cross-references (transition targets, declared variables, slots) are checked in bot-checks.ts.

const idPattern = /^[a-z][a-z0-9_]*$/;
const idMessage = 'must be lower_snake_case (a-z, 0-9, _; starting with a letter)';
export const BotId = z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'must be lower-case letters, digits, - or _');
export const Ident = z.string().regex(idPattern, idMessage);
const Text = z.string().trim().min(1, 'must not be empty');
const Dtmf = z.string().regex(/^[0-9*#]$/, 'must be one DTMF key: 0-9, * or #');
const DtmfList = z.union([Dtmf, z.array(Dtmf)]).transform((v) => (Array.isArray(v) ? v : [v]));

const VariableSpec = z.strictObject({
  /** Required variables must be present in the contact row when a dialog is created. */
  required: z.boolean().optional(),
  /** Used when the contact row has no value (makes the variable optional). */
  default: z.string().optional(),
  description: z.string().optional(),
  /** A sample value for calls that belong to no contact (test calls, QA), e.g. "Asha". */
  example: z.string().optional(),
});
const Variables = z.record(Ident, VariableSpec).default({});

const Common = {
  id: BotId,
  name: Text,
  description: z.string().optional(),
  language: z.string().default('en-US'),
  variables: Variables,
  /** Speech results below this confidence count as no-match. */
  min_confidence: z.number().min(0).max(1).default(0),
  barge_in: z.boolean().default(true),
};

// ---- script bots ----

const SlotSpec = z.strictObject({
  /** Canonical value → spoken forms; or a list of values each spoken as itself. */
  values: z.union([
    z.array(Text).min(1, 'must list at least one value'),
    z.record(Text, z.array(Text).min(1, 'must list at least one spoken form')),
  ]),
});

const IntentSpec = z.strictObject({
  /** Spoken phrases. `{slot}` stands for any value of the intent's slot. */
  phrases: z.array(Text).min(1, 'must list at least one phrase'),
  dtmf: DtmfList.optional(),
  slot: Ident.optional(),
});

const Transition = z.strictObject({
  intent: Ident,
  to: Ident,
  /** Keys for this transition in this state (default: the intent's own keys). */
  dtmf: DtmfList.optional(),
});

const RetryPolicy = z.strictObject({
  /** Said before the state's reprompt on a retry. */
  prompt: Text,
  /** On the limit-th no-input (or no-match) in a row in a state, go to `then`. */
  limit: z.number().int().min(1).max(10),
  then: Ident,
});

const StateCommon = {
  prompt: Text,
  /** Said instead of the prompt when a variable it uses has no value. */
  fallback: Text.optional(),
  barge_in: z.boolean().optional(),
};

const AskState = z.strictObject({
  type: z.literal('ask'),
  ...StateCommon,
  /** Said after a retry prompt (default: the prompt). */
  reprompt: Text.optional(),
  transitions: z.array(Transition).default([]),
  no_input: RetryPolicy.optional(),
  no_match: RetryPolicy.optional(),
});
const EndState = z.strictObject({ type: z.literal('end'), ...StateCommon, disposition: Ident });
const TransferState = z.strictObject({ type: z.literal('transfer'), ...StateCommon, disposition: Ident });
const State = z.discriminatedUnion('type', [AskState, EndState, TransferState]);

export const ScriptBotSchema = z.strictObject({
  kind: z.literal('script'),
  ...Common,
  intents: z.record(Ident, IntentSpec),
  slots: z.record(Ident, SlotSpec).default({}),
  /** Transitions available in every ask state, after the state's own (e.g. "agent" → transfer). */
  global_transitions: z.array(Transition).default([]),
  no_input: RetryPolicy,
  no_match: RetryPolicy,
  start: Ident,
  states: z.record(Ident, State),
});

// ---- LLM bots ----

export const LlmToolName = z.enum(['transfer_to_agent', 'end_call', 'set_disposition']);

const LlmEndPolicy = z.strictObject({
  prompt: Text,
  limit: z.number().int().min(1).max(10),
  goodbye: Text,
  disposition: Ident,
});

export const LlmBotSchema = z.strictObject({
  kind: z.literal('llm'),
  ...Common,
  system_prompt: Text,
  greeting: Text,
  /** How many past turns (caller + bot exchanges) the model sees. */
  history_turns: z.number().int().min(1).max(100).default(8),
  tools: z.array(LlmToolName).default(['transfer_to_agent', 'end_call', 'set_disposition']),
  dispositions: z.array(Ident).default([]),
  end_disposition: Ident.default('completed'),
  transfer_disposition: Ident.default('transferred'),
  /** Spoken on transfer / end when the model called the tool without saying anything. */
  transfer_text: Text.default('Please hold while I connect you to a colleague.'),
  goodbye: Text.default('Thank you for your time. Goodbye.'),
  /** Spoken when the model fails or answers with something unusable; the call goes on. */
  fallback: Text,
  failure_limit: z.number().int().min(1).max(10).default(3),
  failure_action: z.enum(['transfer', 'hangup']).default('hangup'),
  failure_text: Text.default('Sorry, we are having technical trouble. We will call you back. Goodbye.'),
  failure_disposition: Ident.default('bot_error'),
  no_input: LlmEndPolicy,
  no_match: LlmEndPolicy,
  llm: z
    .strictObject({
      temperature: z.number().min(0).max(2).optional(),
      max_tokens: z.number().int().min(1).optional(),
      /** Model calls per caller turn (tool results go back to the model until it speaks). */
      max_rounds: z.number().int().min(1).max(5).default(3),
    })
    .default({ max_rounds: 3 }),
});

export const BotDefinitionSchema = z.discriminatedUnion('kind', [ScriptBotSchema, LlmBotSchema]);

export type ScriptBot = z.infer<typeof ScriptBotSchema>;
export type LlmBot = z.infer<typeof LlmBotSchema>;
export type BotDefinition = z.infer<typeof BotDefinitionSchema>;
export type ScriptState = ScriptBot['states'][string];
export type AskStateDef = Extract<ScriptState, { type: 'ask' }>;
export type TransitionDef = z.infer<typeof Transition>;
export type RetryPolicyDef = z.infer<typeof RetryPolicy>;
export type VariableSpecDef = z.infer<typeof VariableSpec>;
export type LlmToolNameDef = z.infer<typeof LlmToolName>;
