import { describe, expect, it } from 'vitest';
import { WaveFile } from 'wavefile';
import { decodeWav, fromInt16, int16, interleaveStereo, pcmWav, tone } from '../../../src/main/core/speech';

describe('PCM16 WAV writing', () => {
  it('writes a mono file any WAV reader decodes to the same samples', () => {
    const pcm = tone(440, 250, 8000);
    const file = pcmWav(pcm, 8000);
    expect(file.length).toBe(44 + pcm.length);
    const read = new WaveFile(file);
    expect(read.fmt).toMatchObject({ audioFormat: 1, numChannels: 1, sampleRate: 8000, bitsPerSample: 16 });
    expect([...(read.getSamples(false, Int16Array) as unknown as Int16Array)]).toEqual([...int16(pcm)]);
    expect(decodeWav(file).pcm.equals(pcm)).toBe(true);
  });

  it('interleaves two channels of different lengths into stereo, padding the shorter with silence', () => {
    const left = fromInt16([1, 2, 3]);
    const right = fromInt16([-1, -2]);
    const stereo = interleaveStereo(left, right);
    expect([...int16(stereo)]).toEqual([1, -1, 2, -2, 3, 0]);
    const read = new WaveFile(pcmWav(stereo, 16000, 2));
    expect(read.fmt).toMatchObject({ numChannels: 2, sampleRate: 16000, byteRate: 64000, blockAlign: 4 });
    const [l, r] = read.getSamples(false, Int16Array) as unknown as Int16Array[];
    expect([...(l ?? [])]).toEqual([1, 2, 3]);
    expect([...(r ?? [])]).toEqual([-1, -2, 0]);
  });

  it('drops a dangling odd byte and clamps out-of-range samples', () => {
    expect(pcmWav(Buffer.from([1, 0, 7]), 8000).length).toBe(46);
    expect([...int16(fromInt16([40000, -40000, 12.6]))]).toEqual([32767, -32768, 13]);
  });
});
