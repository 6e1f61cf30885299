import type { QaEndReason, QaRecordedTurn, StepAction } from '../../../../shared/qa';
import type { ExotelStreamClient } from '../../stream';
import { BotChannel } from './bot-channel';
import { layOut } from './pcm';

/** What the bot said about the call, when it can tell (an in-process bot); nulls for a bot URL. */
export interface BotOutcome {
  disposition: string | null;
  transfer: boolean | null;
  /** The bot's own text per turn (turn 1 = its greeting), from its transcript. */
  botTexts: string[];
  sessionId: string | null;
  /** The bot broke (its session ended on an error). */
  error: string | null;
}

/** A bot on the other end of the line: in process (media time) or at a URL (real time). */
export interface BotLine {
  client: ExotelStreamClient;
  realtime: boolean;
  /** Resolves when the bot has nothing in hand (in process); at once for a bot URL. */
  settle(): Promise<void>;
  /** After the call: the bot's own record of it. */
  outcome(): Promise<BotOutcome>;
}

/** One thing the caller does. */
export interface CallerAction {
  action: StepAction | 'llm';
  step: number | null;
  /** What it says (synthetic, llm), the clip (human), or the keys (dtmf). */
  text: string | null;
  /** 8 kHz PCM16LE mono audio to speak (say, clip, llm). */
  pcm?: Buffer;
  dtmf?: string;
  silenceMs?: number;
  /** Speak this many ms after the bot starts its reply instead of waiting for it to end. */
  bargeInMs?: number;
}

/** What the caller has heard so far, for callers that decide as they go (the LLM caller). */
export interface CallerView {
  /** The turn about to be answered (1 = the first answer to the greeting). */
  turn: number;
  /** The bot's audio of the turn just heard. */
  botPcm: Buffer;
  botTextReported: string | null;
}

export interface CallerScript {
  /** Whether the next action barges in (asked before the bot's reply has ended). */
  bargeInMs(turn: number): number | undefined;
  /** The next action, or null to hang up. */
  next(view: CallerView): Promise<CallerAction | null>;
}

export interface ConversationOptions {
  line: BotLine;
  caller: CallerScript;
  /** The call is cut (`timeout`) at this media time. */
  maxDurationMs: number;
  /** Longest media time to wait for the bot to start a reply. */
  replyWaitMs?: number;
  /** Wall clock guard: a bot that never gives control back (default 2 min + 2× the media limit in fast mode). */
  wallLimitMs?: number;
}

export interface ConversationRecord {
  turns: QaRecordedTurn[];
  callerPcm: Buffer;
  botPcm: Buffer;
  durationMs: number;
  endReason: QaEndReason;
  error: string | null;
  outcome: BotOutcome;
}

/** After the last action, how long the caller stays on the line for the bot to hang up. */
const HANGUP_WAIT_MS = 3000;
/** A bot that sends no marks has finished its turn after this much silence. */
const QUIET_MS = 1500;

class WallLimit extends Error {}

/**
 * Plays one conversation: the bot's greeting, then each caller action, waiting for the bot to finish
 * (its mark echoed, or silence) unless the action barges in. Records both channels on one media clock
 * and, per turn, the caller's span, the bot's span and the marks.
 */
export async function runConversation(o: ConversationOptions): Promise<ConversationRecord> {
  const { client } = o.line;
  const replyWaitMs = o.replyWaitMs ?? 10_000;
  const bot = new BotChannel(client);
  const callerParts: { atMs: number; pcm: Buffer }[] = [];
  const turns: QaRecordedTurn[] = [];
  let endReason: QaEndReason | null = null;
  let error: string | null = null;

  const open = () => client.isOpen;
  const overTime = () => client.mediaMs >= o.maxDurationMs;
  let wallExpired = false;
  const wallLimitMs =
    o.wallLimitMs ?? (o.line.realtime ? o.maxDurationMs + 30_000 : 120_000 + 2 * o.maxDurationMs);
  const guard = setTimeout(() => {
    wallExpired = true;
    void client.hangup('stopped');
  }, wallLimitMs);
  const check = () => {
    if (wallExpired)
      throw new WallLimit(
        `the conversation took longer than ${Math.round(wallLimitMs / 1000)} s of wall time`,
      );
  };

  const newTurn = (index: number, a: CallerAction | null): QaRecordedTurn => {
    const t: QaRecordedTurn = {
      index,
      step: a?.step ?? null,
      action: a ? a.action : 'greeting',
      callerText: a?.text ?? null,
      callerStartMs: null,
      callerEndMs: null,
      bargeIn: false,
      botStartMs: null,
      botEndMs: null,
      botClearedMs: null,
      botTextReported: null,
      marks: [],
    };
    turns.push(t);
    bot.beginTurn(t);
    return t;
  };

  /** Media time runs until the bot has finished the turn (or the call ends, or it never answers). */
  const untilReplyEnds = async (t: QaRecordedTurn) => {
    const from = client.mediaMs;
    await client.runUntil(
      () => !open() || overTime() || bot.turnStarted(t) || client.mediaMs - from >= replyWaitMs,
      replyWaitMs + 100,
    );
    check();
    if (!bot.turnStarted(t)) return;
    await client.runUntil(() => !open() || overTime() || bot.turnFinished(t, QUIET_MS), o.maxDurationMs);
    check();
  };

  /** For a barge-in: media time runs until `ms` after the bot started its reply (or it ended). */
  const untilBargeIn = async (t: QaRecordedTurn, ms: number) => {
    const from = client.mediaMs;
    await client.runUntil(
      () => !open() || overTime() || bot.turnStarted(t) || client.mediaMs - from >= replyWaitMs,
      replyWaitMs + 100,
    );
    check();
    const start = t.botStartMs;
    if (start === null) return;
    await client.runUntil(
      () => !open() || overTime() || client.mediaMs >= start + ms || bot.turnFinished(t, 0),
      o.maxDurationMs,
    );
    check();
  };

  try {
    let current = newTurn(0, null);
    for (let index = 1; ; index++) {
      const barge = o.caller.bargeInMs(index);
      if (barge === undefined) await untilReplyEnds(current);
      else await untilBargeIn(current, barge);
      if (!open()) break;
      if (overTime()) {
        endReason = 'timeout';
        break;
      }
      await o.line.settle();
      const view: CallerView = {
        turn: index,
        botPcm: bot.turnAudio(current),
        botTextReported: null,
      };
      let action: CallerAction | null;
      try {
        action = await o.caller.next(view);
      } catch (err) {
        endReason = 'caller_error';
        error = err instanceof Error ? err.message : String(err);
        break;
      }
      if (!action) break;
      const t = newTurn(index, action);
      t.bargeIn = client.botSpeaking;
      await perform(client, action, t, callerParts);
      check();
      current = t;
    }
    if (endReason === null && open()) {
      // The caller is done: it stays on the line while the bot finishes and hangs up.
      await untilReplyEnds(current);
      const from = client.mediaMs;
      await client.runUntil(() => !open() || client.mediaMs - from >= HANGUP_WAIT_MS, HANGUP_WAIT_MS + 100);
      check();
    }
  } catch (err) {
    if (err instanceof WallLimit) {
      endReason = 'timeout';
      error = err.message;
    } else {
      endReason = 'caller_error';
      error = err instanceof Error ? err.message : String(err);
    }
  } finally {
    clearTimeout(guard);
  }

  const botClosed = !open() && endReason === null;
  if (open()) await client.hangup(endReason === 'timeout' ? 'stopped' : 'callended');
  const closed = await client.closed;
  const outcome = await o.line.outcome();
  if (endReason === null) {
    if (outcome.error) endReason = 'bot_error';
    else endReason = botClosed && closed.by === 'bot' ? 'bot_hangup' : 'caller_hangup';
  }
  if (endReason === 'bot_error') error ??= outcome.error;
  const durationMs = client.mediaMs;
  for (const [i, text] of outcome.botTexts.entries()) {
    const t = turns[i];
    if (t) t.botTextReported = text;
  }
  bot.finish();
  return {
    turns,
    callerPcm: layOut(callerParts, durationMs),
    botPcm: bot.pcm(durationMs),
    durationMs,
    endReason,
    error,
    outcome,
  };
}

async function perform(
  client: ExotelStreamClient,
  a: CallerAction,
  t: QaRecordedTurn,
  parts: { atMs: number; pcm: Buffer }[],
): Promise<void> {
  t.callerStartMs = client.mediaMs;
  switch (a.action) {
    case 'say':
    case 'clip':
    case 'llm':
      if (a.pcm && a.pcm.length > 0) {
        parts.push({ atMs: client.mediaMs, pcm: a.pcm });
        await client.say(a.pcm);
      }
      break;
    case 'dtmf':
      for (const key of a.dtmf ?? '') await client.dtmf(key);
      break;
    case 'silence':
      // Saying nothing has no span: the bot's reply (a no-input prompt) may come during it.
      t.callerStartMs = null;
      await client.silence(a.silenceMs ?? 0);
      return;
  }
  t.callerEndMs = client.mediaMs;
}
