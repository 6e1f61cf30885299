import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvents } from '../../../src/shared/api/events';
import type { CallAttemptInfo, TestCallResult } from '../../../src/shared/telephony';
import type { VoicebotSessionDetail, VoicebotSessionSummary } from '../../../src/shared/voicebot';
import { createCore, MemorySecretStore, type Core } from '../../../src/main/core';
import { makeTempDir } from '../../helpers/temp-dir';
import { makeWireRig, patient, RawExotel } from './wire-harness';

// Issue 9: Exotel's AnsweredBy=Machine was ignored: the bot greeted the answering machine and talked to
// it. The sandbox's voicemail callee is answered by a machine (its answered callback says so before the
// stream starts) and plays a voicemail greeting. The bot says nothing, hangs up, and the call is
// recorded with disposition `machine`.

const VOICEMAIL = '+919800000004';
let core: Core;
let cleanup: () => void;
const ended = new Map<string, ApiEvents['voicebot.sessionEnded']>();
const calls = new Map<string, CallAttemptInfo>();

beforeAll(async () => {
  const tmp = makeTempDir();
  cleanup = tmp.cleanup;
  core = await createCore({
    dataDir: tmp.dir,
    host: 'server',
    secrets: new MemorySecretStore(),
    actor: 'tester',
    version: '0.0.0-test',
    telephony: 'sandbox',
    sandboxTimeScale: 0.05,
    sandboxScript: {
      callees: [
        {
          number: VOICEMAIL,
          outcome: 'voicemail',
          ringSec: 1,
          hangupAfterSec: 20,
          says: [
            { say: 'The person you are calling is not available. Please leave a message after the tone.' },
          ],
        },
      ],
    },
    voicebot: { testVariables: patient },
  });
  core.subscribe((event, payload) => {
    if (event === 'voicebot.sessionEnded') {
      const p = payload as ApiEvents['voicebot.sessionEnded'];
      if (p.attemptId) ended.set(p.attemptId, p);
    }
    if (event === 'call.updated') {
      const p = payload as ApiEvents['call.updated'];
      calls.set(p.attempt.id, p.attempt);
    }
  });
});

afterAll(async () => {
  await core?.stop();
  cleanup?.();
});

async function ok<T>(channel: string, request: unknown): Promise<T> {
  const result = await core.invoke(channel, request);
  if (!result.ok) throw new Error(`${channel}: ${result.error.message}`);
  return result.value as T;
}

describe('a call answered by a machine', () => {
  it('is not spoken to: the bot hangs up at once and the call is recorded with disposition machine', async () => {
    const placed = await ok<TestCallResult>('telephony.placeTestCall', { number: VOICEMAIL, mode: 'flow' });
    const attemptId = placed.attempt.id;
    const deadline = Date.now() + 30_000;
    while (!(ended.has(attemptId) && ['completed', 'failed'].includes(calls.get(attemptId)?.state ?? ''))) {
      if (Date.now() > deadline) throw new Error('the call did not end in 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(calls.get(attemptId)).toMatchObject({ answeredBy: 'machine', transferDecision: 'none' });
    const [session] = await ok<VoicebotSessionSummary[]>('voicebot.sessions', { attemptId });
    if (!session) throw new Error('no voicebot session');
    const detail = await ok<VoicebotSessionDetail>('voicebot.session', { id: session.id });
    expect(detail.session).toMatchObject({
      disposition: 'machine',
      endReason: 'machine',
      transfer: 'none',
      turns: 0,
    });
    expect(detail.lines.filter((l) => l.speaker === 'bot')).toEqual([]);
    const types = (await ok<{ type: string }[]>('telephony.callEvents', { attemptId })).map((e) => e.type);
    expect(types).toContain('stream_started');
    expect(types).not.toContain('agent_transfer');
  }, 40_000);
});

describe('a machine reported after the stream started', () => {
  it('ends the live session at once: no more talking, disposition machine, no transfer', async () => {
    const decisions: string[] = [];
    const rig = await makeWireRig([], {
      calls: {
        findAttempt: () => ({ attemptId: 'attempt-9', contactId: null, answeredBy: null }),
        streamStarted: () => decisions.push('stream_started'),
        decideTransfer: (_id, d) => decisions.push(d),
      },
    });
    try {
      const c = await RawExotel.connect(rig.streamUrl);
      c.begin();
      await c.untilMark('turn-1');
      expect(rig.voicebot.machineAnswered('some-other-attempt')).toBe(false);
      expect(rig.voicebot.machineAnswered('attempt-9')).toBe(true);
      expect((await c.closed).reason).toBe('machine');
      await rig.voicebot.idle();
      const [session] = rig.records.sessions();
      expect(session).toMatchObject({ disposition: 'machine', endReason: 'machine', transfer: 'none' });
      expect(decisions).toEqual(['stream_started', 'none']);
    } finally {
      await rig.close();
    }
  });
});
