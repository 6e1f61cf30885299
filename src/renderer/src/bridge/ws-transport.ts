import type { ApiTransport } from '../../../shared/api/client';
import {
  BRIDGE_AFTER_PARAM,
  BRIDGE_EPOCH_PARAM,
  type BridgeMessage,
} from '../../../shared/api/bridge-protocol';
import type { ApiResult } from '../../../shared/api/errors';
import type { EventName } from '../../../shared/api/events';
import { UPLOAD_TOKEN_HEADER, type StagedFile } from '../../../shared/files';

interface Pending {
  resolve: (result: ApiResult<unknown>) => void;
}

const unavailable = (message: string): ApiResult<unknown> => ({
  ok: false,
  error: { code: 'unavailable', message },
});

const MIN_BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 5000;

/**
 * The Api transport over the headless host's WebSocket bridge. Reconnects with backoff for as long
 * as the page lives, and says where it was (the core run and the last event number it saw): the
 * server replays what was missed, or answers `gap` and the stores re-fetch (Api.onResync). Calls
 * made while disconnected wait for the connection; calls in flight when it drops fail with
 * `unavailable` (the server may or may not have run them, so they are never replayed).
 */
export function createWebSocketTransport(url: string, upload: { url: string; token: string }): ApiTransport {
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: EventName, payload: unknown, seq?: number) => void>();
  const resyncListeners = new Set<() => void>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let open: Promise<WebSocket> | undefined;
  let backoffMs = MIN_BACKOFF_MS;
  let retry: ReturnType<typeof setTimeout> | undefined;
  /** Where this page is in the core's events: sent on every reconnect. */
  let position: { epoch: string; seq: number } | undefined;

  const resumeUrl = () => {
    if (!position) return url;
    const u = new URL(url);
    u.searchParams.set(BRIDGE_EPOCH_PARAM, position.epoch);
    u.searchParams.set(BRIDGE_AFTER_PARAM, String(position.seq));
    return u.toString();
  };

  const scheduleReconnect = () => {
    if (retry !== undefined || listeners.size === 0) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().catch(scheduleReconnect);
    }, backoffMs);
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
  };

  const onFrame = (message: BridgeMessage) => {
    switch (message.type) {
      case 'result': {
        const p = pending.get(message.id);
        pending.delete(message.id);
        p?.resolve(message.result);
        break;
      }
      case 'hello': {
        const hadPosition = position !== undefined;
        position = { epoch: message.epoch, seq: message.seq };
        if (message.replay === 'gap' && hadPosition) for (const l of resyncListeners) l();
        break;
      }
      case 'event':
        // A replayed event the page already has is dropped; numbers only grow within a run.
        if (position && message.seq <= position.seq) break;
        if (position) position.seq = message.seq;
        for (const l of listeners) l(message.event, message.payload, message.seq);
        break;
      case 'protocol_error':
        console.error('CallDeck bridge:', message.message);
        break;
      default: {
        const never: never = message;
        console.error('CallDeck bridge: unknown frame', never);
      }
    }
  };

  const connect = (): Promise<WebSocket> => {
    open ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(resumeUrl());
      ws.onopen = () => {
        socket = ws;
        backoffMs = MIN_BACKOFF_MS;
        resolve(ws);
      };
      ws.onmessage = (e: MessageEvent<string>) => {
        let message: BridgeMessage;
        try {
          message = JSON.parse(e.data) as BridgeMessage;
        } catch {
          console.error('CallDeck bridge: unparsable frame from server');
          return;
        }
        onFrame(message);
      };
      ws.onclose = () => {
        const wasOpen = socket === ws;
        socket = undefined;
        open = undefined;
        for (const [id, p] of pending) {
          pending.delete(id);
          p.resolve(unavailable('Lost the connection to CallDeck; the request may not have completed.'));
        }
        if (!wasOpen) {
          reject(
            new Error('Cannot connect to CallDeck (is `calldeck serve` running, and is the link complete?)'),
          );
          return;
        }
        // Keep pushes flowing after a server restart or a network blip.
        scheduleReconnect();
      };
    });
    return open;
  };

  return {
    async invoke(channel, request) {
      let ws: WebSocket;
      try {
        ws = socket ?? (await connect());
      } catch (err) {
        scheduleReconnect();
        return unavailable(err instanceof Error ? err.message : String(err));
      }
      const id = nextId++;
      return new Promise<ApiResult<unknown>>((resolve) => {
        pending.set(id, { resolve });
        ws.send(JSON.stringify({ type: 'invoke', id, channel, request }));
      });
    },
    // A page cannot reveal a dropped file's path: stream its bytes to the host instead.
    async stage(file) {
      try {
        const res = await fetch(`${upload.url}?name=${encodeURIComponent(file.name)}`, {
          method: 'POST',
          headers: { [UPLOAD_TOKEN_HEADER]: upload.token, 'Content-Type': 'application/octet-stream' },
          body: file,
        });
        return (await res.json()) as ApiResult<StagedFile>;
      } catch (err) {
        return unavailable(
          `Could not send the file to CallDeck: ${err instanceof Error ? err.message : String(err)}`,
        ) as ApiResult<StagedFile>;
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      connect().catch((err: unknown) => {
        console.error('CallDeck bridge:', err);
        scheduleReconnect();
      });
      return () => {
        listeners.delete(listener);
      };
    },
    onResync(listener) {
      resyncListeners.add(listener);
      return () => {
        resyncListeners.delete(listener);
      };
    },
  };
}
