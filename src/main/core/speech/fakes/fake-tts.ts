import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { silence, tone, type Audio } from '../audio';
import { SpeechError, type SpeechErrorKind } from '../errors';
import type { MetricsSink } from '../metrics';
import { Tts } from '../tts';

export const FAKE_TTS_RATE = 8000;

/** The tone a word becomes: same word, same pitch and length, on every run. */
export function fakeWordTone(word: string): { freqHz: number; ms: number } {
  let h = 0;
  for (const c of word.toLowerCase()) h = (h * 31 + c.charCodeAt(0)) % 9973;
  return { freqHz: 300 + (h % 20) * 50, ms: 60 + 25 * word.length };
}

/** Deterministic "speech": one tone per word plus a 20 ms gap, streamed a word at a time. */
export class FakeTts extends Tts {
  readonly provider = 'fake';
  readonly texts: string[] = [];

  constructor(
    metrics?: MetricsSink,
    private readonly options: { failWith?: SpeechErrorKind } = {},
  ) {
    super(metrics);
  }

  protected async *run(text: string, signal?: AbortSignal): AsyncIterable<Audio> {
    this.texts.push(text);
    if (this.options.failWith)
      throw new SpeechError(this.options.failWith, 'tts', this.provider, 'scripted failure');
    for (const word of text.split(' ')) {
      if (signal?.aborted) return;
      const { freqHz, ms } = fakeWordTone(word);
      yield {
        pcm: Buffer.concat([tone(freqHz, ms, FAKE_TTS_RATE), silence(20, FAKE_TTS_RATE)]),
        sampleRate: FAKE_TTS_RATE,
      };
      await yieldToLoop(); // lets a consumer's abort land between words, like a real stream
    }
  }
}
