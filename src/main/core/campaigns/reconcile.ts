import { callDetailsInput, type CallStateService } from '../calls';
import type { CallAttemptRow } from '../store';
import type { TelephonyProvider } from '../telephony';
import type { LookupAnswer } from './campaign-run';

/**
 * A call the provider found for an attempt a crash left without its answer: link the provider's
 * id, then record what its call-details API says (trusted, like start-up recovery's answer), so the
 * attempt settles through the state machine like any other.
 */
export async function adoptFoundCall(
  deps: { calls: CallStateService; provider: Pick<TelephonyProvider, 'callDetails'> },
  call: CallAttemptRow,
  sid: string,
): Promise<'known' | 'unknown'> {
  deps.calls.record(call.id, 'api', { type: 'provider_accepted', providerSid: sid }, `sid:${sid}`);
  const details = await deps.provider.callDetails(sid);
  // The provider has no record of the call at all (e.g. a sandbox started afresh): nothing to wait for.
  if (details.kind === 'rejected' && details.status === 404) return 'unknown';
  if (details.kind !== 'found') return 'known'; // asked again when the run next looks at it
  const mapped = callDetailsInput(details.call);
  if (mapped.ok) deps.calls.record(call.id, 'api', mapped.input, mapped.dedupeKey);
  return 'known';
}

/** Look-back before the attempt's own creation, for clocks that disagree a little. */
const LOOKBACK_MS = 60_000;
const PAGE = 100;

/**
 * Whether the provider has a call for an attempt whose dial answer was lost (a crash, a timeout):
 * the bulk call-details API by the attempt's number from just before it was created. A call whose
 * CustomField is the attempt's id is it; otherwise a call to that number not linked to any other
 * attempt is taken as it (so it is never dialled twice); none at all is the provider's "no call".
 * A failed lookup or a full page is not sure.
 */
export async function lookupLostCall(
  deps: {
    provider: Pick<TelephonyProvider, 'findCalls'>;
    /** The provider id already belongs to another attempt of ours. */
    knownSid: (sid: string) => boolean;
  },
  call: CallAttemptRow,
): Promise<LookupAnswer> {
  const created = Date.parse(call.createdAt);
  const listed = await deps.provider.findCalls({ number: call.number, createdFrom: created - LOOKBACK_MS });
  if (listed.kind !== 'listed')
    return { kind: 'unsure', reason: `the call list could not be read (${listed.kind}: ${listed.message})` };
  if (listed.calls.length >= PAGE)
    return { kind: 'unsure', reason: `${PAGE} or more calls to ${call.number}: too many to tell` };
  const own = listed.calls.find((c) => c['CustomField'] === call.customField);
  if (own) return { kind: 'found', sid: own.Sid };
  const unclaimed = listed.calls.filter((c) => !deps.knownSid(c.Sid));
  const oldest = unclaimed[unclaimed.length - 1];
  return oldest ? { kind: 'found', sid: oldest.Sid } : { kind: 'none' };
}
