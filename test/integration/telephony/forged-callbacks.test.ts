import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { CallInputSchema, reduceCall } from '../../../src/main/core/calls';
import type { CallEventRow } from '../../../src/main/core/store';
import { makeRig, settle, type Rig } from './rig';

// Exotel does not sign its callbacks: anyone who learns the callback URL can post one. A terminal
// status that contradicts the stream we see is not taken on its word: it is recorded, flagged and
// checked with the provider's call-details API (here the sandbox, which knows its calls' true state).

const BUSY_LATER = '+919800000201';
const SCRIPT = {
  default: { outcome: 'answer', ringSec: 1 },
  callees: [{ number: BUSY_LATER, outcome: 'busy', ringSec: 20 }],
};

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function until<T>(what: string, probe: () => T | undefined, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function post(r: Rig, body: object): Promise<Response> {
  return fetch(r.urls.statusCallback, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** The view the recorded events derive on their own (the stored row is only a cache of it). */
function replay(events: CallEventRow[]) {
  return reduceCall(
    events
      .filter((e) => !e.duplicate)
      .map((e) => ({ input: CallInputSchema.parse(e.payload), at: e.receivedAt })),
  ).view;
}

describe('forged callbacks', () => {
  it('a terminal busy posted during a live stream is flagged, checked with the provider and changes nothing', async () => {
    rig = await makeRig(SCRIPT);
    const r = rig;
    let release!: () => void;
    const botDone = new Promise<void>((resolve) => (release = resolve));
    // Plays the voicebot through the same call-state inputs the real one records.
    r.surface.setVoicebotHandler((ws, req) => {
      const attemptId = req.query.get('attempt') ?? '';
      r.calls.record(attemptId, 'stream', { type: 'stream_started' });
      void botDone.then(() => {
        r.calls.decideTransfer(attemptId, 'none');
        r.calls.record(attemptId, 'stream', { type: 'stream_ended', disconnectedBy: 'bot' });
        ws.close(1000, 'bot done');
      });
    });
    r.sandbox.setStreamSide({
      async onAnswered(ctx) {
        const ws = new WebSocket(ctx.streamUrl);
        await new Promise((resolve, reject) => {
          ws.once('close', resolve);
          ws.once('error', reject);
        });
        return { disconnectedBy: 'bot', status: 'completed' };
      },
    });
    const { id, result } = await r.dial('+919876543212', 'stream');
    if (result.kind !== 'accepted') throw new Error('not accepted');
    await until('the stream', () => (r.calls.attempt(id)?.state === 'in_progress' ? true : undefined));
    await until('stream_started', () =>
      r.calls.events(id).some((e) => e.type === 'stream_started') ? true : undefined,
    );

    const forged = await post(r, {
      CallSid: result.sid,
      EventType: 'terminal',
      Status: 'busy',
      CustomField: id,
    });
    expect(forged.status).toBe(200);
    expect(r.calls.attempt(id)?.state).toBe('in_progress');
    const flagged = r.calls.events(id).find((e) => e.source === 'status_callback' && e.type === 'ended');
    expect(flagged).toMatchObject({ applied: false });
    expect(flagged?.note).toMatch(/^contradicts live stream; /);

    // The provider says the call is in progress: the forged status stays unapplied.
    const answer = await until('the provider check', () =>
      r.calls.events(id).find((e) => e.source === 'api' && e.type === 'provider_reported'),
    );
    expect(answer.payload).toMatchObject({ status: 'in_progress' });
    expect(r.calls.attempt(id)?.state).toBe('in_progress');
    const noted = r.calls.events(id).find((e) => e.seq === flagged?.seq);
    expect(noted?.note).toBe('contradicts live stream; provider reports in-progress');

    // The bot's decision and the stream's end still count, and the call ends as the provider says.
    release();
    await settle(r, result);
    const attempt = r.calls.attempt(id);
    expect(attempt).toMatchObject({ state: 'completed', transferDecision: 'none' });
    const events = r.calls.events(id);
    const applied = (type: string) => events.filter((e) => e.type === type).map((e) => e.applied);
    expect(applied('transfer_decided')).toEqual([true]);
    expect(applied('stream_ended')).toEqual([true]);
    expect(events.filter((e) => e.type === 'ended').map((e) => [e.payload, e.applied])).toEqual([
      [{ type: 'ended', status: 'busy', durationSec: null }, false],
      [expect.objectContaining({ status: 'completed' }), true],
    ]);
    expect(replay(events)).toMatchObject({ state: 'completed', transferDecision: 'none' });
  });

  it('a terminal busy that contradicts the stream is applied once the provider confirms it', async () => {
    rig = await makeRig(SCRIPT, { timeScale: 0.05 });
    const r = rig;
    const { id, result } = await r.dial(BUSY_LATER, 'flow');
    if (result.kind !== 'accepted') throw new Error('not accepted');
    // A stream claims the call was answered (e.g. someone else who has the URL) while it still rings.
    r.calls.record(id, 'stream', { type: 'stream_started' });
    const early = await post(r, {
      CallSid: result.sid,
      EventType: 'terminal',
      Status: 'busy',
      CustomField: id,
    });
    expect(early.status).toBe(200);
    const ringing = await until('the first provider check', () =>
      r.calls.events(id).find((e) => e.source === 'api' && e.type === 'provider_reported'),
    );
    expect(ringing.payload).toMatchObject({ status: 'ringing' });
    expect(r.calls.attempt(id)?.state).toBe('in_progress');

    // The sandbox's own busy callback is the same input again: counted, checked again, and now confirmed.
    await settle(r, result);
    await until('the confirmation', () => (r.calls.attempt(id)?.state === 'busy' ? true : undefined));
    const events = r.calls.events(id);
    const callbacks = events.filter((e) => e.source === 'status_callback' && e.type === 'ended');
    expect(callbacks).toHaveLength(1);
    expect(callbacks[0]).toMatchObject({ applied: false, repeats: 1 });
    expect(callbacks[0]?.note).toBe('contradicts live stream; provider confirms busy');
    const reported = events.filter((e) => e.type === 'provider_reported');
    expect(reported.map((e) => [e.payload, e.applied])).toEqual([
      [expect.objectContaining({ status: 'ringing' }), false],
      [expect.objectContaining({ status: 'busy' }), true],
    ]);
    expect(replay(events).state).toBe('busy');
  });

  it('the same callback 10,000 times leaves one event row and changes nothing', async () => {
    rig = await makeRig();
    const r = rig;
    const a = r.calls.createAttempt({ number: '+919876543210', mode: 'flow', provider: 'sandbox' });
    r.calls.record(a.id, 'dialer', { type: 'dial_requested' });
    r.calls.record(a.id, 'api', { type: 'provider_accepted', providerSid: 'd'.repeat(32) });
    const fields = {
      CallSid: 'd'.repeat(32),
      EventType: 'answered',
      Status: 'in-progress',
      CustomField: a.id,
    };
    expect((await post(r, fields)).status).toBe(200);
    const before = r.calls.attempt(a.id);
    expect(before?.state).toBe('in_progress');
    const changesBefore = r.changes.length;

    // 250 over HTTP, ten at a time.
    for (let batch = 0; batch < 25; batch++) {
      const replies = await Promise.all(Array.from({ length: 10 }, () => post(r, fields)));
      expect(replies.map((x) => x.status)).toEqual(Array(10).fill(200));
    }
    // 10,000 through the same handler the route calls, bounded in time.
    const parsed = r.provider.parseStatusCallback(fields);
    if (!parsed.ok) throw new Error(parsed.error);
    const started = Date.now();
    let sent = 0;
    while (sent < 10_000 && Date.now() - started < 2_000) {
      r.calls.onStatusCallback(parsed.value);
      sent++;
    }
    expect(sent).toBe(10_000);
    expect(Date.now() - started).toBeLessThan(2_000);

    const rows = r.calls.events(a.id).filter((e) => e.source === 'status_callback');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ applied: true, repeats: 10_250 });
    // Counts are written in batches, soon after the flood.
    const stored = () =>
      r.db
        .prepare<[number], number>('SELECT repeats FROM call_events WHERE seq = ?')
        .pluck()
        .get(rows[0]?.seq ?? 0);
    await until('the counts on disk', () => (stored() === 10_250 ? true : undefined), 2_000);
    expect(r.calls.attempt(a.id)).toEqual(before);
    expect(r.changes.length).toBe(changesBefore); // repeats push nothing to the UI
  });
});
