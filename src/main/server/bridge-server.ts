import { timingSafeEqual } from 'node:crypto';
import type http from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import {
  BRIDGE_AFTER_PARAM,
  BRIDGE_EPOCH_PARAM,
  BRIDGE_PATH,
  BRIDGE_TOKEN_PARAM,
  BridgeRequestSchema,
  BridgeResumeSchema,
  type BridgeMessage,
} from '../../shared/api/bridge-protocol';
import { parseJson, type Core } from '../core';
import { isPeerGone } from './peer-gone';

const MAX_FRAME_BYTES = 1024 * 1024;
/** Api requests are small forms: bounded before parsing (issue 8), prototype-less after. */
const FRAME_LIMITS = { maxBytes: MAX_FRAME_BYTES, maxDepth: 32, maxKeys: 10_000 };

function rawToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  return Buffer.from(new Uint8Array(data)).toString('utf8');
}

function sameToken(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

export interface BridgeServer {
  /** Handles an HTTP upgrade; refuses (401/403/404) anything that is not an authorised bridge. */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

/** The web bridge: the same Api as IPC, over one WebSocket per browser tab, behind a token. */
export function createBridgeServer(
  core: Core,
  token: string,
  isAllowedOrigin: (origin: string) => boolean,
): BridgeServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const log = core.log.child('bridge');

  const send = (ws: WebSocket, message: BridgeMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };

  /**
   * The page says where it was (a reconnect): it gets what it missed, in order, before live events.
   * All in one tick, so no event can fall between the replay and the subscription.
   */
  const onConnection = (ws: WebSocket, url: URL) => {
    const resume = url.searchParams.has(BRIDGE_EPOCH_PARAM)
      ? BridgeResumeSchema.safeParse({
          epoch: url.searchParams.get(BRIDGE_EPOCH_PARAM),
          after: url.searchParams.get(BRIDGE_AFTER_PARAM),
        })
      : undefined;
    // A position that does not parse cannot be replayed from: the page re-fetches.
    const missed =
      resume === undefined
        ? []
        : resume.success
          ? core.eventsSince({ epoch: resume.data.epoch, seq: resume.data.after })
          : undefined;
    const position = core.eventPosition();
    const replay = resume === undefined ? 'fresh' : missed ? 'complete' : 'gap';
    const from = replay === 'complete' && resume?.success ? resume.data.after : position.seq;
    send(ws, { type: 'hello', epoch: position.epoch, seq: from, replay });
    if (replay !== 'fresh') log.info('bridge reconnected', { replay, missed: missed?.length ?? null });
    for (const e of missed ?? []) send(ws, { type: 'event', event: e.event, payload: e.payload, seq: e.seq });
    const unsubscribe = core.subscribe((event, payload, seq) =>
      send(ws, { type: 'event', event, payload, seq }),
    );
    ws.on('close', unsubscribe);
    ws.on('error', (err) =>
      isPeerGone(err)
        ? log.debug('bridge socket closed by the peer', { code: (err as NodeJS.ErrnoException).code })
        : log.warn('bridge socket error', { err }),
    );
    ws.on('message', (data, isBinary) => {
      const json = isBinary ? undefined : parseJson(rawToText(data), FRAME_LIMITS);
      if (json && !json.ok && json.error.kind !== 'invalid_json') {
        log.warn('refused a bridge frame', { kind: json.error.kind, error: json.error.message });
        send(ws, { type: 'protocol_error', message: `Refused frame: ${json.error.message}` });
        return;
      }
      const parsed = BridgeRequestSchema.safeParse(json?.ok ? json.value : undefined);
      if (!parsed.success) {
        log.warn('dropped malformed bridge frame');
        send(ws, {
          type: 'protocol_error',
          message: 'Malformed frame: expected {type:"invoke", id, channel, request}',
        });
        return;
      }
      const { id, channel, request } = parsed.data;
      core
        .invoke(channel, request)
        .then((result) => send(ws, { type: 'result', id, result }))
        .catch((err: unknown) => log.error('bridge invoke failed', { channel, err }));
    });
  };

  return {
    handleUpgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://local');
      if (url.pathname !== BRIDGE_PATH) {
        refuse(socket, 404, 'Not Found');
        return;
      }
      if (!sameToken(url.searchParams.get(BRIDGE_TOKEN_PARAM), token)) {
        log.warn('refused bridge connection without a valid token', { remote: req.socket.remoteAddress });
        refuse(socket, 401, 'Unauthorized');
        return;
      }
      const origin = req.headers.origin;
      if (origin !== undefined && !isAllowedOrigin(origin)) {
        log.warn('refused bridge connection from a foreign origin', { origin });
        refuse(socket, 403, 'Forbidden');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, url));
    },
    close() {
      for (const client of wss.clients) client.terminate();
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}
