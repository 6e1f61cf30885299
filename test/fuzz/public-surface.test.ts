import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  deepJson,
  deepText,
  EXOTEL_KEYS,
  fieldKey,
  formFields,
  garbageBytes,
  jsonValue,
  POISON_KEYS,
} from './arbitraries';
import {
  assertRealCallWorks,
  fcOptions,
  invoke,
  prototypeGuard,
  rssMb,
  startFuzzApp,
  type FuzzApp,
} from './harness';

// Everything the tunnel exposes, fuzzed as an attacker who knows the URL secret would: status
// callbacks in all three encodings, passthru queries, and voicebot stream frames before and after
// `start`. After each property: no prototype was touched; at the end: the process is alive, its
// memory bounded, and a real call through the same surface still completes.

let app: FuzzApp;
const guard = prototypeGuard();
let rssAtStart = 0;

beforeAll(async () => {
  app = await startFuzzApp();
  rssAtStart = rssMb();
});
afterAll(async () => {
  await app?.close();
});

const STREAM_SID = 'MZ00000000000000000000000000fuzz';
const startFrame = (custom: Record<string, unknown> = {}) =>
  JSON.stringify({
    event: 'start',
    sequence_number: '1',
    stream_sid: STREAM_SID,
    start: {
      stream_sid: STREAM_SID,
      call_sid: 'CA00000000000000000000000000fuzz',
      account_sid: 'ACfuzz',
      from: '+919800000001',
      to: '+918047000000',
      custom_parameters: custom,
      media_format: { encoding: 'raw/slin', sample_rate: '8000', bit_rate: '128kbps' },
    },
  });

type Body = { label: string; headers: Record<string, string>; body: string | FormData | Uint8Array };

const jsonBody: fc.Arbitrary<Body> = fc
  .oneof(jsonValue, fc.dictionary(fieldKey, jsonValue, { maxKeys: 12 }))
  .map((v) => ({ label: 'json', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(v) }));

const urlEncodedBody: fc.Arbitrary<Body> = formFields.map((fields) => ({
  label: 'urlencoded',
  headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
}));

const multipartBody: fc.Arbitrary<Body> = formFields.map((fields) => {
  const form = new FormData();
  for (const [k, v] of fields) form.append(k, v);
  return { label: 'multipart', headers: {}, body: form };
});

const garbageBody: fc.Arbitrary<Body> = fc
  .tuple(
    fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'multipart/form-data',
      'text/plain',
      'application/vnd.api+json',
    ),
    fc.oneof(
      garbageBytes,
      deepText.map((t) => new TextEncoder().encode(t)),
    ),
  )
  .map(([type, bytes]) => ({ label: `garbage ${type}`, headers: { 'Content-Type': type }, body: bytes }));

describe('fuzz: the public surface', () => {
  it('status callbacks in JSON, url-encoded and multipart never fail with 5xx or pollute a prototype', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonBody, urlEncodedBody, multipartBody, garbageBody), async (b) => {
        const res = await fetch(app.statusUrl, { method: 'POST', headers: b.headers, body: b.body });
        await res.arrayBuffer();
        expect(res.status, `${b.label} body`).toBeLessThan(500);
        guard.check();
      }),
      fcOptions(),
    );
  });

  it('passthru queries never fail with 5xx or pollute a prototype', async () => {
    await fc.assert(
      fc.asyncProperty(formFields, async (fields) => {
        const res = await fetch(`${app.passthruUrl}?${new URLSearchParams(fields).toString()}`, {
          redirect: 'manual',
        });
        await res.arrayBuffer();
        expect([200, 302, 400, 404, 414, 431]).toContain(res.status);
        guard.check();
      }),
      fcOptions(),
    );
  });

  const frameLike = fc
    .tuple(
      fc.constantFrom('connected', 'start', 'media', 'dtmf', 'mark', 'stop', 'clear', 'x', ''),
      fc.dictionary(
        fc.constantFrom(
          'stream_sid',
          'streamSid',
          'sequence_number',
          'media',
          'start',
          'dtmf',
          'mark',
          'stop',
          ...POISON_KEYS,
          ...EXOTEL_KEYS,
        ),
        jsonValue,
        { maxKeys: 6 },
      ),
    )
    .map(([event, rest]) => JSON.stringify({ ...rest, event }));

  const mediaFrame = fc.uint8Array({ maxLength: 8000 }).map((pcm) =>
    JSON.stringify({
      event: 'media',
      stream_sid: STREAM_SID,
      media: { payload: Buffer.from(pcm).toString('base64') },
    }),
  );

  const streamFrame: fc.Arbitrary<string | Buffer> = fc.oneof(
    frameLike,
    mediaFrame,
    jsonValue.map((v) => JSON.stringify(v)),
    deepText,
    garbageBytes.map((b) => Buffer.from(b)),
    fc.dictionary(fieldKey, fc.string({ maxLength: 20 }), { maxKeys: 3 }).map((custom) => startFrame(custom)),
  );

  /** Opens a stream socket; undefined when the server refused it (a cap may refuse; that is fine). */
  async function openStream(): Promise<WebSocket | undefined> {
    const ws = new WebSocket(app.voicebotUrl);
    ws.on('error', () => undefined);
    return new Promise((resolve) => {
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', () => resolve(undefined));
      ws.once('close', () => resolve(undefined));
    });
  }

  it('stream frames before and after start never crash the voicebot or pollute a prototype', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(streamFrame, { maxLength: 10 }),
        fc.integer({ min: -1, max: 10 }),
        async (frames, startAt) => {
          const ws = await openStream();
          if (!ws) return;
          const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
          frames.forEach((frame, i) => {
            if (i === startAt && ws.readyState === ws.OPEN) ws.send(startFrame());
            if (ws.readyState === ws.OPEN) ws.send(frame);
          });
          await new Promise((r) => setTimeout(r, 10));
          ws.close();
          await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))]);
          ws.terminate();
          guard.check();
        },
      ),
      fcOptions(60),
    );
  });

  it('the hostile inputs of issue 8 are refused or ignored, and leave every prototype alone', async () => {
    const sid = 'f'.repeat(32);
    const posts: Body[] = [
      {
        label: 'json __proto__[NODE_OPTIONS]',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          '__proto__[NODE_OPTIONS]': '--import=data:text/javascript,process.exit(97)',
          CallSid: sid,
          Status: 'completed',
        }),
      },
      {
        label: 'json __proto__ object',
        headers: { 'Content-Type': 'application/json' },
        body: `{"CallSid":"${sid}","Status":"busy","__proto__":{"polluted":1},"Legs":{"__proto__":{"x":1}}}`,
      },
      {
        label: 'urlencoded __proto__[x]',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: `__proto__[x]=1&constructor[prototype][polluted]=1&CallSid=${sid}&Status=completed`,
      },
      {
        label: 'deep json',
        headers: { 'Content-Type': 'application/json' },
        body: deepJson(5000, '{"a":', '}'),
      },
    ];
    const form = new FormData();
    form.append('__proto__[x]', '1');
    form.append('Legs[0][__proto__][polluted]', '1');
    form.append('CallSid', sid);
    posts.push({ label: 'multipart __proto__', headers: {}, body: form });
    for (const b of posts) {
      const res = await fetch(app.statusUrl, { method: 'POST', headers: b.headers, body: b.body });
      await res.arrayBuffer();
      expect(res.status, b.label).toBeLessThan(500);
      guard.check();
    }
    const passthru = await fetch(
      `${app.passthruUrl}?__proto__%5Bx%5D=1&CallSid=${sid}&Stream%5B__proto__%5D%5Bpolluted%5D=1`,
    );
    expect(passthru.status).toBeLessThan(500);
    guard.check();

    for (const beforeStart of [true, false]) {
      const ws = await openStream();
      if (!ws) throw new Error('the voicebot refused a first stream');
      if (!beforeStart) {
        const poisoned =
          '"custom_parameters":{"__proto__":{"polluted":1},"constructor":{"prototype":{"x":1}}}';
        ws.send(startFrame().replace('"custom_parameters":{}', poisoned));
      }
      ws.send(deepJson(4000));
      ws.send(deepJson(4000, '{"a":', '}', '{"event":"media","media":'));
      await new Promise((r) => setTimeout(r, 100));
      ws.terminate();
      guard.check();
    }
  });

  it('the Api (data.restore, qa.copySuite, uploads) is not on the public surface, even with the URL secret and the UI token', async () => {
    const token = app.server.token;
    const origin = new URL(app.exotelBase).origin;
    // The public surface is its own listener: the UI's port never answers there.
    expect(origin).not.toBe(`http://127.0.0.1:${app.server.port}`);
    const upgrade = (url: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.once('open', () => (ws.terminate(), resolve('open')));
        ws.once('unexpected-response', (_req, res) => (res.resume(), resolve(String(res.statusCode))));
        ws.once('error', () => resolve('error'));
      });
    for (const url of [`${origin}/bridge?token=${token}`, `${app.exotelBase}bridge?token=${token}`])
      expect(await upgrade(url.replace(/^http/, 'ws')), url).not.toBe('open');
    const body = JSON.stringify({
      archive: { kind: 'backup', artifactId: '00000000-0000-4000-8000-000000000000' },
      target: '/tmp/calldeck-public-restore',
    });
    for (const url of [
      `${origin}/upload?token=${token}`,
      `${origin}/api/data.restore?token=${token}`,
      `${app.exotelBase}data.restore`,
      `${app.exotelBase}qa.copySuite`,
    ]) {
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
      await res.arrayBuffer();
      expect(res.status, url).toBe(404);
    }
    const audit = await invoke<{ entries: unknown[] }>(app.server, 'audit.list', { action: 'data.restore' });
    expect(audit.entries).toEqual([]);
  });

  it('afterwards the process is alive, its memory bounded, and a real call still completes', async () => {
    guard.check();
    await assertRealCallWorks(app);
    guard.check();
    // Loose on purpose: the fuzzing above must not leave anything like per-request growth behind.
    expect(rssMb() - rssAtStart).toBeLessThan(400);
  });
});
