import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { memorySink, createLogger, type LogRecord } from '../../../src/main/core/logging';
import {
  ExotelStreamClient,
  sampleRateFromUrl,
  StreamConnection,
  StreamConnectError,
  type InboundFrame,
  type StreamFrameError,
} from '../../../src/main/core/stream';

/** A real ws server on 127.0.0.1:0; `onSocket` gets each accepted socket and its URL. */
async function startServer(
  onSocket: (ws: WebSocket, url: string) => void,
  verify?: (req: http.IncomingMessage) => boolean,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    if (verify && !verify(req)) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => onSocket(ws, req.url ?? '/'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/voicebot/secret/`,
    close: async () => {
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Collects the text frames a raw socket receives. */
function collect(ws: WebSocket): string[] {
  const frames: string[] = [];
  ws.on('message', (d: WebSocket.RawData) => frames.push((d as Buffer).toString('utf8')));
  return frames;
}

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const tone = (bytes: number) => Buffer.alloc(bytes, 0x11);

describe('ExotelStreamClient → a raw ws server: exact frames', () => {
  it('sends connected, start, paced media, echoes marks in media time, dtmf, stop', async () => {
    let serverSocket: WebSocket | undefined;
    let received: string[] = [];
    const srv = await startServer((ws) => {
      serverSocket = ws;
      received = collect(ws);
    });
    cleanups.push(srv.close);
    const client = await ExotelStreamClient.connect({
      url: srv.url,
      pacing: 'fast',
      streamSid: 'MZabc',
      callSid: 'CA1',
      accountSid: 'AC1',
      from: '+919800000001',
      to: '+918000000002',
      customParameters: { call: '42' },
    });
    await client.say(tone(4000)); // 250 ms → three 100 ms chunks, the last padded
    await until(() => received.length === 5, 'five frames');
    expect(received[0]).toBe('{"event":"connected"}');
    expect(received[1]).toBe(
      '{"event":"start","sequence_number":"1","stream_sid":"MZabc","start":{"stream_sid":"MZabc","call_sid":"CA1",' +
        '"account_sid":"AC1","from":"+919800000001","to":"+918000000002","custom_parameters":{"call":"42"},' +
        '"media_format":{"encoding":"raw/slin","sample_rate":"8000","bit_rate":"128kbps"}}}',
    );
    const payload = (b: Buffer) => b.toString('base64');
    expect(received[2]).toBe(
      `{"event":"media","sequence_number":"2","stream_sid":"MZabc","media":{"chunk":"1","timestamp":"100","payload":"${payload(tone(1600))}"}}`,
    );
    const last = Buffer.concat([tone(800), Buffer.alloc(800)]);
    expect(received[4]).toBe(
      `{"event":"media","sequence_number":"4","stream_sid":"MZabc","media":{"chunk":"3","timestamp":"300","payload":"${payload(last)}"}}`,
    );
    expect(client.mediaMs).toBe(300);

    // The bot queues 400 ms of audio and a mark at media time 300: the echo is due at 700.
    serverSocket?.send(
      JSON.stringify({
        event: 'media',
        stream_sid: 'MZabc',
        media: { payload: tone(6400).toString('base64') },
      }),
    );
    serverSocket?.send(JSON.stringify({ event: 'mark', stream_sid: 'MZabc', mark: { name: 'turn-1' } }));
    const echoes: number[] = [];
    client.on('mark', (m) => echoes.push(m.atMs));
    await until(() => client.botSpeaking, 'bot audio queued');
    expect(await client.untilMark('turn-1', 2000)).toBe(true);
    expect(echoes).toEqual([700]);
    expect(client.mediaMs).toBe(700);
    await until(() => received.some((f) => f.includes('"event":"mark"')), 'mark echo');
    expect(received.find((f) => f.includes('"event":"mark"'))).toBe(
      '{"event":"mark","sequence_number":"9","stream_sid":"MZabc","mark":{"name":"turn-1"}}',
    );

    await client.dtmf('5');
    await client.hangup();
    await until(() => received.some((f) => f.includes('"stop"')), 'stop');
    expect(received.slice(-2)).toEqual([
      '{"event":"dtmf","sequence_number":"10","stream_sid":"MZabc","dtmf":{"digit":"5","duration":"100"}}',
      '{"event":"stop","sequence_number":"11","stream_sid":"MZabc","stop":{"call_sid":"CA1","account_sid":"AC1","reason":"callended"}}',
    ]);
    expect((await client.closed).by).toBe('client');
  });

  it('reports bad bot frames and rule-breaking chunk sizes but keeps going', async () => {
    let serverSocket: WebSocket | undefined;
    const srv = await startServer((ws) => (serverSocket = ws));
    cleanups.push(srv.close);
    const client = await ExotelStreamClient.connect({ url: srv.url, pacing: 'fast', streamSid: 'MZ1' });
    const errors: string[] = [];
    const problems: string[] = [];
    client.on('frameError', (e) => errors.push(e.kind));
    client.on('protocolError', (p) => problems.push(p));
    await until(() => serverSocket !== undefined, 'socket');
    serverSocket?.send('garbage');
    serverSocket?.send('{"event":"hangup"}');
    serverSocket?.send(
      JSON.stringify({ event: 'media', streamSid: 'MZ1', media: { payload: tone(500).toString('base64') } }),
    );
    serverSocket?.send(JSON.stringify({ event: 'clear', stream_sid: 'MZother' }));
    await until(() => problems.length === 2, 'protocol errors');
    expect(errors).toEqual(['invalid_json', 'unknown_event']);
    expect(problems[0]).toMatch(/not a multiple of 320/);
    expect(problems[1]).toMatch(/MZother/);
    expect(client.isOpen).toBe(true);
    await client.hangup();
  });

  it('reads the sample rate from the URL and sizes its chunks by it', async () => {
    let received: string[] = [];
    let seenUrl = '';
    const srv = await startServer((ws, url) => {
      seenUrl = url;
      received = collect(ws);
    });
    cleanups.push(srv.close);
    const client = await ExotelStreamClient.connect({ url: `${srv.url}?sample-rate=16000`, pacing: 'fast' });
    await client.say(tone(3200));
    await until(() => received.length === 3, 'frames');
    expect(sampleRateFromUrl(seenUrl)).toEqual({ ok: true, sampleRate: 16000 });
    expect(received[1]).toContain('"sample_rate":"16000"');
    const media = JSON.parse(received[2] as string) as { media: { payload: string } };
    expect(Buffer.from(media.media.payload, 'base64').length).toBe(3200); // 100 ms at 16 kHz
    await client.hangup();
  });

  it('fails with a typed error when the upgrade is refused', async () => {
    const srv = await startServer(
      () => undefined,
      () => false,
    );
    cleanups.push(srv.close);
    const err = await ExotelStreamClient.connect({ url: srv.url }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StreamConnectError);
    expect((err as StreamConnectError).status).toBe(401);
  });

  it('paces media to the wall clock in real time', async () => {
    let received: string[] = [];
    const srv = await startServer((ws) => (received = collect(ws)));
    cleanups.push(srv.close);
    const client = await ExotelStreamClient.connect({ url: srv.url, pacing: 'realtime', continuous: false });
    const t0 = performance.now();
    await client.say(tone(8000)); // 500 ms
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(480);
    expect(elapsed).toBeLessThan(3000);
    await until(() => received.length === 7, 'frames');
    await client.hangup();
  });
});

describe('StreamConnection (bot side) ← a raw ws client: exact frames', () => {
  it('types inbound frames, drops bad ones (logged), and emits media / mark / clear exactly', async () => {
    const logs: LogRecord[] = [];
    let conn: StreamConnection | undefined;
    const frames: InboundFrame[] = [];
    const bad: StreamFrameError[] = [];
    const srv = await startServer((ws, url) => {
      const rate = sampleRateFromUrl(url);
      if (!rate.ok) throw new Error(rate.error);
      conn = new StreamConnection(ws, {
        sampleRate: rate.sampleRate,
        logger: createLogger([memorySink(logs)]),
      });
      conn.on('frame', (f) => frames.push(f));
      conn.on('frameError', (e) => bad.push(e));
    });
    cleanups.push(srv.close);
    const ws = new WebSocket(srv.url);
    const out = collect(ws);
    await new Promise((r) => ws.once('open', r));
    ws.send('{"event":"connected"}');
    ws.send('{"event":"media","media":{"payload":"AAA"}}'); // before start, and malformed
    ws.send(
      JSON.stringify({
        event: 'start',
        sequenceNumber: 1,
        streamSid: 'MZx',
        start: { callSid: 'CAx', accountSid: 'ACx', from: '1', to: '2', mediaFormat: { sampleRate: 8000 } },
      }),
    );
    ws.send('{"event":"nonsense"}');
    ws.send(
      JSON.stringify({
        event: 'media',
        stream_sid: 'MZx',
        media: { chunk: 1, timestamp: 100, payload: tone(1600).toString('base64') },
      }),
    );
    ws.send('{"event":"dtmf","stream_sid":"MZx","dtmf":{"digit":"#"}}');
    await until(() => frames.length === 4, 'four frames');
    expect(frames.map((f) => f.event)).toEqual(['connected', 'start', 'media', 'dtmf']);
    expect(bad.map((e) => e.kind)).toEqual(['invalid_frame', 'unknown_event']);
    expect(logs.filter((l) => l.message === 'dropped a bad stream frame')).toHaveLength(2);
    expect(conn?.receivedMs).toBe(100);
    expect(conn?.streamSid).toBe('MZx');

    // 250 ms of reply streamed in odd pieces: one 200 ms chunk now, the padded rest on flush.
    conn?.sendAudio(tone(3001));
    conn?.sendAudio(tone(999));
    conn?.flushAudio();
    conn?.sendMark('turn-1');
    conn?.sendClear();
    await until(() => out.length === 4, 'four outbound frames');
    expect(out[0]).toBe(
      `{"event":"media","stream_sid":"MZx","media":{"payload":"${tone(3200).toString('base64')}"}}`,
    );
    const rest = Buffer.concat([tone(800), Buffer.alloc(2400)]);
    expect(out[1]).toBe(
      `{"event":"media","stream_sid":"MZx","media":{"payload":"${rest.toString('base64')}"}}`,
    );
    expect(out[2]).toBe('{"event":"mark","stream_sid":"MZx","mark":{"name":"turn-1"}}');
    expect(out[3]).toBe('{"event":"clear","stream_sid":"MZx"}');
    expect(conn?.sentMs).toBe(400);
    expect(() => conn?.sendMediaChunk(tone(1000))).toThrow(/not a multiple of 320/);

    const closed = new Promise<number>((r) => ws.once('close', (code: number) => r(code)));
    await conn?.close(1000, 'bye');
    expect(await closed).toBe(1000);
  });
});

describe('StreamConnection ↔ ExotelStreamClient', () => {
  it('barge-in: clear drops unplayed audio and releases the pending mark; stop mid-turn ends the call', async () => {
    let conn: StreamConnection | undefined;
    const srv = await startServer((ws) => {
      conn = new StreamConnection(ws, { sampleRate: 8000 });
    });
    cleanups.push(srv.close);
    const client = await ExotelStreamClient.connect({ url: srv.url, pacing: 'fast' });
    await until(() => conn?.start !== undefined, 'start');
    const clears: { atMs: number; droppedMs: number }[] = [];
    client.on('clear', (c) => clears.push(c));
    const botMarks: string[] = [];
    conn?.on('mark', (m) => botMarks.push(m.name));

    conn?.sendAudio(tone(16000)); // 1 s of greeting
    conn?.flushAudio();
    conn?.sendMark('greeting');
    await until(() => client.botSpeaking, 'greeting queued');
    await client.say(tone(3200)); // caller talks over it for 200 ms
    conn?.sendClear();
    await until(() => clears.length === 1, 'clear');
    expect(clears[0]?.atMs).toBe(200);
    expect(clears[0]?.droppedMs).toBe(800);
    await until(() => botMarks.length === 1, 'mark echoed');
    expect(botMarks).toEqual(['greeting']);
    expect(client.botSpeaking).toBe(false);

    conn?.sendAudio(tone(8000)); // a reply the caller hangs up on
    const stops: InboundFrame[] = [];
    conn?.on('stop', (s) => stops.push(s));
    await client.hangup();
    await until(() => stops.length === 1, 'stop');
    expect(stops[0]).toMatchObject({ event: 'stop', reason: 'callended' });
    const info = await conn?.closed;
    expect(info?.code).toBe(1000);
    expect(conn?.sendMark('late')).toBe(false); // closed: nothing sent, no throw
  });

  it('the bot hanging up closes the client', async () => {
    let conn: StreamConnection | undefined;
    const srv = await startServer((ws) => {
      conn = new StreamConnection(ws, { sampleRate: 8000 });
    });
    cleanups.push(srv.close);
    const client = await ExotelStreamClient.connect({ url: srv.url, pacing: 'fast' });
    await until(() => conn?.start !== undefined, 'start');
    await conn?.close(1000, 'transfer');
    const info = await client.closed;
    expect(info).toEqual({ code: 1000, reason: 'transfer', by: 'bot' });
    expect(await client.say(tone(1600))).toBe(false);
  });
});
