import type { CallsRepository } from '../store';
import type { CallStateService } from './call-state-service';

/** What the voicebot learns of a stream's call (the voicebot's VoicebotCallLink, structurally). */
export interface CallForStream {
  attemptId: string;
  contactId: string | null;
  /** A test call's variables as the operator set them (no contact to read them from). */
  variables?: Record<string, string>;
  /** Who answered, as the provider said so far ('machine': the bot must not talk to it). */
  answeredBy?: string | null;
  /** The bot the call was dialled for (none: the default bot). */
  botId?: string;
}

/**
 * How the voicebot finds a stream's call attempt (our `attempt` custom parameter in direct-stream
 * mode, else Exotel's CallSid) and records what happens to it in the call state machine.
 */
export function voicebotCallLink(calls: CallStateService, repo: CallsRepository) {
  return {
    findAttempt: (start: {
      callSid: string;
      customParameters: Record<string, string>;
    }): CallForStream | undefined => {
      const byId = start.customParameters.attempt;
      const attempt = (byId ? repo.getAttempt(byId) : undefined) ?? repo.findByProviderSid(start.callSid);
      if (!attempt) return undefined;
      const variables = attempt.contactId === null ? calls.dialVariables(attempt.id) : undefined;
      const botId = calls.dialBot(attempt.id);
      return {
        attemptId: attempt.id,
        contactId: attempt.contactId,
        answeredBy: attempt.answeredBy,
        ...(variables ? { variables } : {}),
        ...(botId ? { botId } : {}),
      };
    },
    streamStarted: (attemptId: string) => {
      calls.record(attemptId, 'stream', { type: 'stream_started' });
    },
    streamEnded: (attemptId: string, disconnectedBy: 'bot' | 'user' | null) => {
      calls.record(attemptId, 'stream', { type: 'stream_ended', disconnectedBy });
    },
    decideTransfer: (attemptId: string, decision: 'agent' | 'none') => {
      calls.decideTransfer(attemptId, decision);
    },
  };
}
