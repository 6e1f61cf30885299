import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxCallRig } from './sandbox-call-rig';
import { makeWireRig, RawExotel } from './wire-harness';

// Issue 9: Exotel's AnsweredBy=Machine was ignored: the bot greeted the answering machine and talked to
// it. The sandbox's voicemail callee is answered by a machine (its answered callback says so before the
// stream starts) and plays a voicemail greeting. The bot says nothing, hangs up, and the call is
// recorded with disposition `machine`.

const VOICEMAIL = '+919800000004';
let rig: SandboxCallRig;

beforeAll(async () => {
  rig = await SandboxCallRig.open({
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
  });
});

afterAll(async () => {
  await rig?.close();
});

describe('a call answered by a machine', () => {
  it('is not spoken to: the bot hangs up at once and the call is recorded with disposition machine', async () => {
    const { attemptId, attempt, detail } = await rig.call(VOICEMAIL, { ms: 30_000, callEnded: true });
    expect(attempt).toMatchObject({ answeredBy: 'machine', transferDecision: 'none' });
    expect(detail.session).toMatchObject({
      disposition: 'machine',
      endReason: 'machine',
      transfer: 'none',
      turns: 0,
    });
    expect(detail.lines.filter((l) => l.speaker === 'bot')).toEqual([]);
    const types = (await rig.ok<{ type: string }[]>('telephony.callEvents', { attemptId })).map(
      (e) => e.type,
    );
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
