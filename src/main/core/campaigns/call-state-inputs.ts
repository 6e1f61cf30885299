import type { Passthru, StatusCallback } from '../telephony';
import type { CallInput, TerminalCallState } from './call-state';

/** Maps Exotel's telephony facts onto call-state inputs, with the dedupe key of each. */

export type InputMapping = { ok: true; input: CallInput; dedupeKey: string } | { ok: false; error: string };

const TERMINAL: Record<string, TerminalCallState> = {
  completed: 'completed',
  failed: 'failed',
  busy: 'busy',
  'no-answer': 'no_answer',
  canceled: 'canceled',
  cancelled: 'canceled',
};

export function statusCallbackInput(cb: StatusCallback): InputMapping {
  const key = `status:${cb.eventType ?? 'terminal'}:${cb.status}`;
  switch (cb.eventType) {
    case 'ringing':
      return { ok: true, input: { type: 'ringing' }, dedupeKey: key };
    case 'answered':
      return { ok: true, input: { type: 'answered', answeredBy: cb.answeredBy }, dedupeKey: key };
    case 'terminal':
    case null: {
      const status = TERMINAL[cb.status];
      if (status === undefined) return { ok: false, error: `"${cb.status}" is not a terminal call status` };
      return {
        ok: true,
        input: { type: 'ended', status, durationSec: cb.conversationDurationSec },
        dedupeKey: key,
      };
    }
  }
}

/** The first passthru links the call; the one after the Voicebot applet reports the bot's end. */
export function passthruInput(p: Passthru, afterBot: boolean): { input: CallInput; dedupeKey: string } {
  if (!afterBot)
    return { input: { type: 'flow_linked', providerSid: p.callSid }, dedupeKey: 'passthru:first' };
  return {
    input: { type: 'bot_finished', disconnectedBy: p.stream?.disconnectedBy ?? null },
    dedupeKey: `passthru:after-bot:${p.stream?.streamSid ?? ''}`,
  };
}
