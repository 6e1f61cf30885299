import type { ApiTransport } from '../../../shared/api/client';
import type { BridgeMessage } from '../../../shared/api/bridge-protocol';
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

/**
 * The Api transport over the headless host's WebSocket bridge. Reconnects with backoff; calls made
 * while disconnected wait for the connection, and calls in flight when it drops fail with
 * `unavailable` (the server may or may not have run them, so they are never replayed).
 */
export function createWebSocketTransport(url: string, upload: { url: string; token: string }): ApiTransport {
  const pending = new Map<number, Pending>();
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  let nextId = 1;
  let socket: WebSocket | undefined;
  let open: Promise<WebSocket> | undefined;
  let backoffMs = 250;

  const connect = (): Promise<WebSocket> => {
    open ??= new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        socket = ws;
        backoffMs = 250;
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
        switch (message.type) {
          case 'result': {
            const p = pending.get(message.id);
            pending.delete(message.id);
            p?.resolve(message.result);
            break;
          }
          case 'event':
            for (const l of listeners) l(message.event, message.payload);
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
        if (listeners.size > 0) {
          setTimeout(() => void connect().catch(() => undefined), backoffMs);
          backoffMs = Math.min(backoffMs * 2, 5000);
        }
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
      void connect().catch((err: unknown) => console.error('CallDeck bridge:', err));
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
