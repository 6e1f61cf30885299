import { afterEach, describe, expect, it } from 'vitest';
import { CALL_SID, makeWireRig, RawExotel, RATE, type WireRig } from './wire-harness';

// Issue 9: a `start` frame without any stream_sid (some third-party Exotel clients send none) used to be
// dropped as a bad frame, so the call sat silent. The call sid stands in for the stream sid.

let rig: WireRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

describe('a start frame without a stream_sid', () => {
  it('is accepted: the bot greets, using the call sid as the stream sid, and says so in the log', async () => {
    rig = await makeWireRig([]);
    const c = await RawExotel.connect(rig.streamUrl);
    c.sendRaw(JSON.stringify({ event: 'connected' }));
    c.sendRaw(
      JSON.stringify({
        event: 'start',
        sequence_number: 1,
        start: {
          call_sid: CALL_SID,
          account_sid: 'ACtest',
          from: '+919876543210',
          to: '+918047000000',
          custom_parameters: {},
          media_format: { encoding: 'raw/slin', sample_rate: RATE },
        },
      }),
    );
    await c.untilMark('turn-1');
    const sent = c.frames;
    expect(sent.filter((f) => f.event === 'media').length).toBeGreaterThan(0);
    expect(sent.every((f) => f.stream_sid === CALL_SID)).toBe(true);
    expect(rig.logs.some((l) => /no stream_sid/.test(l.message) && l.level === 'warn')).toBe(true);
    c.stop();
    await c.closed;
    await rig.voicebot.idle();
    expect(rig.records.sessions()[0]).toMatchObject({ streamSid: CALL_SID });
  });
});
