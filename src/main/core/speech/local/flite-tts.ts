import fs from 'node:fs';
import { z } from 'zod';
import { decodeWav, type Audio } from '../audio';
import { SpeechError } from '../errors';
import type { MetricsSink } from '../metrics';
import { Tts } from '../tts';
import { FlitePool, type FlitePoolStats } from './flite-pool';
import type { WorkerFault } from './flite-worker-source';
import { fliteWasmPath, type LocalSpeechOptions } from './package-paths';

export interface FliteTtsOptions extends LocalSpeechOptions {
  /** Tests only: makes a worker crash or hang on a given attempt (1 or 2) of a sentence. */
  injectFault?: (sentence: string, attempt: number) => WorkerFault | undefined;
}

const poolSchema = z.object({
  ttsWorkers: z.number().int().min(1).max(16).default(1),
  ttsTimeoutMs: z.number().int().min(50).max(600_000).default(15_000),
});

/** Sentences, so a long prompt streams one sentence at a time. */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?;:])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Control characters dropped; the padding keeps text that starts with "-" from being read as an option. */
function forFlite(sentence: string): string {
  return ` ${[...sentence].map((c) => (c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127 ? ' ' : c)).join('')} `;
}

/** A cheap check that the file is a WebAssembly binary; compiling is the worker's job. */
async function checkWasm(file: string): Promise<void> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const head = Buffer.alloc(4);
    await fd.read(head, 0, 4, 0);
    if (!head.equals(Buffer.from([0, 0x61, 0x73, 0x6d])))
      throw new Error(`${file} is not a WebAssembly file`);
  } finally {
    await fd.close();
  }
}

/**
 * Offline TTS: Flite (WASI build) with the kal voice, 8 kHz native. Flite runs in a small pool of child
 * processes (see FlitePool): Node's WASI crashes now and then, and must not take the host with it.
 */
export class FliteTts extends Tts {
  readonly provider = 'flite';

  private constructor(
    private readonly pool: FlitePool,
    private readonly voice: string,
    metrics?: MetricsSink,
  ) {
    super(metrics);
  }

  protected override get voiceKey(): string {
    return this.voice;
  }

  static async load(options: FliteTtsOptions = {}, metrics?: MetricsSink): Promise<FliteTts> {
    const parsed = poolSchema.safeParse(options);
    if (!parsed.success)
      throw new SpeechError('bad_input', 'tts', 'flite', `bad options: ${z.prettifyError(parsed.error)}`);
    const wasmPath = options.fliteWasm ?? fliteWasmPath();
    try {
      await checkWasm(wasmPath);
    } catch (err) {
      throw new SpeechError(
        'unavailable',
        'tts',
        'flite',
        `cannot load flite.wasm: ${(err as Error).message}`,
        {
          cause: err,
        },
      );
    }
    const voice = options.voice ?? 'kal';
    const pool = new FlitePool({
      wasmPath,
      voice,
      size: parsed.data.ttsWorkers,
      timeoutMs: parsed.data.ttsTimeoutMs,
      onWorkerExit: options.onTtsWorkerExit,
      launcher: options.workerLauncher,
      injectFault: options.injectFault && ((text, attempt) => options.injectFault?.(text.trim(), attempt)),
    });
    return new FliteTts(pool, voice, metrics);
  }

  protected async *run(text: string, signal?: AbortSignal): AsyncIterable<Audio> {
    for (const sentence of splitSentences(text)) {
      if (signal?.aborted) return;
      const wav = await this.pool.synthesize(forFlite(sentence), signal);
      let audio: Audio;
      try {
        audio = decodeWav(wav);
      } catch (err) {
        throw new SpeechError('bad_response', 'tts', this.provider, 'flite wrote an unreadable WAV', {
          cause: err,
        });
      }
      yield audio;
    }
  }

  /** Worker counts (spawned, deaths, retries, timeouts) and live pids, for logs and tests. */
  stats(): FlitePoolStats {
    return this.pool.stats();
  }

  /** Kills the workers and removes their temp folders; pending syntheses fail as `unavailable`. */
  dispose(): void {
    this.pool.dispose();
  }

  /** `dispose`, then wait until every worker process has exited. */
  async close(): Promise<void> {
    this.dispose();
    await this.pool.exited();
  }
}
