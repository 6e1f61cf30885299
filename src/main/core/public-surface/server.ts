import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logging';
import { parsePassthru, parseStatusCallback, type Passthru, type StatusCallback } from '../telephony';
import { BodyError, parseFields, readBody } from './body';
import { HARD_CONNECTION_HEADROOM, PublicSurfaceLimitsSchema, type PublicSurfaceLimitsInput } from './limits';
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
  /** Connections, frame size and timeouts (defaults: PublicSurfaceLimitsSchema). */
  limits?: PublicSurfaceLimitsInput;
  /** False refuses a callback or a voicebot stream (403): the operator's source ranges (source-filter.ts). */
  allowSource?: (req: http.IncomingMessage) => boolean;
}

export interface PublicSurface {
  readonly port: number;
  /** `http://127.0.0.1:PORT` */
  readonly localUrl: string;
  setVoicebotHandler(handler: VoicebotHandler): void;
  close(): Promise<void>;
}

/** Requests whose body we read to the end; any other request with a body is answered and closed. */
const bodiesRead = new WeakSet<http.IncomingMessage>();

const hasBody = (req: http.IncomingMessage) =>
  req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? '0') > 0;

/**
 * Answers at once. A body we did not read (wrong secret, wrong method, refused) is never drained:
 * `Connection: close` makes Node close the socket once the answer is out.
 */
function reply(res: http.ServerResponse, status: number, body: string, headers: Record<string, string> = {}) {
  if (res.headersSent) return;
  const unread = hasBody(res.req) && !bodiesRead.has(res.req);
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...(unread ? { Connection: 'close' } : {}),
    ...headers,
  });
  res.end(body);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** A peer that went away: routine on the internet, not worth a log line. */
const isReset = (err: unknown) => {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED';
};

const CLIENT_ERROR_STATUS: Record<string, string> = {
  ERR_HTTP_REQUEST_TIMEOUT: '408 Request Timeout',
  HPE_HEADER_OVERFLOW: '431 Request Header Fields Too Large',
};

/** Never log the secret: routes are shown with it masked. */
const redact = (url: string | undefined, secret: string) => (url ?? '').split(secret).join('<secret>');

/**
 * The one public listener (the only thing the tunnel exposes): Exotel's status callback and
 * passthru, and the voicebot WebSocket. Every route carries the install's secret; the rest is 404.
 */
export async function startPublicSurface(options: PublicSurfaceOptions): Promise<PublicSurface> {
  const { secret, handlers, log } = options;
  const limits = PublicSurfaceLimitsSchema.parse(options.limits ?? {});
  let voicebot = options.voicebot ?? closingVoicebotHandler;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
  /** Sockets accepted over maxConnections: their request is answered 503 and they are closed. */
  const overCap = new WeakSet<Socket>();
  let open = 0;

  const notFound = (req: http.IncomingMessage, res: http.ServerResponse) => {
    log.warn('public request refused', {
      method: req.method,
      path: redact(req.url, secret),
      remote: req.socket.remoteAddress,
    });
    reply(res, 404, 'Not found');
  };

  const handleStatus = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const body = await readBody(req, undefined, limits.bodyTimeoutMs);
    bodiesRead.add(req);
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
    // Node passes absolute-form targets (`GET http://[/… HTTP/1.1`) through; some no URL parser takes.
    const url = URL.parse(req.url ?? '/', 'http://public.invalid');
    if (!url) return reply(res, 400, 'Bad request target', { Connection: 'close' });
    const [, area, given, action, ...extra] = url.pathname.split('/');
    if (area !== 'exotel' || !sameSecret(given, secret) || extra.length > 0) return notFound(req, res);
    if (action !== 'health' && options.allowSource?.(req) === false) return reply(res, 403, 'Forbidden');
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

  const overloaded = (socket: Socket) => {
    if (!overCap.has(socket)) return false;
    log.warn('public connection refused: too many connections', { maxConnections: limits.maxConnections });
    return true;
  };

  const server = http.createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs,
      // Node checks both timeouts on this interval (30 s by default): they hold to within it.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 3))),
    },
    (req, res) => {
      if (overloaded(req.socket)) {
        reply(res, 503, 'Too many connections: try again later', { Connection: 'close', 'Retry-After': '5' });
        return;
      }
      route(req, res).catch((err: unknown) => {
        if (err instanceof BodyError) {
          // An expected refusal: its message says all, a stack would only fill the log.
          log.warn('public request body refused', {
            path: redact(req.url, secret),
            status: err.status,
            error: err.message,
          });
          reply(res, err.status, err.message, { Connection: 'close' });
          return;
        }
        log.error('public request failed', { path: redact(req.url, secret), err });
        reply(res, 500, 'Internal error');
      });
    },
  );
  // Far over the cap, sockets are dropped unanswered: a flood must not cost one 503 each.
  server.maxConnections = limits.maxConnections + HARD_CONNECTION_HEADROOM;
  server.on('connection', (socket: Socket) => {
    open++;
    if (open > limits.maxConnections) overCap.add(socket);
    socket.once('close', () => open--);
  });
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (isReset(err)) {
      socket.destroy();
      return;
    }
    const status = CLIENT_ERROR_STATUS[err.code ?? ''] ?? '400 Bad Request';
    log.warn('public client error', { code: err.code, message: err.message });
    if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    else socket.destroy();
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => {
      if (!isReset(err)) log.warn('voicebot upgrade socket error', { err });
    });
    if (overloaded(req.socket)) {
      refuseUpgrade(socket, 503, 'Service Unavailable');
      return;
    }
    const request = authenticateVoicebot(req, secret);
    if (!request) {
      log.warn('voicebot upgrade refused', {
        path: redact(req.url, secret),
        remote: req.socket.remoteAddress,
      });
      refuseUpgrade(socket, 404, 'Not Found');
      return;
    }
    if (options.allowSource?.(req) === false) {
      refuseUpgrade(socket, 403, 'Forbidden');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      ws.on('error', (err) => {
        if (!isReset(err)) log.warn('voicebot socket error', { err });
      });
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
