import type { RawData, WebSocket } from 'ws';

/** How many reasons each socket is paused for: it reads again only when none is left. */
const holds = new WeakMap<WebSocket, number>();

/** Pauses the socket until the returned release is called (and no other hold is left). */
export function holdSocket(ws: WebSocket): () => void {
  const n = holds.get(ws) ?? 0;
  holds.set(ws, n + 1);
  if (n === 0) ws.pause();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (holds.get(ws) ?? 1) - 1;
    holds.set(ws, left);
    if (left === 0 && ws.readyState === ws.OPEN) ws.resume();
  };
}

const sizeOf = (data: RawData): number =>
  Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data.byteLength;

/**
 * Reads the socket no faster than `bytesPerSecond` after a burst of `burstBytes` (a token bucket):
 * past it the socket is paused until the sender is back within the pace, so TCP slows the sender
 * down and nothing is dropped. `onFirstThrottle` is called the first time it holds the socket.
 */
export function paceIntake(
  ws: WebSocket,
  bytesPerSecond: number,
  burstBytes: number,
  onFirstThrottle?: () => void,
): void {
  let tokens = burstBytes;
  let at = performance.now();
  let holding = false;
  let throttled = false;
  let timer: NodeJS.Timeout | undefined;
  ws.on('message', (data: RawData) => {
    const now = performance.now();
    tokens = Math.min(burstBytes, tokens + ((now - at) / 1000) * bytesPerSecond) - sizeOf(data);
    at = now;
    if (tokens >= 0 || holding) return;
    holding = true;
    if (!throttled) onFirstThrottle?.();
    throttled = true;
    const release = holdSocket(ws);
    timer = setTimeout(
      () => {
        holding = false;
        release();
      },
      (-tokens / bytesPerSecond) * 1000,
    );
  });
  ws.once('close', () => clearTimeout(timer));
}
