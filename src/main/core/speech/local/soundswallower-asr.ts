import type { Decoder } from 'soundswallower';
import { Asr, type AsrResult, type RecognizedWord, type RecognizeOptions } from '../asr';
import { resampleAudio, toFloat32, type Audio } from '../audio';
import { SpeechError } from '../errors';
import { grammarToJsgf, grammarWords, type Grammar } from '../grammar';
import type { MetricsSink } from '../metrics';
import { soundswallowerModelBase, type LocalSpeechOptions } from './package-paths';

/** The acoustic model's rate: CMU's en-us telephony model is 8 kHz. */
export const ASR_SAMPLE_RATE = 8000;

interface Segment {
  t: string;
  b: number;
  d: number;
  p: number;
  w?: Segment[];
}

/**
 * Offline ASR: soundswallower (PocketSphinx in WASM) in JSGF grammar mode, with the grammar of the
 * current dialog state set per call. It recognises only the grammar's phrases, which is what a
 * scripted dialog needs, and is fast (RTF ~0.04).
 */
export class SoundswallowerAsr extends Asr {
  readonly provider = 'soundswallower';
  private currentJsgf?: string;

  private constructor(
    private readonly decoder: Decoder,
    metrics?: MetricsSink,
  ) {
    super(metrics);
  }

  static async load(options: LocalSpeechOptions = {}, metrics?: MetricsSink): Promise<SoundswallowerAsr> {
    try {
      // ESM-only package: loaded with import(); modelBase is explicit (its default is cwd-relative).
      const { default: createModule } = await import('soundswallower');
      let modelBase = options.asrModelBase ?? soundswallowerModelBase();
      if (!/[\\/]$/.test(modelBase)) modelBase += '/';
      const ss = await createModule({ modelBase, defaultModel: options.asrModel ?? 'en-us' } as never);
      const decoder = new ss.Decoder({ samprate: ASR_SAMPLE_RATE, loglevel: 'FATAL' });
      await decoder.initialize();
      return new SoundswallowerAsr(decoder, metrics);
    } catch (err) {
      throw new SpeechError(
        'unavailable',
        'asr',
        'soundswallower',
        `cannot load: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
  }

  /** Grammar words missing from the pronunciation dictionary (they cannot be recognised). */
  unknownWords(grammar: Grammar): string[] {
    return grammarWords(grammar).filter((w) => this.decoder.lookup_word(w) === null);
  }

  protected run(audio: Audio, options: RecognizeOptions): Promise<AsrResult> {
    const grammar = options.grammar;
    if (!grammar || grammarWords(grammar).length === 0) {
      throw new SpeechError(
        'bad_input',
        'asr',
        this.provider,
        'offline recognition needs a grammar (expected phrases)',
      );
    }
    const jsgf = grammarToJsgf(grammar);
    if (jsgf !== this.currentJsgf) {
      const unknown = this.unknownWords(grammar);
      if (unknown.length > 0) {
        throw new SpeechError(
          'bad_input',
          'asr',
          this.provider,
          `words not in the dictionary: ${unknown.join(', ')}`,
        );
      }
      this.decoder.set_grammar(jsgf);
      this.currentJsgf = jsgf;
    }
    const pcm = toFloat32(resampleAudio(audio, ASR_SAMPLE_RATE).pcm);
    this.decoder.start();
    this.decoder.process_audio(pcm, false, true);
    this.decoder.stop();
    const text = this.decoder.get_text();
    const alignment: Segment = this.decoder.get_alignment();
    const words: RecognizedWord[] = (alignment.w ?? [])
      .filter((w) => /^[a-z']/i.test(w.t))
      .map((w) => ({
        text: w.t.replace(/\(\d+\)$/, ''),
        startMs: Math.round(w.b * 1000),
        endMs: Math.round((w.b + w.d) * 1000),
        confidence: w.p,
      }));
    const confidence =
      words.length > 0 ? words.reduce((s, w) => s + (w.confidence ?? 0), 0) / words.length : undefined;
    return Promise.resolve({ text, words, confidence });
  }

  dispose(): void {
    this.decoder.delete();
  }
}
