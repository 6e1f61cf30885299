import { afterEach, describe, expect, it } from 'vitest';
import { makeWireRig, RawExotel, type WireRig } from './wire-harness';

// Recognition that starts at the caller's pause (session option recogniseAtPauseMs, 100 ms by default),
// before the 300 ms endpointing silence has passed: it stands for the turn when the caller stopped
// there, and is given up when they spoke on. Real ws server, fake speech (tone = speech, 8 kHz).

let rig: WireRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

async function greeted(r: WireRig): Promise<RawExotel> {
  const c = await RawExotel.connect(r.streamUrl);
  c.begin();
  await c.untilMark('turn-1');
  c.echoMark('turn-1');
  return c;
}

async function callerLines(r: WireRig, c: RawExotel) {
  c.stop();
  await c.closed;
  await r.voicebot.idle();
  const [summary] = r.records.sessions();
  const detail = summary && r.records.session(summary.id);
  if (!detail) throw new Error('no session recorded');
  return { lines: detail.lines.filter((l) => l.speaker === 'caller'), metrics: detail.metrics };
}

describe('early recognition at the caller’s pause', () => {
  it('starts after 100 ms of silence, before the turn is over, and is the turn’s recognition', async () => {
    rig = await makeWireRig(['yes']);
    const r = rig;
    const c = await greeted(r);
    c.speak(600);
    c.silence(100);
    await c.until(() => r.asr.calls.length === 1, 'recognition at the pause');
    expect(c.received.filter((f) => f.includes('"turn-2"'))).toEqual([]); // not answered yet
    // Preroll (200 ms, clamped at the stream's start), the speech, and the 100 ms of silence so far.
    expect(r.asr.calls[0]?.audio.pcm.length).toBe((600 + 100) * 16);
    // Needed once the 300 ms endpointing silence has passed: 200 ms from now, so late only past that.
    expect(r.asr.calls[0]?.options.leadMs).toBe(200);
    c.silence(400);
    await c.untilMark('turn-2');
    expect(r.asr.calls).toHaveLength(1); // not recognised again at the end of the turn
    const { lines, metrics } = await callerLines(r, c);
    expect(lines.map((l) => [l.text, l.startMs, l.endMs])).toEqual([['yes', 0, 600]]);
    expect(metrics[1]).toMatchObject({ input: 'speech', endpointingMs: 300 });
  });

  it('speech going on after a pause gives it up: the whole turn is recognised at its end', async () => {
    rig = await makeWireRig(['no', 'yes']); // 'no' would be the wrong-person path
    const r = rig;
    const c = await greeted(r);
    c.speak(400);
    c.silence(200); // a pause inside the turn: recognition starts, the turn goes on
    await c.until(() => r.asr.calls.length === 1, 'recognition at the first pause');
    c.speak(400);
    c.silence(500);
    await c.untilMark('turn-2');
    expect(r.asr.calls).toHaveLength(2);
    expect(r.asr.calls[1]?.audio.pcm.length).toBe((400 + 200 + 400 + 100) * 16);
    const { lines } = await callerLines(r, c);
    expect(lines.map((l) => [l.text, l.startMs, l.endMs])).toEqual([['yes', 0, 1000]]);
  });

  it('off (null): recognised once the turn is over, with the whole endpointing silence', async () => {
    rig = await makeWireRig(['yes'], { session: { recogniseAtPauseMs: null } });
    const r = rig;
    const c = await greeted(r);
    c.speak(600);
    c.silence(500);
    await c.untilMark('turn-2');
    expect(r.asr.calls).toHaveLength(1);
    expect(r.asr.calls[0]?.audio.pcm.length).toBe((600 + 300) * 16);
  });
});
