import { describe, expect, it } from 'vitest';
import { createLogger, memorySink, type LogRecord } from '../../../src/main/core/logging';
import { createOpenAiClient, InsecureEndpointError, OpenAiLlm } from '../../../src/main/core/speech';
import { SpeechSource } from '../../../src/main/core/voicebot';
import { insecureBaseUrl, SpeechSettingsSchema } from '../../../src/shared/settings';

const speech = (baseUrl: string) => ({
  provider: 'openai' as const,
  baseUrl,
  llmModel: 'm',
  asrModel: '',
  ttsModel: '',
  ttsVoice: '',
});

describe('the speech API key never travels over plain http off this machine', () => {
  it('the settings schema refuses plain http except to loopback, naming the field', () => {
    const bad = SpeechSettingsSchema.safeParse(speech('http://llm.example.com/v1'));
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['baseUrl'] });
    expect(bad.error?.issues[0]?.message).toMatch(/Plain http is allowed only to this machine/);
    for (const ok of [
      'https://llm.example.com/v1',
      'http://127.0.0.1:11434/v1',
      'http://127.8.9.10/v1',
      'http://localhost:8000/v1',
      'http://[::1]:8000/v1',
    ])
      expect(SpeechSettingsSchema.safeParse(speech(ok)).success, ok).toBe(true);
    for (const bad of [
      'http://10.0.0.5/v1',
      'http://128.0.0.1/v1',
      'http://localhost.evil.com/v1',
      'http://[::2]/',
    ])
      expect(insecureBaseUrl(bad), bad).toBeDefined();
  });

  it('the provider refuses to be built with a plain-http remote base URL', () => {
    expect(() => createOpenAiClient({ baseURL: 'http://llm.example.com/v1', apiKey: 'sk-live' })).toThrow(
      InsecureEndpointError,
    );
    expect(
      () => new OpenAiLlm({ baseURL: 'http://llm.example.com/v1', apiKey: 'sk-live', model: 'm' }),
    ).toThrow(/Refusing the OpenAI-compatible endpoint http:\/\/llm\.example\.com\/v1/);
    expect(() => createOpenAiClient({ baseURL: 'http://127.0.0.1:9/v1', apiKey: 'k' })).not.toThrow();
  });

  it('the voicebot speech source refuses it (logged) and warns for loopback http', async () => {
    const logs: LogRecord[] = [];
    let baseURL = 'http://llm.example.com/v1';
    const source = new SpeechSource({
      current: () => ({
        config: { openai: { baseURL }, llm: { kind: 'openai-compatible', model: 'm' } },
        apiKey: 'sk-live',
      }),
      log: createLogger([memorySink(logs)]),
    });
    await expect(source.get()).rejects.toThrow(InsecureEndpointError);
    expect(logs.find((l) => l.message === 'speech providers failed to load')).toBeDefined();

    baseURL = 'http://127.0.0.1:9/v1';
    await source.get();
    expect(logs.map((l) => [l.level, l.message])).toContainEqual([
      'warn',
      'speech endpoint is plain http on this machine: fine for a local server only',
    ]);
    await source.dispose();
  });
});
