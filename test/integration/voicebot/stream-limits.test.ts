import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeWav, type Vad, type VadOptions, type VadProvider } from '../../../src/main/core/speech';
import { FakeVadProvider } from '../../../src/main/core/speech/testing';
import { makeWireRig, RawExotel, type WireRig } from './wire-harness';

// Issue 8, findings 2 (isolation), 3 and 8: the voicebot's stream limits on the real public surface.

let rig: WireRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** Resolves with what `p` gives, or rejects after `ms` of wall time. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    p,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms),
    ),
  ]);
}

async function onlySession(r: WireRig) {
  await within(r.voicebot.idle(), 5000, 'session end');
  const [summary] = r.records.sessions();
  if (!summary) throw new Error('no session recorded');
  const detail = r.records.session(summary.id);
  if (!detail) throw new Error('no session detail');
  return detail;
}

const wavMs = (file: string) => {
  const wav = decodeWav(fs.readFileSync(file));
  return (wav.pcm.length / 2 / wav.sampleRate) * 1000;
};

describe('voicebot stream limits', () => {
  it('closes a socket that never sends start after the start timeout, with 1008 and one log line', async () => {
    rig = await makeWireRig([], { limits: { startTimeoutMs: 300 } });
    const c = await RawExotel.connect(rig.streamUrl);
    c.send({ event: 'connected' });
    const t0 = Date.now();
    const closed = await within(c.closed, 3000, 'close');
    expect(closed.code).toBe(1008);
    expect(closed.reason).toMatch(/start/);
    expect(Date.now() - t0).toBeLessThan(2500);
    expect(rig.logs.filter((l) => l.message.includes('no start frame'))).toHaveLength(1);
    await within(rig.voicebot.idle(), 1000, 'the session slot freed');
    await new Promise((r) => setImmediate(r));
    expect(rig.voicebot.activeSessions).toBe(0);
  });

  it('a socket that did send start is not reaped by the start timeout', async () => {
    rig = await makeWireRig([], { limits: { startTimeoutMs: 200 } });
    const c = await RawExotel.connect(rig.streamUrl);
    c.begin();
    await c.untilMark('turn-1');
    await new Promise((r) => setTimeout(r, 500));
    expect(c.isOpen).toBe(true);
    c.close();
  });

  it('cuts a started session whose peer is gone (no frames, pings unanswered); a quiet peer that answers stays', async () => {
    rig = await makeWireRig([], { limits: { heartbeatMs: 200 } });
    const gone = await RawExotel.connect(rig.streamUrl, { autoPong: false });
    gone.begin();
    const t0 = Date.now();
    const cut = await within(gone.closed, 3000, 'the gone peer cut');
    expect(cut.code).toBe(1006); // terminated: no close handshake with a peer that is not there
    expect(Date.now() - t0).toBeLessThan(1500);
    expect(rig.logs.filter((l) => l.message.includes('not responding'))).toHaveLength(1);
    await within(rig.voicebot.idle(), 2000, 'the session slot freed');

    const quiet = await RawExotel.connect(rig.streamUrl);
    quiet.begin();
    await new Promise((r) => setTimeout(r, 1200));
    expect(quiet.isOpen).toBe(true);
    quiet.close();
  });

  it('reads a stream from the internet no faster than its pace; one from this machine is not paced', async () => {
    rig = await makeWireRig([], { limits: { remoteBytesPerSecond: 200_000, remoteBurstBytes: 50_000 } });
    /** Wall time from sending 20 s of silence (~440 KB of frames) and a stop to the bot's close. */
    const drain = async (headers: Record<string, string>) => {
      const c = await RawExotel.connect(rig!.streamUrl, { headers });
      c.begin();
      const t0 = Date.now();
      c.silence(20_000);
      c.stop();
      const closed = await within(c.closed, 10_000, 'the stop read');
      expect(closed.code).toBe(1000);
      await within(rig!.voicebot.idle(), 2000, 'the session end');
      return Date.now() - t0;
    };
    const local = await drain({});
    // Through the tunnel: (440 KB - 50 KB burst) at 200 KB/s is about 2 s.
    const remote = await drain({ 'X-Forwarded-For': '198.51.100.7' });
    expect(local).toBeLessThan(1500);
    expect(remote).toBeGreaterThan(1700);
    expect(remote).toBeLessThan(6000);
    expect(rig.logs.filter((l) => l.message.includes('throttled'))).toHaveLength(1);
  });

  it('refuses sessions over the cap with 1013 (try again later); a freed slot is usable again', async () => {
    rig = await makeWireRig([], { limits: { maxSessions: 2 } });
    const a = await RawExotel.connect(rig.streamUrl);
    const b = await RawExotel.connect(rig.streamUrl);
    const extra = await RawExotel.connect(rig.streamUrl);
    expect(await within(extra.closed, 3000, 'refusal')).toMatchObject({ code: 1013 });
    expect(a.isOpen && b.isOpen).toBe(true);
    a.close();
    await a.closed;
    await within(
      (async () => {
        while (rig.voicebot.activeSessions > 1) await new Promise((r) => setTimeout(r, 20));
      })(),
      3000,
      'slot freed',
    );
    const again = await RawExotel.connect(rig.streamUrl);
    again.begin();
    await again.untilMark('turn-1');
    expect(again.isOpen).toBe(true);
    again.close();
    b.close();
  });

  it('refuses connections over the public surface cap', async () => {
    rig = await makeWireRig([], { surfaceLimits: { maxConnections: 2 } });
    const a = await RawExotel.connect(rig.streamUrl);
    const b = await RawExotel.connect(rig.streamUrl);
    const refused = await new Promise<string>((resolve) => {
      const ws = new WebSocket(rig!.streamUrl);
      ws.once('open', () => resolve('open'));
      ws.once('unexpected-response', (_req, res) => resolve(`http ${res.statusCode}`));
      ws.once('error', (err) => resolve(`error ${err.message}`));
    });
    expect(refused).toBe('http 503');
    expect(a.isOpen && b.isOpen).toBe(true);
    a.close();
    b.close();
  });

  it('closes a socket that sends a frame over 64 KiB with 1009; frames of Exotel size pass', async () => {
    rig = await makeWireRig([], { surfaceLimits: {} });
    const c = await RawExotel.connect(rig.streamUrl);
    c.begin();
    await c.untilMark('turn-1');
    // 100 ms at 24 kHz, the biggest inbound media Exotel sends, base64 in JSON: ~6.5 KB.
    c.sendRaw(JSON.stringify({ event: 'dtmf_like', pad: 'x'.repeat(60 * 1024) }));
    c.silence(200);
    await new Promise((r) => setTimeout(r, 100));
    expect(c.isOpen).toBe(true);
    c.sendRaw(JSON.stringify({ event: 'media', pad: 'x'.repeat(100 * 1024) }));
    expect(await within(c.closed, 3000, 'close')).toMatchObject({ code: 1009 });
  });

  it('ends a session at the audio cap (media time); caller audio past the cap is not kept', async () => {
    rig = await makeWireRig([], { session: { maxCallMs: 2000 } });
    const c = await RawExotel.connect(rig.streamUrl);
    c.begin();
    await c.untilMark('turn-1');
    c.silence(5000);
    expect(await within(c.closed, 3000, 'close')).toEqual({ code: 1000, reason: 'time_limit' });
    const detail = await onlySession(rig);
    expect(detail.session).toMatchObject({ endReason: 'time_limit', durationMs: 2000 });
    expect(wavMs(detail.recordings?.caller ?? '')).toBe(2000);
  });

  it('accepts nothing after the bot hangs up, even from a peer that ignores the close', async () => {
    rig = await makeWireRig([]);
    const c = await RawExotel.connect(rig.streamUrl);
    c.begin();
    await c.untilMark('turn-1');
    c.echoMark('turn-1');
    c.dtmf('1');
    await c.untilMark('turn-2');
    c.echoMark('turn-2');
    c.dtmf('0');
    await c.untilMark('turn-3');
    c.silence(1000);
    c.echoMark('turn-3'); // the transfer line played: the bot hangs up
    c.pause(); // this peer never answers the close frame, and keeps streaming
    c.silence(5000);
    const detail = await onlySession(rig);
    expect(detail.session).toMatchObject({ endReason: 'transfer', durationMs: 1000 });
    expect(wavMs(detail.recordings?.caller ?? '')).toBe(1000);
  });

  it('an exception inside one session closes that session (1011) only; another session completes', async () => {
    let made = 0;
    const vad: VadProvider = {
      provider: 'fake',
      create(options: VadOptions): Vad {
        const v = new FakeVadProvider().create(options);
        if (made++ === 0) {
          v.push = () => {
            throw new Error('injected VAD failure');
          };
        }
        return v;
      },
    };
    rig = await makeWireRig(['yes', 'confirm'], { vad });
    const r = rig;
    const bad = await RawExotel.connect(r.streamUrl);
    bad.begin();
    await bad.untilMark('turn-1');
    const good = await RawExotel.connect(r.streamUrl);
    good.begin();
    await good.untilMark('turn-1');

    bad.speak(300); // the first VAD throws synchronously from the media handler
    expect(await within(bad.closed, 3000, 'bad session close')).toMatchObject({ code: 1011 });
    expect(r.logs.filter((l) => l.level === 'error' && /session failed/.test(l.message))).toHaveLength(1);

    good.echoMark('turn-1');
    good.speak(600);
    good.silence(400);
    await good.untilMark('turn-2');
    good.echoMark('turn-2');
    good.speak(600);
    good.silence(400);
    await good.untilMark('turn-3');
    good.echoMark('turn-3');
    expect(await within(good.closed, 3000, 'good session close')).toEqual({
      code: 1000,
      reason: 'bot_hangup',
    });
    await within(r.voicebot.idle(), 5000, 'idle');
    const ends = r.records
      .sessions()
      .map((s) => r.records.session(s.id)?.session.endReason)
      .sort();
    expect(ends).toEqual(['bot_hangup', 'error']);
  });
});
