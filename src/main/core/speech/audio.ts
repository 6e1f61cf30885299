import { resample } from 'wave-resampler';
import { WaveFile } from 'wavefile';

/** Mono PCM16LE audio and its rate: the one audio shape the speech layer speaks. */
export interface Audio {
  pcm: Buffer;
  sampleRate: number;
}

export function audioDurationMs(audio: Audio): number {
  return (audio.pcm.length / 2 / audio.sampleRate) * 1000;
}

export function silence(ms: number, sampleRate: number): Buffer {
  return Buffer.alloc(Math.round((ms * sampleRate) / 1000) * 2);
}

/** An Int16Array over the PCM (copied when the Buffer is not 2-byte aligned). */
export function int16(pcm: Buffer): Int16Array {
  const n = Math.floor(pcm.length / 2);
  if (pcm.byteOffset % 2 === 0) return new Int16Array(pcm.buffer, pcm.byteOffset, n);
  const copy = Buffer.from(pcm.subarray(0, n * 2));
  return new Int16Array(copy.buffer, copy.byteOffset, n);
}

// Typed-array views below assume a little-endian host (x86, ARM): PCM16LE bytes are then samples.
export function fromInt16(samples: ArrayLike<number>): Buffer {
  const out = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i] as number);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

/** Samples scaled to [-1, 1). */
export function toFloat32(pcm: Buffer): Float32Array {
  const s = int16(pcm);
  const out = new Float32Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = (s[i] as number) / 32768;
  return out;
}

/** Resamples PCM16 (wave-resampler: cubic with an anti-alias filter). */
export function resamplePcm(pcm: Buffer, from: number, to: number): Buffer {
  if (from === to || pcm.length < 2) return pcm;
  return fromInt16(resample(int16(pcm), from, to));
}

export function resampleAudio(audio: Audio, to: number): Audio {
  return { pcm: resamplePcm(audio.pcm, audio.sampleRate, to), sampleRate: to };
}

/** The 44-byte header of a canonical PCM16 WAV file (RIFF, fmt, data). */
export function wavHeader(dataBytes: number, sampleRate: number, channels: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + dataBytes, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28); // byte rate
  h.writeUInt16LE(channels * 2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(dataBytes, 40);
  return h;
}

/**
 * PCM16LE bytes as a WAV file: a header and the bytes as they are. (wavefile packs sample by sample,
 * which blocked the event loop ~7 ms per second of call audio when a call's recordings were written.)
 */
export function pcmWav(pcm: Buffer, sampleRate: number, channels = 1): Buffer {
  const data = pcm.length % 2 === 0 ? pcm : pcm.subarray(0, pcm.length - 1);
  return Buffer.concat([wavHeader(data.length, sampleRate, channels), data]);
}

/** Two mono PCM16 channels as one stereo PCM16 stream (left, right, left, …); the shorter is padded. */
export function interleaveStereo(left: Buffer, right: Buffer): Buffer {
  const l = int16(left);
  const r = int16(right);
  const n = Math.max(l.length, r.length);
  const out = new Int16Array(n * 2);
  for (let i = 0; i < n; i++) {
    out[2 * i] = l[i] ?? 0;
    out[2 * i + 1] = r[i] ?? 0;
  }
  return Buffer.from(out.buffer, out.byteOffset, out.byteLength);
}

export function encodeWav(audio: Audio): Buffer {
  return pcmWav(audio.pcm, audio.sampleRate);
}

/** Decodes a WAV file of any PCM depth / channel count into mono PCM16. Throws on non-WAV input. */
export function decodeWav(data: Uint8Array): Audio {
  const wav = new WaveFile(data);
  const fmt = wav.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number };
  if (fmt.bitsPerSample !== 16) wav.toBitDepth('16');
  const samples = wav.getSamples(false, Int16Array) as unknown as Int16Array | Int16Array[];
  if (!Array.isArray(samples)) return { pcm: fromInt16(samples), sampleRate: fmt.sampleRate };
  const first = samples[0] ?? new Int16Array(0);
  const mixed = new Float64Array(first.length);
  for (const ch of samples)
    for (let i = 0; i < mixed.length; i++) mixed[i] = (mixed[i] as number) + (ch[i] ?? 0);
  for (let i = 0; i < mixed.length; i++) mixed[i] = (mixed[i] as number) / samples.length;
  return { pcm: fromInt16(mixed), sampleRate: fmt.sampleRate };
}

/** A sine tone, for fakes and tests. */
export function tone(freqHz: number, ms: number, sampleRate: number, amplitude = 8000): Buffer {
  const n = Math.round((ms * sampleRate) / 1000);
  const samples = new Float64Array(n);
  for (let i = 0; i < n; i++) samples[i] = amplitude * Math.sin((2 * Math.PI * freqHz * i) / sampleRate);
  return fromInt16(samples);
}

/** Root-mean-square level of PCM16, 0..32768. */
export function rms(pcm: Buffer): number {
  const s = int16(pcm);
  if (s.length === 0) return 0;
  let sum = 0;
  for (let i = 0; i < s.length; i++) sum += (s[i] as number) ** 2;
  return Math.sqrt(sum / s.length);
}
