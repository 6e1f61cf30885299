import { toSpeechError, type SpeechError, type SpeechRole } from './errors';

export interface StreamStats {
  /** Wall-clock ms spent inside the provider (time the consumer held a chunk is not counted). */
  computeMs: number;
  firstChunkMs?: number;
  chunks: number;
  error?: SpeechError;
}

/**
 * Re-yields a provider's stream, timing only the provider's own work, turning anything it throws into
 * a SpeechError, and reporting once at the end (also when the consumer stops early).
 */
export async function* timedStream<T>(
  source: AsyncIterable<T>,
  role: SpeechRole,
  provider: string,
  signal: AbortSignal | undefined,
  onEnd: (stats: StreamStats) => void,
): AsyncGenerator<T> {
  const stats: StreamStats = { computeMs: 0, chunks: 0 };
  const it = source[Symbol.asyncIterator]();
  let done = false;
  try {
    for (;;) {
      const t0 = performance.now();
      let next: IteratorResult<T>;
      try {
        if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
        next = await it.next();
        if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
      } finally {
        stats.computeMs += performance.now() - t0;
      }
      if (next.done) break;
      stats.chunks++;
      stats.firstChunkMs ??= stats.computeMs;
      yield next.value;
    }
    done = true;
  } catch (err) {
    stats.error = toSpeechError(err, role, provider, signal);
    done = true;
    await it.return?.().catch(() => undefined); // the typed error below is what matters
    throw stats.error;
  } finally {
    if (!done) await it.return?.();
    onEnd(stats);
  }
}

/** Times one promise-returning provider call; errors become SpeechErrors. */
export async function timedCall<T>(
  run: () => Promise<T>,
  role: SpeechRole,
  provider: string,
  signal: AbortSignal | undefined,
): Promise<{ value?: T; computeMs: number; error?: SpeechError }> {
  const t0 = performance.now();
  try {
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    const value = await run();
    if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    return { value, computeMs: performance.now() - t0 };
  } catch (err) {
    return { computeMs: performance.now() - t0, error: toSpeechError(err, role, provider, signal) };
  }
}
