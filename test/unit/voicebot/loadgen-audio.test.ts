import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pcmWav, silence, tone } from '../../../src/main/core/speech';
import { callerAudio, isLoud, LOUD_PEAK } from '../../../bench/voicebot/loadgen';
import { makeTempDir } from '../../helpers/temp-dir';

// Recorded caller lines for the load generator: a WAV at any rate becomes 8 kHz PCM cut right after
// its last loud sample, so the line's last 100 ms frame is its last loud one.

let cleanup: (() => void) | undefined;
afterEach(() => cleanup?.());

describe('load generator caller audio from WAV files', () => {
  it('resamples a 16 kHz recording to 8 kHz and cuts the quiet tail after its last loud sample', async () => {
    const tmp = makeTempDir('calldeck-loadgen-audio-');
    cleanup = tmp.cleanup;
    const wav = path.join(tmp.dir, 'caller.wav');
    // 100 ms of silence, 300 ms of voice-like tone, 500 ms of a quiet room.
    const pcm = Buffer.concat([silence(100, 16000), tone(300, 300, 16000), tone(200, 500, 16000, 200)]);
    writeFileSync(wav, pcmWav(pcm, 16000));

    const [file] = await callerAudio([wav], path.join(tmp.dir, 'cache'));
    const line = readFileSync(file ?? '');
    const ms = line.length / 16; // 8 kHz, 2 bytes a sample
    expect(ms).toBeGreaterThan(390);
    expect(ms).toBeLessThanOrEqual(400);
    expect(Math.abs(line.readInt16LE(line.length - 2))).toBeGreaterThanOrEqual(LOUD_PEAK * 0.9);
    expect(isLoud(line.subarray(line.length - 1600))).toBe(true);
  });

  it('refuses a recording with nothing loud in it, naming the file', async () => {
    const tmp = makeTempDir('calldeck-loadgen-audio-');
    cleanup = tmp.cleanup;
    const wav = path.join(tmp.dir, 'quiet.wav');
    writeFileSync(wav, pcmWav(tone(200, 500, 8000, 200), 8000));
    await expect(callerAudio([wav], path.join(tmp.dir, 'cache'))).rejects.toThrow(`nothing loud in ${wav}`);
  });
});
