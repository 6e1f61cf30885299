import fs from 'node:fs/promises';
import { WaveFile } from 'wavefile';

/** Turns a callee's text line into PCM16LE mono at `sampleRate` (the offline TTS, wired by the host). */
export type Speak = (text: string, sampleRate: number) => Promise<Buffer>;

/** Without a TTS, a line is silence as long as it would take to say (~70 ms a character). */
export const silentSpeech: Speak = (text, sampleRate) =>
  Promise.resolve(Buffer.alloc(Math.round((text.length * 0.07 + 0.3) * sampleRate) * 2));

/** Reads a WAV file as PCM16LE mono at `sampleRate` (first channel of a stereo file). */
export async function wavToPcm(file: string, sampleRate: number): Promise<Buffer> {
  const wav = new WaveFile(await fs.readFile(file));
  wav.toBitDepth('16');
  wav.toSampleRate(sampleRate);
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[];
  const mono = Array.isArray(samples) ? (samples[0] ?? new Int16Array(0)) : samples;
  return Buffer.from(mono.buffer, mono.byteOffset, mono.byteLength);
}
