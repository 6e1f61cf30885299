import { createHash } from 'node:crypto';
import os from 'node:os';
import { z } from 'zod';
import { Asr, type AsrResult, type RecognizedWord, type RecognizeOptions } from '../asr';
import { resampleAudio, toFloat32, type Audio } from '../audio';
import { SpeechError } from '../errors';
import { grammarToJsgf, grammarWords, type Grammar } from '../grammar';
import type { MetricsSink } from '../metrics';
import { AsrPool, type AsrPoolStats } from './asr-pool';
import type { AsrWorkerFault } from './asr-worker-source';
import { soundswallowerModelBase, soundswallowerModuleUrl, type LocalSpeechOptions } from './package-paths';
import type { AsrJobInput } from './asr-pool';

/** The acoustic model's rate: CMU's en-us telephony model is 8 kHz. */
export const ASR_SAMPLE_RATE = 8000;

export interface SoundswallowerAsrOptions extends LocalSpeechOptions {
  /** Tests only: makes a worker crash, hang or slow down on a given job. */
  injectFault?: (input: AsrJobInput) => AsrWorkerFault | undefined;
}

/**
 * One decoder per core, each thread niced (asrNice, default 10) so the event loop carrying every
 * call's media wins the core whenever both want it. Measured on 2 cores (load generator, offline
 * stack, one run each, the machine shared): un-niced, two workers starved the loop (staggered N=20,
 * P95 811-960 ms) so one was the default; niced, two against one gave worst case N=40 P95 1,363 vs
 * 1,675 ms and staggered N=60 P50 499 vs 971 ms.
 */
export function defaultAsrWorkers(): number {
  return Math.min(8, Math.max(1, os.availableParallelism()));
}

const poolSchema = z.object({
  asrWorkers: z.number().int().min(1).max(16).default(defaultAsrWorkers),
  asrNice: z.number().int().min(0).max(19).default(10),
  asrDeadlineMs: z.number().int().min(10).max(60_000).default(400),
  asrStuckMs: z.number().int().min(100).max(600_000).default(15_000),
});

/** A grammar ready for a worker: its JSGF, words and key, made once per Grammar object. */
interface PreparedGrammar {
  key: string;
  jsgf: string;
  words: string[];
}

/**
 * Offline ASR: soundswallower (PocketSphinx in WASM) in JSGF grammar mode. It recognises only the
 * grammar's phrases, which is what a scripted dialog needs, and is fast (RTF ~0.04). Decodes run in a
 * pool of worker threads (AsrPool), never on the event loop that carries the calls' media.
 */
export class SoundswallowerAsr extends Asr {
  readonly provider = 'soundswallower';
  /** A dialog state's grammar object lives as long as its bot: its JSGF is built once, not per turn. */
  private readonly prepared = new WeakMap<Grammar, PreparedGrammar>();

  private constructor(
    private readonly pool: AsrPool,
    metrics?: MetricsSink,
  ) {
    super(metrics);
  }

  static async load(
    options: SoundswallowerAsrOptions = {},
    metrics?: MetricsSink,
  ): Promise<SoundswallowerAsr> {
    const parsed = poolSchema.safeParse(options);
    if (!parsed.success) {
      const why = z.prettifyError(parsed.error);
      throw new SpeechError('bad_input', 'asr', 'soundswallower', `bad options: ${why}`);
    }
    let pool: AsrPool | undefined;
    try {
      // modelBase is explicit (soundswallower's default is relative to the working directory).
      let modelBase = options.asrModelBase ?? soundswallowerModelBase();
      if (!/[\\/]$/.test(modelBase)) modelBase += '/';
      pool = new AsrPool({
        data: {
          moduleUrl: soundswallowerModuleUrl(),
          modelBase,
          model: options.asrModel ?? 'en-us',
          sampleRate: ASR_SAMPLE_RATE,
          nice: parsed.data.asrNice,
        },
        size: parsed.data.asrWorkers,
        deadlineMs: parsed.data.asrDeadlineMs,
        stuckMs: parsed.data.asrStuckMs,
        onLate: options.onAsrLate,
        onWorkerExit: options.onAsrWorkerExit,
        injectFault: options.injectFault,
      });
      await pool.warm();
      return new SoundswallowerAsr(pool, metrics);
    } catch (err) {
      pool?.dispose();
      if (err instanceof SpeechError) throw err;
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
  unknownWords(grammar: Grammar): Promise<string[]> {
    return this.pool.unknownWords(grammarWords(grammar));
  }

  /** The pool's counters: jobs, late jobs, grammar switches, worker crashes and timeouts. */
  stats(): AsrPoolStats {
    return this.pool.stats();
  }

  protected async run(audio: Audio, options: RecognizeOptions): Promise<AsrResult> {
    const grammar = options.grammar;
    const prepared = grammar && this.prepare(grammar);
    if (!prepared) {
      throw new SpeechError(
        'bad_input',
        'asr',
        this.provider,
        'offline recognition needs a grammar (expected phrases)',
      );
    }
    // The stream is 8 kHz (Exotel's default): then nothing is resampled.
    const pcm = toFloat32(resampleAudio(audio, ASR_SAMPLE_RATE).pcm);
    const r = await this.pool.decode(
      { pcm, ...prepared },
      {
        signal: options.signal,
        deadlineMs: options.deadlineMs,
        leadMs: options.leadMs,
        onLate: options.onLate,
      },
    );
    const words: RecognizedWord[] = r.words
      .filter((w) => /^[a-z']/i.test(w.t))
      .map((w) => ({
        text: w.t.replace(/\(\d+\)$/, ''),
        startMs: Math.round(w.b * 1000),
        endMs: Math.round((w.b + w.d) * 1000),
        confidence: w.p,
      }));
    const confidence =
      words.length > 0 ? words.reduce((s, w) => s + (w.confidence ?? 0), 0) / words.length : undefined;
    return { text: r.text, words, confidence, late: r.late, queueMs: r.queueMs };
  }

  private prepare(grammar: Grammar): PreparedGrammar | undefined {
    const hit = this.prepared.get(grammar);
    if (hit) return hit;
    const words = grammarWords(grammar);
    if (words.length === 0) return undefined;
    const jsgf = grammarToJsgf(grammar);
    // Equal JSGF text gets one key however many grammar objects carry it (workers cache by key).
    const key = createHash('sha256').update(jsgf).digest('base64url');
    const prepared = { key, jsgf, words };
    this.prepared.set(grammar, prepared);
    return prepared;
  }

  dispose(): void {
    this.pool.dispose();
  }

  /** `dispose`, then wait until every worker thread has exited. */
  async close(): Promise<void> {
    this.dispose();
    await this.pool.exited();
  }
}
