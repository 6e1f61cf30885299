import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer, type RunningServer } from '../../../src/main/server';
import { makeTempDir } from '../../helpers/temp-dir';

interface Frame {
  type: string;
  id?: number;
  epoch?: string;
  seq?: number;
  replay?: string;
  event?: string;
  result?: { ok: boolean };
}

/** A bridge client that keeps every frame, in order. */
async function connect(url: string) {
  const ws = new WebSocket(url);
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
  const close = () =>
    new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close();
    });
  const events = () => frames.filter((f) => f.type === 'event');
  return { frames, events, waitFor, call, close };
}

describe('web bridge: numbered events survive a reconnect', () => {
  let server: RunningServer;
  let cleanup = () => {};
  let wsUrl: string;

  beforeAll(async () => {
    const tmp = makeTempDir();
    cleanup = tmp.cleanup;
    const ui = path.join(tmp.dir, 'ui');
    fs.mkdirSync(ui, { recursive: true });
    fs.writeFileSync(path.join(ui, 'index.html'), '<!doctype html><title>CallDeck</title>');
    server = await startServer({
      dataDir: path.join(tmp.dir, 'data'),
      port: 0,
      host: '127.0.0.1',
      rendererDir: ui,
      version: 'test',
    });
    wsUrl = `ws://127.0.0.1:${server.port}/bridge?token=${server.token}`;
  });
  afterAll(async () => {
    await server.close();
    cleanup();
  });

  const addDnc = (c: Awaited<ReturnType<typeof connect>>, n: number) =>
    c.call('dnc.add', { phones: [`98${String(n).padStart(8, '0')}`] });

  it('greets each connection with its position, then hands a returning page exactly what it missed', async () => {
    const a = await connect(wsUrl);
    const hello = await a.waitFor((f) => f.type === 'hello');
    expect(a.frames[0]).toEqual(hello);
    expect(hello).toMatchObject({ replay: 'fresh', epoch: expect.any(String) as string });
    await addDnc(a, 1);
    await a.waitFor((f) => f.event === 'dnc.changed');
    const seen = a.events().map((f) => f.seq!);
    // Contiguous numbers from the greeting on.
    expect(seen[0]).toBe(hello.seq! + 1);
    expect(seen).toEqual(seen.map((_, i) => hello.seq! + 1 + i));
    const last = seen.at(-1)!;
    await a.close();

    // While the page is away, another tab changes things.
    const b = await connect(wsUrl);
    await addDnc(b, 2);
    await addDnc(b, 3);
    await b.waitFor(
      (f) => f.event === 'dnc.changed' && b.events().filter((e) => e.event === 'dnc.changed').length === 2,
    );
    const missed = b.events().filter((f) => f.seq! > last);

    const again = await connect(`${wsUrl}&epoch=${hello.epoch}&after=${last}`);
    await again.waitFor((f) => f.type === 'event' && f.seq === missed.at(-1)!.seq);
    expect(again.frames[0]).toMatchObject({
      type: 'hello',
      replay: 'complete',
      epoch: hello.epoch,
      seq: last,
    });
    expect(again.events().map((f) => [f.seq, f.event])).toEqual(missed.map((f) => [f.seq, f.event]));
    // Then live events, numbered on.
    await addDnc(b, 4);
    await again.waitFor((f) => (f.seq ?? 0) > missed.at(-1)!.seq!);
    const numbers = again.events().map((f) => f.seq!);
    expect(numbers).toEqual(numbers.map((_, i) => last + 1 + i));
    await Promise.all([again.close(), b.close()]);
  });

  it('answers gap when it cannot replay: another core run, a position from the future or nonsense', async () => {
    const a = await connect(wsUrl);
    const hello = await a.waitFor((f) => f.type === 'hello');
    await a.close();
    for (const query of [
      `&epoch=some-other-run&after=${hello.seq}`,
      `&epoch=${hello.epoch}&after=${hello.seq! + 1000}`,
      `&epoch=${hello.epoch}&after=-3`,
      `&epoch=${hello.epoch}&after=abc`,
    ]) {
      const c = await connect(`${wsUrl}${query}`);
      const h = await c.waitFor((f) => f.type === 'hello');
      expect(h, query).toMatchObject({ replay: 'gap', epoch: hello.epoch });
      expect(c.events(), query).toEqual([]);
      await c.close();
    }
  });
});
