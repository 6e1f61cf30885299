import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { checkSource, compileRanges, requestSource } from '../../../src/main/core/public-surface';
import { TunnelSettingsSchema } from '../../../src/shared/settings';
import type { TelephonyInfo } from '../../../src/shared/telephony';
import { makeTestCore } from '../../helpers/core';

// Optional (off by default): the callback routes and the voicebot stream answer only the source
// ranges the operator lists.
// Exotel behind a tunnel reaches us from loopback with X-Forwarded-For; only then is the header
// trusted, and only its last entry (the one the tunnel wrote).

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;
let t: TestCore | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function ok<T>(core: TestCore, channel: string, request: unknown = {}): Promise<T> {
  const r = await core.core.invoke(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value as T;
}

const EXOTEL = '203.0.113.0/24';
const callback = { CallSid: 'e'.repeat(32), EventType: 'terminal', Status: 'busy', CustomField: 'nobody' };

describe('source ranges on the public surface', () => {
  it('refuses callbacks from outside the ranges when restricted, by the address the tunnel saw', async () => {
    t = await makeTestCore({ telephony: 'sandbox' });
    const core = t;
    const { localUrls } = await ok<TelephonyInfo>(core, 'telephony.info');
    const status = (forwardedFor?: string) =>
      fetch(localUrls.statusCallback, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {}),
        },
        body: JSON.stringify(callback),
      }).then((r) => r.status);
    const passthru = (forwardedFor: string) =>
      fetch(`${localUrls.passthru}?CallSid=${'e'.repeat(32)}`, {
        headers: { 'X-Forwarded-For': forwardedFor },
      }).then((r) => r.status);

    // Off by default: anyone with the URL is served.
    expect(await status('198.51.100.7')).toBe(200);

    await ok(core, 'settings.update', {
      section: 'tunnel',
      values: { provider: 'ngrok', publicUrl: '', restrictSources: true, allowedSources: [EXOTEL] },
    });
    expect(await status('198.51.100.7')).toBe(403);
    expect(await passthru('198.51.100.7')).toBe(403);
    // A sender can write any X-Forwarded-For; the tunnel appends what it saw last.
    expect(await status('203.0.113.9, 198.51.100.7')).toBe(403);
    expect(await status('198.51.100.7, 203.0.113.9')).toBe(200);
    expect(await passthru('203.0.113.50')).toBe(200);
    // This machine itself (the in-process sandbox) and the health check are always served.
    expect(await status()).toBe(200);
    expect(
      await fetch(localUrls.health, { headers: { 'X-Forwarded-For': '198.51.100.7' } }).then((r) => r.status),
    ).toBe(200);
    // The voicebot stream is part of the same surface: its upgrade is refused likewise.
    const stream = (forwardedFor: string) =>
      new Promise<number>((resolve) => {
        const ws = new WebSocket(localUrls.voicebot, { headers: { 'X-Forwarded-For': forwardedFor } });
        ws.on('error', () => undefined);
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => {
          ws.terminate();
          resolve(101);
        });
      });
    expect(await stream('198.51.100.7')).toBe(403);
    expect(await stream('203.0.113.9')).toBe(101);
    const refused = core.logs.filter((l) => l.message === 'public request refused by source');
    expect(refused.length).toBeGreaterThanOrEqual(4);
    expect(refused[0]?.fields).toMatchObject({ source: '198.51.100.7' });
  });
});

const request = (remoteAddress: string, forwardedFor?: string | string[]) =>
  ({
    socket: { remoteAddress },
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  }) as unknown as http.IncomingMessage;

describe('source checks', () => {
  const allowed = compileRanges([EXOTEL, '2001:db8::/32', '192.0.2.10']);

  it('trusts X-Forwarded-For only from loopback, and only its last entry', () => {
    expect(requestSource(request('127.0.0.1', '198.51.100.1, 203.0.113.4'))).toEqual({
      address: '203.0.113.4',
      viaTunnel: true,
    });
    expect(requestSource(request('::ffff:127.0.0.1', ['1.1.1.1', '[2001:db8::5]:443']))).toEqual({
      address: '2001:db8::5',
      viaTunnel: true,
    });
    // A peer that is not loopback is the source, whatever header it sends.
    expect(requestSource(request('198.51.100.9', '203.0.113.4'))).toEqual({
      address: '198.51.100.9',
      viaTunnel: false,
    });
  });

  it('allows listed ranges and single addresses, v4 and v6, and this machine', () => {
    expect(checkSource(request('::ffff:203.0.113.77'), allowed)).toEqual({ ok: true });
    expect(checkSource(request('2001:db8:1::1'), allowed)).toEqual({ ok: true });
    expect(checkSource(request('192.0.2.10'), allowed)).toEqual({ ok: true });
    expect(checkSource(request('::1'), allowed)).toEqual({ ok: true });
    expect(checkSource(request('192.0.2.11'), allowed)).toEqual({
      ok: false,
      source: '192.0.2.11',
      why: 'source is not an allowed range',
    });
    // Through the tunnel, a forwarded loopback address is not "this machine".
    expect(checkSource(request('127.0.0.1', '127.0.0.1'), allowed)).toMatchObject({ ok: false });
    expect(checkSource(request('127.0.0.1', 'not-an-address'), allowed)).toMatchObject({ ok: false });
  });

  it('the setting is off by default and validated by its schema', () => {
    expect(TunnelSettingsSchema.parse({ provider: 'ngrok', publicUrl: '' })).toMatchObject({
      restrictSources: false,
      allowedSources: [],
    });
    const bad = TunnelSettingsSchema.safeParse({
      provider: 'ngrok',
      publicUrl: '',
      restrictSources: true,
      allowedSources: ['203.0.113.0/33', '300.1.1.1', '2001:db8::/129', 'exotel.com', '::1/64'],
    });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues.map((i) => i.path.join('.'))).toEqual([
      'allowedSources.0',
      'allowedSources.1',
      'allowedSources.2',
      'allowedSources.3',
    ]);
    const empty = TunnelSettingsSchema.safeParse({
      provider: 'ngrok',
      publicUrl: '',
      restrictSources: true,
      allowedSources: [],
    });
    expect(empty.error?.issues[0]?.path).toEqual(['allowedSources']);
  });
});
