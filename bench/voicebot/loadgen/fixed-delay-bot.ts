import { WebSocketServer } from 'ws';
import { tone } from '../../../src/main/core/speech';
import { StreamConnection } from '../../../src/main/core/stream';
import { absNow, RATE } from '../timing';
import { isLoud } from './audio';

// The load generator's calibration bot: speaks a short greeting, then answers each caller line exactly
// `delayMs` after the caller's last loud frame reached it (known when the next, quiet frame arrives),
// and records the delay it really kept. A generator that measures voice-to-voice right reads this
// delay back for every call.

export interface FixedDelayBot {
  url: string;
  /**
   * The delay each reply really had on the bot's side (its timer may fire late), per call in order,
   * keyed by the call's last path segment (the generator's `call-<i>`).
   */
  kept: Map<string, number[]>;
  close(): Promise<void>;
}

export async function startFixedDelayBot(o: { delayMs: number; replyMs?: number }): Promise<FixedDelayBot> {
  const kept = new Map<string, number[]>();
  const reply = tone(523, o.replyMs ?? 400, RATE);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws, request) => {
    const call = (request.url ?? '').split('/').pop() ?? '';
    const delays: number[] = [];
    kept.set(call, delays);
    const conn = new StreamConnection(ws, { sampleRate: RATE });
    let lastLoudAt: number | null = null;
    let timer: NodeJS.Timeout | undefined;
    let turn = 0;
    const speak = () => {
      conn.sendAudio(reply);
      conn.flushAudio();
      conn.sendMark(`turn-${turn++}`);
    };
    conn.on('start', speak);
    conn.on('media', (frame) => {
      if (isLoud(frame.payload)) {
        lastLoudAt = absNow();
        clearTimeout(timer);
        return;
      }
      if (lastLoudAt === null) return;
      const loudAt = lastLoudAt;
      lastLoudAt = null;
      timer = setTimeout(
        () => {
          delays.push(absNow() - loudAt);
          if (conn.isOpen) speak();
        },
        Math.max(0, loudAt + o.delayMs - absNow()),
      );
    });
    conn.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const address = wss.address();
  if (address === null || typeof address === 'string') throw new Error(`no TCP address: ${String(address)}`);
  return {
    url: `ws://127.0.0.1:${address.port}/bot/`,
    kept,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of wss.clients) client.terminate();
        wss.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
