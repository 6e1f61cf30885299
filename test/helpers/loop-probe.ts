import { performance } from 'node:perf_hooks';

/**
 * How long the event loop is held: a 2 ms timer notes the longest gap between its runs (minus
 * its 2 ms). `stop` returns that gap, counting up to the moment it is called.
 */
export function loopBlockProbe() {
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  let max = 0;
  return {
    start(): void {
      max = 0;
      last = performance.now();
      timer = setInterval(() => {
        const now = performance.now();
        max = Math.max(max, now - last - 2);
        last = now;
      }, 2);
    },
    stop(): number {
      clearInterval(timer);
      return Math.max(max, performance.now() - last - 2);
    },
  };
}
