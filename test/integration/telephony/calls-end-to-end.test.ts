import { afterEach, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { makeRig, settle, type Rig } from './rig';

const SCRIPT = {
  default: { outcome: 'answer', ringSec: 1 },
  callees: [
    { number: '+919800000001', outcome: 'busy', ringSec: 2 },
    { number: '+919800000002', outcome: 'no-answer' },
    { number: '+919800000003', outcome: 'failed' },
    { number: '+919800000004', outcome: 'voicemail', hangupAfterSec: 3 },
    { number: '+919800000005', outcome: 'answer', ringSec: 1, hangupAfterSec: 20 },
    { number: '+919800000006', outcome: 'answer', ringSec: 60 },
    { pattern: '^\\+9198000001', outcome: 'answer', ringSec: 1, agentTalkSec: 4 },
  ],
};

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('client ⇄ sandbox ⇄ public surface ⇄ call state machine', () => {
  it.each([
    ['+919800000001', 'busy', 'busy'],
    ['+919800000002', 'no_answer', 'no-answer'],
    ['+919800000003', 'failed', 'failed'],
    ['+919800000006', 'no_answer', 'no-answer'], // rings longer than TimeOut=30
  ])('%s ends %s', async (number, state, exotelStatus) => {
    rig = await makeRig(SCRIPT);
    const { id, result } = await rig.dial(number, 'flow');
    expect(result.kind).toBe('accepted');
    const sid = await settle(rig, result);
    const attempt = rig.calls.attempt(id);
    expect(attempt?.state).toBe(state);
    expect(attempt?.providerSid).toBe(sid);
    expect(attempt?.answeredAt).toBeNull();
    const details = await rig.provider.callDetails(sid);
    expect(details.kind === 'found' && details.call.Status).toBe(exotelStatus);
    expect(details.kind === 'found' && details.call.Details?.Leg1Status).toBe(exotelStatus);
  });

  it('a flow-mode call is linked by passthru and completes (no transfer → 200)', async () => {
    rig = await makeRig(SCRIPT);
    const { id, result } = await rig.dial('+919876543210', 'flow');
    const sid = await settle(rig, result);
    const attempt = rig.calls.attempt(id);
    expect(attempt?.state).toBe('completed');
    expect(attempt?.answeredBy).toBe('human');
    const types = rig.calls.events(id).map((e) => `${e.source}:${e.type}`);
    expect(types).toEqual([
      'dialer:dial_requested',
      'api:provider_accepted',
      'status_callback:answered',
      'passthru:flow_linked',
      'passthru:bot_finished',
      'status_callback:ended',
    ]);
    const history = rig.sandbox.call(sid)?.history ?? [];
    expect(history).toContain('passthru:200');
    expect(history).toContain('passthru-after-bot:200');
    expect(history.some((h) => h.startsWith('agent:'))).toBe(false);
  });

  it('the bot decides on an agent: the post-bot passthru answers 302 and the sandbox connects an agent leg', async () => {
    rig = await makeRig(SCRIPT);
    const r = rig;
    // The voicebot (another issue) will do this; here a handler on the real route decides and hangs up.
    r.surface.setVoicebotHandler((ws: WebSocket) => {
      const pending = r.db
        .prepare<[], { id: string }>("SELECT id FROM call_attempts WHERE state = 'in_progress' LIMIT 1")
        .get();
      if (pending) {
        r.calls.record(pending.id, 'stream', { type: 'stream_started' });
        r.calls.decideTransfer(pending.id, 'agent');
        r.calls.record(pending.id, 'stream', { type: 'stream_ended', disconnectedBy: 'bot' });
      }
      ws.close(1000, 'bot done');
    });
    r.sandbox.setStreamSide({
      async onAnswered(ctx) {
        const { WebSocket: Ws } = await import('ws');
        const ws = new Ws(ctx.streamUrl);
        const code = await new Promise<number>((resolve, reject) => {
          ws.once('close', (c) => resolve(c));
          ws.once('error', reject);
        });
        return { disconnectedBy: code === 1000 ? 'bot' : 'user', status: 'completed' };
      },
    });
    const { id, result } = await r.dial('+919800000101', 'flow');
    const sid = await settle(r, result);
    const attempt = r.calls.attempt(id);
    expect(attempt?.transferDecision).toBe('agent');
    expect(attempt?.state).toBe('completed');
    const types = r.calls.events(id).map((e) => e.type);
    expect(types).toContain('agent_transfer');
    expect(types.indexOf('agent_transfer')).toBeLessThan(types.indexOf('ended'));
    const call = r.sandbox.call(sid);
    expect(call?.history).toContain('passthru-after-bot:302');
    expect(call?.legs).toHaveLength(2);
    expect(call?.legs[1]?.OnCallDuration).toBeGreaterThanOrEqual(3);
  });

  it('a direct-stream call reaches the voicebot route with the attempt and completes', async () => {
    rig = await makeRig(SCRIPT);
    const r = rig;
    const seen: string[] = [];
    r.surface.setVoicebotHandler((ws, req) => {
      const attemptId = req.query.get('attempt') ?? '';
      seen.push(attemptId);
      r.calls.record(attemptId, 'stream', { type: 'stream_started' });
      r.calls.record(attemptId, 'stream', { type: 'stream_ended', disconnectedBy: 'bot' });
      ws.close(1000, 'bot done');
    });
    r.sandbox.setStreamSide({
      async onAnswered(ctx) {
        const { WebSocket: Ws } = await import('ws');
        const ws = new Ws(ctx.streamUrl);
        await new Promise((resolve, reject) => {
          ws.once('close', resolve);
          ws.once('error', reject);
        });
        return { disconnectedBy: 'bot', status: 'completed' };
      },
    });
    const { id, result } = await r.dial('+919876543211', 'stream');
    const sid = await settle(r, result);
    expect(seen).toEqual([id]);
    const attempt = r.calls.attempt(id);
    expect(attempt?.state).toBe('completed');
    expect(attempt?.providerSid).toBe(sid);
    expect(r.calls.events(id).map((e) => e.type)).toEqual([
      'dial_requested',
      'provider_accepted',
      'answered',
      'stream_started',
      'stream_ended',
      'ended',
    ]);
    expect(r.sandbox.call(sid)?.history.some((h) => h.startsWith('passthru'))).toBe(false);
  });

  it('voicemail is answered by a machine and ends when it hangs up', async () => {
    rig = await makeRig(SCRIPT);
    const { id, result } = await rig.dial('+919800000004', 'stream', { json: false });
    const sid = await settle(rig, result);
    const attempt = rig.calls.attempt(id);
    expect(attempt?.answeredBy).toBe('machine');
    expect(attempt?.state).toBe('completed');
    expect(rig.sandbox.call(sid)?.legs[0]?.AnsweredBy).toBe('Machine');
  });

  it('a callee who hangs up during the bot ends the call without the post-bot passthru', async () => {
    rig = await makeRig(SCRIPT);
    // The hold-line side keeps the "bot" talking for 2000 sandbox seconds; the callee leaves after 20.
    const { holdLineStreamSide } = await import('../../../src/main/core/telephony');
    rig.sandbox.setStreamSide(holdLineStreamSide(2000));
    const { id, result } = await rig.dial('+919800000005', 'flow');
    const sid = await settle(rig, result);
    expect(rig.calls.attempt(id)?.state).toBe('completed');
    const history = rig.sandbox.call(sid)?.history ?? [];
    expect(history).toContain('callee hung up');
    expect(history).toContain('stream:end:user:completed');
    expect(history.some((h) => h.startsWith('passthru-after-bot'))).toBe(false);
  });

  it('duplicate callbacks from the sandbox are recorded once, the copy counted on its row', async () => {
    rig = await makeRig(SCRIPT, { duplicateCallbacks: true });
    const { id, result } = await rig.dial('+919800000001', 'flow', { json: false });
    await settle(rig, result);
    const events = rig.calls.events(id);
    const ended = events.filter((e) => e.type === 'ended');
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ applied: true, duplicate: false, repeats: 1 });
    expect(ended[0]?.lastSeenAt).not.toBeNull();
    expect(rig.calls.attempt(id)?.state).toBe('busy');
  });
});
