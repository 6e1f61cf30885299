import { z } from 'zod';
import { isTerminal, type CallState, type TerminalCallState } from '../../../shared/telephony';

/**
 * The call state machine (docs/architecture.md, "calls"), as a pure reducer over recorded inputs.
 * queued → dialing → ringing → in_progress → (agent_transfer) → completed | failed | busy | no_answer | canceled,
 * or interrupted (start-up recovery after a crash, when the provider cannot say how the call ended).
 * Terminal states are final, except that the provider's own report of the end replaces `interrupted`;
 * a state only moves forward; anything else is recorded and ignored.
 */

export {
  CALL_STATES,
  TERMINAL_CALL_STATES,
  isTerminal,
  type CallState,
  type TerminalCallState,
} from '../../../shared/telephony';

const RANK: Record<Exclude<CallState, TerminalCallState>, number> = {
  queued: 0,
  dialing: 1,
  ringing: 2,
  in_progress: 3,
  agent_transfer: 4,
};

export const TransferDecisionSchema = z.enum(['agent', 'none']);

/** How a provider (callback or call details) can say a call ended: every terminal state but ours. */
const PROVIDER_END_STATES = ['completed', 'failed', 'busy', 'no_answer', 'canceled'] as const;

/** What we saw of the voicebot stream: a live stream is proof the call is answered and going on. */
export const STREAM_STATES = ['none', 'live', 'ended'] as const;
export type StreamState = (typeof STREAM_STATES)[number];
export type TransferDecision = z.infer<typeof TransferDecisionSchema>;

/** Every input that can touch a call. Stored as the payload of a call_events row. */
export const CallInputSchema = z.discriminatedUnion('type', [
  /**
   * `variables`: what the bot says to a call with no contact (a test call), as the operator set them;
   * `bot`: the id of the bot the call reaches (none: the default bot).
   */
  z.object({
    type: z.literal('dial_requested'),
    variables: z.record(z.string().max(64), z.string().max(500)).optional(),
    bot: z.string().min(1).max(64).optional(),
  }),
  z.object({ type: z.literal('provider_accepted'), providerSid: z.string().min(1) }),
  z.object({ type: z.literal('provider_rejected'), message: z.string(), status: z.number().optional() }),
  z.object({ type: z.literal('provider_unreachable'), mayHaveReached: z.boolean(), message: z.string() }),
  z.object({ type: z.literal('ringing') }),
  z.object({ type: z.literal('answered'), answeredBy: z.string().nullable().optional() }),
  /** The first passthru: Exotel is running our flow, so the callee picked up. */
  z.object({ type: z.literal('flow_linked'), providerSid: z.string().min(1) }),
  z.object({ type: z.literal('stream_started') }),
  /** Our voicebot's session ended: `user` when the caller hung up (stop: callended). */
  z.object({ type: z.literal('stream_ended'), disconnectedBy: z.enum(['bot', 'user']).nullable() }),
  z.object({ type: z.literal('transfer_decided'), decision: TransferDecisionSchema }),
  /** The passthru after the Voicebot applet: the bot session is over. */
  z.object({ type: z.literal('bot_finished'), disconnectedBy: z.enum(['bot', 'user']).nullable() }),
  z.object({ type: z.literal('agent_transfer') }),
  /** A status callback's terminal status: anyone with the URL can send one, so it may be disputed. */
  z.object({
    type: z.literal('ended'),
    status: z.enum(PROVIDER_END_STATES),
    durationSec: z.number().nullable().optional(),
  }),
  /** The provider's call-details API (asked by us over an authenticated request): trusted. */
  z.object({
    type: z.literal('provider_reported'),
    status: z.enum(['queued', 'ringing', 'in_progress', ...PROVIDER_END_STATES]),
    durationSec: z.number().nullable().optional(),
    answeredBy: z.string().nullable().optional(),
    /** What the carrier charged (account currency); Exotel fills it in minutes after the end. */
    price: z.number().nonnegative().nullable().optional(),
  }),
  z.object({ type: z.literal('cancel_requested'), reason: z.string() }),
  z.object({ type: z.literal('timed_out'), reason: z.string() }),
  /**
   * Start-up recovery: the app stopped (a crash) while this call was open, and the provider could not
   * say how it ended. Terminal, but the provider's own word, if it comes later, replaces it.
   */
  z.object({ type: z.literal('interrupted'), reason: z.string().min(1) }),
]);
export type CallInput = z.infer<typeof CallInputSchema>;

export interface CallView {
  state: CallState;
  providerSid: string | null;
  transferDecision: TransferDecision | null;
  answeredBy: string | null;
  answeredAt: string | null;
  endedAt: string | null;
  durationSec: number | null;
  /** Why the call ended or failed, when known. */
  endReason: string | null;
  stream: StreamState;
  /** What the carrier charged for the call, once its call details say (null: not yet). */
  price: number | null;
}

/** `disputed`: the input contradicts what we saw; the provider must confirm the call's state. */
export type Outcome = { applied: true } | { applied: false; reason: string; disputed?: true };

export const INITIAL_VIEW: CallView = {
  state: 'queued',
  providerSid: null,
  transferDecision: null,
  answeredBy: null,
  answeredAt: null,
  endedAt: null,
  durationSec: null,
  endReason: null,
  stream: 'none',
  price: null,
};

const ignored = (view: CallView, reason: string) => ({
  view,
  outcome: { applied: false, reason } as Outcome,
});
const applied = (view: CallView) => ({ view, outcome: { applied: true } as Outcome });
const disputed = (view: CallView, why: string) => ({
  view,
  outcome: { applied: false, reason: `${why}; confirming with provider`, disputed: true } as Outcome,
});

/** Terminal statuses that say the callee never picked up. */
const NEVER_ANSWERED: readonly TerminalCallState[] = ['busy', 'no_answer', 'canceled'];

/** Why a callback's terminal status cannot be taken on its word, if it cannot. */
function contradiction(view: CallView, status: TerminalCallState): string | null {
  if (view.stream === 'live') return 'contradicts live stream';
  if (status === 'completed') return null;
  if (view.stream === 'ended') return 'contradicts the stream we saw';
  if (view.answeredAt !== null && NEVER_ANSWERED.includes(status)) return 'contradicts the answer we saw';
  return null;
}

function advance(view: CallView, to: Exclude<CallState, TerminalCallState>, patch: Partial<CallView> = {}) {
  if (isTerminal(view.state)) return ignored(view, `call already ${view.state}`);
  if (RANK[view.state] >= RANK[to]) {
    // Out of order: the state stays, but facts it brings (e.g. who answered) may still fill gaps.
    const filled = fillGaps(view, patch);
    return filled === view ? ignored(view, `already ${view.state}`) : applied(filled);
  }
  return applied({ ...fillGaps(view, patch), state: to });
}

function fillGaps(view: CallView, patch: Partial<CallView>): CallView {
  const missing = Object.entries(patch).filter(
    ([k, v]) => v !== null && v !== undefined && view[k as keyof CallView] === null,
  );
  return missing.length === 0 ? view : { ...view, ...Object.fromEntries(missing) };
}

function end(
  view: CallView,
  state: TerminalCallState,
  at: string,
  reason: string | null,
  durationSec?: number | null,
) {
  if (isTerminal(view.state)) {
    // The same end reported again may bring the duration an earlier report lacked.
    if (view.state === state && view.durationSec === null && typeof durationSec === 'number')
      return applied({ ...view, durationSec });
    return ignored(view, `call already ${view.state}`);
  }
  return applied({
    ...view,
    state,
    endedAt: at,
    endReason: reason,
    durationSec: durationSec ?? view.durationSec,
  });
}

/** Applies one input at time `at` (ISO). Pure. */
export function applyInput(
  view: CallView,
  input: CallInput,
  at: string,
): { view: CallView; outcome: Outcome } {
  switch (input.type) {
    case 'dial_requested':
      return advance(view, 'dialing');
    case 'provider_accepted':
      // A call a crash left without its provider id, found later in the provider's records: link it.
      if (view.state === 'interrupted' && view.providerSid === null)
        return applied({ ...view, providerSid: input.providerSid });
      if (isTerminal(view.state)) return ignored(view, `call already ${view.state}`);
      if (view.providerSid !== null && view.providerSid !== input.providerSid)
        return ignored(view, `call already has provider id ${view.providerSid}`);
      return view.state === 'queued'
        ? applied({ ...view, state: 'dialing', providerSid: input.providerSid })
        : view.providerSid === null
          ? applied({ ...view, providerSid: input.providerSid })
          : ignored(view, 'provider id already known');
    case 'provider_rejected':
      if (!isTerminal(view.state) && RANK[view.state] > RANK.dialing)
        return ignored(view, `rejection after the call reached ${view.state}`);
      return end(view, 'failed', at, input.message);
    case 'provider_unreachable':
      // A request that may have reached Exotel leaves the call dialing until it is reconciled.
      return input.mayHaveReached
        ? ignored(view, 'may have reached the provider: reconcile')
        : end(view, 'failed', at, input.message);
    case 'ringing':
      return advance(view, 'ringing');
    case 'answered':
      return advance(view, 'in_progress', { answeredAt: at, answeredBy: input.answeredBy ?? null });
    case 'flow_linked':
      return advance(view, 'in_progress', { answeredAt: at, providerSid: input.providerSid });
    case 'stream_started': {
      if (isTerminal(view.state)) return ignored(view, `call already ${view.state}`);
      const next = advance(view, 'in_progress', { answeredAt: at });
      return view.stream === 'live' ? next : applied({ ...next.view, stream: 'live' });
    }
    case 'stream_ended': {
      if (isTerminal(view.state)) return ignored(view, `call already ${view.state}`);
      if (view.stream !== 'live')
        return ignored(view, view.stream === 'ended' ? 'stream already ended' : 'no stream started');
      const next: CallView = { ...view, stream: 'ended' };
      // The caller hung up during the bot: the call is over, whatever a callback claimed.
      return input.disconnectedBy === 'user' ? end(next, 'completed', at, null) : applied(next);
    }
    case 'transfer_decided':
      if (isTerminal(view.state)) return ignored(view, `call already ${view.state}`);
      return view.transferDecision === input.decision
        ? ignored(view, 'same decision')
        : applied({ ...view, transferDecision: input.decision });
    case 'bot_finished':
      return advance(view, 'in_progress', { answeredAt: at });
    case 'agent_transfer':
      return advance(view, 'agent_transfer', { answeredAt: at });
    case 'ended': {
      const why = isTerminal(view.state) ? null : contradiction(view, input.status);
      if (why) return disputed(view, why);
      const reason = input.status === 'completed' ? null : input.status;
      if (view.state === 'interrupted') return settled(view, input.status, reason, input.durationSec);
      return end(view, input.status, at, reason, input.durationSec);
    }
    case 'provider_reported':
      return withPrice(providerReported(view, input, at), input.price);
    case 'cancel_requested':
      if (!isTerminal(view.state) && RANK[view.state] >= RANK.in_progress)
        return ignored(view, 'call already answered: it ends when either side hangs up');
      return end(view, 'canceled', at, input.reason);
    case 'timed_out':
      return end(view, 'failed', at, input.reason);
    case 'interrupted':
      // The stream died with the app: nothing is live any more.
      return end(
        { ...view, stream: view.stream === 'live' ? 'ended' : view.stream },
        'interrupted',
        at,
        input.reason,
      );
  }
}

/** An interrupted call whose real end the provider reports later: its word replaces ours. */
function settled(
  view: CallView,
  state: Exclude<TerminalCallState, 'interrupted'>,
  reason: string | null,
  durationSec?: number | null,
) {
  return applied({ ...view, state, endReason: reason, durationSec: durationSec ?? view.durationSec });
}

/**
 * The carrier's price settles minutes after the end, whatever else the report says: it fills once,
 * even on a call long ended (the state machine's state is not touched by it).
 */
function withPrice(step: { view: CallView; outcome: Outcome }, price: number | null | undefined) {
  if (typeof price !== 'number' || step.view.price !== null) return step;
  return applied({ ...step.view, price });
}

/** The provider's own answer: trusted, it may end a call whatever we saw on the stream. */
function providerReported(
  view: CallView,
  input: Extract<CallInput, { type: 'provider_reported' }>,
  at: string,
): { view: CallView; outcome: Outcome } {
  const { status } = input;
  if (view.state === 'interrupted' && status !== 'queued' && status !== 'ringing' && status !== 'in_progress')
    return settled(view, status, status === 'completed' ? null : status, input.durationSec);
  if (status === 'queued' || status === 'ringing' || status === 'in_progress') {
    const to = status === 'queued' ? 'dialing' : status;
    const next = advance(
      view,
      to,
      status === 'in_progress' ? { answeredAt: at, answeredBy: input.answeredBy ?? null } : {},
    );
    if (next.outcome.applied || isTerminal(view.state)) return next;
    return ignored(view, `provider reports the call ${status.replace('_', '-')}`);
  }
  return end(view, status, at, status === 'completed' ? null : status, input.durationSec);
}

export interface RecordedInput {
  input: CallInput;
  at: string;
}

/** Folds every recorded input, oldest first, into the current view. */
export function reduceCall(inputs: readonly RecordedInput[]): { view: CallView; outcomes: Outcome[] } {
  let view = INITIAL_VIEW;
  const outcomes: Outcome[] = [];
  for (const { input, at } of inputs) {
    const next = applyInput(view, input, at);
    view = next.view;
    outcomes.push(next.outcome);
  }
  return { view, outcomes };
}
