import { FliteTts, FvadVadProvider, MetricsRecorder, SoundswallowerAsr } from '../../../src/main/core/speech';
import { describeSpeechConformance, GRAMMAR } from './conformance';

// The offline defaults: flite → soundswallower with a grammar holding the test sentences, fvad.
describeSpeechConformance('local (flite, soundswallower, fvad)', async () => {
  const metrics = new MetricsRecorder();
  const tts = await FliteTts.load({}, metrics.sink);
  const asr = await SoundswallowerAsr.load({}, metrics.sink);
  const vad = await FvadVadProvider.load({}, metrics.sink);
  return {
    tts,
    asr,
    vad,
    metrics,
    ttsStreams: true,
    werBound: 0.05,
    errorCases: [
      {
        name: 'grammar word missing from the dictionary',
        kind: 'bad_input',
        run: async () =>
          asr.recognize(await tts.synthesizeAll('yes', { sampleRate: 8000 }), {
            grammar: { phrases: [...GRAMMAR.phrases, 'zyxqwv'] },
          }),
      },
      {
        name: 'no grammar for a grammar-only recogniser',
        kind: 'bad_input',
        run: async () => asr.recognize(await tts.synthesizeAll('yes', { sampleRate: 8000 })),
      },
    ],
    dispose: async () => {
      asr.dispose();
      await tts.close(); // kills the flite workers and waits for them to exit
    },
  };
});
