import { z } from 'zod';
import type { ApiResult } from './errors';
import type { EventName } from './events';

/** Web bridge wire format (JSON text frames over one WebSocket per browser tab). */
export const BRIDGE_PATH = '/bridge';
export const BRIDGE_TOKEN_PARAM = 'token';
/** On a reconnect: the core run (epoch) and the last event number the page saw there. */
export const BRIDGE_EPOCH_PARAM = 'epoch';
export const BRIDGE_AFTER_PARAM = 'after';

export const BridgeResumeSchema = z.object({
  epoch: z.string().min(1).max(100),
  after: z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
});

/**
 * How a connection starts: `fresh` (no position given), `complete` (every event after the given
 * position follows, then live ones), or `gap` (they cannot all be replayed: another core run, or too
 * many; the page must re-fetch its state).
 */
export type BridgeReplay = 'fresh' | 'complete' | 'gap';

export const BridgeRequestSchema = z
  .object({
    type: z.literal('invoke'),
    id: z.number().int().nonnegative(),
    channel: z.string().min(1).max(200),
    request: z.unknown(),
  })
  .strict();
export type BridgeRequest = z.infer<typeof BridgeRequestSchema>;

export type BridgeMessage =
  | { type: 'result'; id: number; result: ApiResult<unknown> }
  /** First frame of every connection: the core run and its last event number before what follows. */
  | { type: 'hello'; epoch: string; seq: number; replay: BridgeReplay }
  | { type: 'event'; event: EventName; payload: unknown; seq: number }
  /** A frame the server could not parse: it is dropped, the connection stays. */
  | { type: 'protocol_error'; message: string };
