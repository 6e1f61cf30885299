import { setImmediate as yieldToLoop } from 'node:timers/promises';

/**
 * Decides when media time may be sent. The only place in the stream code that looks at the wall
 * clock: pacing audio to a real peer is the transport's job; everything else counts samples.
 */
export interface PacingClock {
  /** Marks media time 0 as "now". */
  begin(): void;
  /** Resolves when audio up to `mediaMs` may be sent. */
  waitUntil(mediaMs: number): Promise<void>;
  /** True when the clock follows the wall clock (so a live line sends silence between utterances). */
  readonly live: boolean;
}

export type Pacing = 'realtime' | 'fast' | { speed: number };

/** Real time (speed 1), or N× faster than real time: a line that never stops. */
export function wallClock(speed = 1): PacingClock {
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number`);
  let t0 = performance.now();
  return {
    live: true,
    begin() {
      t0 = performance.now();
    },
    waitUntil(mediaMs) {
      const delay = t0 + mediaMs / speed - performance.now();
      if (delay <= 0) return yieldToLoop();
      return new Promise((resolve) => setTimeout(resolve, delay));
    },
  };
}

/** As fast as possible: yields to the event loop between chunks so the peer's replies interleave. */
export function fastClock(): PacingClock {
  return {
    live: false,
    begin() {},
    waitUntil: () => yieldToLoop(),
  };
}

export function pacingClock(pacing: Pacing): PacingClock {
  if (pacing === 'fast') return fastClock();
  if (pacing === 'realtime') return wallClock(1);
  return wallClock(pacing.speed);
}
