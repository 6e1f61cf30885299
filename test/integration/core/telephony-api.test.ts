import { afterEach, describe, expect, it } from 'vitest';
import type {
  CallAttemptInfo,
  CallEventInfo,
  TelephonyInfo,
  TestCallResult,
} from '../../../src/shared/telephony';
import { makeTestCore } from '../../helpers/core';

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;

const SCRIPT = {
  default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 2 },
  callees: [{ number: '+919800000002', outcome: 'no-answer' }],
};

async function ok<T>(t: TestCore, channel: string, request: unknown = {}): Promise<T> {
  const r = await t.core.invoke(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value as T;
}

async function until<T>(fn: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('timed out');
}

describe('telephony through the core Api (sandbox as Exotel)', () => {
  let t: TestCore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('uses the sandbox without credentials and shows the public surface URLs', async () => {
    t = await makeTestCore({ sandboxScript: SCRIPT, sandboxTimeScale: 0.01 });
    const info = await ok<TelephonyInfo>(t, 'telephony.info');
    expect(info.provider).toBe('sandbox');
    expect(info.localUrls.passthru).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exotel\/[\w-]{20,}\/passthru$/);
    expect(info.localUrls.voicebot).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/voicebot\//);
    expect(info.publicUrls).toBeNull();
    expect(t.core.publicSurfaceUrl).toBe(info.localUrls.passthru.replace(/passthru$/, ''));
    expect(await ok(t, 'telephony.testConnection')).toMatchObject({ ok: true, provider: 'sandbox' });
  });

  it('places a test call that reaches a terminal state, pushing each event, and audits it', async () => {
    t = await makeTestCore({ sandboxScript: SCRIPT, sandboxTimeScale: 0.01 });
    const pushed: CallEventInfo[] = [];
    t.core.subscribe((event, payload) => {
      if (event === 'call.updated') pushed.push((payload as { event: CallEventInfo }).event);
    });
    const call = await ok<TestCallResult>(t, 'telephony.placeTestCall', { number: '098765 43210' });
    expect(call.outcome.ok).toBe(true);
    expect(call.attempt.number).toBe('+919876543210');
    const done = await until(async () => {
      const [a] = await ok<CallAttemptInfo[]>(t!, 'telephony.recentCalls', {});
      return a?.state === 'completed' ? a : undefined;
    });
    expect(done.id).toBe(call.attempt.id);
    // The callee hangs up: the stream's end or Exotel's terminal callback, whichever comes first, ends it.
    const events = await until(async () => {
      const list = await ok<CallEventInfo[]>(t!, 'telephony.callEvents', { attemptId: call.attempt.id });
      return list.some((e) => e.type === 'ended') ? list : undefined;
    });
    expect(events.map((e) => e.type)).toEqual(pushed.map((e) => e.type));
    const audit = await ok<{ entries: { action: string; subject: string; payload: string }[] }>(
      t,
      'audit.list',
      {},
    );
    expect(audit.entries[0]).toMatchObject({
      action: 'telephony.placeTestCall',
      subject: 'test-call:098765 43210',
    });
    // The row names the call it placed (who placed which test call is exact, not guessed by time).
    expect(JSON.parse(audit.entries[0]!.payload)).toMatchObject({
      outcome: 'ok',
      attemptId: call.attempt.id,
    });

    const missed = await ok<TestCallResult>(t, 'telephony.placeTestCall', { number: '+91 98000 00002' });
    await until(async () => {
      const calls = await ok<CallAttemptInfo[]>(t!, 'telephony.recentCalls', {});
      return calls.find((c) => c.id === missed.attempt.id && c.state === 'no_answer');
    });
  });

  it('explains what is missing instead of dialling', async () => {
    t = await makeTestCore({ sandboxScript: SCRIPT, sandboxTimeScale: 0.01 });
    expect(await t.core.invoke('telephony.placeTestCall', { number: '12345' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request', message: expect.stringMatching(/^12345: .*too short/) as string },
    });
    expect(await t.core.invoke('telephony.callEvents', { attemptId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    // With Exotel credentials, calls would go to Exotel: it needs the flow app and a tunnel first.
    await ok(t, 'settings.update', {
      section: 'exotel',
      values: { accountSid: 'acme1', host: 'api.in.exotel.com', callerId: '08047112345', flowAppId: '' },
    });
    await ok(t, 'settings.setSecret', { name: 'exotel.apiKey', value: 'k' });
    await ok(t, 'settings.setSecret', { name: 'exotel.apiToken', value: 't' });
    expect((await ok<TelephonyInfo>(t, 'telephony.info')).provider).toBe('exotel');
    expect(await t.core.invoke('telephony.placeTestCall', { number: '9876543210' })).toMatchObject({
      ok: false,
      error: { message: 'Flow mode needs the flow app id (Settings → Exotel account)' },
    });
    expect(
      await t.core.invoke('telephony.placeTestCall', { number: '9876543210', mode: 'stream' }),
    ).toMatchObject({
      ok: false,
      error: { message: 'Start the tunnel first: Exotel must be able to reach CallDeck' },
    });
  });

  it('runs a manual tunnel from settings and gives the https/wss URLs for Exotel', async () => {
    t = await makeTestCore({ sandboxScript: SCRIPT, sandboxTimeScale: 0.01 });
    const failed = await ok<TelephonyInfo>(t, 'tunnel.start');
    expect(failed.tunnel.state).toMatchObject({
      status: 'failed',
      error: expect.stringMatching(/No public URL yet/) as string,
    });
    await ok(t, 'settings.update', {
      section: 'tunnel',
      values: { provider: 'manual', publicUrl: 'https://calls.example.in/' },
    });
    const running = await ok<TelephonyInfo>(t, 'tunnel.start');
    expect(running.tunnel.state).toMatchObject({ status: 'running', url: 'https://calls.example.in' });
    expect(running.publicUrls?.statusCallback).toMatch(
      /^https:\/\/calls\.example\.in\/exotel\/[\w-]+\/status$/,
    );
    expect(running.publicUrls?.voicebot).toMatch(/^wss:\/\/calls\.example\.in\/voicebot\//);
    const stopped = await ok<TelephonyInfo>(t, 'tunnel.stop');
    expect(stopped.tunnel.state.status).toBe('stopped');
    expect(stopped.publicUrls).toBeNull();
  });
});
