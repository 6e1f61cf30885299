import { audioDurationMs, MetricsRecorder, resampleAudio } from '../../../src/main/core/speech';
import { FakeAsr, FakeLlm, FakeTts, FakeVadProvider } from '../../../src/main/core/speech/testing';
import { describeSpeechConformance, scriptedReply, SENTENCES } from './conformance';

// The fakes pass the same suite, so tests that use them exercise the same contract.
describeSpeechConformance('fakes', async () => {
  const metrics = new MetricsRecorder();
  const tts = new FakeTts(metrics.sink);
  // FakeTts is deterministic, so a "recogniser" can know each sentence by its duration.
  const byDuration = new Map<number, string>();
  for (const s of [...SENTENCES, 'yes', 'no thank you']) {
    byDuration.set(
      Math.round(audioDurationMs(await new FakeTts().synthesizeAll(s, { sampleRate: 8000 })) / 10),
      s,
    );
  }
  const asr = new FakeAsr(
    (audio) => byDuration.get(Math.round(audioDurationMs(resampleAudio(audio, 8000)) / 10)) ?? '',
    metrics.sink,
  );
  return {
    tts,
    asr,
    llm: new FakeLlm(scriptedReply, metrics.sink),
    vad: new FakeVadProvider(metrics.sink),
    metrics,
    ttsStreams: true,
    werBound: 0,
    errorCases: [
      {
        name: 'scripted TTS failure',
        kind: 'unavailable',
        run: () =>
          new FakeTts(metrics.sink, { failWith: 'unavailable' }).synthesizeAll('hi', { sampleRate: 8000 }),
      },
      {
        name: 'scripted ASR failure',
        kind: 'provider',
        run: () =>
          new FakeAsr([], metrics.sink, { failWith: 'provider' }).recognize({
            pcm: Buffer.alloc(320),
            sampleRate: 8000,
          }),
      },
      {
        name: 'LLM script exhausted',
        kind: 'provider',
        run: () => new FakeLlm([], metrics.sink).complete({ messages: [{ role: 'user', content: 'hi' }] }),
      },
    ],
    dispose: () => Promise.resolve(),
  };
});
