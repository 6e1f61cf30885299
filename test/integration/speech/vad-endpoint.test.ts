import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeWav,
  FvadVadProvider,
  int16,
  resampleAudio,
  silence,
  type VadEvent,
} from '../../../src/main/core/speech';
import { Endpointer, type UtteranceEvent } from '../../../src/main/core/voicebot/session/endpointer';
import { repoRoot } from '../../fixtures/demo-bot';

// Endpointing on real speech with the offline VAD (fvad): the caller's turn ends 300 ms after their
// last loud frame, not ~100 ms later where fvad's own hangover lets go; and a pause between words
// shorter than that is not an end. Audio: the QA suite's human recordings, 8 kHz.

const RATE = 8000;
const HUMAN = path.join(repoRoot, 'resources/qa/appointment/human');
/** About -30 dBFS: the load generator's "loud" (bench/voicebot/loadgen/audio.ts). */
const LOUD = 1000;
/** About -50 dBFS: quieter 20 ms frames are inaudible on a phone line. */
const AUDIBLE_RMS = 100;

const human = (file: string) => resampleAudio(decodeWav(readFileSync(path.join(HUMAN, file))), RATE).pcm;

/** The recording up to its last loud sample (what the load generator's callers say), and that time. */
function untilLastLoud(pcm: Buffer): Buffer {
  const s = int16(pcm);
  let last = -1;
  for (let i = 0; i < s.length; i++) if (Math.abs(s[i] ?? 0) >= LOUD) last = i;
  return pcm.subarray(0, (last + 1) * 2);
}

/** From the first to the last audible 20 ms frame: the word as heard, without the room's silence. */
function audible(pcm: Buffer): Buffer {
  const s = int16(pcm);
  const n = RATE / 50;
  let first = -1;
  let last = -1;
  for (let f = 0; (f + 1) * n <= s.length; f++) {
    let sum = 0;
    for (let i = f * n; i < (f + 1) * n; i++) sum += (s[i] ?? 0) ** 2;
    if (Math.sqrt(sum / n) < AUDIBLE_RMS) continue;
    if (first < 0) first = f;
    last = f;
  }
  return pcm.subarray(first * n * 2, (last + 1) * n * 2);
}

const ms = (pcm: Buffer) => pcm.length / 2 / (RATE / 1000);

let vad: FvadVadProvider;
beforeAll(async () => {
  vad = await FvadVadProvider.load({});
});

function vadEvents(pcm: Buffer, quietGateDb?: number | null): VadEvent[] {
  const v = vad.create({ sampleRate: RATE, hangoverMs: 300, minSpeechMs: 60, quietGateDb });
  return [...v.push(pcm), ...v.close()];
}

/** The session's endpointer over 100 ms chunks (Exotel's inbound size). */
function turns(pcm: Buffer): UtteranceEvent[] {
  const e = new Endpointer(vad.create({ sampleRate: RATE, hangoverMs: 300, minSpeechMs: 60 }), 15_000);
  const out: UtteranceEvent[] = [];
  const chunk = 1600;
  for (let at = 0; at < pcm.length; at += chunk) {
    out.push(...e.push(pcm.subarray(at, at + chunk), Math.min(pcm.length, at + chunk) / 16));
  }
  return [...out, ...e.close(ms(pcm))].filter((t) => t.type === 'end');
}

describe('endpointing on recorded speech (fvad)', () => {
  it('ends the speech at the last loud frame, not where fvad lets go ~100 ms later', () => {
    for (const file of ['reschedule/step-02.wav', 'confirm/step-01.wav', 'wrong-number/step-01.wav']) {
      const said = untilLastLoud(human(file));
      const lastLoudMs = 200 + ms(said);
      const events = vadEvents(Buffer.concat([silence(200, RATE), said, silence(1000, RATE)]));
      const end = events.find((e) => e.type === 'speech_end');
      // The 20 ms frame holding the last loud sample ends the speech (before: 100-120 ms later).
      expect(end?.atMs, file).toBeGreaterThanOrEqual(lastLoudMs - 20);
      expect(end?.atMs, file).toBeLessThanOrEqual(lastLoudMs + 20);
      // fvad alone (no quiet gate) holds on to the speech over the digital silence after it.
      const fvadEnd = vadEvents(Buffer.concat([silence(200, RATE), said, silence(1000, RATE)]), null).find(
        (e) => e.type === 'speech_end',
      );
      expect(fvadEnd?.atMs, file).toBeGreaterThanOrEqual(lastLoudMs + 80);
    }
  });

  it("the caller's turn is known 300 ms after the last loud frame (at the end of its chunk)", () => {
    // Speech ends mid-chunk: the chunk that completes 300 ms of silence ends the turn.
    const said = untilLastLoud(human('reschedule/step-02.wav'));
    const pcm = Buffer.concat([silence(200, RATE), said, silence(1000, RATE)]);
    const lastLoudMs = 200 + ms(said);
    const [end, ...rest] = turns(pcm);
    expect(rest).toEqual([]);
    expect(end).toMatchObject({ type: 'end', cut: false });
    if (end?.type !== 'end') return;
    expect(end.detectedAtMs - lastLoudMs).toBeGreaterThanOrEqual(300 - 20);
    expect(end.detectedAtMs - lastLoudMs).toBeLessThan(300 + 100);
  });

  it('a caller pausing 250 ms between words is one turn; 400 ms ends it', () => {
    const first = audible(human('reschedule/step-02.wav')); // "change"
    const second = audible(human('reschedule/step-03.wav')); // "make it friday"
    const call = (pauseMs: number) =>
      Buffer.concat([silence(300, RATE), first, silence(pauseMs, RATE), second, silence(1000, RATE)]);
    for (const pcm of [call(200), call(250)]) {
      const ends = turns(pcm);
      expect(ends).toHaveLength(1);
      expect(ends[0]).toMatchObject({ startMs: expect.closeTo(300, -2) as number, cut: false });
    }
    expect(turns(call(400))).toHaveLength(2);
  });

  it('a pause with line noise 45 dB under the voice is still one turn', () => {
    const first = audible(human('confirm/step-01.wav')); // "yes"
    const second = audible(human('reschedule/step-03.wav'));
    // Seeded white noise at about -60 dBFS in the pause (a quiet line, not digital silence).
    let seed = 7;
    const noise = Buffer.alloc(250 * 16);
    for (let at = 0; at < noise.length; at += 2) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      noise.writeInt16LE(Math.round(((seed / 0x7fffffff) * 2 - 1) * 50), at);
    }
    const ends = turns(Buffer.concat([silence(300, RATE), first, noise, second, silence(1000, RATE)]));
    expect(ends).toHaveLength(1);
  });
});
