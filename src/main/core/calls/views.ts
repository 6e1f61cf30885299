import type { CallAttemptInfo, CallEventInfo } from '../../../shared/telephony';

/**
 * What the Api shows of calls: exactly the shared view fields (a stored row carries more, such as
 * the CustomField and contact links).
 */
export const attemptInfo = (a: CallAttemptInfo): CallAttemptInfo => ({
  id: a.id,
  number: a.number,
  mode: a.mode,
  provider: a.provider,
  providerSid: a.providerSid,
  state: a.state,
  transferDecision: a.transferDecision,
  answeredBy: a.answeredBy,
  endReason: a.endReason,
  durationSec: a.durationSec,
  price: a.price,
  createdAt: a.createdAt,
  updatedAt: a.updatedAt,
  ...(a.stateSince === undefined ? {} : { stateSince: a.stateSince }),
  answeredAt: a.answeredAt,
  endedAt: a.endedAt,
});
export const eventInfo = (e: CallEventInfo): CallEventInfo => ({
  seq: e.seq,
  attemptId: e.attemptId,
  source: e.source,
  type: e.type,
  payload: e.payload,
  receivedAt: e.receivedAt,
  duplicate: e.duplicate,
  applied: e.applied,
  note: e.note,
  repeats: e.repeats,
  lastSeenAt: e.lastSeenAt,
  disputed: e.disputed,
});
