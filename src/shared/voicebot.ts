import type { ArtifactRef } from './artifacts';
import { z } from 'zod';

/** The voicebot's records as the Api exposes them: sessions, transcripts and per-turn latencies. */

export type VoicebotSpeaker = 'bot' | 'caller';

/** bot lines: `prompt`; caller lines: what the caller did. */
export type TranscriptLineKind = 'prompt' | 'speech' | 'dtmf' | 'no_input' | 'no_match';

export interface TranscriptLine {
  /** Order within the session, from 1. */
  seq: number;
  /** The bot turn this line belongs to (a caller line belongs to the turn it answers). */
  turn: number;
  speaker: VoicebotSpeaker;
  kind: TranscriptLineKind;
  /** Bot: what it said (or was saying when interrupted). Caller: what was recognised, or the key. */
  text: string;
  /** Media time: ms since the stream started. */
  startMs: number;
  endMs: number;
  /** Bot lines cut short by barge-in or hang-up. */
  interrupted: boolean;
  /** Recogniser confidence (0..1) when it gives one. */
  confidence: number | null;
  /** Bot lines: the dialog state after this turn. */
  state: string | null;
}

/** One bot turn's latencies. Wall-clock compute, except endpointing (media time). */
export interface TurnMetrics {
  turn: number;
  /** What the turn answered. */
  input: 'start' | 'speech' | 'dtmf' | 'no_input' | 'no_match';
  /** Caller's end of speech → the pipeline decided the turn was over (media time). */
  endpointingMs: number | null;
  asrMs: number | null;
  /**
   * The recognition missed its deadline (the ASR workers were busy or it was slow): it was still
   * done and answered, later than planned. Absent when on time.
   */
  asrLate?: boolean;
  /** The dialog's decision (includes the LLM, when one is used). */
  dialogMs: number | null;
  llmFirstTokenMs: number | null;
  llmTotalMs: number | null;
  ttsFirstAudioMs: number | null;
  /** Input detected → first bot audio sent. */
  responseMs: number | null;
  /** Caller's end of speech → first bot audio sent: endpointing plus response. */
  voiceToVoiceMs: number | null;
  /** Media length of the bot audio sent this turn. */
  botAudioMs: number;
}

export interface VoicebotRecordingPaths {
  /** Absolute paths of the WAV files: caller channel, bot channel, stereo mix (caller left, bot right). */
  caller: string;
  bot: string;
  mix: string;
}

export interface VoicebotSessionSummary {
  id: string;
  /** Our call attempt, when the stream belongs to a call we placed. */
  attemptId: string | null;
  streamSid: string;
  callSid: string;
  botId: string;
  sampleRate: number;
  startedAt: string;
  endedAt: string | null;
  /** e.g. bot_hangup, transfer, caller_hangup, closed, setup_failed. */
  endReason: string | null;
  disposition: string | null;
  transfer: 'agent' | 'none' | null;
  /** Media length of the call as the bot heard it. */
  durationMs: number | null;
  turns: number;
}

export interface VoicebotSessionDetail {
  session: VoicebotSessionSummary;
  lines: TranscriptLine[];
  metrics: TurnMetrics[];
  recordings: VoicebotRecordingPaths | null;
}

export const VoicebotSessionsSchema = z
  .object({
    limit: z.number().int().min(1).max(500).default(50),
    attemptId: z.string().min(1).max(100).optional(),
  })
  .strict();

export const VoicebotSessionIdSchema = z.object({ id: z.string().min(1).max(100) }).strict();

export const RECORDING_CHANNELS = ['mix', 'caller', 'bot'] as const;
export type RecordingChannel = (typeof RECORDING_CHANNELS)[number];

export const VoicebotRecordingSchema = z
  .object({ sessionId: z.string().min(1).max(100), channel: z.enum(RECORDING_CHANNELS) })
  .strict();

/** One recording, as an artifact the page plays from its URL (never the bytes in the reply). */
export interface VoicebotRecordingAudio {
  sessionId: string;
  channel: RecordingChannel;
  artifact: ArtifactRef;
}

/** Event payloads (kept small: the renderer asks for the detail when it wants it). */
export interface VoicebotSessionStartedEvent {
  sessionId: string;
  attemptId: string | null;
  botId: string;
}

export interface VoicebotTurnEvent {
  sessionId: string;
  attemptId: string | null;
  line: TranscriptLine;
  /** Set on bot lines that answered caller speech. */
  voiceToVoiceMs: number | null;
}

export interface VoicebotSessionEndedEvent {
  sessionId: string;
  attemptId: string | null;
  endReason: string;
  disposition: string | null;
  transfer: 'agent' | 'none' | null;
  turns: number;
  durationMs: number;
}
