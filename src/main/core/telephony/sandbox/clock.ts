/**
 * Sandbox time: script seconds run `timeScale` times as long on the wall clock (0.01 → 100× faster),
 * so tests ring, talk and hang up in milliseconds. This simulates a telephony network, not media:
 * stream audio is paced by the stream side, not here.
 */
export class SandboxClock {
  private readonly realStart = Date.now();

  constructor(readonly timeScale = 1) {
    if (!(timeScale > 0)) throw new RangeError('timeScale must be > 0');
  }

  /** Sandbox "now" in ms since the epoch (runs 1/timeScale as fast as the wall clock). */
  now(): number {
    return this.realStart + (Date.now() - this.realStart) / this.timeScale;
  }

  /** Waits `seconds` of sandbox time; resolves false early if the signal aborts. */
  sleep(seconds: number, signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (completed: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        resolve(completed);
      };
      const onAbort = () => done(false);
      const timer = setTimeout(() => done(true), Math.max(0, seconds * 1000 * this.timeScale));
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Sandbox seconds elapsed since a sandbox timestamp from now(). */
  secondsSince(start: number): number {
    return Math.max(0, Math.round((this.now() - start) / 1000));
  }
}

export { exotelTimestamp } from '../exotel/wire';
