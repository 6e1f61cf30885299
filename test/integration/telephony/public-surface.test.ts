import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { makeRig, type Rig } from './rig';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** An attempt the dialer placed, with the provider's sid already recorded. */
function placed(r: Rig, sid = 'a'.repeat(32)) {
  const a = r.calls.createAttempt({ number: '+919876543210', mode: 'flow', provider: 'sandbox' });
  r.calls.record(a.id, 'dialer', { type: 'dial_requested' });
  r.calls.record(a.id, 'api', { type: 'provider_accepted', providerSid: sid });
  return { id: a.id, sid };
}

const terminal = (sid: string, customField: string) => ({
  CallSid: sid,
  EventType: 'terminal',
  Status: 'completed',
  CustomField: customField,
  ConversationDuration: 42,
  Legs: [{ OnCallDuration: 42, Status: 'completed', AnsweredBy: 'human' }],
});

function multipart(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  return form;
}

describe('public surface', () => {
  it('accepts status callbacks as JSON, multipart and url-encoded', async () => {
    rig = await makeRig();
    const { id, sid } = placed(rig);
    const answered = await fetch(rig.urls.statusCallback, {
      method: 'POST',
      body: multipart({
        CallSid: sid,
        EventType: 'answered',
        Status: 'in-progress',
        CustomField: id,
        'Legs[0][AnsweredBy]': 'Human',
      }),
    });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toBe('OK');
    expect(rig.calls.attempt(id)?.state).toBe('in_progress');
    expect(rig.calls.attempt(id)?.answeredBy).toBe('human');

    const ended = await fetch(rig.urls.statusCallback, {
      method: 'POST',
      body: new URLSearchParams({
        CallSid: sid,
        EventType: 'terminal',
        Status: 'completed',
        CustomField: id,
        ConversationDuration: '42',
      }),
    });
    expect(ended.status).toBe(200);
    expect(rig.calls.attempt(id)).toMatchObject({ state: 'completed', durationSec: 42 });

    const other = placed(rig, 'b'.repeat(32));
    const json = await fetch(rig.urls.statusCallback, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...terminal(other.sid, other.id), Status: 'no-answer' }),
    });
    expect(json.status).toBe(200);
    expect(rig.calls.attempt(other.id)?.state).toBe('no_answer');
  });

  it('records the same callback twice once, and late or out-of-order ones change nothing', async () => {
    rig = await makeRig();
    const { id, sid } = placed(rig);
    const post = (body: object) =>
      fetch(rig!.urls.statusCallback, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    expect((await post(terminal(sid, id))).status).toBe(200);
    expect((await post(terminal(sid, id))).status).toBe(200);
    // The answered callback arrives after the terminal one.
    expect(
      (await post({ CallSid: sid, EventType: 'answered', Status: 'in-progress', CustomField: id })).status,
    ).toBe(200);
    const events = rig.calls.events(id).filter((e) => e.source === 'status_callback');
    expect(events.map((e) => [e.type, e.repeats, e.applied])).toEqual([
      ['ended', 1, true],
      ['answered', 0, false],
    ]);
    expect(events[1]?.note).toBe('call already completed');
    expect(rig.calls.attempt(id)?.state).toBe('completed');
  });

  it('links a callback whose dial reply was never stored (crash between request and reply)', async () => {
    rig = await makeRig();
    const a = rig.calls.createAttempt({ number: '+919876543210', mode: 'flow', provider: 'sandbox' });
    rig.calls.record(a.id, 'dialer', { type: 'dial_requested' });
    const res = await fetch(rig.urls.statusCallback, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(terminal('c'.repeat(32), a.id)),
    });
    expect(res.status).toBe(200);
    expect(rig.calls.attempt(a.id)).toMatchObject({ providerSid: 'c'.repeat(32), state: 'completed' });
  });

  it('answers 404 to anything without the secret, and logs it without the secret', async () => {
    rig = await makeRig();
    const base = rig.surface.localUrl;
    const forged = [
      `${base}/exotel/wrong-secret/status`,
      `${base}/exotel/${rig.secret}x/passthru?CallSid=x`,
      `${base}/exotel/status`,
      `${base}/`,
      `${base}/exotel/${rig.secret}/unknown`,
    ];
    for (const url of forged) {
      const res = await fetch(url, {
        method: url.includes('status') ? 'POST' : 'GET',
        body: url.includes('status') ? 'x=1' : undefined,
      });
      expect(res.status, url).toBe(404);
    }
    const refused = rig.logs.filter((l) => l.message === 'public request refused');
    expect(refused).toHaveLength(forged.length);
    expect(JSON.stringify(rig.logs)).not.toContain(rig.secret);
  });

  it('refuses bodies over 1 MB (413), malformed bodies (400) and unknown encodings (415), and keeps running', async () => {
    rig = await makeRig();
    const url = rig.urls.statusCallback;
    const big = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ CallSid: 'x', pad: 'x'.repeat(1024 * 1024) }),
    });
    expect(big.status).toBe(413);
    const bad = [
      { type: 'application/json', body: '{"CallSid": ' },
      { type: 'application/json', body: '[1,2]' },
      { type: 'application/json', body: '{"Status": "completed"}' },
      { type: 'multipart/form-data; boundary=zzz', body: '--zzz\r\nbroken' },
      {
        type: 'application/json',
        body: JSON.stringify({ CallSid: 'x', EventType: 'terminal', Status: 'in-progress' }),
      },
    ];
    for (const b of bad) {
      const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': b.type }, body: b.body });
      expect(res.status, b.body).toBe(400);
    }
    const unknown = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'text/xml' },
      body: '<x/>',
    });
    expect(unknown.status).toBe(415);
    expect((await fetch(rig.urls.health)).status).toBe(200);
  });

  it('passthru links the call, strips quoted digits, and answers 302 after the bot only on an agent decision', async () => {
    rig = await makeRig();
    const { id, sid } = placed(rig);
    const q = (extra: Record<string, string> = {}) =>
      `${rig!.urls.passthru}?${new URLSearchParams({ CallSid: sid, CustomField: id, digits: '"12"', ...extra }).toString()}`;
    const first = await fetch(q(), { redirect: 'manual' });
    expect(first.status).toBe(200);
    expect(await first.text()).toBe('OK');
    expect(rig.calls.attempt(id)?.state).toBe('in_progress');
    const linked = rig.calls.events(id).find((e) => e.type === 'flow_linked');
    expect(linked?.source).toBe('passthru');

    rig.calls.decideTransfer(id, 'agent');
    const after = await fetch(
      q({ 'Stream[StreamSID]': 'MZ1', 'Stream[DisconnectedBy]': 'bot', 'Stream[Duration]': '12' }),
      {
        redirect: 'manual',
      },
    );
    expect(after.status).toBe(302);
    expect(rig.calls.attempt(id)?.state).toBe('agent_transfer');

    const other = placed(rig, 'd'.repeat(32));
    rig.calls.decideTransfer(other.id, 'none');
    const noTransfer = await fetch(
      `${rig.urls.passthru}?${new URLSearchParams({ CallSid: other.sid, CustomField: other.id, Stream: JSON.stringify({ StreamSID: 'MZ2', DisconnectedBy: 'user' }) }).toString()}`,
      { redirect: 'manual' },
    );
    expect(noTransfer.status).toBe(200);
    const botFinished = rig.calls.events(other.id).find((e) => e.type === 'bot_finished');
    expect(botFinished?.payload).toEqual({ type: 'bot_finished', disconnectedBy: 'user' });

    expect((await fetch(`${rig.urls.passthru}?digits=1`)).status).toBe(400);
  });

  it('upgrades the voicebot route with the path secret or Basic auth, and refuses the rest', async () => {
    rig = await makeRig();
    const r = rig;
    const seen: { path: string; q: string | null }[] = [];
    r.surface.setVoicebotHandler((ws, req) => {
      seen.push({ path: req.path, q: req.query.get('k') });
      ws.close(1000, 'hello');
    });
    const open = (url: string, headers?: Record<string, string>) =>
      new Promise<{ code?: number; reason?: string; status?: number }>((resolve) => {
        const ws = new WebSocket(url, { headers });
        ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }));
        ws.once('unexpected-response', (_req, res) => {
          resolve({ status: res.statusCode });
          res.resume();
        });
        ws.once('error', () => undefined);
      });
    const wsBase = r.surface.localUrl.replace('http', 'ws');
    expect(await open(`${r.urls.voicebot}?k=1`)).toEqual({ code: 1000, reason: 'hello' });
    const basic = 'Basic ' + Buffer.from(`exotel:${r.secret}`).toString('base64');
    expect(await open(`${wsBase}/voicebot/stream?k=2`, { Authorization: basic })).toEqual({
      code: 1000,
      reason: 'hello',
    });
    // ws turns wss://KEY:TOKEN@host into the same header, as Exotel does.
    const withUserInfo = `${wsBase.replace('ws://', `ws://exotel:${r.secret}@`)}/voicebot/stream?k=3`;
    expect(await open(withUserInfo)).toEqual({ code: 1000, reason: 'hello' });
    expect(seen).toEqual([
      { path: '/stream', q: '1' },
      { path: '/stream', q: '2' },
      { path: '/stream', q: '3' },
    ]);
    expect(await open(`${wsBase}/voicebot/nope/stream`)).toEqual({ status: 404 });
    const wrongBasic = 'Basic ' + Buffer.from('exotel:guess').toString('base64');
    expect(await open(`${wsBase}/voicebot/stream`, { Authorization: wrongBasic })).toEqual({ status: 404 });
    expect(await open(`${wsBase}/exotel/${r.secret}/status`)).toEqual({ status: 404 });
    expect(r.logs.filter((l) => l.message === 'voicebot upgrade refused')).toHaveLength(3);
  });

  it('closes the voicebot socket politely until a voicebot is plugged in', async () => {
    rig = await makeRig();
    const ws = new WebSocket(rig.urls.voicebot);
    const [code, reason] = await new Promise<[number, string]>((resolve) =>
      ws.once('close', (c, r) => resolve([c, r.toString()])),
    );
    expect(code).toBe(1000);
    expect(reason).toBe('voicebot not available');
  });
});
