import { int16 } from './audio';
import { SpeechError, toSpeechError } from './errors';
import type { MetricsSink } from './metrics';

export interface VadOptions {
  sampleRate: number;
  /** Silence after speech before `speech_end` fires (counted in samples). Default 300 ms. */
  hangoverMs?: number;
  /** Speech needed before `speech_start` fires, so clicks do not count. Default 60 ms. */
  minSpeechMs?: number;
  /**
   * Inside an utterance, a frame this many dB quieter than its loudest frame is silence even when the
   * provider calls it speech. WebRTC's VAD keeps saying "speech" for ~100-120 ms after the voice stops,
   * even over digital silence (its own hangover), and that lag was added to the endpointing silence.
   * A line whose noise is within this range of the voice is left to the provider. Default 40 dB;
   * null: the provider alone decides (its hangover included).
   */
  quietGateDb?: number | null;
}

/** Media times are ms since the first sample pushed into this detector. */
export type VadEvent =
  { type: 'speech_start'; atMs: number } | { type: 'speech_end'; atMs: number; startMs: number };

/**
 * Voice activity over one call's inbound audio, in media time: push PCM as it arrives, get speech
 * start / end events back. The base class frames the audio, applies the hangover and minimum speech
 * (both in samples), and records one metric when closed; providers classify a frame at a time.
 */
export abstract class Vad {
  abstract readonly provider: string;
  readonly sampleRate: number;
  private readonly hangoverSamples: number;
  private readonly minSpeechSamples: number;
  /** Energy ratio below the utterance's loudest frame that counts as silence. */
  private readonly quietRatio: number;
  private carry: Int16Array = new Int16Array(0);
  private oddByte?: Buffer; // a push may end mid-sample
  private position = 0; // samples classified so far
  private inSpeech = false;
  private runStart = -1; // first sample of the current run of speech frames
  private speechStart = 0;
  private lastSpeechEnd = 0;
  private runPeak = 0; // loudest frame (mean square) of the run or utterance under way
  private computeMs = 0;
  private closed = false;

  constructor(
    options: VadOptions,
    protected readonly metrics?: MetricsSink,
  ) {
    this.sampleRate = options.sampleRate;
    this.hangoverSamples = Math.round(((options.hangoverMs ?? 300) * options.sampleRate) / 1000);
    this.minSpeechSamples = Math.round(((options.minSpeechMs ?? 60) * options.sampleRate) / 1000);
    const gate = options.quietGateDb === undefined ? 40 : options.quietGateDb;
    this.quietRatio = gate === null ? 0 : 10 ** (-gate / 10);
  }

  /** Samples per frame the provider classifies. */
  protected abstract get frameSamples(): number;
  /** True if this frame (exactly frameSamples long) holds speech. */
  protected abstract isSpeech(frame: Int16Array): boolean;
  /** Frees provider resources. */
  protected dispose(): void {}

  get speaking(): boolean {
    return this.inSpeech;
  }

  /** Inside speech: where its last speech frame ended and the silence since (ms); null outside speech. */
  get trailingSilence(): { endMs: number; silentMs: number } | null {
    if (!this.inSpeech) return null;
    return { endMs: this.ms(this.lastSpeechEnd), silentMs: this.ms(this.position - this.lastSpeechEnd) };
  }

  /** Media time classified so far. */
  get positionMs(): number {
    return this.ms(this.position);
  }

  private ms(samples: number): number {
    return (samples * 1000) / this.sampleRate;
  }

  push(pcm: Buffer): VadEvent[] {
    if (this.closed) throw new SpeechError('bad_input', 'vad', this.provider, 'push after close');
    const t0 = performance.now();
    const events: VadEvent[] = [];
    try {
      let bytes = this.oddByte ? Buffer.concat([this.oddByte, pcm]) : pcm;
      this.oddByte = bytes.length % 2 === 1 ? Buffer.from(bytes.subarray(bytes.length - 1)) : undefined;
      if (this.oddByte) bytes = bytes.subarray(0, bytes.length - 1);
      let samples = int16(bytes);
      if (this.carry.length > 0) {
        const joined = new Int16Array(this.carry.length + samples.length);
        joined.set(this.carry);
        joined.set(samples, this.carry.length);
        samples = joined;
      }
      const n = this.frameSamples;
      let at = 0;
      for (; at + n <= samples.length; at += n) {
        const frame = samples.subarray(at, at + n);
        this.step(this.isSpeech(frame), meanSquare(frame), n, events);
      }
      this.carry = samples.slice(at);
    } catch (err) {
      throw toSpeechError(err, 'vad', this.provider);
    } finally {
      this.computeMs += performance.now() - t0;
    }
    return events;
  }

  private step(providerSpeech: boolean, energy: number, n: number, events: VadEvent[]): void {
    const frameStart = this.position;
    this.position += n;
    // Once speech is under way, the provider's "speech" on a frame far below its voice is its hangover.
    const speech = providerSpeech && (!this.inSpeech || energy >= this.runPeak * this.quietRatio);
    if (speech) {
      this.lastSpeechEnd = this.position;
      if (this.runStart < 0) this.runPeak = 0;
      this.runPeak = Math.max(this.runPeak, energy);
      if (this.inSpeech) return;
      if (this.runStart < 0) this.runStart = frameStart;
      if (this.position - this.runStart >= this.minSpeechSamples) {
        this.inSpeech = true;
        this.speechStart = this.runStart;
        events.push({ type: 'speech_start', atMs: this.ms(this.runStart) });
      }
      return;
    }
    if (!this.inSpeech) {
      this.runStart = -1; // a short burst followed by silence was a click
      return;
    }
    if (this.position - this.lastSpeechEnd >= this.hangoverSamples) {
      this.inSpeech = false;
      this.runStart = -1;
      events.push({
        type: 'speech_end',
        atMs: this.ms(this.lastSpeechEnd),
        startMs: this.ms(this.speechStart),
      });
    }
  }

  /** Ends the stream: closes an open utterance, records the call's metric, frees resources. */
  close(): VadEvent[] {
    if (this.closed) return [];
    this.closed = true;
    const events: VadEvent[] = [];
    if (this.inSpeech) {
      this.inSpeech = false;
      events.push({
        type: 'speech_end',
        atMs: this.ms(this.lastSpeechEnd),
        startMs: this.ms(this.speechStart),
      });
    }
    this.dispose();
    this.metrics?.({
      role: 'vad',
      provider: this.provider,
      durationMs: this.computeMs,
      audioMs: this.positionMs,
      ok: true,
    });
    return events;
  }
}

function meanSquare(frame: Int16Array): number {
  let sum = 0;
  for (const v of frame) sum += v * v;
  return frame.length > 0 ? sum / frame.length : 0;
}

/** Makes one Vad per call (detectors are stateful). */
export interface VadProvider {
  readonly provider: string;
  create(options: VadOptions): Vad;
}
