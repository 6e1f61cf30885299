import { describe, expect, it } from 'vitest';
import { createSpeechProviders, MetricsRecorder } from '../../../src/main/core/speech';
import { startOpenAiWireServer } from '../../helpers/openai-wire-server';

describe('createSpeechProviders', () => {
  it('builds the offline stack from an empty config and it speaks, hears and detects', async () => {
    const metrics = new MetricsRecorder();
    const speech = await createSpeechProviders({}, { metrics: metrics.sink });
    try {
      expect([speech.tts.provider, speech.asr.provider, speech.vad.provider, speech.llm]).toEqual([
        'flite',
        'soundswallower',
        'fvad',
        undefined,
      ]);
      const audio = await speech.tts.synthesizeAll('yes please', { sampleRate: 16000 });
      const heard = await speech.asr.recognize(audio, { grammar: { phrases: ['yes please', 'no'] } });
      expect(heard.text).toBe('yes please');
      const vad = speech.vad.create({ sampleRate: 16000, hangoverMs: speech.vadHangoverMs });
      expect(
        [...vad.push(audio.pcm), ...vad.push(Buffer.alloc(16000)), ...vad.close()].map((e) => e.type),
      ).toEqual(['speech_start', 'speech_end']);
      expect(metrics.metrics.map((m) => m.role)).toEqual(['tts', 'asr', 'vad']);
    } finally {
      speech.dispose();
    }
  });

  it('wires openai-compatible roles to the configured server with the key from the host', async () => {
    const server = await startOpenAiWireServer({ apiKey: 'k', chat: () => ({ text: 'hello there' }) });
    try {
      const speech = await createSpeechProviders(
        {
          llm: { kind: 'openai-compatible', model: 'llama3' },
          openai: { baseURL: server.baseURL, maxRetries: 0 },
        },
        { openaiApiKey: 'k' },
      );
      expect(speech.llm?.provider).toBe('openai-compatible');
      expect((await speech.llm?.complete({ messages: [{ role: 'user', content: 'hi' }] }))?.text).toBe(
        'hello there',
      );
      speech.dispose();
      await expect(
        createSpeechProviders({ asr: { kind: 'openai-compatible', model: 'whisper-1' } }),
      ).rejects.toThrow(/openai.baseURL is required/);
    } finally {
      await server.close();
    }
  });
});
