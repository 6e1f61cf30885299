import type OpenAI from 'openai';
import { decodeWav, type Audio } from '../audio';
import { SpeechError } from '../errors';
import type { MetricsSink } from '../metrics';
import { Tts } from '../tts';
import { createOpenAiClient, fromOpenAiError, mapStreamErrors, type OpenAiCompatibleOptions } from './client';

export interface OpenAiTtsOptions extends OpenAiCompatibleOptions {
  model: string;
  voice: string;
  /** `pcm` streams (raw PCM16LE at pcmSampleRate); `wav` arrives whole and carries its own rate. */
  format?: 'pcm' | 'wav';
  /** OpenAI's `pcm` is 24 kHz; other servers may differ. */
  pcmSampleRate?: number;
  speed?: number;
}

/** TTS through `POST /audio/speech`; audio is resampled to the stream's rate by the base class. */
export class OpenAiTts extends Tts {
  readonly provider = 'openai-compatible';
  private readonly client: OpenAI;

  constructor(
    private readonly options: OpenAiTtsOptions,
    metrics?: MetricsSink,
  ) {
    super(metrics);
    this.client = createOpenAiClient(options);
  }

  protected override get voiceKey(): string {
    const o = this.options;
    return JSON.stringify([
      o.baseURL,
      o.model,
      o.voice,
      o.format ?? 'pcm',
      o.pcmSampleRate ?? null,
      o.speed ?? null,
    ]);
  }

  protected run(text: string, signal?: AbortSignal): AsyncIterable<Audio> {
    return mapStreamErrors(this.stream(text, signal), 'tts', this.provider, signal);
  }

  private async *stream(text: string, signal?: AbortSignal): AsyncGenerator<Audio> {
    const format = this.options.format ?? 'pcm';
    let response: Response;
    try {
      response = await this.client.audio.speech.create(
        {
          model: this.options.model,
          voice: this.options.voice,
          input: text,
          response_format: format,
          speed: this.options.speed,
        },
        { signal },
      );
    } catch (err) {
      throw fromOpenAiError(err, 'tts', this.provider, signal);
    }
    if (!response.body) throw new SpeechError('bad_response', 'tts', this.provider, 'empty response body');
    if (format === 'wav') {
      const bytes = Buffer.from(await response.arrayBuffer());
      try {
        yield decodeWav(bytes);
      } catch (err) {
        throw new SpeechError(
          'bad_response',
          'tts',
          this.provider,
          `not a WAV file: ${(err as Error).message}`,
        );
      }
      return;
    }
    const rate = this.options.pcmSampleRate ?? 24_000;
    let carry: Buffer | undefined;
    let total = 0;
    for await (const part of response.body as unknown as AsyncIterable<Uint8Array>) {
      let pcm = Buffer.from(part);
      if (carry) pcm = Buffer.concat([carry, pcm]);
      carry = pcm.length % 2 === 1 ? pcm.subarray(pcm.length - 1) : undefined;
      if (carry) pcm = pcm.subarray(0, pcm.length - 1);
      if (pcm.length === 0) continue;
      total += pcm.length;
      yield { pcm, sampleRate: rate };
    }
    if (total === 0) throw new SpeechError('bad_response', 'tts', this.provider, 'no audio in the response');
  }
}
