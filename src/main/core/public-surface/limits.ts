import { z } from 'zod';

/**
 * What the public listener accepts from the internet. Exotel's inbound media is ~100 ms per frame
 * at most 24 kHz (4,800 bytes of PCM, ~6.5 KB as base64 JSON), so 64 KiB frames leave ten times
 * that; callbacks are a few KB, sent at once.
 */
export const PublicSurfaceLimitsSchema = z
  .object({
    /** Open sockets (HTTP and WebSocket); more are answered 503 and closed, far more are dropped. */
    maxConnections: z.number().int().min(1).max(100_000).default(256),
    /** Largest WebSocket message; a bigger one closes the socket with 1009. */
    maxFrameBytes: z
      .number()
      .int()
      .min(1024)
      .max(16 * 1024 * 1024)
      .default(64 * 1024),
    /** Time to send the request line and headers. */
    headersTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** Time to send a request body once its handler reads it. */
    bodyTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  })
  .strict();

export type PublicSurfaceLimits = z.output<typeof PublicSurfaceLimitsSchema>;
export type PublicSurfaceLimitsInput = z.input<typeof PublicSurfaceLimitsSchema>;

/** Sockets beyond maxConnections + this are dropped without an answer (the 503 costs a socket too). */
export const HARD_CONNECTION_HEADROOM = 64;
