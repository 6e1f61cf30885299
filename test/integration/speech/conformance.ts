import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  audioDurationMs,
  corpusWordErrorRate,
  silence,
  SpeechError,
  type Asr,
  type ChatRequest,
  type Grammar,
  type Llm,
  type MetricsRecorder,
  type SpeechErrorKind,
  type Tts,
  type VadEvent,
  type VadProvider,
} from '../../../src/main/core/speech';

// One suite every speech provider passes. A kit is a set of providers under test plus how to make
// them fail; the suite never knows which provider it is testing.

export const SENTENCES = [
  'please cancel my appointment',
  'yes i will be there on monday',
  'i would like to speak to an agent',
  'can we move it to next tuesday',
  'no thank you',
];

export const GRAMMAR: Grammar = {
  phrases: [
    ...SENTENCES,
    'please confirm my appointment',
    'yes',
    'no',
    'move it to friday',
    'speak to an agent',
  ],
};

/** The LLM convention every kit's model follows (scripted servers and fakes alike). */
export function scriptedReply(request: ChatRequest): {
  text?: string;
  toolCalls?: { name: string; arguments: string }[];
} {
  const last = [...request.messages].reverse().find((m) => m.role === 'user');
  const said = last?.content ?? '';
  if (said === 'hang up')
    return { text: 'Goodbye.', toolCalls: [{ name: 'end_call', arguments: '{"reason":"caller asked"}' }] };
  if (said === 'broken tool') return { toolCalls: [{ name: 'end_call', arguments: '{"reason": oops' }] };
  return { text: `You said: ${said}` };
}

export interface ErrorCase {
  name: string;
  run: () => Promise<unknown>;
  kind: SpeechErrorKind;
}

export interface ConformanceKit {
  tts: Tts;
  asr: Asr;
  /** Optional roles: the suite tests those a kit has. */
  llm?: Llm;
  vad?: VadProvider;
  metrics: MetricsRecorder;
  /** False for providers that deliver a sentence's audio whole (e.g. WAV responses). */
  ttsStreams: boolean;
  /** Largest corpus WER accepted on the TTS → ASR round trip. */
  werBound: number;
  /** Ways this provider fails, and the typed error each must give. */
  errorCases: ErrorCase[];
  /** Hook to slow a provider down so cancellation can land mid-stream (optional). */
  dispose(): Promise<void>;
}

async function expectSpeechError(promise: Promise<unknown>, kind: SpeechErrorKind): Promise<SpeechError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a SpeechError of kind ${kind}`).toBeInstanceOf(SpeechError);
  expect((err as SpeechError).kind).toBe(kind);
  return err as SpeechError;
}

async function drain<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of iterable) out.push(x);
  return out;
}

export interface ConformanceFigures {
  ttsMsPerSentence?: number;
  asrRtf?: number;
  wer?: number;
}

/** Registers the conformance suite for one provider kit; `figures` is filled for reporting. */
export function describeSpeechConformance(
  name: string,
  makeKit: () => Promise<ConformanceKit>,
): ConformanceFigures {
  const figures: ConformanceFigures = {};
  describe(`speech conformance: ${name}`, () => {
    let kit: ConformanceKit;
    beforeAll(async () => {
      kit = await makeKit();
    });
    afterAll(async () => {
      await kit?.dispose();
    });

    it('round-trips known sentences TTS → ASR under the WER bound, at 8 kHz', async () => {
      const pairs: { reference: string; hypothesis: string }[] = [];
      const ttsStart = kit.metrics.of('tts').length;
      const asrStart = kit.metrics.of('asr').length;
      for (const sentence of SENTENCES) {
        const audio = await kit.tts.synthesizeAll(sentence, { sampleRate: 8000 });
        expect(audio.sampleRate).toBe(8000);
        expect(audioDurationMs(audio)).toBeGreaterThan(150 * sentence.split(' ').length * 0.5);
        const result = await kit.asr.recognize(audio, { grammar: GRAMMAR });
        pairs.push({ reference: sentence, hypothesis: result.text });
      }
      const wer = corpusWordErrorRate(pairs);
      const tts = kit.metrics.of('tts').slice(ttsStart);
      const asr = kit.metrics.of('asr').slice(asrStart);
      figures.wer = wer.wer;
      figures.ttsMsPerSentence = tts.reduce((s, m) => s + m.durationMs, 0) / tts.length;
      figures.asrRtf =
        asr.reduce((s, m) => s + m.durationMs, 0) / asr.reduce((s, m) => s + (m.audioMs ?? 0), 0);
      console.log(
        `[${name}] WER ${(wer.wer * 100).toFixed(1)}%, TTS ${figures.ttsMsPerSentence.toFixed(1)} ms/sentence, ASR RTF ${figures.asrRtf.toFixed(3)}`,
        pairs.filter((p) => p.reference !== p.hypothesis),
      );
      expect(wer.wer).toBeLessThanOrEqual(kit.werBound);
      expect(tts).toHaveLength(SENTENCES.length);
      expect(tts.every((m) => m.ok && (m.audioMs ?? 0) > 0 && m.chars !== undefined)).toBe(true);
      expect(asr.every((m) => m.ok && m.durationMs >= 0)).toBe(true);
    });

    it('produces the same speech at 16 and 24 kHz (resampled), still recognisable', async () => {
      const sentence = SENTENCES[0] as string;
      const base = await kit.tts.synthesizeAll(sentence, { sampleRate: 8000 });
      for (const rate of [16000, 24000]) {
        const audio = await kit.tts.synthesizeAll(sentence, { sampleRate: rate });
        expect(audio.sampleRate).toBe(rate);
        expect(Math.abs(audioDurationMs(audio) - audioDurationMs(base))).toBeLessThan(30);
        const result = await kit.asr.recognize(audio, { grammar: GRAMMAR });
        expect(
          corpusWordErrorRate([{ reference: sentence, hypothesis: result.text }]).wer,
        ).toBeLessThanOrEqual(kit.werBound);
      }
    });

    it('streams TTS in chunks of whole samples, timing the first one', async () => {
      const before = kit.metrics.of('tts').length;
      const chunks = await drain(
        kit.tts.synthesize('Hello there. Your appointment is on Monday. Goodbye.', { sampleRate: 8000 }),
      );
      const least = kit.ttsStreams ? 2 : 1;
      expect(chunks.length).toBeGreaterThanOrEqual(least);
      expect(chunks.every((c) => c.length > 0 && c.length % 2 === 0)).toBe(true);
      const m = kit.metrics.of('tts').slice(before);
      expect(m).toHaveLength(1);
      expect(m[0]?.chunks).toBeGreaterThanOrEqual(least);
      expect(m[0]?.firstChunkMs).toBeLessThanOrEqual(m[0]?.durationMs ?? -1);
    });

    it('cancels: an aborted signal stops TTS mid-stream and ASR before it starts', async () => {
      const pre = new AbortController();
      pre.abort();
      await expectSpeechError(
        kit.tts.synthesizeAll('Hello.', { sampleRate: 8000, signal: pre.signal }),
        'aborted',
      );
      const audio = await kit.tts.synthesizeAll('no thank you', { sampleRate: 8000 });
      await expectSpeechError(kit.asr.recognize(audio, { grammar: GRAMMAR, signal: pre.signal }), 'aborted');

      const mid = new AbortController();
      let got = 0;
      const run = (async () => {
        for await (const _chunk of kit.tts.synthesize('One. Two. Three. Four. Five. Six.', {
          sampleRate: 8000,
          signal: mid.signal,
        })) {
          got++;
          mid.abort();
        }
      })();
      await expectSpeechError(run, 'aborted');
      expect(got).toBe(1);
      const last = kit.metrics.of('tts').at(-1);
      expect(last?.ok).toBe(false);
      expect(last?.errorKind).toBe('aborted');
    });

    it('rejects unusable input with typed errors', async () => {
      await expectSpeechError(kit.tts.synthesizeAll('   ', { sampleRate: 8000 }), 'bad_input');
      await expectSpeechError(
        kit.asr.recognize({ pcm: Buffer.alloc(0), sampleRate: 8000 }, { grammar: GRAMMAR }),
        'bad_input',
      );
    });

    it('turns provider failures into typed errors and failed metrics', async () => {
      for (const c of kit.errorCases) {
        const before = kit.metrics.metrics.length;
        const err = await expectSpeechError(c.run(), c.kind);
        expect(err.message.length, c.name).toBeGreaterThan(5);
        const recorded = kit.metrics.metrics.slice(before);
        expect(
          recorded.some((m) => !m.ok && m.errorKind === c.kind),
          c.name,
        ).toBe(true);
      }
    });

    it('LLM: streams text, returns parsed tool calls, reports bad tool JSON, cancels', async () => {
      const llm = kit.llm;
      if (!llm) return; // this kit has no LLM role
      const chunks = await drain(
        llm.chat({ messages: [{ role: 'user', content: 'what a lovely day it is' }] }),
      );
      const text = chunks.flatMap((c) => (c.type === 'text' ? [c.text] : []));
      expect(text.length).toBeGreaterThanOrEqual(2);
      expect(text.join('')).toBe('You said: what a lovely day it is');
      expect(chunks.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });

      const hang = await llm.complete({
        messages: [
          { role: 'system', content: 'You are a bot.' },
          { role: 'user', content: 'hang up' },
        ],
        tools: [
          { name: 'end_call', description: 'End the call', parameters: { type: 'object', properties: {} } },
        ],
      });
      expect(hang.text).toBe('Goodbye.');
      expect(hang.finishReason).toBe('tool_calls');
      expect(hang.toolCalls).toHaveLength(1);
      expect(hang.toolCalls[0]).toMatchObject({ name: 'end_call', arguments: { reason: 'caller asked' } });

      const broken = await llm.complete({ messages: [{ role: 'user', content: 'broken tool' }] });
      expect(broken.toolCalls[0]?.arguments).toBeUndefined();
      expect(broken.toolCalls[0]?.argumentsError).toMatch(/not JSON/);

      const ctrl = new AbortController();
      const run = (async () => {
        for await (const c of llm.chat({
          messages: [{ role: 'user', content: 'one two three four five' }],
          signal: ctrl.signal,
        })) {
          if (c.type === 'text') ctrl.abort();
        }
      })();
      await expectSpeechError(run, 'aborted');
      const m = kit.metrics.of('llm');
      expect(m.some((x) => x.ok && (x.firstChunkMs ?? -1) >= 0 && (x.chunks ?? 0) >= 2)).toBe(true);
      expect(m.at(-1)?.errorKind).toBe('aborted');
    });

    it('VAD: one utterance found in media time, the same however the audio is split', async () => {
      const vad = kit.vad;
      if (!vad) return; // this kit has no VAD role
      const speech = await kit.tts.synthesizeAll('please cancel my appointment', { sampleRate: 8000 });
      const audio = Buffer.concat([silence(500, 8000), speech.pcm, silence(1000, 8000)]);
      const whole = vad.create({ sampleRate: 8000, hangoverMs: 300 });
      const events = [...whole.push(audio), ...whole.close()];
      expect(events.map((e) => e.type)).toEqual(['speech_start', 'speech_end']);
      const [start, end] = events as [VadEvent, VadEvent];
      const speechMs = audioDurationMs(speech);
      expect(start.atMs).toBeGreaterThanOrEqual(500);
      expect(start.atMs).toBeLessThan(500 + 500); // flite leads with a little silence
      expect(end.atMs).toBeGreaterThan(500 + speechMs - 500);
      expect(end.atMs).toBeLessThanOrEqual(500 + speechMs + 40);

      const pieces = vad.create({ sampleRate: 8000, hangoverMs: 300 });
      const split: VadEvent[] = [];
      for (let at = 0, step = 331; at < audio.length; at += step, step = (step * 7) % 2000 || 2)
        split.push(...pieces.push(audio.subarray(at, at + step)));
      split.push(...pieces.close());
      expect(split).toEqual(events);
    });
  });
  return figures;
}
