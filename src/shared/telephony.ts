import { z } from 'zod';
import { BotIdSchema } from './bots';

/** Telephony as the Api exposes it: the public surface's URLs, the tunnel, test calls and their events. */

/**
 * A call's states, in the order a call moves through them (docs/architecture.md, "calls"):
 * queued → dialing → ringing → in_progress → (agent_transfer) → completed | failed | busy | no_answer | canceled,
 * or interrupted: the app stopped (a crash) while the call was open and the provider could not say how
 * it ended. The core's state machine and the UI both read them from here.
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
  'interrupted',
] as const;
export type CallState = (typeof CALL_STATES)[number];

/** States a call never leaves. */
export const TERMINAL_CALL_STATES = [
  'completed',
  'failed',
  'busy',
  'no_answer',
  'canceled',
  'interrupted',
] as const;
export type TerminalCallState = (typeof TERMINAL_CALL_STATES)[number];
export const TERMINAL: ReadonlySet<CallState> = new Set<CallState>(TERMINAL_CALL_STATES);

export const isTerminal = (s: CallState): s is TerminalCallState => TERMINAL.has(s);

export interface PublicUrlsView {
  statusCallback: string;
  passthru: string;
  voicebot: string;
  health: string;
}

export type TunnelStateView =
  | { status: 'stopped' }
  | { status: 'starting' }
  | { status: 'running'; url: string; since: string }
  | { status: 'failed'; error: string; at: string };

export interface TelephonyInfo {
  /** Which provider calls go to now: Exotel when its credentials are set, the local sandbox otherwise. */
  provider: 'exotel' | 'sandbox';
  /** Why that provider (shown next to it). */
  providerReason: string;
  /** The public surface on this machine (what the tunnel forwards to). */
  localUrls: PublicUrlsView;
  /** The same routes through the tunnel: what to paste into Exotel's flow builder. */
  publicUrls: PublicUrlsView | null;
  tunnel: { provider: 'ngrok' | 'manual'; state: TunnelStateView };
  /** The in-process sandbox's REST base, when it runs. */
  sandboxUrl: string | null;
}

export type ConnectionCheck =
  | { ok: true; provider: 'exotel' | 'sandbox'; detail: string }
  | { ok: false; provider: 'exotel' | 'sandbox'; detail: string };

export const TestCallSchema = z
  .object({
    number: z.string().trim().min(1, 'Enter a number to call').max(40),
    mode: z.enum(['flow', 'stream']).default('flow'),
    /** The bot the call reaches (an id from voicebot.bots); default: the default (demo) bot. */
    bot: BotIdSchema.optional(),
    /** The bot's variables for this call (a test call has no contact): name → value, as the bot spells them. */
    variables: z
      .record(
        z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'A variable name is letters, digits and _'),
        z.string().trim().max(500, 'At most 500 characters'),
      )
      .refine((v) => Object.keys(v).length <= 50, 'At most 50 variables')
      .optional(),
  })
  .strict();

export const AttemptIdSchema = z.object({ attemptId: z.string().min(1).max(100) }).strict();
export const RecentCallsSchema = z.object({ limit: z.number().int().min(1).max(500).default(50) }).strict();

export interface CallAttemptInfo {
  id: string;
  number: string;
  mode: 'flow' | 'stream';
  provider: string;
  providerSid: string | null;
  state: CallState;
  transferDecision: string | null;
  answeredBy: string | null;
  endReason: string | null;
  durationSec: number | null;
  /** What the carrier charged (account currency), once its call details say; null until then. */
  price: number | null;
  createdAt: string;
  /** The last change of any of these fields. */
  updatedAt: string;
  /** When the call entered its current state (the board's "In state"); absent where not read from the store. */
  stateSince?: string;
  answeredAt: string | null;
  endedAt: string | null;
}

export interface CallEventInfo {
  seq: number;
  attemptId: string;
  source: string;
  type: string;
  payload: unknown;
  receivedAt: string;
  /** Kept for rows written before repeats were counted: a second row for a repeated input. */
  duplicate: boolean;
  applied: boolean;
  note: string | null;
  /** How many more times the same input arrived and changed nothing, and when it last did. */
  repeats: number;
  lastSeenAt: string | null;
  /** It contradicted what we saw of the call: held until the provider confirms the call's state. */
  disputed: boolean;
}

/** What the test-call form offers: the bot a test call reaches and the variables it speaks. */
export interface TestCallSetup {
  /** null: no bot is running (its file did not load, or this host runs none). */
  bot: { id: string; name: string } | null;
  /** Each variable with the value prefilled in the form (the bot's example, else its default). */
  variables: { name: string; value: string; description: string; required: boolean }[];
}

export interface TestCallResult {
  attempt: CallAttemptInfo;
  /** What the provider answered to the dial request. */
  outcome: { ok: true; providerSid: string } | { ok: false; kind: string; message: string };
}
