import type { Logger } from '../logging';
import type { VoicebotRepository } from '../store';
import { sampleRateFromUrl } from '../stream';
import { createDialog, type BotDefinition, type DialogVariables } from './dialog';
import { testCallVariables } from './records/test-variables';
import type { SessionSpeech } from './session/observer';

/** A call being placed, as the dialer tells the voicebot (before its request leaves). */
export interface PlacingCall {
  attemptId: string;
  /** The call's contact (its row gives the bot's variables); null for a test call. */
  contactId: string | null;
  /** The bot the call reaches (undefined: the default bot). */
  bot?: string;
  /** A test call's own variables. */
  variables?: Record<string, string>;
  /** The stream URL the call will open: its sample-rate parameter is the rate the bot speaks at. */
  streamUrl?: string;
}

/** ready: synthesised (now in the TTS cache); skipped: nothing to prepare (an LLM bot's greeting). */
export type PreparedGreeting = 'ready' | 'skipped' | 'failed';

export interface PrepareDeps {
  bots: (id: string | undefined) => BotDefinition;
  speech: () => Promise<SessionSpeech>;
  repo: VoicebotRepository;
  testVariables?: DialogVariables;
  log: Logger;
}

/**
 * Synthesises a scripted bot's greeting for a call while its phone rings: the session that starts
 * when the callee answers finds the same line in the TTS cache, so it speaks at once. The greeting is
 * the dialog's own start turn, with the variables the session will use (the contact's, or a test
 * call's). Never throws: a failure is logged and the call goes on (it synthesises at answer).
 */
export async function prepareGreeting(d: PrepareDeps, call: PlacingCall): Promise<PreparedGreeting> {
  try {
    const bot = d.bots(call.bot);
    // An LLM bot's greeting is the model's: not known before the call.
    if (bot.kind !== 'script') return 'skipped';
    const variables =
      call.contactId === null
        ? testCallVariables(bot, { ...d.testVariables, ...call.variables })
        : (d.repo.contactVariables(call.contactId) ?? {});
    const rate = call.streamUrl ? sampleRateFromUrl(call.streamUrl) : undefined;
    const sampleRate = rate?.ok ? rate.sampleRate : 8000;
    const turn = await createDialog(bot, variables, { logger: d.log }).start();
    if (turn.text.trim() === '') return 'skipped';
    const speech = await d.speech();
    await speech.tts.synthesizeAll(turn.text, { sampleRate });
    d.log.info('greeting prepared while the phone rings', { attemptId: call.attemptId, sampleRate });
    return 'ready';
  } catch (err) {
    d.log.warn('the greeting could not be prepared before the call: it is synthesised at answer', {
      err,
      attemptId: call.attemptId,
    });
    return 'failed';
  }
}
