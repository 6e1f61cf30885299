import type { Audio } from '../audio';
import { Asr, type AsrResult, type RecognizeOptions } from '../asr';
import { SpeechError, type SpeechErrorKind } from '../errors';
import type { MetricsSink } from '../metrics';

export type FakeAsrScript = string[] | ((audio: Audio, options: RecognizeOptions) => string);

/** Returns scripted text: the next line of a list ('' once it runs out), or what a function says. */
export class FakeAsr extends Asr {
  readonly provider = 'fake';
  readonly calls: { audio: Audio; options: RecognizeOptions }[] = [];
  private next = 0;

  constructor(
    private readonly script: FakeAsrScript,
    metrics?: MetricsSink,
    private readonly options: { failWith?: SpeechErrorKind } = {},
  ) {
    super(metrics);
  }

  protected run(audio: Audio, options: RecognizeOptions): Promise<AsrResult> {
    this.calls.push({ audio, options });
    if (this.options.failWith) {
      return Promise.reject(new SpeechError(this.options.failWith, 'asr', this.provider, 'scripted failure'));
    }
    const text =
      typeof this.script === 'function' ? this.script(audio, options) : (this.script[this.next++] ?? '');
    return Promise.resolve({ text });
  }
}
