import { z } from 'zod';
import type { ApiResult } from './errors';
import type { EventName } from './events';

/** Web bridge wire format (JSON text frames over one WebSocket per browser tab). */
export const BRIDGE_PATH = '/bridge';
export const BRIDGE_TOKEN_PARAM = 'token';

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
  | { type: 'event'; event: EventName; payload: unknown }
  /** A frame the server could not parse: it is dropped, the connection stays. */
  | { type: 'protocol_error'; message: string };
