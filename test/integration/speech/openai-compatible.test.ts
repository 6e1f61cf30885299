import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  FliteTts,
  MetricsRecorder,
  OpenAiAsr,
  OpenAiLlm,
  OpenAiTts,
  SoundswallowerAsr,
  type ChatMessage,
} from '../../../src/main/core/speech';
import { startOpenAiWireServer } from '../../helpers/openai-wire-server';
import { describeSpeechConformance, scriptedReply } from './conformance';

const KEY = 'sk-test-123';

/** A port nothing listens on (bound, then released). */
async function deadPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

for (const format of ['pcm', 'wav'] as const) {
  describeSpeechConformance(`openai-compatible (speech as ${format})`, async () => {
    const flite = await FliteTts.load();
    const recogniser = await SoundswallowerAsr.load();
    const server = await startOpenAiWireServer({
      apiKey: KEY,
      tts: flite,
      asr: recogniser,
      chat: (req) =>
        scriptedReply({
          messages: req.messages.map((m) => ({ role: m.role, content: m.content ?? '' }) as ChatMessage),
        }),
    });
    const conn = { baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 };
    const metrics = new MetricsRecorder();
    const tts = new OpenAiTts({ ...conn, model: 'tts-1', voice: 'alloy', format }, metrics.sink);
    const asr = new OpenAiAsr({ ...conn, model: 'whisper-1' }, metrics.sink);
    const llm = new OpenAiLlm({ ...conn, model: 'gpt-test' }, metrics.sink);
    const port = await deadPort();
    const audio = await flite.synthesizeAll('no thank you', { sampleRate: 8000 });
    return {
      tts,
      asr,
      llm,
      metrics,
      ttsStreams: format === 'pcm',
      werBound: 0.05,
      errorCases: [
        {
          name: 'wrong API key',
          kind: 'auth',
          run: () =>
            new OpenAiTts({ ...conn, apiKey: 'wrong', model: 'm', voice: 'v' }, metrics.sink).synthesizeAll(
              'hi',
              { sampleRate: 8000 },
            ),
        },
        {
          name: 'server error on speech',
          kind: 'provider',
          run: () => {
            server.failNext('/v1/audio/speech', 500, 'boom');
            return tts.synthesizeAll('hi', { sampleRate: 8000 });
          },
        },
        {
          name: 'rate limited transcription',
          kind: 'rate_limited',
          run: () => {
            server.failNext('/v1/audio/transcriptions', 429, 'slow down');
            return asr.recognize(audio, { grammar: { phrases: ['no thank you'] } });
          },
        },
        {
          name: 'bad request on chat',
          kind: 'bad_input',
          run: () => {
            server.failNext('/v1/chat/completions', 400, 'bad model');
            return llm.complete({ messages: [{ role: 'user', content: 'hi' }] });
          },
        },
        {
          name: 'server unreachable',
          kind: 'unavailable',
          run: () =>
            new OpenAiLlm(
              { baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, model: 'm' },
              metrics.sink,
            ).complete({
              messages: [{ role: 'user', content: 'hi' }],
            }),
        },
        {
          name: 'a stalled chat stream aborted by the caller',
          kind: 'aborted',
          run: async () => {
            server.stallNext('/v1/chat/completions', true);
            const ctrl = new AbortController();
            const pending = llm.complete({
              messages: [{ role: 'user', content: 'hi' }],
              signal: ctrl.signal,
            });
            setTimeout(() => ctrl.abort(), 100);
            return pending;
          },
        },
        {
          name: 'a stalled speech request aborted by the caller',
          kind: 'aborted',
          run: async () => {
            server.stallNext('/v1/audio/speech');
            const ctrl = new AbortController();
            const pending = tts.synthesizeAll('hello', { sampleRate: 8000, signal: ctrl.signal });
            setTimeout(() => ctrl.abort(), 100);
            return pending;
          },
        },
      ],
      dispose: async () => {
        await server.close();
        flite.dispose();
        recogniser.dispose();
      },
    };
  });
}

describe('openai-compatible requests on the wire', () => {
  it('sends the model, voice, format, key, grammar hint and tool schema as the API expects', async () => {
    const server = await startOpenAiWireServer({ apiKey: KEY, chat: () => ({ text: 'ok' }) });
    try {
      const conn = { baseURL: server.baseURL, apiKey: KEY, maxRetries: 0 };
      await new OpenAiTts({ ...conn, model: 'tts-1', voice: 'nova' }).synthesizeAll('Hello.', {
        sampleRate: 8000,
      });
      const flite = await FliteTts.load();
      const audio = await flite.synthesizeAll('yes', { sampleRate: 8000 });
      flite.dispose();
      await new OpenAiAsr({ ...conn, model: 'whisper-1', language: 'en' }).recognize(audio, {
        grammar: { phrases: ['Yes!', 'No'] },
      });
      await new OpenAiLlm({ ...conn, model: 'llama3' }).complete({
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            content: '',
            toolCalls: [{ id: 'c1', name: 'set_disposition', argumentsJson: '{"d":"x"}' }],
          },
          { role: 'tool', toolCallId: 'c1', content: 'done' },
        ],
        tools: [{ name: 'set_disposition', description: 'd', parameters: { type: 'object' } }],
      });
      const [speech, transcription, chat] = server.requests;
      expect(speech?.headers.authorization).toBe(`Bearer ${KEY}`);
      expect(speech?.json).toMatchObject({
        model: 'tts-1',
        voice: 'nova',
        input: 'Hello.',
        response_format: 'pcm',
      });
      expect(transcription?.fields).toMatchObject({ model: 'whisper-1', language: 'en' });
      expect(transcription?.fields?.prompt).toMatch(/^yes\r?\nno$/); // form-data may send CRLF
      expect(transcription?.fileBytes).toBe(44 + audio.pcm.length);
      expect(chat?.json).toMatchObject({
        model: 'llama3',
        stream: true,
        messages: [
          { role: 'user', content: 'hi' },
          {
            role: 'assistant',
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'set_disposition', arguments: '{"d":"x"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'done' },
        ],
        tools: [{ type: 'function', function: { name: 'set_disposition', parameters: { type: 'object' } } }],
      });
    } finally {
      await server.close();
    }
  });
});
