import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { memorySink, type LogRecord } from '../../../src/main/core/logging';
import { startServer, type RunningServer } from '../../../src/main/server';
import { DEFAULT_SETTINGS } from '../../../src/shared/settings';
import { makeTempDir } from '../../helpers/temp-dir';

interface Frame {
  type: string;
  id?: number;
  result?: { ok: boolean; value?: unknown; error?: { code: string } };
  event?: string;
}

/** A bridge client over `ws` that collects every frame it receives. */
async function connect(url: string, headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, { headers });
  const frames: Frame[] = [];
  ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString()) as Frame));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const waitFor = async (pred: (f: Frame) => boolean, ms = 5000): Promise<Frame> => {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const hit = frames.find(pred);
      if (hit) return hit;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('timed out waiting for a frame');
  };
  let id = 0;
  const call = async (channel: string, request: unknown) => {
    const myId = ++id;
    ws.send(JSON.stringify({ type: 'invoke', id: myId, channel, request }));
    return (await waitFor((f) => f.type === 'result' && f.id === myId)).result!;
  };
  return { ws, frames, waitFor, call };
}

/** Resolves with the HTTP status an upgrade attempt got (or 101). */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      resolve(101);
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', (err) => reject(err));
  });
}

function get(port: number, pathname: string, host = `127.0.0.1:${port}`) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: pathname, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('headless host: web bridge and static UI', () => {
  let server: RunningServer;
  let cleanup = () => {};
  let wsUrl: string;
  let dataDir: string;
  const logs: LogRecord[] = [];

  beforeAll(async () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const ui = path.join(tmp.dir, 'ui');
    fs.mkdirSync(path.join(ui, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>CallDeck</title>');
    fs.writeFileSync(path.join(ui, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(tmp.dir, 'outside.txt'), 'secret');
    server = await startServer({
      dataDir: path.join(tmp.dir, 'data'),
      port: 0,
      host: '127.0.0.1',
      rendererDir: ui,
      version: 'test',
      maxUploadBytes: 64 * 1024,
      logSinks: [memorySink(logs)],
    });
    dataDir = path.join(tmp.dir, 'data');
    wsUrl = `ws://127.0.0.1:${server.port}/bridge?token=${server.token}`;
  });
  afterAll(async () => {
    await server.close();
    cleanup();
  });

  it('prints a loopback URL carrying the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
  });

  it('answers Api calls with the token', async () => {
    const c = await connect(wsUrl);
    const res = await c.call('settings.get', {});
    expect(res).toMatchObject({ ok: true, value: { settings: DEFAULT_SETTINGS } });
    c.ws.close();
  });

  it('refuses a bridge connection without the token, with a wrong token, or from a foreign origin', async () => {
    const base = `ws://127.0.0.1:${server.port}/bridge`;
    expect(await upgradeStatus(base)).toBe(401);
    expect(await upgradeStatus(`${base}?token=wrong`)).toBe(401);
    expect(await upgradeStatus(`${base}?token=${server.token}x`)).toBe(401);
    expect(await upgradeStatus(wsUrl, { Origin: 'https://evil.example' })).toBe(403);
    expect(await upgradeStatus(wsUrl, { Origin: `http://127.0.0.1:${server.port}` })).toBe(101);
    expect(await upgradeStatus(`ws://127.0.0.1:${server.port}/other?token=${server.token}`)).toBe(404);
  });

  it('survives garbage frames and keeps the connection', async () => {
    const c = await connect(wsUrl);
    c.ws.send('not json at all');
    c.ws.send(JSON.stringify({ type: 'invoke', id: 'x' }));
    c.ws.send(Buffer.from([0, 1, 2, 3]), { binary: true });
    await c.waitFor((f) => f.type === 'protocol_error');
    expect(c.frames.filter((f) => f.type === 'protocol_error')).toHaveLength(3);
    expect(await c.call('app.info', {})).toMatchObject({
      ok: true,
      value: { name: 'CallDeck', host: 'server' },
    });
    const bad = await c.call('settings.update', { section: 'calling', values: { timeZone: 'Nowhere/Land' } });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    c.ws.close();
  });

  it('a tab that closes abruptly (connection reset) is not logged as a warning', async () => {
    const warned = () =>
      logs.filter((l) => l.level !== 'debug' && /ECONNRESET|EPIPE/.test(JSON.stringify(l)));
    for (let i = 0; i < 5; i++) {
      await new Promise<void>((resolve, reject) => {
        const s = net.connect(server.port, '127.0.0.1', () => {
          s.write(
            `GET /bridge?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n` +
              'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
          );
        });
        s.once('data', (d: Buffer) => {
          if (!d.toString().startsWith('HTTP/1.1 101')) reject(new Error(d.toString()));
          // What a closing browser tab often does to its socket: a reset, not a close frame.
          s.resetAndDestroy();
          resolve();
        });
        s.on('error', () => undefined);
      });
    }
    await new Promise((r) => setTimeout(r, 200));
    expect(warned()).toEqual([]);
  });

  it('pushes changes made by one tab to another', async () => {
    const a = await connect(wsUrl);
    const b = await connect(wsUrl);
    const values = { ...DEFAULT_SETTINGS.tunnel, publicUrl: 'https://calldeck.example.in' };
    expect(await a.call('settings.update', { section: 'tunnel', values })).toMatchObject({ ok: true });
    const pushed = await b.waitFor((f) => f.type === 'event' && f.event === 'settings.changed');
    expect(pushed).toMatchObject({ payload: { settings: { tunnel: values } } });
    await b.waitFor((f) => f.type === 'event' && f.event === 'audit.appended');
    a.ws.close();
    b.ws.close();
  });

  it('serves the UI with a CSP and no referrer, and nothing outside its folder', async () => {
    const index = await get(server.port, '/');
    expect(index.status).toBe(200);
    expect(index.body).toContain('<title>CallDeck</title>');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    expect((await get(server.port, '/settings')).body).toContain('CallDeck');
    expect((await get(server.port, '/assets/app.js')).headers['content-type']).toContain('javascript');
    expect((await get(server.port, '/../outside.txt')).body).not.toContain('secret');
    expect((await get(server.port, '/%2e%2e/outside.txt')).body).not.toContain('secret');
    expect((await get(server.port, '/missing.js')).status).toBe(404);
  });

  it('stages an uploaded file with the token, and refuses one without it or too large', async () => {
    const upload = (body: Buffer, headers: Record<string, string>, name = 'customers.csv') =>
      fetch(`http://127.0.0.1:${server.port}/upload?name=${encodeURIComponent(name)}`, {
        method: 'POST',
        headers,
        body,
      }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as { ok: boolean; value?: { id: string; name: string; size: number } },
      }));
    const csv = Buffer.from('phone,name\n9876543210,Asha\n');
    const ok = await upload(csv, { 'x-calldeck-token': server.token }, '../../etc/customers.csv');
    expect(ok.status).toBe(200);
    expect(ok.json.value).toMatchObject({ name: 'customers.csv', size: csv.length });
    const storedName = `upload-${process.pid}-${ok.json.value!.id}`;
    const stored = path.join(dataDir, 'uploads', storedName);
    expect(fs.readFileSync(stored, 'utf8')).toBe(csv.toString());
    expect(fs.statSync(stored).mode & 0o777).toBe(0o600);

    expect((await upload(csv, {})).status).toBe(401);
    expect((await upload(csv, { 'x-calldeck-token': 'nope' })).status).toBe(401);
    expect(
      (await upload(csv, { 'x-calldeck-token': server.token, Origin: 'https://evil.example' })).status,
    ).toBe(403);
    const big = await upload(Buffer.alloc(65 * 1024, 65), { 'x-calldeck-token': server.token });
    expect(big.status).toBe(413);
    expect(fs.readdirSync(path.join(dataDir, 'uploads'))).toEqual([storedName]);
  });

  it('rejects a foreign Host header (DNS rebinding)', async () => {
    expect((await get(server.port, '/', 'evil.example:80')).status).toBe(421);
  });
});
