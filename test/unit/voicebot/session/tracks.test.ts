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
    for (let i = 0; i < 150; i++) t.append(Buffer.alloc(1600, i % 256)); // 15 s: grows past its start size
    expect(t.lengthMs).toBe(15_000);
    expect(t.slice(100, 200)).toEqual(Buffer.alloc(1600, 1));
    expect(t.slice(-500, 100)).toEqual(Buffer.alloc(1600, 0));
    expect(t.slice(14_900, 99_999).length).toBe(1600);
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
    const pcm = t.render(1500);
    expect(pcm.length).toBe(1500 * 16);
    expect(pcm.subarray(0, 1000 * 16).every((b) => b === 0)).toBe(true);
    expect(pcm.subarray(1000 * 16, 1300 * 16).every((b) => b === 1)).toBe(true);
    expect(pcm.subarray(1300 * 16).every((b) => b === 0)).toBe(true);
  });
});

describe('Endpointer (media time)', () => {
  function run(pcm: Buffer, maxMs = 15_000, hangoverMs = 300): UtteranceEvent[] {
    const e = new Endpointer(new FakeVad({ sampleRate: RATE, hangoverMs }), maxMs);
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
});
