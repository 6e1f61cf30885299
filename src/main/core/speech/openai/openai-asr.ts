import type OpenAI from 'openai';
import { toFile } from 'openai';
import { z } from 'zod';
import { Asr, type AsrResult, type RecognizeOptions } from '../asr';
import { encodeWav, type Audio } from '../audio';
import { SpeechError } from '../errors';
import { normalizeGrammar } from '../grammar';
import type { MetricsSink } from '../metrics';
import { createOpenAiClient, fromOpenAiError, type OpenAiCompatibleOptions } from './client';

export interface OpenAiAsrOptions extends OpenAiCompatibleOptions {
  model: string;
  language?: string;
}

const transcription = z.object({ text: z.string() });

/**
 * ASR through `POST /audio/transcriptions` (multipart WAV). Free-form; the dialog state's expected
 * phrases go along as the `prompt`, one per line, to bias recognition.
 */
export class OpenAiAsr extends Asr {
  readonly provider = 'openai-compatible';
  private readonly client: OpenAI;

  constructor(
    private readonly options: OpenAiAsrOptions,
    metrics?: MetricsSink,
  ) {
    super(metrics);
    this.client = createOpenAiClient(options);
  }

  protected async run(audio: Audio, options: RecognizeOptions): Promise<AsrResult> {
    const file = await toFile(encodeWav(audio), 'utterance.wav', { type: 'audio/wav' });
    const prompt = options.grammar ? normalizeGrammar(options.grammar).join('\n') : undefined;
    let raw: unknown;
    try {
      raw = await this.client.audio.transcriptions.create(
        {
          file,
          model: this.options.model,
          language: options.language ?? this.options.language,
          prompt,
          response_format: 'json',
        },
        { signal: options.signal },
      );
    } catch (err) {
      throw fromOpenAiError(err, 'asr', this.provider, options.signal);
    }
    const parsed = transcription.safeParse(raw);
    if (!parsed.success)
      throw new SpeechError('bad_response', 'asr', this.provider, 'response has no "text"');
    return { text: parsed.data.text };
  }
}
