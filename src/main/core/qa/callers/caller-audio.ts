import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { decodeWav, resampleAudio, type Tts } from '../../speech';
import { SAMPLE_RATE } from './pcm';

/** Longest clip a caller plays (a caller's turn is seconds; this stops a wrong file). */
const MAX_CLIP_BYTES = 20 * 1024 * 1024;

export class CallerAudioError extends Error {
  override readonly name = 'CallerAudioError';
}

/** A WAV file of any rate, depth and channel count as 8 kHz PCM16 mono. */
export async function loadClip(file: string): Promise<Buffer> {
  let data: Buffer;
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_CLIP_BYTES)
      throw new CallerAudioError(`${file}: larger than ${MAX_CLIP_BYTES} bytes`);
    data = await fs.readFile(file);
  } catch (err) {
    if (err instanceof CallerAudioError) throw err;
    throw new CallerAudioError(
      `cannot read the clip ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})`,
    );
  }
  try {
    return resampleAudio(decodeWav(data), SAMPLE_RATE).pcm;
  } catch (err) {
    throw new CallerAudioError(`${file} is not a WAV file this runner can read: ${(err as Error).message}`);
  }
}

/**
 * Speaks the synthetic caller's lines, each synthesised once: the audio is kept on disk under the hash
 * of the text, the voice and the rate (a suite re-run, or a second repeat, does not synthesise again).
 */
export class SpeechCache {
  constructor(
    private readonly tts: Tts,
    private readonly dir: string,
    private readonly voice = 'default',
  ) {}

  key(text: string): string {
    return createHash('sha256')
      .update(JSON.stringify([this.tts.provider, this.voice, SAMPLE_RATE, text]))
      .digest('hex');
  }

  async speak(text: string): Promise<Buffer> {
    const file = path.join(this.dir, `${this.key(text)}.pcm`);
    try {
      return await fs.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const audio = await this.tts.synthesizeAll(text, { sampleRate: SAMPLE_RATE });
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    // Written whole then renamed: a parallel run never reads half a file.
    const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await fs.writeFile(tmp, audio.pcm, { mode: 0o600 });
    await fs.rename(tmp, file);
    return audio.pcm;
  }
}
