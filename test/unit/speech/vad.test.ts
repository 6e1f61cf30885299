import { describe, expect, it } from 'vitest';
import { MetricsRecorder, silence, SpeechError, tone, type VadEvent } from '../../../src/main/core/speech';
import { FakeVad } from '../../../src/main/core/speech/testing';

const RATE = 8000;
const speech = (ms: number) => tone(300, ms, RATE);
const quiet = (ms: number) => silence(ms, RATE);

function run(parts: Buffer[], hangoverMs = 300): VadEvent[] {
  const vad = new FakeVad({ sampleRate: RATE, hangoverMs, minSpeechMs: 60 });
  return [...parts.flatMap((p) => vad.push(p)), ...vad.close()];
}

describe('Vad base (with the energy fake): media-time events', () => {
  it('reports start and end in media time, with the hangover counted in samples', () => {
    expect(run([quiet(500), speech(1000), quiet(1000)])).toEqual([
      { type: 'speech_start', atMs: 500 },
      { type: 'speech_end', atMs: 1500, startMs: 500 },
    ]);
  });

  it('bridges gaps shorter than the hangover, splits on longer ones', () => {
    expect(run([speech(400), quiet(280), speech(400), quiet(400)]).map((e) => e.type)).toEqual([
      'speech_start',
      'speech_end',
    ]);
    expect(run([speech(400), quiet(320), speech(400), quiet(400)])).toEqual([
      { type: 'speech_start', atMs: 0 },
      { type: 'speech_end', atMs: 400, startMs: 0 },
      { type: 'speech_start', atMs: 720 },
      { type: 'speech_end', atMs: 1120, startMs: 720 },
    ]);
  });

  it('ignores clicks shorter than the minimum speech', () => {
    expect(run([quiet(200), speech(40), quiet(500)])).toEqual([]);
  });

  it('closes an open utterance, records one metric, refuses audio after close', () => {
    const metrics = new MetricsRecorder();
    const vad = new FakeVad({ sampleRate: RATE }, metrics.sink);
    expect(vad.push(speech(500))).toEqual([{ type: 'speech_start', atMs: 0 }]);
    expect(vad.speaking).toBe(true);
    expect(vad.close()).toEqual([{ type: 'speech_end', atMs: 500, startMs: 0 }]);
    expect(metrics.of('vad')).toHaveLength(1);
    expect(metrics.of('vad')[0]).toMatchObject({ ok: true, audioMs: 500 });
    expect(() => vad.push(quiet(20))).toThrow(SpeechError);
    expect(vad.close()).toEqual([]);
  });

  it('works at 16 kHz with the same media times', () => {
    const vad = new FakeVad({ sampleRate: 16000 });
    const events = [
      ...vad.push(Buffer.concat([silence(200, 16000), tone(300, 600, 16000), silence(600, 16000)])),
    ];
    expect(events).toEqual([
      { type: 'speech_start', atMs: 200 },
      { type: 'speech_end', atMs: 800, startMs: 200 },
    ]);
  });
});
