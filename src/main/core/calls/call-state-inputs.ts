import type { ExotelCall, Passthru, StatusCallback } from '../telephony';
import type { CallInput, TerminalCallState } from './call-state';

/** Maps Exotel's telephony facts onto call-state inputs, with the dedupe key of each. */

/** A table lookup that never reaches Object.prototype (`constructor` is not a status). */
const own = <T>(table: Record<string, T>, key: string): T | undefined =>
  Object.hasOwn(table, key) ? table[key] : undefined;

export type InputMapping = { ok: true; input: CallInput; dedupeKey: string } | { ok: false; error: string };

/** Exotel's end statuses; `interrupted` is ours alone (start-up recovery), never a provider's. */
const TERMINAL: Record<string, Exclude<TerminalCallState, 'interrupted'>> = {
  completed: 'completed',
  failed: 'failed',
  busy: 'busy',
  'no-answer': 'no_answer',
  canceled: 'canceled',
  cancelled: 'canceled',
};

/**
 * Keys are built only from what the input carries, from small sets of values: a sender cannot
 * mint new keys (and so new rows) by varying a field the state machine ignores.
 */
export function statusCallbackInput(cb: StatusCallback): InputMapping {
  switch (cb.eventType) {
    case 'ringing':
      return { ok: true, input: { type: 'ringing' }, dedupeKey: 'status:ringing' };
    case 'answered':
      return {
        ok: true,
        input: { type: 'answered', answeredBy: cb.answeredBy },
        dedupeKey: `status:answered:${cb.answeredBy ?? ''}`,
      };
    case 'terminal':
    case null: {
      const status = own(TERMINAL, cb.status);
      if (status === undefined) return { ok: false, error: `"${cb.status}" is not a terminal call status` };
      return {
        ok: true,
        input: { type: 'ended', status, durationSec: cb.conversationDurationSec },
        dedupeKey: `status:terminal:${status}`,
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
    dedupeKey: `passthru:after-bot:${p.stream?.disconnectedBy ?? ''}`,
  };
}

const ANSWERED_BY: Record<string, string> = { human: 'human', machine: 'machine', notsure: 'not_sure' };

type ProviderReported = Extract<CallInput, { type: 'provider_reported' }>;

const REPORTED: Record<string, ProviderReported['status']> = {
  queued: 'queued',
  ringing: 'ringing',
  'in-progress': 'in_progress',
  ...TERMINAL,
};

const seconds = (v: unknown): number | null => {
  const n = typeof v === 'string' ? Number(v) : v;
  // Exotel fills durations in minutes after the call: 0 until then means "not known yet".
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : null;
};

/** Exotel's `Price` ("0.50", 0.5; null or empty until it settles): a charge, never negative. */
const price = (v: unknown): number | null => {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : null;
};

/** The call-details API's Call object as an input the state machine trusts. */
export function callDetailsInput(
  call: ExotelCall,
): { ok: true; input: ProviderReported; dedupeKey: string } | { ok: false; error: string } {
  const spelled = call.Status.toLowerCase().replace(/[\s_]/g, '-');
  const status = own(REPORTED, spelled);
  if (status === undefined) return { ok: false, error: `"${call.Status}" is not a call status` };
  const answeredBy = own(ANSWERED_BY, call.AnsweredBy?.toLowerCase().replace(/[\s_-]/g, '') ?? '') ?? null;
  const charged = price(call.Price);
  return {
    ok: true,
    input: {
      type: 'provider_reported',
      status,
      durationSec: seconds(call.Details?.ConversationDuration ?? null),
      answeredBy,
      price: charged,
    },
    // The price comes in a later report of the same status: a new key, or it would count as a repeat.
    dedupeKey: `api:details:${status}${charged === null ? '' : ':priced'}`,
  };
}
