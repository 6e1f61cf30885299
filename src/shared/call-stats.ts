import { z } from 'zod';

/** Which calls the statistics cover: one campaign's, or every call (test calls included). */
export const CallStatsRequestSchema = z
  .object({ campaignId: z.string().trim().min(1).max(200).optional() })
  .strict();

export interface Percentiles {
  p50: number;
  p95: number;
}

/** Aggregates of calls, computed in the core (SQL over call_attempts and voicebot records). */
export interface CallStats {
  campaignId: string | null;
  /** Every attempt, and those not yet in a terminal state. */
  total: number;
  active: number;
  /** Finished attempts by terminal state (completed, busy, no_answer, failed, canceled, interrupted). */
  byOutcome: { outcome: string; count: number }[];
  finished: number;
  answered: number;
  /** answered ÷ finished; null before any call finished. */
  answerRate: number | null;
  /** completed ÷ finished (the seeds' success rate). */
  successRate: number | null;
  averageDurationSec: number | null;
  /** Talk time of answered calls with a duration. */
  talkTimeSec: Percentiles | null;
  /** Calls the bot handed to an agent, and that share of answered calls. */
  transfers: number;
  transferRate: number | null;
  machineAnswered: number;
  /** The carrier's settled prices summed (account currency), and finished calls still unpriced. */
  spend: number;
  unpriced: number;
  /** The bot's dispositions (sessions that ended with one). */
  dispositions: { disposition: string; count: number }[];
  /** Voice-to-voice latency per hour of the turn's session start (UTC hour, ISO `YYYY-MM-DDTHH:00Z`). */
  latencyByHour: ({ hour: string; turns: number } & Percentiles)[];
  latency: Percentiles | null;
  /** The outcome check's flags on campaign attempts (a call may carry several). */
  flags: { flag: string; count: number }[];
  /** Attempts placed per hour (UTC). */
  callsPerHour: { hour: string; calls: number }[];
}
