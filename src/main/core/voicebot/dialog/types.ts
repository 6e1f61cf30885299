// The contract between the session pipeline and a dialog: what the caller did in, the bot's next turn out.
import type { Grammar } from '../../speech';

/** What the caller did, as the pipeline saw it. The pipeline owns time: no-input arrives as an event. */
export type DialogInput =
  /** A final ASR result. `confidence` is 0..1 when the recogniser gives one. */
  | { kind: 'speech'; text: string; confidence?: number }
  /** One DTMF key: 0-9, * or #. */
  | { kind: 'dtmf'; digit: string }
  /** The caller said nothing before the pipeline's no-input timeout (media time). */
  | { kind: 'no_input' }
  /** The recogniser heard speech but returned nothing usable (empty or rejected result). */
  | { kind: 'no_match' };

/** continue: listen for the caller next; transfer: hand to an agent after speaking; hangup: end after speaking. */
export type DialogAction = 'continue' | 'transfer' | 'hangup';

/**
 * What the caller may say in one ask state. It is a core/speech `Grammar` (pass it straight to
 * `asr.recognize(audio, { grammar })`: `phrases` is every phrase, slot values expanded, normalised),
 * plus the state's own structured JSGF for recognisers that take one.
 */
export interface StateGrammar extends Grammar {
  /** Grammar name inside the JSGF text (also a stable cache key for the recogniser). */
  name: string;
  /** Top rule name (without angle brackets) to pass to `set_grammar(jsgf, toprule)` if needed. */
  topRule: string;
  jsgf: string;
  /** Every distinct word the grammar uses: a recogniser checks them against its dictionary. */
  words: string[];
}

/** How the pipeline should listen after the bot's turn. */
export interface ListenSpec {
  /** Required by grammar ASR, a hint for free-form ASR; null means free-form only (LLM bots). */
  grammar: StateGrammar | null;
  /** DTMF keys that mean something in this state (others are treated as no-match). */
  dtmf: string[];
}

/** Why the dialog produced this turn: for the transcript, the board and the auditors. */
export type TurnReason =
  | 'start'
  | 'matched'
  | 'no_input_retry'
  | 'no_input_limit'
  | 'no_match_retry'
  | 'no_match_limit'
  | 'llm_reply'
  | 'llm_tool'
  | 'llm_fallback'
  | 'llm_failure_limit'
  | 'after_end';

export interface TurnTrace {
  reason: TurnReason;
  /** Script bots: the intent recognised from the input, if any. */
  intent?: string;
  /** Script bots: the phrase (normalised) or DTMF key that matched. */
  matched?: string;
  /** Slots captured by this input. */
  slots?: Record<string, string>;
  /** LLM bots: the tool calls that were acted on, with their parsed arguments. */
  tools?: { name: string; args: Record<string, unknown> }[];
  /** A problem that was handled (bad tool arguments, LLM error, missing variable): already logged. */
  problem?: string;
}

/** The bot's next turn. */
export interface BotTurn {
  /** Text to speak (may be empty: then nothing is spoken). */
  text: string;
  action: DialogAction;
  /** How to listen next. Null unless action is 'continue'. */
  listen: ListenSpec | null;
  /** The disposition so far (set once known; final when action is not 'continue'). */
  disposition: string | null;
  /** May the caller interrupt this turn? (barge-in) */
  bargeIn: boolean;
  /** Script bots: the state now current. LLM bots: 'conversation' or 'ended'. */
  state: string;
  /** Every captured slot so far (script bots). */
  slots: Record<string, string>;
  trace: TurnTrace;
}

/**
 * Where a dialog may send a turn's text while it is still computing it (LLM bots: sentence by sentence
 * as the model generates), so the pipeline can start speaking early. The contract: the turn the dialog
 * then returns has text that starts with every segment sent, joined with ''; the pipeline speaks the
 * rest. A dialog that changes its mind after sending text (a model error) keeps what was sent and
 * appends to it: what is spoken is always the turn's recorded text.
 */
export interface TurnSpeech {
  /**
   * One segment (a sentence or so), in order. `bargeIn` is the barge-in policy while the turn is not
   * known yet; the returned turn's own flag applies from then on (an ending turn may not be interrupted).
   */
  segment(text: string, bargeIn: boolean): void;
}

/** One conversation with one caller. Deterministic for script bots; no timers. */
export interface Dialog {
  readonly botId: string;
  readonly kind: 'script' | 'llm';
  /** The greeting. Call once, first. */
  start(): Promise<BotTurn>;
  /**
   * The next turn for what the caller did. Calls are serialised; after the end it returns an empty final
   * turn. With `speech`, an LLM dialog sends the model's reply ahead as it is generated (see TurnSpeech).
   */
  handle(input: DialogInput, speech?: TurnSpeech): Promise<BotTurn>;
  /** True once a turn with action transfer or hangup was returned. */
  readonly ended: boolean;
  readonly disposition: string | null;
}

/** Values from the contact row (and campaign) available as {{variables}}. */
export type DialogVariables = Record<string, string | number | boolean | null | undefined>;
