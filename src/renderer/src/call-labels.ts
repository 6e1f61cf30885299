import type { CallAttemptInfo, CallEventInfo } from '../../shared/telephony';

/** The bot's transfer decision in words: only an agent hand-over is a transfer. */
export function decisionLabel(decision: CallAttemptInfo['transferDecision']): string {
  if (decision === 'agent') return 'transfer to agent';
  if (decision === 'none') return 'no transfer';
  return '—';
}

/** A call event's name for the timeline: `transfer_decided` says what was decided. */
export function eventLabel(e: Pick<CallEventInfo, 'type' | 'payload'>): string {
  if (e.type !== 'transfer_decided') return e.type;
  const decision =
    typeof e.payload === 'object' && e.payload !== null && 'decision' in e.payload
      ? e.payload.decision
      : null;
  return decision === 'agent' ? 'transfer to agent decided' : 'no transfer (bot decided)';
}

/** How long a call has lasted: its final duration, or, while it is answered and going on, so far. */
export function callDuration(c: CallAttemptInfo, nowMs: number): string {
  if (c.durationSec !== null) return `${c.durationSec} s`;
  if (c.answeredAt && !c.endedAt)
    return `${Math.max(0, Math.round((nowMs - Date.parse(c.answeredAt)) / 1000))} s…`;
  return '—';
}

/** The carrier's price (account currency, as Exotel reports it); it settles minutes after the end. */
export function priceLabel(c: Pick<CallAttemptInfo, 'price' | 'endedAt'>): string {
  if (c.price !== null) return c.price.toFixed(2);
  return c.endedAt ? 'pending' : '—';
}
