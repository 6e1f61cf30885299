import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import { silentLogger, type Logger } from '../../logging';
import { TERMINAL_STATUSES } from '../exotel/schemas';
import {
  CONCURRENCY_EXCEEDED_STATUS,
  DEFAULT_CONCURRENCY_CAP,
  DEFAULT_REQUESTS_PER_MINUTE,
} from '../exotel/wire';
import { callJson, restException, type SandboxCall } from './call';
import { SandboxClock } from './clock';
import { parseConnectForm, readForm } from './connect-form';
import { matchesFilters } from './list-filters';
import { MinuteRateLimit } from './rate-limit';
import { CallRunner } from './runner';
import { DEFAULT_SCRIPT, type CalleeScript } from './script';
import { holdLineStreamSide, type SandboxStreamSide } from './stream-side';

export interface SandboxOptions {
  port?: number;
  host?: string;
  script?: CalleeScript;
  /** Wall-clock seconds per sandbox second (0.01 runs calls 100× faster). */
  timeScale?: number;
  /** When set, only these credentials are accepted; otherwise any Basic credentials are. */
  credentials?: { apiKey: string; apiToken: string };
  /** When set, other account SIDs in the path are refused. */
  accountSid?: string;
  requestsPerMinute?: number;
  concurrencyCap?: number;
  streamSide?: SandboxStreamSide;
  /** Send each status callback twice (rehearses idempotency). */
  duplicateCallbacks?: boolean;
  callbackRetries?: number;
  defaultRingTimeoutSec?: number;
  log?: Logger;
}

export interface Sandbox {
  readonly url: string;
  readonly port: number;
  /** Every call placed, newest last. */
  calls(): readonly SandboxCall[];
  call(sid: string): SandboxCall | undefined;
  /** Resolves when the call's simulation is over (terminal callback sent). */
  settled(sid: string): Promise<void>;
  setStreamSide(side: SandboxStreamSide): void;
  close(): Promise<void>;
}

const json = (
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers }).end(JSON.stringify(body));
};

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function basic(header: string | undefined): { user: string; pass: string } | undefined {
  const m = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!m?.[1]) return undefined;
  const text = Buffer.from(m[1], 'base64').toString('utf8');
  const i = text.indexOf(':');
  return i < 1 ? undefined : { user: text.slice(0, i), pass: text.slice(i + 1) };
}

/** A local server speaking Exotel's Calls API (v1), placing simulated calls that follow a callee script. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const log = options.log ?? silentLogger;
  const clock = new SandboxClock(options.timeScale ?? 1);
  const limiter = new MinuteRateLimit(options.requestsPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE);
  const cap = options.concurrencyCap ?? DEFAULT_CONCURRENCY_CAP;
  let streamSide = options.streamSide ?? holdLineStreamSide();
  const calls = new Map<string, SandboxCall>();
  const running = new Map<string, Promise<void>>();
  const runners = new Set<CallRunner>();
  const terminal = new Set<string>(TERMINAL_STATUSES);

  const authorised = (req: http.IncomingMessage, accountSid: string): boolean => {
    const creds = basic(req.headers.authorization);
    if (!creds) return false;
    if (options.accountSid !== undefined && !same(accountSid, options.accountSid)) return false;
    const expected = options.credentials;
    return !expected || (same(creds.user, expected.apiKey) && same(creds.pass, expected.apiToken));
  };

  const connect = async (req: http.IncomingMessage, res: http.ServerResponse, accountSid: string) => {
    const form = await readForm(req);
    const parsed = parseConnectForm(form);
    if (!parsed.ok) return json(res, 400, restException(400, parsed.error));
    const active = [...calls.values()].filter((c) => !terminal.has(c.status)).length;
    if (active >= cap) {
      return json(
        res,
        CONCURRENCY_EXCEEDED_STATUS,
        restException(CONCURRENCY_EXCEEDED_STATUS, `Concurrent call limit of ${cap} reached`),
      );
    }
    const call = parsed.build(accountSid, clock.now());
    calls.set(call.sid, call);
    const runner = new CallRunner(call, {
      script: options.script ?? DEFAULT_SCRIPT,
      clock,
      streamSide: { onAnswered: (ctx) => streamSide.onAnswered(ctx) },
      log: log.child(call.sid.slice(0, 8)),
      send: {
        retries: options.callbackRetries ?? 2,
        duplicate: options.duplicateCallbacks ?? false,
        retryDelayMs: 200,
      },
      defaultRingTimeoutSec: options.defaultRingTimeoutSec ?? 45,
    });
    runners.add(runner);
    running.set(
      call.sid,
      runner.run().finally(() => runners.delete(runner)),
    );
    log.info('sandbox call placed', { sid: call.sid, from: call.from, mode: call.target.mode });
    // Exotel answers "in-progress" as soon as it accepts the request.
    json(res, 200, { Call: { ...callJson(call, false), Status: 'in-progress' } });
  };

  const route = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const m = /^\/v1\/Accounts\/([^/]+)\/(Calls\/connect\.json|Calls\.json|Calls\/([^/]+)\.json)$/.exec(
      url.pathname,
    );
    if (!m?.[1]) return json(res, 404, restException(404, 'The requested resource was not found'));
    const accountSid = decodeURIComponent(m[1]);
    if (!authorised(req, accountSid)) {
      return json(res, 401, restException(401, 'Authentication is required to view this resource.'), {
        'WWW-Authenticate': 'Basic realm="Exotel"',
      });
    }
    const admitted = limiter.take();
    if (!admitted.ok) {
      const seconds = Math.ceil(admitted.retryAfterMs / 1000);
      return json(res, 429, restException(429, 'Too many requests, please retry later'), {
        'Retry-After': String(seconds),
      });
    }
    if (m[2] === 'Calls/connect.json') {
      if (req.method !== 'POST') return json(res, 405, restException(405, 'Method not allowed'));
      return connect(req, res, accountSid);
    }
    if (req.method !== 'GET') return json(res, 405, restException(405, 'Method not allowed'));
    if (m[2] === 'Calls.json') {
      const list = [...calls.values()]
        .filter((c) => c.accountSid === accountSid && matchesFilters(c, url.searchParams))
        .reverse();
      const size = Math.min(100, Math.max(1, Number(url.searchParams.get('PageSize') ?? 50) || 50));
      return json(res, 200, {
        Metadata: { Total: list.length, PageSize: size },
        Calls: list.slice(0, size).map((c) => callJson(c, false)),
      });
    }
    const call = calls.get(decodeURIComponent(m[3] ?? ''));
    if (!call || call.accountSid !== accountSid) return json(res, 404, restException(404, 'Call not found'));
    return json(res, 200, { Call: callJson(call, url.searchParams.get('details') === 'true') });
  };

  const server = http.createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      log.error('sandbox request failed', { err });
      if (!res.headersSent) json(res, 500, restException(500, 'Internal error'));
    });
  });
  server.on('clientError', (_err, socket) => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = options.host ?? '127.0.0.1';

  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    calls: () => [...calls.values()],
    call: (sid) => calls.get(sid),
    settled: (sid) => running.get(sid) ?? Promise.reject(new Error(`sandbox has no call ${sid}`)),
    setStreamSide: (side) => {
      streamSide = side;
    },
    close: async () => {
      for (const runner of runners) runner.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
