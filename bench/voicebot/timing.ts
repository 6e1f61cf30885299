import { performance } from 'node:perf_hooks';
import type { PacingClock } from '../../src/main/core/stream';

// Timing helpers of the voicebot benchmarks, free of the app's storage so the callers' child process
// can use them alone.

export const RATE = 8000;

/** Wall time comparable across processes (ms since the epoch, sub-millisecond resolution). */
export const absNow = (): number => performance.timeOrigin + performance.now();

/** Real-time pacing (like the stream's wallClock) that exposes media time 0 as absolute wall time. */
export class KnownOriginClock implements PacingClock {
  readonly live = true;
  t0Abs = 0;
  begin(): void {
    this.t0Abs = absNow();
  }
  waitUntil(mediaMs: number): Promise<void> {
    const delay = this.t0Abs + mediaMs - absNow();
    return new Promise((resolve) => (delay <= 0 ? setImmediate(resolve) : setTimeout(resolve, delay)));
  }
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export const fmt = (v: number, digits = 1): string => (Number.isFinite(v) ? v.toFixed(digits) : '—');

/** "P50 x  P95 y  max z (n)" for a list of milliseconds. */
export function summary(values: readonly number[], ps: number[] = [50, 95], digits = 1): string {
  const parts = ps.map((p) => `P${p} ${fmt(percentile(values, p), digits)}`);
  const max = values.length ? values.reduce((a, b) => Math.max(a, b)) : NaN;
  return `${parts.join('  ')}  max ${fmt(max, digits)} ms  (n=${values.length})`;
}
