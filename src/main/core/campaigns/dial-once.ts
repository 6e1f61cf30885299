import type { CallAttemptRow } from '../store';
import type { CallMode, PlaceCallResult, TelephonyProvider } from '../telephony';
import type { CallStateService } from './call-state-service';

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
  timeOutSec?: number;
  timeLimitSec?: number;
  record?: boolean;
  /** JSON unless a test rehearses Exotel's default multipart callbacks. */
  statusCallbackContentType?: 'application/json' | 'multipart/form-data';
}

/**
 * One dial, the way every dial happens: the attempt row is committed before the request leaves
 * (a crash in between leaves it `dialing` with no provider id, for recovery to reconcile), then the
 * provider's answer is recorded as an event. Never retries: retries are new attempts, by policy.
 */
export async function dialOnce(
  calls: CallStateService,
  provider: TelephonyProvider,
  req: DialOnceRequest,
): Promise<{ attempt: CallAttemptRow; result: PlaceCallResult }> {
  const attempt = calls.createAttempt({
    number: req.number,
    mode: req.mode,
    provider: provider.name,
    contactId: req.contactId ?? null,
    listId: req.listId ?? null,
    campaignId: req.campaignId ?? null,
  });
  calls.record(attempt.id, 'dialer', { type: 'dial_requested' });
  const streamUrl = new URL(req.streamUrl);
  streamUrl.searchParams.set('attempt', attempt.id);
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
  return { attempt: calls.attempt(attempt.id) ?? attempt, result };
}
