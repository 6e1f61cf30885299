import { int16, type Audio } from '../../speech';

// Where each side of a recorded call was speaking, from its own channel, in media time. Energy per
// 20 ms frame against a threshold that follows the channel's noise floor: deterministic and cheap, and
// the same answer whether the run went at 1x or at full speed.

export const FRAME_MS = 20;

export interface Span {
  startMs: number;
  endMs: number;
}

export interface ActivityOptions {
  /** RMS (of 32768) a frame must reach to count as sound, at least. Default 300. */
  minRms?: number;
  /** Gaps shorter than this inside speech (between words) are bridged. Default 250 ms. */
  bridgeMs?: number;
  /** Bursts shorter than this (clicks) are dropped. Default 60 ms. */
  minSpeechMs?: number;
}

function frameRms(samples: Int16Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    const v = samples[i] ?? 0;
    sum += v * v;
  }
  return to > from ? Math.sqrt(sum / (to - from)) : 0;
}

/** The spans where a channel carries sound (speech, or the noise of a recording above its floor). */
export function activity(audio: Audio, options: ActivityOptions = {}): Span[] {
  const samples = int16(audio.pcm);
  const per = Math.max(1, Math.round((audio.sampleRate * FRAME_MS) / 1000));
  const frames: number[] = [];
  for (let at = 0; at < samples.length; at += per)
    frames.push(frameRms(samples, at, Math.min(samples.length, at + per)));
  if (frames.length === 0) return [];
  // The noise floor: a low percentile of frame energy (a recording with steady noise is not "speech").
  const sorted = [...frames].sort((a, b) => a - b);
  const floor = sorted[Math.floor(sorted.length * 0.1)] ?? 0;
  const threshold = Math.max(options.minRms ?? 300, floor * 4);
  const bridge = Math.ceil((options.bridgeMs ?? 250) / FRAME_MS);
  const minFrames = Math.ceil((options.minSpeechMs ?? 60) / FRAME_MS);
  const spans: { start: number; end: number }[] = [];
  frames.forEach((e, i) => {
    if (e < threshold) return;
    const last = spans[spans.length - 1];
    if (last && i - last.end <= bridge) last.end = i + 1;
    else spans.push({ start: i, end: i + 1 });
  });
  return spans
    .filter((s) => s.end - s.start >= minFrames)
    .map((s) => ({
      startMs: s.start * FRAME_MS,
      endMs: Math.min(s.end * FRAME_MS, (samples.length / audio.sampleRate) * 1000),
    }));
}

/** The parts of `spans` inside [from, to). */
export function within(spans: readonly Span[], from: number, to: number): Span[] {
  const out: Span[] = [];
  for (const s of spans) {
    const startMs = Math.max(s.startMs, from);
    const endMs = Math.min(s.endMs, to);
    if (endMs > startMs) out.push({ startMs, endMs });
  }
  return out;
}

/** Total time two span lists overlap. */
export function overlapMs(a: readonly Span[], b: readonly Span[]): number {
  let total = 0;
  for (const x of a)
    for (const y of b) total += Math.max(0, Math.min(x.endMs, y.endMs) - Math.max(x.startMs, y.startMs));
  return total;
}

/** The longest stretch of [from, to) with no span of either list in it. */
export function longestGapMs(from: number, to: number, ...lists: readonly (readonly Span[])[]): number {
  const all = lists
    .flat()
    .filter((s) => s.endMs > from && s.startMs < to)
    .sort((a, b) => a.startMs - b.startMs);
  let longest = 0;
  let at = from;
  for (const s of all) {
    longest = Math.max(longest, s.startMs - at);
    at = Math.max(at, s.endMs);
  }
  return Math.max(longest, to - at, 0);
}

/** A slice of audio in media time (clamped to the recording). */
export function sliceAudio(audio: Audio, fromMs: number, toMs: number): Audio {
  const bytesPerMs = (audio.sampleRate * 2) / 1000;
  const from = Math.max(0, Math.floor((fromMs * bytesPerMs) / 2) * 2);
  const to = Math.min(audio.pcm.length, Math.floor((toMs * bytesPerMs) / 2) * 2);
  return { pcm: audio.pcm.subarray(from, Math.max(from, to)), sampleRate: audio.sampleRate };
}
