import { WebSocketServer } from 'ws';
import { tone } from '../../../src/main/core/speech';
import { StreamConnection } from '../../../src/main/core/stream';
import { absNow, RATE } from '../timing';
import { isLoud } from './audio';

// The load generator's calibration bot: speaks a short greeting, then answers each caller line exactly
// `delayMs` after the caller's last loud frame ended (known when the next, quiet frame arrives), and
// records the delay it really kept. When a frame ended is read from the caller's steady 100 ms cadence:
// the k-th frame ends k × 100 ms after the stream's origin, which is the earliest (arrival − k × 100)
// seen so far, so a moment when this process was not scheduled does not shift it. A generator that
// measures voice-to-voice right reads this delay back for every call.

export interface BotReply {
  /** Wall time (ms since the epoch, comparable across processes) the last loud frame arrived. */
  lastLoudArrivedAbs: number;
  /** When it ended on the caller's cadence (≤ its arrival). */
  lastLoudEndAbs: number;
  /** Wall time the reply's first audio frame was sent. */
  sentAbs: number;
  /** The delay the bot really kept (its timer may fire late): sentAbs − lastLoudEndAbs. */
  keptMs: number;
}

export interface FixedDelayBot {
  url: string;
  /** Each call's replies in order, keyed by the call's last path segment (the generator's `call-<i>`). */
  replies: Map<string, BotReply[]>;
  close(): Promise<void>;
}

export async function startFixedDelayBot(o: { delayMs: number; replyMs?: number }): Promise<FixedDelayBot> {
  const replies = new Map<string, BotReply[]>();
  const reply = tone(523, o.replyMs ?? 400, RATE);
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  wss.on('connection', (ws, request) => {
    const call = (request.url ?? '').split('/').pop() ?? '';
    const sent: BotReply[] = [];
    replies.set(call, sent);
    const conn = new StreamConnection(ws, { sampleRate: RATE });
    let lastLoud: { arrivedAbs: number; endAbs: number } | null = null;
    let frames = 0;
    let origin = Infinity;
    let timer: NodeJS.Timeout | undefined;
    let turn = 0;
    const speak = () => {
      conn.sendAudio(reply);
      conn.flushAudio();
      conn.sendMark(`turn-${turn++}`);
    };
    conn.on('start', speak);
    conn.on('media', (frame) => {
      const arrivedAbs = absNow();
      frames += 1;
      origin = Math.min(origin, arrivedAbs - frames * 100);
      if (isLoud(frame.payload)) {
        lastLoud = { arrivedAbs, endAbs: origin + frames * 100 };
        clearTimeout(timer);
        return;
      }
      if (lastLoud === null) return;
      const loud = lastLoud;
      lastLoud = null;
      timer = setTimeout(
        () => {
          if (!conn.isOpen) return;
          const sentAbs = absNow();
          speak();
          sent.push({
            lastLoudArrivedAbs: loud.arrivedAbs,
            lastLoudEndAbs: loud.endAbs,
            sentAbs,
            keptMs: sentAbs - loud.endAbs,
          });
        },
        Math.max(0, loud.endAbs + o.delayMs - absNow()),
      );
    });
    conn.on('close', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve) => wss.once('listening', resolve));
  const address = wss.address();
  if (address === null || typeof address === 'string') throw new Error(`no TCP address: ${String(address)}`);
  return {
    url: `ws://127.0.0.1:${address.port}/bot/`,
    replies,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of wss.clients) client.terminate();
        wss.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
