import type { QaConversation, QaRecordedTurn } from '../../../../shared/qa';
import { longestGapMs, overlapMs, within, type Span } from './channels';

/** Pauses shorter than this inside the bot's speech (between sentences) do not end its talking. */
const BOT_PAUSE_MS = 500;

/**
 * How long the bot talked over the caller in one turn: when the caller starts while the bot is
 * talking (a barge-in), from the caller's first sound until the bot stops (a pause of BOT_PAUSE_MS);
 * otherwise the bot's sound while the caller speaks.
 */
export function talkOver(caller: readonly Span[], bot: readonly Span[]): number {
  const onset = caller[0]?.startMs;
  if (onset === undefined) return 0;
  const talking = bot.findIndex((s) => s.startMs <= onset && s.endMs > onset);
  if (talking < 0) return overlapMs(caller, bot);
  let end = bot[talking]?.endMs ?? onset;
  for (const s of bot.slice(talking + 1)) {
    if (s.startMs - end >= BOT_PAUSE_MS) break;
    end = Math.max(end, s.endMs);
  }
  return end - onset;
}

// Per turn, from the two channels' activity: when the caller stopped speaking, when the bot's reply
// started and ended, how long the caller waited, the longest silence inside the bot's reply, and how
// long the bot talked over the caller.

export interface TurnMeasure {
  turn: QaRecordedTurn;
  /** The stretch of media time this turn owns: from its caller action to the next one. */
  fromMs: number;
  toMs: number;
  /** The caller's last sound in this turn (null: the caller did not speak, e.g. greeting, dtmf). */
  callerEndOfSpeechMs: number | null;
  /** The bot's reply: its first and last sound after the caller finished (null: no reply). */
  reply: Span | null;
  /** reply.startMs - callerEndOfSpeechMs, when both exist. */
  latencyMs: number | null;
  /** Longest stretch with neither side sounding, inside the reply (or, with no reply, the whole wait). */
  longestSilenceMs: number;
  /** Bot sound while the caller was speaking in this turn. */
  talkOverMs: number;
}

/** Where each turn begins: its caller action, else the bot's audio, else where the last one ended. */
function turnStart(turn: QaRecordedTurn, fallback: number): number {
  return turn.callerStartMs ?? turn.botStartMs ?? fallback;
}

export function measureTurns(
  conversation: QaConversation,
  caller: readonly Span[],
  bot: readonly Span[],
): TurnMeasure[] {
  const turns = conversation.turns;
  const out: TurnMeasure[] = [];
  let previousEnd = 0;
  turns.forEach((turn, i) => {
    const fromMs = i === 0 ? 0 : turnStart(turn, previousEnd);
    const next = turns[i + 1];
    const toMs = Math.max(fromMs, next ? turnStart(next, conversation.durationMs) : conversation.durationMs);
    previousEnd = toMs;

    // Only a spoken action (say, clip, llm) has an end of speech; after silence or keys the bot's
    // reply may come at any time in the turn (a no-input reprompt comes during the silence).
    const spoke =
      turn.callerStartMs !== null &&
      turn.callerEndMs !== null &&
      (turn.action === 'say' || turn.action === 'clip' || turn.action === 'llm');
    // The caller's own channel says when its speech ended (a clip may end in silence); a clip with
    // no sound above the floor falls back to where its audio ended.
    const callerSpans = spoke
      ? within(caller, turn.callerStartMs ?? fromMs, Math.min(toMs, (turn.callerEndMs ?? fromMs) + 500))
      : [];
    const callerEndOfSpeechMs = spoke
      ? (callerSpans[callerSpans.length - 1]?.endMs ?? turn.callerEndMs)
      : null;
    const replyFrom = callerEndOfSpeechMs ?? fromMs;
    const botAfter = within(bot, replyFrom, toMs);
    const first = botAfter[0];
    const last = botAfter[botAfter.length - 1];
    const reply = first && last ? { startMs: first.startMs, endMs: last.endMs } : null;
    const latencyMs =
      reply && callerEndOfSpeechMs !== null ? Math.round(reply.startMs - callerEndOfSpeechMs) : null;
    // Waiting for a reply that comes is latency (its own budget); silence is what follows inside the reply,
    // or the whole wait when no reply comes.
    const longestSilenceMs = reply
      ? longestGapMs(reply.startMs, reply.endMs, botAfter, within(caller, reply.startMs, reply.endMs))
      : longestGapMs(replyFrom, toMs, within(caller, replyFrom, toMs));
    const talkOverMs = spoke ? talkOver(callerSpans, bot) : 0;
    out.push({
      turn,
      fromMs,
      toMs,
      callerEndOfSpeechMs,
      reply,
      latencyMs,
      longestSilenceMs: Math.round(longestSilenceMs),
      talkOverMs: Math.round(talkOverMs),
    });
  });
  return out;
}
