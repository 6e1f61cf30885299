import WebSocket from 'ws';
import type { ServeProcess } from '../../helpers/serve-process';

/**
 * Runs in the page before its scripts: keeps each WebSocket the page opens, and while `__blocked`
 * points new ones at a path the server refuses, so reconnect attempts fail like a dead network.
 * While `__gap` is set, a reconnect names another core run (epoch) than the one the page saw, as
 * after a restart or more missed events than the server keeps: the server answers `gap` instead of
 * replaying, and the page must re-fetch.
 */
export const TAP_SOCKETS = `(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.__blocked = false;
  window.__gap = false;
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      let u = String(url);
      if (window.__blocked) u = u.replace('/bridge', '/blocked');
      else if (window.__gap) u = u.replace(/([?&]epoch=)[^&]*/, '$1another-run');
      super(u, protocols);
      window.__sockets.push(this);
    }
  };
})();`;

export interface Tapped {
  __sockets: WebSocket[];
  __blocked: boolean;
  __gap: boolean;
}

/** Calls the server's Api over a bridge connection of the test's own (the page's is not involved). */
export async function bridgeCalls(
  serve: ServeProcess,
  calls: { channel: string; request: unknown }[],
): Promise<{ ok: boolean; value: unknown }[]> {
  const ws = new WebSocket(`${serve.origin.replace('http', 'ws')}/bridge?token=${serve.token}`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const call = (id: number, channel: string, request: unknown) =>
    new Promise<{ ok: boolean; value: unknown }>((resolve) => {
      const onMessage = (d: Buffer) => {
        const f = JSON.parse(d.toString()) as {
          type: string;
          id?: number;
          result?: { ok: boolean; value: unknown };
        };
        if (f.type === 'result' && f.id === id) {
          ws.off('message', onMessage);
          resolve(f.result!);
        }
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ type: 'invoke', id, channel, request }));
    });
  try {
    const out: { ok: boolean; value: unknown }[] = [];
    for (const [i, c] of calls.entries()) out.push(await call(i + 1, c.channel, c.request));
    return out;
  } finally {
    ws.close();
  }
}
