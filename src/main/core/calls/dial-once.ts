import type { CallAttemptRow } from '../store';
import type { CallMode, PlaceCallResult, TelephonyProvider } from '../telephony';
import type { CallStateService } from './call-state-service';

/** The Do-Not-Call register as a dial sees it (the store's DncRepository). */
export interface DoNotCall {
  /** Whether the number is listed, and the register's version that answer comes from (one snapshot). */
  check(e164: string): { listed: boolean; version: number };
}

export interface DialDeps {
  calls: CallStateService;
  provider: TelephonyProvider;
  /** Checked before anything else: a number on the register is never dialled, by any path. */
  dnc: DoNotCall;
  /**
   * Told once the attempt is recorded, just before the request leaves (the composition root lets the
   * voicebot synthesise the call's greeting while the phone rings). Must not throw.
   */
  placing?: (call: PlacingCall) => void;
}

/** A call about to be placed, for `DialDeps.placing`. */
export interface PlacingCall {
  attemptId: string;
  contactId: string | null;
  bot?: string;
  variables?: Record<string, string>;
  /** The stream URL the call will open (direct stream: with the attempt's id). */
  streamUrl: string;
}

/** What a dial did: refused before any attempt existed, or placed (the provider's answer recorded). */
export type DialOutcome =
  | { kind: 'refused'; reason: 'dnc'; message: string }
  | { kind: 'placed'; attempt: CallAttemptRow; result: PlaceCallResult };

export interface DialOnceRequest {
  number: string;
  mode: CallMode;
  callerId: string;
  /** Flow mode: the flow app's start_voice URL. */
  flowUrl: string;
  /** Direct-stream mode: the voicebot's wss:// URL (the attempt id is added as a custom parameter). */
  streamUrl: string;
  statusCallbackUrl: string;
  contactId?: string | null;
  listId?: string | null;
  campaignId?: string | null;
  /** The attempt's id when the caller reserved it first (a campaign's attempt row, written before the dial). */
  attemptId?: string;
  timeOutSec?: number;
  timeLimitSec?: number;
  record?: boolean;
  /** Values the bot uses for a call that belongs to no contact (a test call): recorded with the dial. */
  variables?: Record<string, string>;
  /** The bot the call reaches (a test call's pick, a campaign's): recorded with the dial. */
  bot?: string;
  /** JSON unless a test rehearses Exotel's default multipart callbacks. */
  statusCallbackContentType?: 'application/json' | 'multipart/form-data';
}

/**
 * One dial, the way every dial happens: a number on the Do-Not-Call register is refused; otherwise
 * the attempt row (with the register's version it was checked against) is committed before the request leaves (a crash in between leaves it `dialing` with
 * no provider id, for recovery to reconcile), then the provider's answer is recorded as an event.
 * Never retries: retries are new attempts, by policy.
 */
export async function dialOnce(
  { calls, provider, dnc, placing }: DialDeps,
  req: DialOnceRequest,
): Promise<DialOutcome> {
  const register = dnc.check(req.number);
  if (register.listed) {
    return {
      kind: 'refused',
      reason: 'dnc',
      message: `${req.number} is on the Do-Not-Call list: it is never dialled (remove it there first)`,
    };
  }
  const attempt = calls.createAttempt({
    number: req.number,
    mode: req.mode,
    provider: provider.name,
    contactId: req.contactId ?? null,
    listId: req.listId ?? null,
    campaignId: req.campaignId ?? null,
    ...(req.attemptId ? { id: req.attemptId } : {}),
    // Evidence for the audit bundle: which register the number was checked against.
    dncVersion: register.version,
  });
  calls.record(attempt.id, 'dialer', {
    type: 'dial_requested',
    ...(req.variables ? { variables: req.variables } : {}),
    ...(req.bot ? { bot: req.bot } : {}),
  });
  const streamUrl = new URL(req.streamUrl);
  streamUrl.searchParams.set('attempt', attempt.id);
  placing?.({
    attemptId: attempt.id,
    contactId: req.contactId ?? null,
    ...(req.bot ? { bot: req.bot } : {}),
    ...(req.variables ? { variables: req.variables } : {}),
    streamUrl: streamUrl.toString(),
  });
  const result = await provider.placeCall({
    to: req.number,
    callerId: req.callerId,
    target:
      req.mode === 'flow'
        ? { mode: 'flow', flowUrl: req.flowUrl }
        : { mode: 'stream', streamUrl: streamUrl.toString() },
    customField: attempt.customField,
    statusCallbackUrl: req.statusCallbackUrl,
    statusCallbackContentType: req.statusCallbackContentType ?? 'application/json',
    timeOutSec: req.timeOutSec ?? 30,
    timeLimitSec: req.timeLimitSec,
    record: req.record,
  });
  switch (result.kind) {
    case 'accepted':
      calls.record(attempt.id, 'api', { type: 'provider_accepted', providerSid: result.sid });
      break;
    case 'rejected':
      calls.record(attempt.id, 'api', {
        type: 'provider_rejected',
        message: result.message,
        status: result.status,
      });
      break;
    case 'rate_limited':
      calls.record(attempt.id, 'api', { type: 'provider_rejected', message: result.message, status: 429 });
      break;
    case 'network_error':
      calls.record(attempt.id, 'api', {
        type: 'provider_unreachable',
        mayHaveReached: result.mayHaveReached,
        message: result.message,
      });
      break;
    default: {
      const never: never = result;
      throw new Error(`unexpected dial result ${JSON.stringify(never)}`);
    }
  }
  return { kind: 'placed', attempt: calls.attempt(attempt.id) ?? attempt, result };
}
