import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decodeWav, FliteTts, resampleAudio } from '../../../src/main/core/speech';
import { RATE } from '../timing';

// Caller audio: each line synthesised by flite once (or read from a recorded WAV file, any rate) and
// cached on disk as raw PCM16LE at 8 kHz, cut right after its last loud sample so the line's last
// 100 ms frame is its last loud one. The same loudness test tells the calibration bot when a caller
// stopped.

/** A frame is loud when a sample reaches this (about -30 dBFS); flite's speech peaks far above. */
export const LOUD_PEAK = 1000;

export function isLoud(pcm: Buffer): boolean {
  for (let at = 0; at + 1 < pcm.length; at += 2) if (Math.abs(pcm.readInt16LE(at)) >= LOUD_PEAK) return true;
  return false;
}

/** The audio up to and including its last loud sample (empty when nothing is loud). */
export function trimAfterLastLoud(pcm: Buffer): Buffer {
  for (let at = pcm.length - 2; at >= 0; at -= 2) {
    if (Math.abs(pcm.readInt16LE(at)) >= LOUD_PEAK) return pcm.subarray(0, at + 2);
  }
  return pcm.subarray(0, 0);
}

export const DEFAULT_AUDIO_CACHE = path.resolve(__dirname, '../../../node_modules/.cache/calldeck-loadgen');

const isWav = (line: string) => line.toLowerCase().endsWith('.wav');

/** A recorded line: mono, 8 kHz, cut after its last loud sample. */
function wavLine(file: string): Buffer {
  const pcm = trimAfterLastLoud(resampleAudio(decodeWav(readFileSync(file)), RATE).pcm);
  if (pcm.length === 0) throw new Error(`nothing loud in ${file}`);
  return pcm;
}

/**
 * One PCM file per line: a line ending in .wav is that recording (converted every time: it may
 * change), any other line is text said by flite's kal voice, synthesised only when not cached yet.
 */
export async function callerAudio(lines: string[], cacheDir = DEFAULT_AUDIO_CACHE): Promise<string[]> {
  mkdirSync(cacheDir, { recursive: true });
  const files = lines.map((line) => {
    const what = isWav(line) ? `wav\u0000${path.resolve(line)}` : `flite-kal-${RATE}\u0000${line}`;
    const key = createHash('sha256').update(what).digest('hex').slice(0, 16);
    return path.join(cacheDir, `${key}.pcm`);
  });
  for (const [i, line] of lines.entries()) if (isWav(line)) save(files[i] ?? '', wavLine(line));
  const missing = lines
    .map((text, i) => ({ text, file: files[i] ?? '' }))
    .filter((l) => !isWav(l.text) && !existsSync(l.file));
  if (missing.length > 0) {
    const tts = await FliteTts.load({});
    try {
      for (const { text, file } of missing) {
        const pcm = trimAfterLastLoud((await tts.synthesizeAll(text, { sampleRate: RATE })).pcm);
        if (pcm.length === 0) throw new Error(`flite said nothing loud for "${text}"`);
        save(file, pcm);
      }
    } finally {
      tts.dispose();
    }
  }
  return files;
}

/** Written whole then renamed, so a run killed mid-write never leaves a short line cached. */
function save(file: string, pcm: Buffer): void {
  writeFileSync(`${file}.tmp`, pcm);
  renameSync(`${file}.tmp`, file);
}
