import { afterEach, describe, expect, it } from 'vitest';
import { dialOnce } from '../../../src/main/core/calls';
import { DncRepository } from '../../../src/main/core/store';
import { makeRig, type Rig } from '../telephony/rig';

// dialOnce is the one way a call is placed (test calls now, the campaign dialer next): the
// Do-Not-Call register is checked there, so no dial path can skip it.
describe('dialOnce and the Do-Not-Call register', () => {
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('refuses a number on the register before any attempt exists or any request leaves', async () => {
    rig = await makeRig();
    const dnc = new DncRepository(rig.db);
    dnc.add([
      {
        phone_e164: '+919876543210',
        note: 'asked not to be called',
        source: 'test',
        added_at: new Date().toISOString(),
        added_by: 'tester',
      },
    ]);
    const request = {
      mode: 'stream' as const,
      callerId: '+918047000000',
      flowUrl: 'http://my.exotel.com/ACsandbox/exoml/start_voice/1',
      streamUrl: rig.urls.voicebot,
      statusCallbackUrl: rig.urls.statusCallback,
    };
    const refused = await dialOnce(
      { calls: rig.calls, provider: rig.provider, dnc },
      { ...request, number: '+919876543210' },
    );
    expect(refused).toEqual({
      kind: 'refused',
      reason: 'dnc',
      message: '+919876543210 is on the Do-Not-Call list: it is never dialled (remove it there first)',
    });
    expect(rig.db.prepare('SELECT COUNT(*) FROM call_attempts').pluck().get()).toBe(0);
    expect(rig.sandbox.calls().length).toBe(0);

    const placed = await dialOnce(
      { calls: rig.calls, provider: rig.provider, dnc },
      { ...request, number: '+919876543211', variables: { name: 'Meera' } },
    );
    expect(placed.kind).toBe('placed');
    if (placed.kind !== 'placed') return;
    expect(placed.result.kind).toBe('accepted');
    // The variables travel with the dial, recorded on its first event.
    expect(rig.calls.dialVariables(placed.attempt.id)).toEqual({ name: 'Meera' });
  });
});
