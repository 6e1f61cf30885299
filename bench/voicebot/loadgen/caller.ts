import { ExotelStreamClient } from '../../../src/main/core/stream';
import { absNow, KnownOriginClock } from '../timing';
import type { CallSchedule, LoadPlan } from './plan';
import type { TurnGate } from './turn-gate';

// One Exotel-side caller: answers, waits for each bot turn to play (its mark echoed, as Exotel does
// when the audio has played), says its line, and measures voice-to-voice on its own side: from the end
// of its line's last loud 100 ms frame to the moment the bot's first audio frame reached it. The end is
// read on the caller's media clock (real time: when the caller stopped talking, when the frame was due
// to leave), so a generator that sends late makes the bot look slower, never faster; its lateness is
// reported apart. Lines are trimmed after their last loud frame (callerAudio), so `say` resolves right
// after that frame is sent.

export interface TurnResult {
  turn: number;
  /** Wall time (ms since the epoch) the caller sent its last loud frame. */
  lastLoudSentAbs: number;
  /** When that frame ended on the caller's media clock (its sent time minus the generator's slip). */
  lastLoudDueAbs: number;
  /** Caller-side voice-to-voice (from lastLoudDueAbs); null when no bot audio came in the wait. */
  voiceToVoiceMs: number | null;
  /** Bot audio arrived while the caller was still saying this line (the bot talked over it). */
  botTalkedOver: boolean;
}

export interface CallResult {
  index: number;
  callSid: string;
  /** When the call was answered, from the run's start (planned) and how late it really was. */
  answerAtMs: number;
  answerLateMs: number;
  turns: TurnResult[];
  /** Media time the call lasted (caller audio sent). */
  durationMs: number;
  endedBy: 'caller' | 'bot' | 'error';
  error?: string;
  /** How late this caller's frames left compared with its media clock (its own timer slip), ms. */
  sendLateMs: number[];
}

export interface CallerContext {
  plan: LoadPlan;
  lines: Buffer[];
  runStartAbs: number;
  gate?: TurnGate;
}

const sleepUntil = (abs: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, abs - absNow())));

export async function runCaller(ctx: CallerContext, s: CallSchedule): Promise<CallResult> {
  const { plan, lines, gate } = ctx;
  const callSid = `${plan.callSidPrefix}-${s.index}`;
  const result: CallResult = {
    index: s.index,
    callSid,
    answerAtMs: s.answerAtMs,
    answerLateMs: 0,
    turns: [],
    durationMs: 0,
    endedBy: 'caller',
    sendLateMs: [],
  };
  await sleepUntil(ctx.runStartAbs + s.answerAtMs);
  result.answerLateMs = absNow() - (ctx.runStartAbs + s.answerAtMs);
  const clock = new KnownOriginClock();
  let client: ExotelStreamClient;
  try {
    client = await ExotelStreamClient.connect({ url: `${plan.url}call-${s.index}`, pacing: clock, callSid });
  } catch (err) {
    gate?.leave(s.index);
    return { ...result, endedBy: 'error', error: String(err) };
  }
  let lastTickAbs = 0;
  let firstBotAbs: number | null = null;
  client.on('tick', (endMs) => {
    lastTickAbs = absNow();
    result.sendLateMs.push(lastTickAbs - (clock.t0Abs + endMs));
  });
  client.on('botMedia', () => {
    if (firstBotAbs === null) firstBotAbs = absNow();
  });
  try {
    for (const [i, pcm] of lines.entries()) {
      // The bot's previous turn (the greeting first) has played.
      const played = await client.runUntil(() => client.echoedMarks.length > i, plan.maxWaitMs);
      if (!played || !client.isOpen) break;
      if (gate) {
        const endAbs = await gate.arrive(i, s.index);
        // Start so that the line's last frame leaves at endAbs: a line queued now begins two chunks
        // on (the chunk in flight, then the next), and lasts its own length.
        const lineMs = Math.ceil(pcm.length / 1600) * 100;
        await client.runUntil(() => clock.t0Abs + client.mediaMs + 100 + lineMs >= endAbs, plan.maxWaitMs);
      } else {
        await client.silence(s.thinkMs[i] ?? 0);
      }
      firstBotAbs = null;
      const sent = await client.say(pcm);
      if (!sent) break;
      const lastLoudSentAbs = lastTickAbs;
      const lastLoudDueAbs = clock.t0Abs + client.mediaMs;
      const botTalkedOver = firstBotAbs !== null;
      firstBotAbs = null;
      await client.runUntil(() => firstBotAbs !== null, plan.maxWaitMs);
      result.turns.push({
        turn: i,
        lastLoudSentAbs,
        lastLoudDueAbs,
        voiceToVoiceMs: firstBotAbs === null ? null : firstBotAbs - lastLoudDueAbs,
        botTalkedOver,
      });
    }
    gate?.leave(s.index);
    if (plan.hangupAfterLastReply && client.isOpen) {
      await client.runUntil(() => client.echoedMarks.length > lines.length, plan.maxWaitMs);
    } else {
      await client.runUntil(() => !client.isOpen, plan.maxWaitMs);
    }
    if (client.isOpen) await client.hangup();
    else result.endedBy = 'bot';
    result.durationMs = client.mediaMs;
  } catch (err) {
    gate?.leave(s.index);
    result.endedBy = 'error';
    result.error = String(err);
    if (client.isOpen) await client.hangup();
    result.durationMs = client.mediaMs;
  }
  return result;
}
