import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../../src/main/server';
import { makeTempDir } from '../../helpers/temp-dir';

// Api requests over the web bridge are outside input too: bounded and prototype-safe before any
// schema runs (issue 8). Each refusal is a protocol_error naming why; the connection goes on.

interface Frame {
  type: string;
  id?: number;
  message?: string;
  result?: { ok: boolean };
}

let server: RunningServer;
let cleanup = () => {};
let wsUrl: string;

beforeAll(async () => {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  server = await startServer({
    dataDir: path.join(tmp.dir, 'data'),
    port: 0,
    host: '127.0.0.1',
    rendererDir: path.join(tmp.dir, 'ui'),
    version: 'test',
  });
  wsUrl = `ws://127.0.0.1:${server.port}/bridge?token=${server.token}`;
});
afterAll(async () => {
  await server.close();
  cleanup();
});

async function connect() {
  const ws = new WebSocket(wsUrl);
  const frames: Frame[] = [];
  ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString()) as Frame));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (pred: (f: Frame) => boolean): Promise<Frame> => {
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      const at = frames.findIndex(pred);
      if (at >= 0) return frames.splice(at, 1)[0]!;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('timed out waiting for a frame');
  };
  return { ws, next };
}

describe('web bridge against hostile requests', () => {
  it('refuses deep nesting, too many keys and prototype keys with a clear protocol error', async () => {
    const c = await connect();
    const invoke = (request: string) => `{"type":"invoke","id":1,"channel":"app.info","request":${request}}`;
    const refusals: [string, string][] = [
      [invoke('['.repeat(100_000) + ']'.repeat(100_000)), 'JSON is nested deeper than 32 levels'],
      [
        invoke(`{${Array.from({ length: 10_001 }, (_, i) => `"k${i}":0`).join(',')}}`),
        'more than 10000 keys',
      ],
      [invoke('{"__proto__":{"polluted":"yes"}}'), 'key "__proto__" is not allowed'],
      [
        invoke('{"a":[{"constructor":{"prototype":{"polluted":"yes"}}}]}'),
        'key "constructor" is not allowed',
      ],
    ];
    for (const [frame, why] of refusals) {
      c.ws.send(frame);
      const error = await c.next((f) => f.type === 'protocol_error' || f.type === 'result');
      expect(error.type).toBe('protocol_error');
      expect(error.message).toContain(why);
      expect(error.message!.length).toBeLessThan(200);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    c.ws.send(invoke('{}'));
    expect((await c.next((f) => f.type === 'result')).result).toMatchObject({ ok: true });
    c.ws.close();
  });
});
