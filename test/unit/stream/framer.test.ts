import { describe, expect, it } from 'vitest';
import {
  BotPlayback,
  frameAll,
  outgoingChunkProblem,
  PcmFramer,
  sampleRateFromUrl,
  SUPPORTED_SAMPLE_RATES,
  withSampleRate,
} from '../../../src/main/core/stream';

/** Deterministic non-silent PCM (a ramp), so reassembly can be checked byte for byte. */
function ramp(bytes: number): Buffer {
  const b = Buffer.alloc(bytes);
  for (let i = 0; i < bytes; i++) b[i] = (i * 7 + 3) % 251 || 1;
  return b;
}

describe('PcmFramer', () => {
  it('emits valid chunks only, at every supported rate, for many input sizes', () => {
    for (const rate of SUPPORTED_SAMPLE_RATES) {
      const frame = (rate / 50) * 2;
      for (const total of [1, 2, 319, 320, 3199, 3200, 3201, 10_000, 123_457, 250_000]) {
        const input = ramp(total);
        const chunks = frameAll(input, { sampleRate: rate });
        for (const c of chunks)
          expect(outgoingChunkProblem(c.length, rate), `${rate}/${total}`).toBeUndefined();
        const out = Buffer.concat(chunks);
        // Everything sent, in order, then silence padding to a 20 ms multiple (at least the minimum).
        expect(out.subarray(0, total).equals(input)).toBe(true);
        expect(out.subarray(total).every((v) => v === 0)).toBe(true);
        expect(out.length % frame).toBe(0);
        expect(out.length - total).toBeLessThan(frame * 10); // never more than the 3,200-byte minimum at 8k
      }
    }
  });

  it('reassembles a stream pushed in arbitrary pieces', () => {
    const input = ramp(50_001);
    const framer = new PcmFramer({ sampleRate: 8000 });
    const out: Buffer[] = [];
    let at = 0;
    let step = 1;
    while (at < input.length) {
      out.push(...framer.push(input.subarray(at, at + step)));
      at += step;
      step = (step * 31 + 17) % 4000; // irregular sizes, including odd ones
    }
    out.push(...framer.flush());
    expect(out.slice(0, -1).every((c) => c.length === 3200)).toBe(true); // the minimum while streaming
    expect(Buffer.concat(out).subarray(0, input.length).equals(input)).toBe(true);
    expect(framer.bufferedBytes).toBe(0);
  });

  it('scales chunk size with the rate and clamps the requested size to the limits', () => {
    expect(new PcmFramer({ sampleRate: 8000 }).chunkBytes).toBe(3200);
    expect(new PcmFramer({ sampleRate: 16000 }).chunkBytes).toBe(6400);
    expect(new PcmFramer({ sampleRate: 24000 }).chunkBytes).toBe(9600);
    expect(new PcmFramer({ sampleRate: 8000, chunkMs: 10 }).chunkBytes).toBe(3200);
    expect(new PcmFramer({ sampleRate: 8000, chunkMs: 500 }).chunkBytes).toBe(8000);
    expect(new PcmFramer({ sampleRate: 24000, chunkMs: 60_000 }).chunkBytes).toBe(99_840);
    expect(() => new PcmFramer({ sampleRate: 44100 })).toThrow(/unsupported sample rate/);
  });

  it('pads a short final remainder to the 3,200-byte minimum; reset drops buffered audio', () => {
    const f = new PcmFramer({ sampleRate: 8000 });
    expect(f.push(ramp(700))).toEqual([]);
    const [last] = f.flush();
    expect(last?.length).toBe(3200);
    expect(f.flush()).toEqual([]);
    f.push(ramp(100));
    f.reset();
    expect(f.flush()).toEqual([]);
  });

  it('names the rule a bad chunk breaks', () => {
    expect(outgoingChunkProblem(3210, 8000)).toMatch(/multiple of 320/);
    expect(outgoingChunkProblem(2880, 8000)).toMatch(/under the minimum 3200/);
    expect(outgoingChunkProblem(100_160, 8000)).toMatch(/over 99840/);
    expect(outgoingChunkProblem(6400, 16000)).toBeUndefined();
  });
});

describe('sample rate from the stream URL', () => {
  it('defaults to 8000 and accepts 16000 / 24000', () => {
    expect(sampleRateFromUrl('wss://h/voicebot/s/')).toEqual({ ok: true, sampleRate: 8000 });
    expect(sampleRateFromUrl('/voicebot/s/?sample-rate=16000')).toEqual({ ok: true, sampleRate: 16000 });
    expect(sampleRateFromUrl(new URL('ws://h/?x=1&sample-rate=24000'))).toEqual({
      ok: true,
      sampleRate: 24000,
    });
    const bad = sampleRateFromUrl('/?sample-rate=44100');
    expect(bad.ok).toBe(false);
    expect(sampleRateFromUrl('/?sample-rate=abc').ok).toBe(false);
    expect(withSampleRate('ws://h/p?a=1', 16000)).toBe('ws://h/p?a=1&sample-rate=16000');
    expect(withSampleRate('ws://h/p', 8000)).toBe('ws://h/p');
  });
});

describe('BotPlayback (media time)', () => {
  it('plays audio back to back, makes marks due when their audio has played, clears the rest', () => {
    const p = new BotPlayback(8000);
    const a = p.enqueueAudio(Buffer.alloc(1600), 1000); // 100 ms at 8 kHz, from t=1000
    const b = p.enqueueAudio(Buffer.alloc(3200), 1050); // 200 ms, queued behind a
    expect([a.startMs, a.endMs, b.startMs, b.endMs]).toEqual([1000, 1100, 1100, 1300]);
    expect(p.enqueueMark('t1', 1050)).toEqual([]);
    expect(p.advance(1200)).toEqual([]);
    expect(p.advance(1300)).toEqual([{ name: 't1', atMs: 1300 }]);
    expect(p.enqueueMark('t2', 1400)).toEqual([{ name: 't2', atMs: 1400 }]); // nothing left to play
    p.enqueueAudio(Buffer.alloc(16000), 1500); // 1 s
    p.enqueueMark('t3', 1500);
    expect(p.isPlaying(1600)).toBe(true);
    expect(p.clear(1600)).toEqual({ droppedMs: 900, marks: [{ name: 't3', atMs: 1600 }] });
    expect(p.isPlaying(1600)).toBe(false);
  });
});
