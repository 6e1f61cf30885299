import type { VadProvider } from '../../speech';
import { SAMPLE_RATE } from './pcm';

/** A pause shorter than this stays inside one caller turn (people pause mid-sentence). */
const TURN_GAP_MS = 700;
const MIN_SPEECH_MS = 150;
/** Kept around each turn so the recogniser hears its first and last sounds whole. */
const PAD_MS = 150;

const bytes = (ms: number) => Math.round((ms * SAMPLE_RATE) / 1000) * 2;

/**
 * The caller's turns in a recorded caller channel (8 kHz PCM16), found by the VAD: each stretch of
 * speech, pauses under 700 ms kept inside it, with a little audio either side. A recorded call
 * becomes a human caller: its turns are played in order for the scenario's spoken steps.
 */
export function splitCallerTurns(pcm: Buffer, vad: VadProvider): Buffer[] {
  const detector = vad.create({
    sampleRate: SAMPLE_RATE,
    hangoverMs: TURN_GAP_MS,
    minSpeechMs: MIN_SPEECH_MS,
  });
  const spans: { startMs: number; endMs: number }[] = [];
  for (const e of [...detector.push(pcm), ...detector.close()]) {
    if (e.type === 'speech_end') spans.push({ startMs: e.startMs, endMs: e.atMs });
  }
  return spans.map((s) =>
    pcm.subarray(Math.max(0, bytes(s.startMs - PAD_MS)), Math.min(pcm.length, bytes(s.endMs + PAD_MS))),
  );
}
