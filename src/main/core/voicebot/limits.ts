import { z } from 'zod';
import { DEFAULT_DISK_FLOOR_BYTES } from '../config';

/**
 * What one voicebot accepts from the network. Wall-clock limits (unlike the session's media-time
 * options): a socket must send `start` in time, and only so many sessions run at once.
 */
export const VoicebotLimitsSchema = z
  .object({
    /** Sessions at once (sockets waiting for `start` included); more are closed with 1013. */
    maxSessions: z.number().int().min(1).max(10_000).default(100),
    /** A socket that has not sent `start` this long after the upgrade is closed with 1008. */
    startTimeoutMs: z.number().int().min(50).max(120_000).default(10_000),
    /**
     * Every this often a socket that sent nothing since the last time is pinged; one that sent
     * nothing and answered no ping for a whole interval is gone (a dropped network closes nothing)
     * and is cut, freeing its session slot. Exotel sends media every ~100 ms while a call is up.
     */
    heartbeatMs: z.number().int().min(50).max(600_000).default(20_000),
    /**
     * What a stream from the internet (not this machine) may send per second, after a burst: Exotel
     * sends real time, at most ~70 KB/s (24 kHz PCM as base64 JSON); more is read only as fast as
     * this, so a sender far faster than a phone line costs no more CPU than a few real calls.
     */
    remoteBytesPerSecond: z
      .number()
      .int()
      .min(1024)
      .max(1024 ** 3)
      .default(256 * 1024),
    remoteBurstBytes: z
      .number()
      .int()
      .min(1024)
      .max(1024 ** 3)
      .default(1024 * 1024),
    /** Free space on the data folder's disk that call recordings leave alone (0: record until full). */
    diskFloorBytes: z
      .number()
      .int()
      .min(0)
      .max(2 ** 50)
      .default(DEFAULT_DISK_FLOOR_BYTES),
  })
  .strict();

export type VoicebotLimits = z.output<typeof VoicebotLimitsSchema>;
export type VoicebotLimitsInput = z.input<typeof VoicebotLimitsSchema>;

/** Close codes the voicebot uses for refusals (RFC 6455). */
export const CLOSE_POLICY = 1008;
export const CLOSE_INTERNAL_ERROR = 1011;
export const CLOSE_TRY_AGAIN_LATER = 1013;
