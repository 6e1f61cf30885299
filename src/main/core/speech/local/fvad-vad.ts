import type { FvadModule } from '@echogarden/fvad-wasm';
import { SpeechError } from '../errors';
import type { MetricsSink } from '../metrics';
import { Vad, type VadOptions, type VadProvider } from '../vad';
import type { LocalSpeechOptions } from './package-paths';

let modulePromise: Promise<FvadModule> | undefined;

/** WebRTC VAD (fvad in WASM) over 20 ms frames. 24 kHz audio is averaged down to 8 kHz first. */
export class FvadVad extends Vad {
  readonly provider = 'fvad';
  private readonly handle: number;
  private readonly ptr: number;
  private readonly decimate: number;
  private readonly vadFrame: number;
  private readonly scratch: Int16Array;

  constructor(
    private readonly m: FvadModule,
    mode: number,
    options: VadOptions,
    metrics?: MetricsSink,
  ) {
    super(options, metrics);
    const rate = options.sampleRate;
    this.decimate = rate === 24000 ? 3 : 1;
    const vadRate = rate / this.decimate;
    if (![8000, 16000, 32000, 48000].includes(vadRate)) {
      throw new SpeechError('bad_input', 'vad', this.provider, `unsupported sample rate ${rate}`);
    }
    this.vadFrame = vadRate / 50;
    this.scratch = new Int16Array(this.vadFrame);
    this.handle = m._fvad_new();
    if (this.handle === 0) throw new SpeechError('provider', 'vad', this.provider, 'fvad_new failed');
    m._fvad_set_mode(this.handle, mode);
    m._fvad_set_sample_rate(this.handle, vadRate);
    this.ptr = m._malloc(this.vadFrame * 2);
  }

  protected get frameSamples(): number {
    return this.vadFrame * this.decimate;
  }

  protected isSpeech(frame: Int16Array): boolean {
    let samples = frame;
    if (this.decimate > 1) {
      for (let i = 0; i < this.vadFrame; i++) {
        let sum = 0;
        for (let k = 0; k < this.decimate; k++) sum += frame[i * this.decimate + k] ?? 0;
        this.scratch[i] = Math.round(sum / this.decimate);
      }
      samples = this.scratch;
    }
    this.m.HEAP16.set(samples, this.ptr >> 1); // HEAP16 is re-read: it changes if memory grows
    const r = this.m._fvad_process(this.handle, this.ptr, this.vadFrame);
    if (r < 0) throw new SpeechError('provider', 'vad', this.provider, 'fvad_process failed');
    return r === 1;
  }

  protected override dispose(): void {
    this.m._free(this.ptr);
    this.m._fvad_free(this.handle);
  }
}

export class FvadVadProvider implements VadProvider {
  readonly provider = 'fvad';

  private constructor(
    private readonly m: FvadModule,
    private readonly mode: number,
    private readonly metrics?: MetricsSink,
  ) {}

  static async load(options: LocalSpeechOptions = {}, metrics?: MetricsSink): Promise<FvadVadProvider> {
    try {
      // ESM-only package: loaded with import().
      modulePromise ??= import('@echogarden/fvad-wasm').then((mod) => mod.default());
      return new FvadVadProvider(await modulePromise, options.vadMode ?? 2, metrics);
    } catch (err) {
      modulePromise = undefined;
      throw new SpeechError('unavailable', 'vad', 'fvad', `cannot load: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }

  create(options: VadOptions): Vad {
    return new FvadVad(this.m, this.mode, options, this.metrics);
  }
}
