import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import {
  startPublicSurface,
  type PublicSurface,
  type PublicSurfaceLimitsInput,
} from '../../../src/main/core/public-surface';

// Issue 8, finding 8: the HTTP side of the public surface refuses big, slow and misdirected bodies
// without reading them, and caps its connections. Raw sockets, so every byte and every close is seen.

const SECRET = 'limits-secret-0123456789abcdef';
let surface: PublicSurface | undefined;
const sockets: net.Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  await surface?.close();
  surface = undefined;
});

async function start(limits: PublicSurfaceLimitsInput = {}) {
  const logs: LogRecord[] = [];
  surface = await startPublicSurface({
    secret: SECRET,
    log: createLogger([memorySink(logs)], 'debug', 'test'),
    handlers: { statusCallback: () => ({ ok: true }), passthru: () => 'continue' },
    limits,
  });
  return { port: surface.port, logs };
}

interface Exchange {
  /** What the server answered (status line and headers at least). */
  response: string;
  /** Body bytes the kernel took from us before the server closed (what it could have read). */
  written: number;
  /** The server closed the connection. */
  closed: boolean;
  ms: number;
}

/**
 * Sends `head`, then up to `bodyBytes` of body as fast as the socket takes it (or `trickle` bytes and
 * then nothing), and waits (bounded) for the server to answer and close.
 */
function exchange(
  port: number,
  head: string,
  body: { bytes: number } | { trickle: number } = { bytes: 0 },
  waitMs = 4000,
): Promise<Exchange> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    let response = '';
    let written = 0;
    let closed = false;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ response, written, closed, ms: Date.now() - t0 });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.once('connect', () => {
      socket.write(head);
      if ('trickle' in body) {
        socket.write(Buffer.alloc(body.trickle, 'x'));
        written = body.trickle;
        return;
      }
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (!done && !socket.destroyed && written < body.bytes) {
          const piece = chunk.subarray(0, Math.min(chunk.length, body.bytes - written));
          written += piece.length;
          if (!socket.write(piece)) {
            socket.once('drain', pump);
            return;
          }
        }
      };
      pump();
    });
  });
}

const FIFTY_MB = 50 * 1024 * 1024;
const post = (path: string, headers: string) =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${headers}\r\n`;

describe('public surface HTTP limits', () => {
  it('answers a 50 MB body to a wrong secret at once, closes, and does not read it', async () => {
    const { port } = await start();
    const r = await exchange(port, post('/exotel/wrong-secret/status', `Content-Length: ${FIFTY_MB}\r\n`), {
      bytes: FIFTY_MB,
    });
    expect(r.response).toMatch(/^HTTP\/1\.1 404/);
    expect(r.response).toMatch(/connection: close/i);
    expect(r.closed).toBe(true);
    expect(r.written).toBeLessThan(FIFTY_MB / 2);
    expect(r.ms).toBeLessThan(3000);
  });

  it('refuses a body by its Content-Length before reading it (413, closed)', async () => {
    const { port } = await start();
    const r = await exchange(port, post(`/exotel/${SECRET}/status`, `Content-Length: ${FIFTY_MB}\r\n`), {
      bytes: FIFTY_MB,
    });
    expect(r.response).toMatch(/^HTTP\/1\.1 413/);
    expect(r.closed).toBe(true);
    expect(r.written).toBeLessThan(FIFTY_MB / 2);
    expect(r.ms).toBeLessThan(3000);
  });

  it('stops a chunked body at the size limit (413, closed)', async () => {
    const { port } = await start();
    const head = post(`/exotel/${SECRET}/status`, 'Transfer-Encoding: chunked\r\n');
    const t0 = Date.now();
    const socket = net.connect(port, '127.0.0.1');
    sockets.push(socket);
    let response = '';
    let sent = 0;
    socket.on('data', (d) => (response += d.toString('latin1')));
    socket.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(head);
    const piece = Buffer.concat([Buffer.from('10000\r\n'), Buffer.alloc(0x10000, 'x'), Buffer.from('\r\n')]);
    while (!socket.destroyed && sent < FIFTY_MB && Date.now() - t0 < 4000) {
      if (!socket.write(piece)) await new Promise((r) => setTimeout(r, 5));
      sent += 0x10000;
    }
    await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
    expect(response).toMatch(/^HTTP\/1\.1 413/);
    expect(socket.destroyed || socket.readableEnded).toBe(true);
    expect(sent).toBeLessThan(FIFTY_MB / 2);
  });

  it('cuts off a slow body within the body timeout (408, closed)', async () => {
    const { port } = await start({ bodyTimeoutMs: 300 });
    const r = await exchange(port, post(`/exotel/${SECRET}/status`, 'Content-Length: 100\r\n'), {
      trickle: 10,
    });
    expect(r.response).toMatch(/^HTTP\/1\.1 408/);
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(2000);
  });

  it('cuts off slow headers within the headers timeout', async () => {
    const { port } = await start({ headersTimeoutMs: 300 });
    const r = await exchange(port, 'POST /exotel/ HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
    expect(r.closed).toBe(true);
    expect(r.response).toMatch(/^HTTP\/1\.1 408/);
    expect(r.ms).toBeLessThan(2500);
  });

  it('refuses connections over the cap with 503 while the others are served', async () => {
    const { port } = await start({ maxConnections: 2 });
    const idle = await Promise.all(
      [0, 1].map(
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(port, '127.0.0.1', () => resolve(s));
            sockets.push(s);
          }),
      ),
    );
    const over = await exchange(port, `GET /exotel/${SECRET}/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
    expect(over.response).toMatch(/^HTTP\/1\.1 503/);
    expect(over.closed).toBe(true);
    for (const s of idle) s.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${surface!.localUrl}/exotel/${SECRET}/health`);
    expect(res.status).toBe(200);
  });

  it('answers a request target no URL parser accepts with 400, not 500, and logs no error', async () => {
    const { port, logs } = await start();
    // Node's HTTP parser passes absolute-form targets through; `new URL` throws on this one.
    for (const target of ['http://[/exotel/x/health', `http://[/exotel/${SECRET}/health`, 'http://a:b:c/']) {
      const got = await exchange(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      expect(got.response, target).toMatch(/^HTTP\/1\.1 400/);
    }
    expect(logs.filter((l) => l.level === 'error')).toEqual([]);
    const res = await fetch(`${surface!.localUrl}/exotel/${SECRET}/health`);
    expect(res.status).toBe(200);
  });

  it('connection resets are not logged as warnings', async () => {
    const { port, logs } = await start();
    for (let i = 0; i < 20; i++) {
      await new Promise<void>((resolve) => {
        const s = net.connect(port, '127.0.0.1', () => {
          s.write('POST /exotel/x/status HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc');
          s.resetAndDestroy();
          resolve();
        });
        s.on('error', () => undefined);
      });
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(logs.filter((l) => /ECONNRESET/.test(JSON.stringify(l)))).toEqual([]);
  });
});
