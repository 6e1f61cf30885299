import { describe, expect, it } from 'vitest';
import { silence, tone } from '../../../../src/main/core/speech';
import { FakeVad } from '../../../../src/main/core/speech/testing';
import { BotTrack } from '../../../../src/main/core/voicebot/session/bot-track';
import { CallerTrack } from '../../../../src/main/core/voicebot/session/caller-track';
import { Endpointer, type UtteranceEvent } from '../../../../src/main/core/voicebot/session/endpointer';

const RATE = 8000;

describe('CallerTrack', () => {
  it('keeps every sample in order; media time is its length; slices are clamped', () => {
    const t = new CallerTrack(RATE);
    for (let i = 0; i < 150; i++) t.append(Buffer.alloc(1600, i % 256)); // 15 s
    expect(t.lengthMs).toBe(15_000);
    expect(t.slice(100, 200)).toEqual(Buffer.alloc(1600, 1));
    expect(t.slice(-500, 100)).toEqual(Buffer.alloc(1600, 0));
    expect(t.slice(14_900, 99_999).length).toBe(1600);
    expect(t.slice(50, 150)).toEqual(Buffer.concat([Buffer.alloc(800, 0), Buffer.alloc(800, 1)]));
  });

  it('holds only what has not been released; media time keeps counting', () => {
    const t = new CallerTrack(RATE);
    for (let i = 0; i < 600; i++) {
      t.append(Buffer.alloc(1600, i % 256)); // 60 s of 100 ms chunks
      t.release(t.lengthMs - 1000);
    }
    expect(t.lengthMs).toBe(60_000);
    expect(t.heldBytes).toBeLessThanOrEqual(1100 * 16); // ~1 s, not 60
    expect(t.slice(59_000, 59_100)).toEqual(Buffer.alloc(1600, 590 % 256));
    expect(t.slice(0, 100)).toEqual(Buffer.alloc(0)); // released
  });

  it('stops at the cap and copies what it keeps', () => {
    const t = new CallerTrack(RATE, 150);
    const frame = Buffer.alloc(1600, 7);
    expect(t.append(frame).length).toBe(1600);
    frame.fill(9); // a reused frame buffer does not change what was kept
    expect(t.slice(0, 100)).toEqual(Buffer.alloc(1600, 7));
    expect(t.append(frame).length).toBe(800);
    expect(t.full).toBe(true);
    expect(t.append(frame).length).toBe(0);
  });
});

describe('BotTrack', () => {
  it('plays audio back to back from when it is sent, and clear cuts what has not played', () => {
    const t = new BotTrack(RATE);
    const a = Buffer.alloc(3200, 1); // 200 ms
    expect(t.play(a, 1000)).toMatchObject({ startMs: 1000, endMs: 1200 });
    expect(t.play(a, 1000)).toMatchObject({ startMs: 1200, endMs: 1400 });
    expect(t.isPlaying(1300)).toBe(true);
    expect(t.clear(1300)).toBe(100);
    expect(t.isPlaying(1300)).toBe(false);
    const pcm = t.take(1500);
    expect(pcm.length).toBe(1500 * 16);
    expect(pcm.subarray(0, 1000 * 16).every((b) => b === 0)).toBe(true);
    expect(pcm.subarray(1000 * 16, 1300 * 16).every((b) => b === 1)).toBe(true);
    expect(pcm.subarray(1300 * 16).every((b) => b === 0)).toBe(true);
  });

  it('hands the channel over in stretches as media time passes, and lets go of what played', () => {
    const t = new BotTrack(RATE);
    t.play(Buffer.alloc(3200, 1), 100); // 100..300 ms
    t.play(Buffer.alloc(3200, 2), 100); // 300..500 ms
    const parts = [t.take(200), t.take(200), t.take(400)];
    expect(parts.map((p) => p.length)).toEqual([200 * 16, 0, 200 * 16]);
    expect(t.heldBytes).toBe(3200); // the second turn is still to play
    t.clear(450); // barge-in: the rest of the second turn goes
    const rest = t.take(600);
    expect(rest.length).toBe(200 * 16);
    const all = Buffer.concat([...parts, rest]);
    const at = (ms: number) => all[ms * 16];
    expect([at(50), at(150), at(250), at(350), at(449), at(460), at(550)]).toEqual([0, 1, 1, 2, 2, 0, 0]);
    expect(t.heldBytes).toBe(0);
  });
});

describe('Endpointer (media time)', () => {
  function run(
    pcm: Buffer,
    maxMs = 15_000,
    hangoverMs = 300,
    pauseMs: number | null = null,
  ): UtteranceEvent[] {
    const e = new Endpointer(new FakeVad({ sampleRate: RATE, hangoverMs }), maxMs, pauseMs);
    const out: UtteranceEvent[] = [];
    for (let at = 0; at < pcm.length; at += 1600) {
      out.push(...e.push(pcm.subarray(at, at + 1600), (at + 1600) / 16));
    }
    return out;
  }

  it('a turn ends after the silence threshold, known at the end of the chunk that completed it', () => {
    const events = run(Buffer.concat([silence(500, RATE), tone(440, 700, RATE), silence(1000, RATE)]));
    expect(events).toEqual([
      { type: 'start', atMs: 500 },
      { type: 'end', startMs: 500, endMs: 1200, detectedAtMs: 1500, cut: false },
    ]);
  });

  it('the threshold is configurable and counted in samples', () => {
    const events = run(Buffer.concat([tone(440, 400, RATE), silence(1000, RATE)]), 15_000, 500);
    expect(events.at(-1)).toMatchObject({ endMs: 400, detectedAtMs: 900 });
  });

  it('a turn longer than the maximum is cut; the rest of that speech is not a new turn', () => {
    const events = run(Buffer.concat([tone(440, 2500, RATE), silence(600, RATE)]), 1000);
    expect(events).toEqual([
      { type: 'start', atMs: 0 },
      { type: 'end', startMs: 0, endMs: 1000, detectedAtMs: 1000, cut: true },
    ]);
  });

  it('says pause once per end of speech after the pause silence; the turn ends with the last one', () => {
    const pcm = Buffer.concat([
      tone(440, 400, RATE),
      silence(200, RATE), // a pause inside the turn
      tone(440, 400, RATE),
      silence(600, RATE),
    ]);
    expect(run(pcm, 15_000, 300, 100)).toEqual([
      { type: 'start', atMs: 0 },
      { type: 'pause', startMs: 0, endMs: 400, atMs: 500 },
      { type: 'pause', startMs: 0, endMs: 1000, atMs: 1100 },
      { type: 'end', startMs: 0, endMs: 1000, detectedAtMs: 1300, cut: false },
    ]);
    expect(run(pcm).some((e) => e.type === 'pause')).toBe(false); // off by default
  });
});
