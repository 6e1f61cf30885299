import type { TranscriptLine, TurnMetrics } from '../../../../shared/voicebot';
import type { Logger } from '../../logging';
import type { Asr, Llm, Tts, VadProvider } from '../../speech';
import type { StartFrame } from '../../stream';
import type { BotDefinition, DialogVariables } from '../dialog';
import type { SessionOptions } from './options';

export interface SessionSpeech {
  tts: Tts;
  asr: Asr;
  vad: VadProvider;
  /** Needed by LLM bots only. */
  llm?: Llm;
}

export interface SessionDeps {
  speech: SessionSpeech;
  options: SessionOptions;
  observer: SessionObserver;
  log: Logger;
}

/** Which call a stream belongs to, and the values for the bot's {{variables}}. */
export interface SessionSetup {
  attemptId: string | null;
  /** The bot this call talks to (the default bot unless the call names another). */
  bot: BotDefinition;
  /** The provider says a machine answered: the bot does not talk to it. */
  machine?: boolean;
  variables: DialogVariables;
}

export interface SessionStartInfo {
  attemptId: string | null;
  streamSid: string;
  callSid: string;
  botId: string;
  sampleRate: number;
}

export interface SessionEndInfo {
  /** bot_hangup, transfer, caller_hangup, stopped, closed, setup_failed, error, time_limit. */
  reason: string;
  disposition: string | null;
  transfer: 'agent' | 'none' | null;
  /** Media time the call lasted (caller audio received). */
  durationMs: number;
  turns: number;
  sampleRate: number;
}

/** Where a session's records go (the service: SQLite, WAV files, Api events, the call state machine). */
export interface SessionObserver {
  /** At `start`. May throw: the session then ends as setup_failed. */
  setup(start: StartFrame): SessionSetup;
  started(info: SessionStartInfo): void;
  line(line: TranscriptLine): void;
  metrics(metrics: TurnMetrics): void;
  /**
   * The next stretch of the call's audio as it becomes final, the two channels equal in media time:
   * the caller as received, the bot as it played (silence between turns, barged-in audio cut). Called
   * as caller audio arrives, so nothing has to hold a whole call.
   */
  audio(caller: Buffer, bot: Buffer): void;
  /** The bot decided how the call ends (before its last line plays). */
  decided(decision: 'agent' | 'none'): void;
  ended(end: SessionEndInfo): Promise<void>;
}
