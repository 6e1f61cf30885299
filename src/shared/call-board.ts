import { z } from 'zod';
import type { CallAttemptInfo } from './telephony';

/** The most rows the board loads at once (the page is virtualised; 10,000 rows must stay smooth). */
export const BOARD_MAX_ROWS = 20_000;

/** The board's rows: the newest calls (optionally one campaign's), or the given attempts. */
export const CallBoardRequestSchema = z
  .object({
    campaignId: z.string().trim().min(1).max(200).optional(),
    /** Only these attempts (the page fetches rows it has just heard of). */
    attemptIds: z.array(z.string().min(1).max(100)).min(1).max(1000).optional(),
    limit: z.number().int().min(1).max(BOARD_MAX_ROWS).default(5000),
  })
  .strict();

/** One attempt on the live board: the call's state plus who it is for and how the bot did. */
export interface BoardCall extends CallAttemptInfo {
  campaignId: string | null;
  contactName: string | null;
  /** The attempt's number for its contact in its campaign (1 = first call); null outside campaigns. */
  attemptNo: number | null;
  /** The bot's disposition (its last session's). */
  disposition: string | null;
  /** Median voice-to-voice latency of the bot's turns on this call. */
  latencyMs: number | null;
  /**
   * Mismatches between the carrier's record and the bot's (the outcome check), and `speech_late`
   * when a turn's speech recognition missed its deadline (heard and answered later than planned).
   */
  flags: string[];
}
