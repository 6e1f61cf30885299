import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  connectForm,
  ExotelClient,
  startSandbox,
  type PlaceCallRequest,
  type Sandbox,
} from '../../../src/main/core/telephony';

const request = (over: Partial<PlaceCallRequest> = {}): PlaceCallRequest => ({
  to: '+919876543210',
  callerId: '+918047000000',
  target: { mode: 'flow', flowUrl: 'http://my.exotel.com/ACx/exoml/start_voice/42' },
  customField: 'attempt-1',
  statusCallbackUrl: 'http://127.0.0.1:9/exotel/s/status',
  ...over,
});

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function sandbox(options: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  // Ring for an hour of sandbox time so placed calls stay active (the concurrency test needs that).
  const s = await startSandbox({ timeScale: 0.001, script: undefined, ...options });
  closers.push(() => s.close());
  return s;
}

const client = (s: { url: string }, over: Partial<ConstructorParameters<typeof ExotelClient>[0]> = {}) =>
  new ExotelClient({ baseUrl: s.url, accountSid: 'ACx', apiKey: 'key', apiToken: 'token', ...over });

/** A raw HTTP server answering whatever a test wants. */
async function rawServer(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  closers.push(
    () =>
      new Promise((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  );
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('Exotel REST client against the sandbox', () => {
  it('sends the documented connect form in both modes', () => {
    const flow = connectForm(request({ record: true, timeOutSec: 30, timeLimitSec: 600 }));
    expect(Object.fromEntries(flow)).toMatchObject({
      From: '+919876543210',
      CallerId: '+918047000000',
      Url: 'http://my.exotel.com/ACx/exoml/start_voice/42',
      CustomField: 'attempt-1',
      'StatusCallbackEvents[0]': 'terminal',
      'StatusCallbackEvents[1]': 'answered',
      StatusCallbackContentType: 'application/json',
      Record: 'true',
      TimeOut: '30',
      TimeLimit: '600',
    });
    const stream = connectForm(
      request({ target: { mode: 'stream', streamUrl: 'wss://h/voicebot/s/stream' } }),
    );
    expect(stream.get('StreamUrl')).toBe('wss://h/voicebot/s/stream');
    expect(stream.get('StreamType')).toBe('bidirectional');
    expect(stream.has('Url')).toBe(false);
  });

  it('accepts a call and reads its details, keeping unknown fields', async () => {
    const s = await sandbox({ timeScale: 0.002 });
    const c = client(s);
    const placed = await c.placeCall(request());
    expect(placed.kind).toBe('accepted');
    if (placed.kind !== 'accepted') return;
    expect(placed.sid).toMatch(/^[0-9a-f]{32}$/);
    expect(placed.status).toBe('in-progress');
    expect(placed.call.Direction).toBe('outbound-api');
    expect(s.call(placed.sid)?.callbackEvents).toEqual(['terminal', 'answered']);
    expect(s.call(placed.sid)?.customField).toBe('attempt-1');
    await s.settled(placed.sid);
    const details = await c.callDetails(placed.sid);
    expect(details.kind).toBe('found');
    if (details.kind !== 'found') return;
    expect(details.call.Status).toBe('completed');
    expect(details.call.Details?.ConversationDuration).toBeTypeOf('number');
    expect(details.call.EndTime).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
  });

  it('turns RestException into a rejection with its message', async () => {
    const s = await sandbox({ credentials: { apiKey: 'key', apiToken: 'right' } });
    const wrong = await client(s).placeCall(request());
    expect(wrong).toMatchObject({ kind: 'rejected', status: 401 });
    expect(await client(s).checkCredentials()).toMatchObject({ kind: 'rejected', status: 401 });
    expect(await client(s, { apiToken: 'right' }).checkCredentials()).toEqual({ kind: 'ok' });
    const bad = await client(s, { apiToken: 'right' }).placeCall(request({ to: 'not-a-number' }));
    expect(bad).toMatchObject({ kind: 'rejected', status: 400, code: 40000 });
    expect(bad.kind === 'rejected' && bad.message).toMatch(/From/);
    const missing = await client(s, { apiToken: 'right' }).callDetails('0'.repeat(32));
    expect(missing).toMatchObject({ kind: 'rejected', status: 404, message: 'Call not found' });
  });

  it('refuses invalid requests before sending them', async () => {
    const s = await sandbox();
    const long = await client(s).placeCall(request({ customField: 'x'.repeat(129) }));
    expect(long).toMatchObject({ kind: 'rejected', status: 0 });
    expect(s.calls()).toHaveLength(0);
  });

  it('passes 429 and Retry-After to the caller above the per-minute limit', async () => {
    const s = await sandbox({ requestsPerMinute: 3 });
    const c = client(s);
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await c.placeCall(request({ to: `+91987654321${i}` })));
    expect(results.slice(0, 3).map((r) => r.kind)).toEqual(['accepted', 'accepted', 'accepted']);
    for (const r of results.slice(3)) {
      expect(r.kind).toBe('rate_limited');
      if (r.kind === 'rate_limited') {
        expect(r.retryAfterMs).toBeGreaterThan(50_000);
        expect(r.retryAfterMs).toBeLessThanOrEqual(60_000);
        expect(r.message).toMatch(/Too many requests/);
      }
    }
  });

  it('caps concurrent calls', async () => {
    const s = await sandbox({
      concurrencyCap: 2,
      script: {
        default: {
          outcome: 'answer',
          ringSec: 600,
          hangupAfterSec: null,
          says: [],
          digits: '',
          agentTalkSec: 5,
        },
        callees: [],
        flows: {},
      },
      timeScale: 1,
      defaultRingTimeoutSec: 600,
    });
    const c = client(s);
    expect((await c.placeCall(request())).kind).toBe('accepted');
    expect((await c.placeCall(request())).kind).toBe('accepted');
    const third = await c.placeCall(request());
    expect(third.kind).toBe('rate_limited');
    expect(third.kind === 'rate_limited' && third.message).toMatch(/Concurrent call limit of 2/);
  });

  it('says a refused connection never reached Exotel', async () => {
    const url = await rawServer((_q, r) => r.end());
    const port = new URL(url).port;
    await closers.pop()?.(); // close it: the port now refuses
    const result = await client({ url: `http://127.0.0.1:${port}` }).placeCall(request());
    expect(result).toMatchObject({ kind: 'network_error', mayHaveReached: false });
  });

  it('says a timeout after sending may have reached Exotel', async () => {
    const url = await rawServer(() => undefined); // reads the request, never answers
    const started = Date.now();
    const result = await client({ url }, { timeoutMs: 300 }).placeCall(request());
    expect(result).toMatchObject({ kind: 'network_error', mayHaveReached: true });
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('treats 5xx and unreadable 200s as "may have reached", and keeps plain-text errors', async () => {
    const replies: [number, string][] = [
      [503, 'upstream down'],
      [200, '<html>ok</html>'],
      [403, 'Forbidden by plan'],
    ];
    const url = await rawServer((_q, res) => {
      const [status, body] = replies.shift() ?? [500, ''];
      res.writeHead(status, { 'Content-Type': 'text/plain' }).end(body);
    });
    const c = client({ url });
    expect(await c.placeCall(request())).toMatchObject({ kind: 'network_error', mayHaveReached: true });
    expect(await c.placeCall(request())).toMatchObject({ kind: 'network_error', mayHaveReached: true });
    expect(await c.placeCall(request())).toMatchObject({
      kind: 'rejected',
      status: 403,
      message: 'Forbidden by plan',
    });
  });

  it('lists a full page of calls to one number (the reconcile lookup), not only a few', async () => {
    const s = await sandbox({ concurrencyCap: 200, requestsPerMinute: 1000 });
    const c = client(s);
    const before = new Date(Date.now() - 60_000);
    for (let i = 0; i < 100; i++) {
      const placed = await c.placeCall(request({ customField: `attempt-${i}` }));
      expect(placed.kind).toBe('accepted');
    }
    const listed = await c.findCalls({ number: '+919876543210', createdFrom: before.getTime() });
    expect(listed.kind === 'listed' ? listed.calls.length : listed).toBe(100);
  });

  it('sends Basic auth to the account path', async () => {
    const seen: { url?: string; auth?: string; type?: string; body: string }[] = [];
    const url = await rawServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body });
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ Call: { Sid: 'abc', Status: 'in-progress', NewField: 1 } }));
      });
    });
    const result = await client({ url }).placeCall(request());
    expect(result.kind === 'accepted' && (result.call as Record<string, unknown>).NewField).toBe(1);
    expect(seen[0]?.url).toBe('/v1/Accounts/ACx/Calls/connect.json');
    expect(seen[0]?.auth).toBe('Basic ' + Buffer.from('key:token').toString('base64'));
    expect(seen[0]?.type).toBe('application/x-www-form-urlencoded');
    expect(new URLSearchParams(seen[0]?.body).get('StatusCallbackEvents[1]')).toBe('answered');
  });
});
