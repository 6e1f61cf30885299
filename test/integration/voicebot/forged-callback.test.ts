import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../src/shared/api/events';
import type { CallEventInfo, TelephonyInfo, TestCallResult } from '../../../src/shared/telephony';
import { patient } from '../../fixtures/demo-bot';
import { makeTestCore } from '../../helpers/core';

// The whole app (sandbox as Exotel, real public surface, the demo bot on the offline speech stack):
// someone who has the callback URL posts a terminal "busy" while the bot is talking to the caller.
// The call must go on, the bot's decision must count, and the call must end as the provider says.

const NUMBER = '+919800000301';

let t: Awaited<ReturnType<typeof makeTestCore>>;
const sessionsStarted = new Map<string, string>();
const sessionsEnded = new Set<string>();

beforeAll(async () => {
  t = await makeTestCore({
    telephony: 'sandbox',
    sandboxTimeScale: 0.05,
    sandboxScript: {
      callees: [
        {
          number: NUMBER,
          ringSec: 1,
          says: [
            { silenceSec: 8 },
            { say: 'yes' },
            { silenceSec: 20 },
            { say: 'confirm' },
            { silenceSec: 20 },
          ],
        },
      ],
    },
    voicebot: { session: { noInputMs: 30_000 }, testVariables: patient },
  });
  t.core.subscribe((event, payload) => {
    if (event === 'voicebot.sessionStarted') {
      const p = payload as ApiEvents['voicebot.sessionStarted'];
      if (p.attemptId) sessionsStarted.set(p.attemptId, p.sessionId);
    }
    if (event === 'voicebot.sessionEnded') {
      const p = payload as ApiEvents['voicebot.sessionEnded'];
      if (p.attemptId) sessionsEnded.add(p.attemptId);
    }
  });
});

afterAll(async () => {
  await t?.cleanup();
});

async function ok<T>(channel: string, request: unknown = {}): Promise<T> {
  const r = await t.core.invoke(channel, request);
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value as T;
}

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const events = (attemptId: string) => ok<CallEventInfo[]>('telephony.callEvents', { attemptId });

describe('a forged terminal callback during a live voicebot call', () => {
  it('is flagged and refuted by the provider; the conversation and the real end count', async () => {
    const info = await ok<TelephonyInfo>('telephony.info');
    const placed = await ok<TestCallResult>('telephony.placeTestCall', { number: NUMBER, mode: 'flow' });
    if (!placed.outcome.ok) throw new Error(placed.outcome.message);
    const attemptId = placed.attempt.id;
    await until('the bot session', () => sessionsStarted.get(attemptId));

    const forged = await fetch(info.localUrls.statusCallback, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        CallSid: placed.outcome.providerSid,
        EventType: 'terminal',
        Status: 'busy',
        CustomField: attemptId,
      }),
    });
    expect(forged.status).toBe(200);
    const [call] = await ok<{ id: string; state: string }[]>('telephony.recentCalls', { limit: 1 });
    expect(call).toMatchObject({ id: attemptId, state: 'in_progress' });

    const refuted = await until('the provider check', async () =>
      (await events(attemptId)).find(
        (e) => e.note === 'contradicts live stream; provider reports in-progress',
      ),
    );
    expect(refuted).toMatchObject({
      source: 'status_callback',
      type: 'ended',
      applied: false,
      disputed: true,
    });

    await until('the end of the call', async () => {
      const [c] = await ok<{ state: string }[]>('telephony.recentCalls', { limit: 1 });
      return sessionsEnded.has(attemptId) && c?.state !== 'in_progress' ? c : undefined;
    });
    const [ended] = await ok<{ state: string; transferDecision: string | null }[]>('telephony.recentCalls', {
      limit: 1,
    });
    expect(ended).toMatchObject({ state: 'completed', transferDecision: 'none' });
    const all = await events(attemptId);
    const row = (type: string) => all.find((e) => e.type === type);
    expect(row('stream_started')).toMatchObject({ source: 'stream', applied: true });
    expect(row('transfer_decided')).toMatchObject({ source: 'stream', applied: true });
    expect(row('stream_ended')).toMatchObject({ source: 'stream', payload: { disconnectedBy: 'bot' } });
    expect(row('provider_reported')).toMatchObject({ source: 'api', payload: { status: 'in_progress' } });
    const [session] = await ok<{ disposition: string | null }[]>('voicebot.sessions', { attemptId });
    expect(session?.disposition).toBe('confirmed');
  });
});
