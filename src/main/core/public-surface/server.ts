import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logging';
import { parsePassthru, parseStatusCallback, type Passthru, type StatusCallback } from '../telephony';
import { BodyError, parseFields, readBody } from './body';
import { sameSecret } from './secret';
import { authenticateVoicebot, closingVoicebotHandler, type VoicebotHandler } from './voicebot-route';

/** What Exotel's callbacks are handed to (the call state service, in the composed core). */
export interface ExotelCallbackHandlers {
  statusCallback(cb: StatusCallback): { ok: true } | { ok: false; error: string };
  /** `transfer` answers 302 (the flow's branch B: connect an agent); `continue` answers 200. */
  passthru(p: Passthru): 'continue' | 'transfer';
}

export interface PublicSurfaceOptions {
  secret: string;
  handlers: ExotelCallbackHandlers;
  log: Logger;
  port?: number;
  /** Loopback by default: the tunnel reaches us there. */
  host?: string;
  voicebot?: VoicebotHandler;
}

export interface PublicSurface {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly localUrl: string;
  setVoicebotHandler(handler: VoicebotHandler): void;
  close(): Promise<void>;
}

const MAX_WS_FRAME = 1024 * 1024;

function reply(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  if (res.headersSent) return;
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
  });
  res.end(body);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Never log the secret: routes are shown with it masked. */
const redact = (url: string | undefined, secret: string) => (url ?? '').split(secret).join('<secret>');

/**
 * The one public listener (the only thing the tunnel exposes): Exotel's status callback and
 * passthru, and the voicebot WebSocket. Every route carries the install's secret; the rest is 404.
 */
export async function startPublicSurface(options: PublicSurfaceOptions): Promise<PublicSurface> {
  const { secret, handlers, log } = options;
  let voicebot = options.voicebot ?? closingVoicebotHandler;
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_FRAME });

  const notFound = (req: http.IncomingMessage, res: http.ServerResponse) => {
    log.warn('public request refused', {
      method: req.method,
      path: redact(req.url, secret),
      remote: req.socket.remoteAddress,
    });
    reply(res, 404, 'Not found');
  };

  const handleStatus = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const body = await readBody(req);
    const fields = await parseFields(req.headers['content-type'], body);
    const parsed = parseStatusCallback(fields);
    if (!parsed.ok) {
      log.warn('malformed status callback', { error: parsed.error });
      reply(res, 400, `Bad request: ${parsed.error}`);
      return;
    }
    const result = handlers.statusCallback(parsed.value);
    if (!result.ok) {
      log.warn('status callback refused', { callSid: parsed.value.callSid, error: result.error });
      reply(res, 400, `Bad request: ${result.error}`);
      return;
    }
    reply(res, 200, 'OK');
  };

  const handlePassthru = (url: URL, res: http.ServerResponse) => {
    const parsed = parsePassthru(url.searchParams);
    if (!parsed.ok) {
      log.warn('malformed passthru', { error: parsed.error });
      reply(res, 400, `Bad request: ${parsed.error}`);
      return;
    }
    const branch = handlers.passthru(parsed.value);
    // Exotel follows only the status code; the body is just a courtesy.
    reply(res, branch === 'transfer' ? 302 : 200, 'OK', branch === 'transfer' ? { Location: '/' } : {});
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://public.invalid');
    const [, area, given, action, ...extra] = url.pathname.split('/');
    if (area !== 'exotel' || !sameSecret(given, secret) || extra.length > 0) return notFound(req, res);
    if (action === 'status') {
      if (req.method !== 'POST') return reply(res, 405, 'Method not allowed', { Allow: 'POST' });
      return handleStatus(req, res);
    }
    if (action === 'passthru') {
      if (req.method !== 'GET') return reply(res, 405, 'Method not allowed', { Allow: 'GET' });
      return handlePassthru(url, res);
    }
    if (action === 'health' && req.method === 'GET') return reply(res, 200, 'OK');
    return notFound(req, res);
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (err instanceof BodyError) {
        log.warn('public request body refused', { path: redact(req.url, secret), status: err.status, err });
        reply(res, err.status, err.message, err.status === 413 ? { Connection: 'close' } : {});
        return;
      }
      log.error('public request failed', { path: redact(req.url, secret), err });
      reply(res, 500, 'Internal error');
    });
  });
  server.on('clientError', (err, socket) => {
    log.warn('public client error', { err });
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => log.warn('voicebot upgrade socket error', { err }));
    const request = authenticateVoicebot(req, secret);
    if (!request) {
      log.warn('voicebot upgrade refused', {
        path: redact(req.url, secret),
        remote: req.socket.remoteAddress,
      });
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', (err) => log.warn('voicebot socket error', { err }));
      try {
        voicebot(ws, request);
      } catch (err) {
        log.error('voicebot handler failed', { err });
        ws.close(1011, 'internal error');
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error('public surface error', { err }));
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';
  log.info('public surface listening', { port });

  return {
    port,
    localUrl: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    setVoicebotHandler: (handler) => {
      voicebot = handler;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
