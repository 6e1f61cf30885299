import { afterEach, describe, expect, it } from 'vitest';
import { StreamConnection } from '../../../src/main/core/stream';
import { exotelStreamSide } from '../../../src/main/core/telephony';
import { silentLogger } from '../../../src/main/core/logging';
import { makeRig, settle, type Rig } from './rig';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('sandbox stream side (core/stream ExotelStreamClient) through the public voicebot route', () => {
  it('speaks the callee script, sends dtmf, and the bot decides an agent transfer', async () => {
    rig = await makeRig({
      default: {
        outcome: 'answer',
        ringSec: 1,
        says: [{ say: 'I want a person' }, { silenceSec: 1 }],
        digits: '5',
        agentTalkSec: 2,
      },
    });
    const r = rig;
    r.sandbox.setStreamSide(exotelStreamSide({ log: silentLogger }));
    const heard: { callSid?: string; mediaMs: number; digits: string[] } = { mediaMs: 0, digits: [] };
    r.surface.setVoicebotHandler((ws) => {
      const conn = new StreamConnection(ws, { sampleRate: 8000 });
      conn.on('start', (start) => (heard.callSid = start.callSid));
      conn.on('dtmf', (d) => {
        heard.digits.push(d.digit);
        heard.mediaMs = conn.receivedMs;
        const attemptId = r.db.prepare<[], { id: string }>('SELECT id FROM call_attempts').get()?.id;
        if (attemptId) {
          r.calls.record(attemptId, 'stream', { type: 'stream_started' });
          r.calls.decideTransfer(attemptId, 'agent');
          r.calls.record(attemptId, 'stream', { type: 'stream_ended', disconnectedBy: 'bot' });
        }
        void conn.close(1000, 'transfer');
      });
    });
    const { id, result } = await r.dial('+919876543210', 'flow');
    const sid = await settle(r, result);
    expect(heard.callSid).toBe(sid);
    expect(heard.digits).toEqual(['5']);
    // "I want a person" as silence (~1.3 s) plus 1 s of silence, in 100 ms chunks of media time.
    expect(heard.mediaMs).toBeGreaterThanOrEqual(2_000);
    expect(r.sandbox.call(sid)?.history).toContain('stream:end:bot:completed');
    expect(r.sandbox.call(sid)?.history).toContain('passthru-after-bot:302');
    expect(r.calls.attempt(id)?.state).toBe('completed');
    expect(r.calls.events(id).map((e) => e.type)).toContain('agent_transfer');
  });

  it('a callee hang-up sends stop and ends a direct-stream call', async () => {
    rig = await makeRig({ default: { outcome: 'answer', ringSec: 1, hangupAfterSec: 3 } });
    const r = rig;
    r.sandbox.setStreamSide(exotelStreamSide({ log: silentLogger }));
    const stops: string[] = [];
    r.surface.setVoicebotHandler((ws) => {
      const conn = new StreamConnection(ws, { sampleRate: 8000 });
      conn.on('stop', (s) => stops.push(s.reason ?? '(none)'));
    });
    const { id, result } = await r.dial('+919876543210', 'stream');
    const sid = await settle(r, result);
    expect(stops).toEqual(['callended']);
    expect(r.sandbox.call(sid)?.history).toContain('stream:end:user:completed');
    expect(r.calls.attempt(id)?.state).toBe('completed');
  });
});
