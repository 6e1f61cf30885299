import type { Callee } from './script';
import type { SandboxClock } from './clock';

/** What the sandbox tells its stream side about the call being connected to a bot. */
export interface StreamContext {
  callSid: string;
  streamSid: string;
  accountSid: string;
  from: string;
  to: string;
  /** The Voicebot applet's URL (flow mode) or the call's StreamUrl (direct stream). */
  streamUrl: string;
  callee: Callee;
  /** Aborted when the callee hangs up or the call hits its TimeLimit. */
  hangup: AbortSignal;
  clock: SandboxClock;
}

export interface StreamOutcome {
  /** `bot`: the bot closed the stream; `user`: the callee hung up. */
  disconnectedBy: 'bot' | 'user';
  status: 'completed' | 'failed';
  error?: string;
}

/**
 * Exotel's side of the Voicebot stream. The real one (core/stream's client: connected, start, media,
 * marks, clear, stop) plugs in here; the sandbox itself knows nothing of the stream codec.
 */
export interface SandboxStreamSide {
  onAnswered(ctx: StreamContext): Promise<StreamOutcome>;
}

/**
 * With no bot plugged in: the line is held for `botSec` sandbox seconds (as if a bot spoke and hung
 * up), or until the callee hangs up first.
 */
export function holdLineStreamSide(botSec = 2): SandboxStreamSide {
  return {
    async onAnswered(ctx) {
      const finished = await ctx.clock.sleep(botSec, ctx.hangup);
      return { disconnectedBy: finished ? 'bot' : 'user', status: 'completed' };
    },
  };
}
