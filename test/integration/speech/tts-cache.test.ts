import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FliteTts,
  MetricsRecorder,
  SpeechError,
  Tts,
  TtsCache,
  tone,
  type Audio,
} from '../../../src/main/core/speech';

// Whole lines kept for reuse (TtsCache on a Tts): the same line in the same voice and rate is
// synthesised once, however many calls say it; two calls asking at the same moment share one
// synthesis; a line cut short is never kept. Real flite for the first test, a counting provider for
// the rest (it counts every synthesis the provider is asked for).

/** A provider that counts its syntheses and takes `ms` per line (a tone per character). */
class CountingTts extends Tts {
  readonly provider = 'counting';
  runs: string[] = [];
  constructor(
    private readonly ms = 20,
    private readonly voice = 'a',
  ) {
    super();
  }
  protected override get voiceKey(): string {
    return this.voice;
  }
  protected async *run(text: string, signal?: AbortSignal): AsyncIterable<Audio> {
    this.runs.push(text);
    for (const word of text.split(' ')) {
      await new Promise((resolve) => setTimeout(resolve, this.ms));
      if (signal?.aborted) return;
      yield { pcm: tone(440, 20 * word.length, 8000), sampleRate: 8000 };
    }
  }
}

const say = async (tts: Tts, text: string, sampleRate = 8000, signal?: AbortSignal) =>
  (await tts.synthesizeAll(text, { sampleRate, signal })).pcm;

let flite: FliteTts;
const metrics = new MetricsRecorder();

beforeAll(async () => {
  flite = await FliteTts.load({}, metrics.sink);
}, 60_000);
afterAll(async () => flite?.close());

describe('the TTS line cache', () => {
  it('flite synthesises a line once per voice and rate: the second call of the line does no synthesis', async () => {
    const cache = new TtsCache();
    flite.useCache(cache);
    const line = 'Hello, this is Green Park Clinic calling about your appointment.';
    const first = await say(flite, line);
    const synthesised = () => metrics.of('tts').filter((m) => !m.cached).length;
    const before = synthesised();
    const second = await say(flite, line);
    expect(second.equals(first)).toBe(true);
    expect(synthesised()).toBe(before); // nothing went to flite
    expect(metrics.of('tts').at(-1)).toMatchObject({ cached: true, ok: true });
    // Another rate is another entry (resampled once, then kept).
    const wide = await say(flite, line, 16000);
    expect(wide.length).toBe(first.length * 2);
    expect(synthesised()).toBe(before + 1);
    await say(flite, line, 16000);
    expect(synthesised()).toBe(before + 1);
    expect(cache.stats()).toMatchObject({ hits: 2, misses: 2, entries: 2 });
  }, 60_000);

  it('two calls asking for the same line at once share one synthesis', async () => {
    const tts = new CountingTts(30).useCache(new TtsCache());
    const [a, b, c] = await Promise.all([
      say(tts, 'good morning'),
      say(tts, 'good morning'),
      say(tts, 'bye'),
    ]);
    expect(a.equals(b)).toBe(true);
    expect(c.length).toBeGreaterThan(0);
    expect(tts.runs).toEqual(['good morning', 'bye']);
  });

  it('keys by voice and text (whitespace-normalised); a different voice synthesises again', async () => {
    const cache = new TtsCache();
    const a = new CountingTts(1, 'a').useCache(cache);
    const b = new CountingTts(1, 'b').useCache(cache);
    await say(a, 'see you  soon');
    await say(a, ' see you soon ');
    await say(b, 'see you soon');
    expect(a.runs).toHaveLength(1);
    expect(b.runs).toHaveLength(1);
  });

  it('a line cut short is not kept, and whoever waited for it synthesises it', async () => {
    const tts = new CountingTts(30).useCache(new TtsCache());
    const controller = new AbortController();
    const cut = say(tts, 'one two three four', 8000, controller.signal);
    const waiting = say(tts, 'one two three four');
    setTimeout(() => controller.abort(), 45);
    await expect(cut).rejects.toBeInstanceOf(SpeechError);
    expect((await waiting).length).toBeGreaterThan(0);
    expect(tts.runs).toHaveLength(2);
    await say(tts, 'one two three four');
    expect(tts.runs).toHaveLength(2); // the waiter's complete line was kept
  });

  it('stays within its byte budget, least recently used out first', async () => {
    const line = (n: number) => `w${'x'.repeat(n)}`; // 20 ms of tone per character
    const cache = new TtsCache(8000 * 2 * 0.5); // half a second of 8 kHz audio
    const tts = new CountingTts(1).useCache(cache);
    await say(tts, line(9)); // 200 ms
    await say(tts, line(4)); // 100 ms
    await say(tts, line(9)); // hit: now the most recent
    await say(tts, line(14)); // 300 ms: the 100 ms line goes
    expect(cache.stats()).toMatchObject({ entries: 2, evictions: 1 });
    expect(cache.stats().bytes).toBeLessThanOrEqual(8000);
    await say(tts, line(9));
    expect(tts.runs).toHaveLength(3);
    await say(tts, line(4));
    expect(tts.runs).toHaveLength(4);
  });
});
