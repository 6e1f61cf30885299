import type { CallView } from '../calls';

/**
 * The outcome check: a finished attempt's carrier record (status, duration, answered by, price) set
 * against the bot's (disposition, transfer decided, who hung up). A mismatch is a flag stored on the
 * attempt and shown on the board; it never changes the outcome itself.
 */

export const OUTCOME_FLAGS = [
  /** The carrier says completed, but the call lasted under 5 s: likely a drop, not a conversation. */
  'completed_under_5s',
  /** The bot decided to transfer, but no agent leg followed. */
  'transfer_without_agent',
  /** The bot ended a conversation on a call the carrier reports as not answered. */
  'bot_ended_but_no_answer',
  /** A machine answered (voicemail). */
  'machine_answered',
  /** The call was answered but no voicebot stream ever started. */
  'answered_without_stream',
  /** The carrier charged for a call it reports as not answered (busy, no-answer, failed, canceled, 0 s). */
  'charged_without_answer',
] as const;
export type OutcomeFlag = (typeof OUTCOME_FLAGS)[number];

/** What the bot's session recorded about the call (absent: no session). */
export interface BotRecord {
  disposition: string | null;
  /** Who ended the session: the bot, the caller, or unknown. */
  endedBy: 'bot' | 'user' | null;
}

export interface AttemptRecord {
  view: Pick<
    CallView,
    'state' | 'durationSec' | 'answeredBy' | 'answeredAt' | 'stream' | 'transferDecision' | 'price'
  >;
  /** The call reached an agent (the state machine passed through agent_transfer). */
  agentLeg: boolean;
  bot: BotRecord | null;
}

export const SHORT_CALL_SEC = 5;

/** The carrier's own words that the callee never picked up (`interrupted` is ours, not the carrier's). */
const UNANSWERED: readonly CallView['state'][] = ['busy', 'no_answer', 'failed', 'canceled'];

export function outcomeFlags(r: AttemptRecord): OutcomeFlag[] {
  const { view } = r;
  const flags: OutcomeFlag[] = [];
  if (view.state === 'completed' && view.durationSec !== null && view.durationSec < SHORT_CALL_SEC)
    flags.push('completed_under_5s');
  if (view.transferDecision === 'agent' && !r.agentLeg) flags.push('transfer_without_agent');
  if (view.state === 'no_answer' && r.bot?.endedBy === 'bot') flags.push('bot_ended_but_no_answer');
  if (view.answeredBy === 'machine') flags.push('machine_answered');
  const answered = view.answeredAt !== null || (view.state === 'completed' && (view.durationSec ?? 0) > 0);
  if (answered && view.stream === 'none' && r.bot === null && view.answeredBy !== 'machine')
    flags.push('answered_without_stream');
  if ((view.price ?? 0) > 0 && (UNANSWERED.includes(view.state) || view.durationSec === 0))
    flags.push('charged_without_answer');
  return flags;
}
