import { APIConnectionError, APIError, APIUserAbortError } from 'openai';
import { describe, expect, it } from 'vitest';
import {
  fromOpenAiError,
  MetricsRecorder,
  speechConfigSchema,
  SpeechError,
  Tts,
  type Audio,
} from '../../../src/main/core/speech';
import { FakeLlm, FakeTts } from '../../../src/main/core/speech/testing';

/** Yields odd-sized pieces at 24 kHz, as a network stream might. */
class OddTts extends Tts {
  readonly provider = 'odd';
  protected async *run(): AsyncIterable<Audio> {
    const pcm = Buffer.alloc(4800 * 2, 1); // 200 ms at 24 kHz
    await Promise.resolve();
    for (let at = 0; at < pcm.length; at += 333) yield { pcm: pcm.subarray(at, at + 333), sampleRate: 24000 };
  }
}

describe('Tts base', () => {
  it('resamples to the requested rate and keeps chunks on whole samples', async () => {
    const metrics = new MetricsRecorder();
    const tts = new OddTts(metrics.sink);
    const chunks: Buffer[] = [];
    for await (const c of tts.synthesize('hello', { sampleRate: 24000 })) chunks.push(c);
    expect(chunks.every((c) => c.length % 2 === 0)).toBe(true);
    expect(Buffer.concat(chunks).length).toBe(9600);
    expect(metrics.of('tts')[0]).toMatchObject({ ok: true, chars: 5, audioMs: 200 });
    const at8k = await new FakeTts().synthesizeAll('one two', { sampleRate: 8000 });
    const at16k = await new FakeTts().synthesizeAll('one two', { sampleRate: 16000 });
    expect(at16k.pcm.length).toBe(at8k.pcm.length * 2);
  });

  it('rejects empty and over-long text as bad input', async () => {
    const tts = new FakeTts();
    await expect(tts.synthesizeAll(' \n ', { sampleRate: 8000 })).rejects.toMatchObject({
      kind: 'bad_input',
    });
    await expect(tts.synthesizeAll('a'.repeat(5000), { sampleRate: 8000 })).rejects.toMatchObject({
      kind: 'bad_input',
    });
    expect(tts.texts).toEqual([]); // the provider was never called
  });
});

describe('Llm base', () => {
  it('streams, gathers, parses tool arguments and flags malformed ones', async () => {
    const llm = new FakeLlm([
      { text: 'Sure, moving it.' },
      { toolCalls: [{ name: 'transfer_to_agent', arguments: { why: 'asked' } }] },
      { toolCalls: [{ name: 'end_call', arguments: '{bad' }] },
    ]);
    const first = await llm.complete({ messages: [{ role: 'user', content: 'move it' }] });
    expect(first).toEqual({ text: 'Sure, moving it.', toolCalls: [], finishReason: 'stop' });
    const second = await llm.complete({ messages: [{ role: 'user', content: 'agent' }] });
    expect(second.toolCalls[0]).toMatchObject({ name: 'transfer_to_agent', arguments: { why: 'asked' } });
    expect(second.finishReason).toBe('tool_calls');
    const third = await llm.complete({ messages: [{ role: 'user', content: 'x' }] });
    expect(third.toolCalls[0]?.argumentsError).toMatch(/not JSON/);
    expect(llm.requests).toHaveLength(3);
    await expect(llm.complete({ messages: [] })).rejects.toMatchObject({ kind: 'bad_input' });
  });

  it("refuses tool arguments that carry prototype keys or nest too deep (a model's output is outside input)", async () => {
    const llm = new FakeLlm([
      { toolCalls: [{ name: 'set_disposition', arguments: '{"__proto__":{"polluted":1}}' }] },
      { toolCalls: [{ name: 'set_disposition', arguments: '{"a":'.repeat(50) + '1' + '}'.repeat(50) }] },
    ]);
    const poisoned = await llm.complete({ messages: [{ role: 'user', content: 'x' }] });
    expect(poisoned.toolCalls[0]?.argumentsError).toMatch(/refused: key "__proto__" is not allowed/);
    expect(poisoned.toolCalls[0]?.arguments).toBeUndefined();
    const deep = await llm.complete({ messages: [{ role: 'user', content: 'y' }] });
    expect(deep.toolCalls[0]?.argumentsError).toMatch(/refused: .*deeper/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('openai error mapping', () => {
  it('maps SDK errors to typed kinds', () => {
    const api = (status: number) => new APIError(status, { message: 'm' }, 'm', new Headers());
    expect(fromOpenAiError(api(401), 'llm', 'p').kind).toBe('auth');
    expect(fromOpenAiError(api(403), 'llm', 'p').kind).toBe('auth');
    expect(fromOpenAiError(api(429), 'llm', 'p').kind).toBe('rate_limited');
    expect(fromOpenAiError(api(422), 'llm', 'p').kind).toBe('bad_input');
    expect(fromOpenAiError(api(503), 'llm', 'p')).toMatchObject({ kind: 'provider', status: 503 });
    expect(fromOpenAiError(new APIUserAbortError(), 'tts', 'p').kind).toBe('aborted');
    expect(fromOpenAiError(new APIConnectionError({ message: 'refused' }), 'asr', 'p').kind).toBe(
      'unavailable',
    );
    const passthrough = new SpeechError('bad_input', 'asr', 'p', 'x');
    expect(fromOpenAiError(passthrough, 'asr', 'p')).toBe(passthrough);
  });
});

describe('speech config', () => {
  it('defaults to the offline stack and requires a connection for openai-compatible roles', () => {
    expect(speechConfigSchema.parse({})).toEqual({
      tts: { kind: 'local', voice: 'kal' },
      asr: { kind: 'local' },
      vad: { kind: 'local', mode: 2, hangoverMs: 300 },
      llm: { kind: 'none' },
    });
    expect(speechConfigSchema.safeParse({ llm: { kind: 'openai-compatible', model: 'm' } }).success).toBe(
      false,
    );
    const ok = speechConfigSchema.parse({
      llm: { kind: 'openai-compatible', model: 'llama3' },
      openai: { baseURL: 'http://127.0.0.1:11434/v1' },
    });
    expect(ok.llm).toEqual({ kind: 'openai-compatible', model: 'llama3' });
  });
});
