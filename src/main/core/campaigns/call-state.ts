import { z } from 'zod';

/**
 * The call state machine (DESIGN.md §3), as a pure reducer over recorded inputs.
 * queued → dialing → ringing → in_progress → (agent_transfer) → completed | failed | busy | no_answer | canceled.
 * Terminal states are final; a state only moves forward; anything else is recorded and ignored.
 */

export const CALL_STATES = [
  'queued',
  'dialing',
  'ringing',
  'in_progress',
  'agent_transfer',
  'completed',
  'failed',
  'busy',
  'no_answer',
  'canceled',
] as const;
export type CallState = (typeof CALL_STATES)[number];

export const TERMINAL_CALL_STATES = ['completed', 'failed', 'busy', 'no_answer', 'canceled'] as const;
export type TerminalCallState = (typeof TERMINAL_CALL_STATES)[number];

export const isTerminal = (s: CallState): s is TerminalCallState =>
  (TERMINAL_CALL_STATES as readonly string[]).includes(s);

const RANK: Record<Exclude<CallState, TerminalCallState>, number> = {
  queued: 0,
  dialing: 1,
  ringing: 2,
  in_progress: 3,
  agent_transfer: 4,
};

export const TransferDecisionSchema = z.enum(['agent', 'none']);
export type TransferDecision = z.infer<typeof TransferDecisionSchema>;

/** Every input that can touch a call. Stored as the payload of a call_events row. */
export const CallInputSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('dial_requested') }),
  z.object({ type: z.literal('provider_accepted'), providerSid: z.string().min(1) }),
  z.object({ type: z.literal('provider_rejected'), message: z.string(), status: z.number().optional() }),
  z.object({ type: z.literal('provider_unreachable'), mayHaveReached: z.boolean(), message: z.string() }),
  z.object({ type: z.literal('ringing') }),
  z.object({ type: z.literal('answered'), answeredBy: z.string().nullable().optional() }),
  /** The first passthru: Exotel is running our flow, so the callee picked up. */
  z.object({ type: z.literal('flow_linked'), providerSid: z.string().min(1) }),
  z.object({ type: z.literal('stream_started') }),
  z.object({ type: z.literal('transfer_decided'), decision: TransferDecisionSchema }),
  /** The passthru after the Voicebot applet: the bot session is over. */
  z.object({ type: z.literal('bot_finished'), disconnectedBy: z.enum(['bot', 'user']).nullable() }),
  z.object({ type: z.literal('agent_transfer') }),
  z.object({
    type: z.literal('ended'),
    status: z.enum(TERMINAL_CALL_STATES),
    durationSec: z.number().nullable().optional(),
  }),
  z.object({ type: z.literal('cancel_requested'), reason: z.string() }),
  z.object({ type: z.literal('timed_out'), reason: z.string() }),
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
}

export type Outcome = { applied: true } | { applied: false; reason: string };

export const INITIAL_VIEW: CallView = {
  state: 'queued',
  providerSid: null,
  transferDecision: null,
  answeredBy: null,
  answeredAt: null,
  endedAt: null,
  durationSec: null,
  endReason: null,
};

const ignored = (view: CallView, reason: string) => ({
  view,
  outcome: { applied: false, reason } as Outcome,
});
const applied = (view: CallView) => ({ view, outcome: { applied: true } as Outcome });

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
  if (isTerminal(view.state)) return ignored(view, `call already ${view.state}`);
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
    case 'stream_started':
      return advance(view, 'in_progress', { answeredAt: at });
    case 'transfer_decided':
      if (isTerminal(view.state)) return ignored(view, `call already ${view.state}`);
      return view.transferDecision === input.decision
        ? ignored(view, 'same decision')
        : applied({ ...view, transferDecision: input.decision });
    case 'bot_finished':
      return advance(view, 'in_progress', { answeredAt: at });
    case 'agent_transfer':
      return advance(view, 'agent_transfer', { answeredAt: at });
    case 'ended':
      return end(
        view,
        input.status,
        at,
        input.status === 'completed' ? null : input.status,
        input.durationSec,
      );
    case 'cancel_requested':
      if (!isTerminal(view.state) && RANK[view.state] >= RANK.in_progress)
        return ignored(view, 'call already answered: it ends when either side hangs up');
      return end(view, 'canceled', at, input.reason);
    case 'timed_out':
      return end(view, 'failed', at, input.reason);
  }
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
