import { rms } from '../audio';
import type { MetricsSink } from '../metrics';
import { Vad, type VadOptions, type VadProvider } from '../vad';

/** Energy VAD: a 20 ms frame is speech when its RMS level is above a threshold. */
export class FakeVad extends Vad {
  readonly provider = 'fake';

  constructor(
    options: VadOptions,
    metrics?: MetricsSink,
    private readonly threshold = 500,
  ) {
    super(options, metrics);
  }

  protected get frameSamples(): number {
    return Math.round(this.sampleRate / 50);
  }

  protected isSpeech(frame: Int16Array): boolean {
    return rms(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)) > this.threshold;
  }
}

export class FakeVadProvider implements VadProvider {
  readonly provider = 'fake';
  constructor(
    private readonly metrics?: MetricsSink,
    private readonly threshold = 500,
  ) {}
  create(options: VadOptions): Vad {
    return new FakeVad(options, this.metrics, this.threshold);
  }
}
